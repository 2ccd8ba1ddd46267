//! Format 2, construct by construct (issue 14): each is checked at load time (a fixture per
//! diagnostic), played by the engine, explored exactly (the soundness cross-check), drawn by
//! `graph`, and kept by saves.
//!
//! Replies: a choice's `reply` is shown right after it is taken; without `goto` or `branches`
//! the game stays in the scene, whose text is not shown again.

use crate::check::check;
use crate::engine::{play, story};
use crate::support::{self, assert_shows};
use interview::engine::{self, Game};
use interview::save;
use interview::tools::explore::{Config, cross_check};

const REPLIES: &str = "tests/fixtures/play/replies";

/// A scene whose choices answer in a line and stay, beside ones that move on.
const ROOM: &str = r#"
 Scene(id: "start", text: "A bare room.", on_enter: [ Add("n", 1) ],
   choices: [
     Choice(text: "Smile", reply: "Nobody smiles back.", once: true),
     Choice(text: "Fidget", reply: "Fidgeting ({n}).", effects: [ Add("n", 1) ]),
     Choice(text: "Leave", reply: [ Text("You stand."), If(Flag("b"), "Bravely.") ], goto: "end"),
   ]),"#;

#[test]
fn a_reply_that_stays_shows_the_same_choices_without_entering_again() {
    let s = story(ROOM);
    let (mut state, _) = engine::new_game(&s, 1).unwrap();
    let out = engine::choose(&s, &mut state, 0).unwrap();
    assert_eq!(out.reply.as_deref(), Some("Nobody smiles back."));
    assert!(out.stayed);
    assert!(out.passed.is_empty());
    // Not entered again: `on_enter` ran once (n = 1 + 1).
    assert_eq!(state.vars()[1].to_string(), "2");
    // The once-only choice is gone; the others stay.
    assert_eq!(play(&s, 1, &[1]), "A bare room.\nFidget\nLeave");
    // The reply is rendered after the choice's effects.
    let out = engine::choose(&s, &mut state, 1).unwrap();
    assert_eq!(out.reply.as_deref(), Some("Fidgeting (3)."));
    assert!(out.stayed);
    assert_eq!(state.turn(), 2);
}

#[test]
fn a_reply_with_a_goto_prints_before_the_next_scene() {
    let s = story(ROOM);
    let (mut state, _) = engine::new_game(&s, 1).unwrap();
    let out = engine::choose(&s, &mut state, 2).unwrap();
    assert_eq!(out.reply.as_deref(), Some("You stand."));
    assert!(!out.stayed);
    assert_eq!(play(&s, 1, &[3]), "Fin.\nTHE END: The End");
}

#[test]
fn a_reply_that_shows_nothing_is_no_reply() {
    let s = story(
        r#"Scene(id: "start", text: "Room.", choices: [
             Choice(text: "Look", reply: [ If(Flag("b"), "Bold.") ]),
             Choice(text: "Go", goto: "end"),
           ]),"#,
    );
    let (mut state, _) = engine::new_game(&s, 1).unwrap();
    let out = engine::choose(&s, &mut state, 0).unwrap();
    assert_eq!(out.reply, None);
    assert!(out.stayed);
}

#[test]
fn staying_keeps_the_rolls_and_takes_the_fallback_when_nothing_is_left() {
    let s = story(
        r#"Scene(id: "start", text: "Room.", choices: [
             Choice(text: "Lucky", if: Chance(50), reply: "Lucky.", effects: [ Add("n", 1) ]),
             Choice(text: "Ask", reply: "Asked.", once: true),
             Choice(text: "Out", fallback: true, goto: "end"),
           ]),"#,
    );
    for seed in 0..20 {
        let (mut state, _) = engine::new_game(&s, seed).unwrap();
        let lucky = engine::view(&s, &state).choices.len() == 2;
        let ask = if lucky { 1 } else { 0 };
        let before = state.rolls().to_vec();
        let out = engine::choose(&s, &mut state, 1).unwrap();
        assert_eq!(out.reply.as_deref(), Some("Asked."));
        if lucky {
            // Still the same roll: the lucky choice is still there.
            assert!(out.stayed);
            assert_eq!(state.rolls(), &before[..]);
            assert_eq!(engine::view(&s, &state).choices.len(), 1);
        } else {
            // Nothing left: the fallback was taken, and the room's text is not passed again.
            assert!(!out.stayed, "seed {seed}, ask {ask}");
            assert!(out.passed.is_empty());
            assert!(engine::ending(&s, &state).is_some());
        }
    }
}

#[test]
fn three_replies_through_the_binary_print_the_scene_once() {
    let out = support::interview()
        .args(["--scenes", REPLIES, "--seed", "1"])
        .write_stdin("1\nclear\n2\nclear\n2\n")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert_eq!(
        stdout.matches("A bare room.").count(),
        1,
        "the scene's text is printed once:\n{stdout}"
    );
    assert_shows(
        &stdout,
        &[
            "The interviewer does not smile back.\n\n1. Clear your throat\n2. Ask about the weather\n3. Sit down",
            "The pen taps, once.\n\n1. Clear your throat",
            "\"Grey,\" the interviewer says.\n\nYou feel steadier for having asked.\n\n1. Clear your throat\n2. Sit down",
            "The pen taps, once.",
            "You take the chair.\n\nThe questions begin.\n\nTHE END: Done",
        ],
    );
    assert_eq!(stdout.matches("The pen taps, once.").count(), 2, "{stdout}");
}

#[test]
fn an_empty_reply_is_an_error() {
    check("reply_empty", 1, &["scenes.ron:6:40: error: this reply is empty"]);
}

#[test]
fn a_reply_on_an_auto_is_an_error() {
    check(
        "reply_on_auto",
        1,
        &["scenes.ron:5:42: error: an auto is taken without being chosen, so it cannot have a reply"],
    );
}

#[test]
fn a_reply_on_a_fallback_is_an_error() {
    check(
        "reply_on_fallback",
        1,
        &[
            "scenes.ron:7:73: error: a fallback choice is taken without being shown, so it cannot have a reply",
        ],
    );
}

/// Stays beside `on_enter` overwrites (what entering reads is not what staying reads), once
/// marks, chance rolls, visit counts and fallbacks taken after a stay.
const TANGLE: &str = r#"
 Scene(id: "start", text: "Start.", on_enter: [ Set("b", false) ], choices: [
   Choice(text: "Roll", if: Chance(50), reply: "Lucky.", effects: [ Add("n", 1) ]),
   Choice(text: "Flip", reply: "Flipped.", effects: [ Toggle("b") ], once: true),
   Choice(text: "Back", if: Flag("b"), goto: "start"),
   Choice(text: "Ask", reply: "Asked.", once: true, if: Compare("n", ">=", 1)),
   Choice(text: "Win", if: All([ Compare("n", ">=", 3), Flag("b") ]), goto: "end"),
   Choice(text: "Mid", goto: "mid", if: Visits("mid", "<", 2)),
   Choice(text: "Give up", fallback: true, goto: "other"),
 ]),
 Scene(id: "mid", text: "Mid.", choices: [
   Choice(text: "Wave", reply: "Waved.", once: true, if: Not(Flag("b"))),
   Choice(text: "Nod", reply: "Nodded.", once: true, effects: [ Add("n", 1) ]),
   Choice(text: "Leave", fallback: true, goto: "start"),
 ]),"#;

/// A value only the fallbacks read, which `on_enter` overwrites: what entering the scene reads
/// is not what staying in it reads.
const STAY_FALLBACK: &str = r#"
 Scene(id: "start", text: "Start.", on_enter: [ Set("b", false) ], choices: [
   Choice(text: "Dare", reply: "Dared.", once: true, effects: [ Set("b", true) ]),
   Choice(text: "Ask", reply: "Asked.", once: true),
   Choice(text: "Win", fallback: true, if: Flag("b"), goto: "end"),
   Choice(text: "Lose", fallback: true, goto: "other"),
 ]),"#;

#[test]
fn explore_with_replies_agrees_with_the_search_over_whole_states() {
    for scenes in [ROOM, TANGLE, STAY_FALLBACK] {
        let s = story(scenes);
        let config = Config {
            max_states: 200_000,
            ..Config::default()
        };
        let compared = cross_check(&s, &config).unwrap_or_else(|m| panic!("{m}"));
        assert!(compared.complete, "{compared:?}");
    }
    let report = interview::tools::explore::explore(&story(TANGLE), &Config::default(), &mut |_, _| {});
    assert!(report.dead_ends.is_empty(), "{report:?}");
    // `b` is set once dared and read only when nothing is left: "Lose" is never taken.
    let report =
        interview::tools::explore::explore(&story(STAY_FALLBACK), &Config::default(), &mut |_, _| {});
    let endings: Vec<&str> = report.endings.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(endings, ["end"], "{report:?}");
}

#[test]
fn graph_draws_a_reply_that_stays_as_a_loop_of_its_own() {
    let dot = support::at_root()
        .args(["--scenes", REPLIES, "graph"])
        .output()
        .unwrap();
    let dot = String::from_utf8(dot.stdout).unwrap();
    assert_shows(
        &dot,
        &[
            "// Green loops ending in a circle are replies that stay in their scene.",
            "\"room\" -> \"room\" [label=\"(reply) Smile\", color=darkgreen, arrowhead=odot];",
            "\"room\" -> \"seated\" [label=\"Sit down\"];",
        ],
    );
    let mermaid = support::at_root()
        .args(["--scenes", REPLIES, "graph", "--format", "mermaid"])
        .output()
        .unwrap();
    let mermaid = String::from_utf8(mermaid.stdout).unwrap();
    assert_shows(&mermaid, &["s0 --o|\"(reply) Smile\"| s0"]);
}

#[test]
fn a_game_saved_after_replies_loads_the_same_and_plays_on_the_same() {
    let s = support::load(REPLIES);
    let (mut game, _) = Game::new(&s, 7).unwrap();
    game.choose(&s, 0).unwrap(); // Smile (once, stays)
    game.choose(&s, 1).unwrap(); // Clear your throat (stays)
    let text = save::to_text(&s, &game, 1_700_000_000);
    let loaded = save::from_text(&s, &text).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.game, game);
    let mut copy = loaded.game;
    assert_eq!(engine::view(&s, &copy.state), engine::view(&s, &game.state));
    let a = game.choose(&s, 2).unwrap();
    let b = copy.choose(&s, 2).unwrap();
    assert_eq!(a, b);
    assert_eq!(copy, game);
}

// Named conditions: declared once in the manifest, used as `Is("name")`.

/// The story of a manifest and one scene file; panics with the errors if it does not load.
fn built(manifest: &str, scenes: &str) -> interview::story::Story {
    let files = vec![
        support::file("story.ron", manifest),
        support::file("scenes.ron", scenes),
    ];
    let loaded = interview::story::load_story(&files);
    let errors: Vec<String> = loaded.errors().map(|d| d.headline()).collect();
    loaded.story.unwrap_or_else(|| panic!("{errors:#?}"))
}

/// A story whose manifest names conditions (one built on another), used in a choice, a
/// paragraph and the notebook.
fn named_story() -> interview::story::Story {
    let manifest = r#"Story(id: "named", title: "Named", start: "room",
        variables: { "clarity": Int(value: 0, min: 0, max: 8), "calm": Bool(false) },
        conditions: {
            "clear_head": All([ Is("settled"), Compare("clarity", ">=", 2) ]),
            "settled": Any([ Flag("calm"), Visits("room", ">=", 3) ]),
        },
        endings: { "out": "Out" },
        notebook: [ IfElse(Is("clear_head"), "Your head is clear.", "Your head swims.") ])"#;
    let scenes = r#"[
        Scene(id: "room", text: [ IfElse(Is("clear_head"), "The room holds still.", "The room tilts.") ],
          choices: [
            Choice(text: "Breathe", goto: "room", effects: [ Add("clarity", 1) ]),
            Choice(text: "Sit", goto: "room", effects: [ Set("calm", true) ], once: true),
            Choice(text: "Leave", goto: "out", if: Is("clear_head"), locked: Show),
          ]),
        Scene(id: "out", text: "Outside.", ending: "out"),
    ]"#;
    built(manifest, scenes)
}

#[test]
fn a_named_condition_reads_the_same_wherever_it_is_used() {
    let s = named_story();
    assert_eq!(play(&s, 1, &[]), "The room tilts.\nBreathe\nSit\n[x] Leave");
    // A seat and two breaths: calm, then clarity 2.
    assert_eq!(play(&s, 1, &[2, 1]), "The room tilts.\nBreathe\n[x] Leave");
    assert_eq!(play(&s, 1, &[2, 1, 1]), "The room holds still.\nBreathe\nLeave");
    // Three visits settle too, without sitting.
    let (mut state, _) = engine::new_game(&s, 1).unwrap();
    for _ in 0..2 {
        engine::choose(&s, &mut state, 0).unwrap();
    }
    assert_eq!(engine::view(&s, &state).text, "The room holds still.");
    assert_eq!(engine::render_text(&state, s.notebook()), "Your head is clear.");
}

#[test]
fn a_blank_line_starts_a_paragraph_in_every_kind_of_text_part() {
    // AUTHORING: "In a string, a blank line starts a new paragraph", conditional parts
    // included (they once folded it into a space, running two speakers into one paragraph).
    let manifest = r#"Story(id: "paras", title: "Paras", start: "room",
        variables: { "lit": Bool(true) }, endings: { "out": "Out" })"#;
    let scenes = r#"[
        Scene(id: "room", text: [
            Text("“One.”

                  “Two.”"),
            If(Flag("lit"), "“Three.”

                  “Four.”"),
            IfElse(Flag("lit"), "“Five.”", "“Nine.”

                  “Ten.”"),
            IfElse(Not(Flag("lit")), "“Eleven.”", "“Six.”

                  “Seven.”"),
            If(Not(Flag("lit")), "“Twelve.”

                  “Thirteen.”"),
          ], choices: [ Choice(text: "Out", goto: "out") ]),
        Scene(id: "out", text: "Outside.", ending: "out"),
    ]"#;
    let s = built(manifest, scenes);
    let (state, _) = engine::new_game(&s, 1).unwrap();
    assert_eq!(
        engine::view(&s, &state).text,
        "“One.”\n\n“Two.”\n\n“Three.”\n\n“Four.”\n\n“Five.”\n\n“Six.”\n\n“Seven.”"
    );
}

#[test]
fn explore_with_named_conditions_agrees_with_the_search_over_whole_states() {
    let s = named_story();
    let compared = cross_check(&s, &Config::default()).unwrap_or_else(|m| panic!("{m}"));
    assert!(compared.complete, "{compared:?}");
}

#[test]
fn a_game_on_a_story_with_named_conditions_saves_and_loads() {
    let s = named_story();
    let (mut game, _) = Game::new(&s, 3).unwrap();
    game.choose(&s, 1).unwrap();
    game.choose(&s, 0).unwrap();
    let text = save::to_text(&s, &game, 0);
    let loaded = save::from_text(&s, &text).unwrap();
    assert_eq!(loaded.game, game);
    assert_eq!(
        engine::view(&s, &loaded.game.state),
        engine::view(&s, &game.state)
    );
}

#[test]
fn an_unknown_named_condition_gets_a_suggestion() {
    check(
        "named_unknown",
        1,
        &["scenes.ron:4:40: error: no condition is named `clear_haed`"],
    );
}

#[test]
fn named_conditions_in_a_cycle_are_an_error_naming_the_cycle() {
    check(
        "named_cycle",
        1,
        &[
            "story.ron:11:27: error: the named conditions use each other in a cycle: `calm` -> `steady` -> `ready` -> `calm`",
            "story.ron:12:21: error: the named conditions use each other in a cycle: `alone` -> `alone`",
        ],
    );
}

#[test]
fn a_named_condition_is_checked_at_its_definition() {
    check(
        "named_bad",
        1,
        &[
            "story.ron:9:18: error: Chance cannot be part of a named condition",
            "story.ron:10:26: error: the variable `clarty` is not declared",
            "story.ron:11:9: error: the condition `clear` is named twice (first at tests/fixtures/check/named_bad/story.ron:10:9)",
        ],
    );
}

#[test]
fn an_unused_named_condition_is_a_warning() {
    check(
        "named_unused",
        0,
        &["story.ron:10:9: warning: the condition `spare` is never used"],
    );
}

// Text that varies inside a sentence: `{if name: a | b}`, `{seq: ..}`, `{cycle: ..}`,
// `{once: ..}`, `{shuffle: ..}`.

fn varying_story() -> interview::story::Story {
    vary(false)
}

/// The story with its texts varying, or (`plain`) the same with plain texts.
fn vary(plain: bool) -> interview::story::Story {
    let manifest = r#"Story(id: "vary", title: "Vary", start: "room",
        variables: { "clarity": Int(value: 0, min: 0, max: 8), "calm": Bool(false) },
        conditions: { "clear_head": Compare("clarity", ">=", 2) },
        endings: { "out": "Out" },
        notebook: [ Text("Head {if clear_head: clear | swimming}.") ])"#;
    let scenes = r#"[
        Scene(id: "room",
          text: "The room {if clear_head: holds still | tilts}. {seq: A clock ticks. | It ticks again. | It stops.} {cycle: Drip. | Drop.} {once: A fly buzzes.} {shuffle: Red. | Green. | Blue.}",
          choices: [
            Choice(text: "Breathe {cycle: in | out}", goto: "room", effects: [ Add("clarity", 1) ]),
            Choice(text: "Wait", reply: "{seq: You wait. | You wait longer.} {if not calm: Still restless.}"),
            Choice(text: "Leave", goto: "out", if: Is("clear_head")),
          ]),
        Scene(id: "out", text: "Outside.", ending: "out"),
    ]"#;
    let scenes = if plain {
        without_braces(scenes)
    } else {
        scenes.to_owned()
    };
    built(manifest, &scenes)
}

/// `text` with every `{..}` replaced by `x`.
fn without_braces(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '{' => {
                if depth == 0 {
                    out.push('x');
                }
                depth += 1;
            }
            '}' => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The room's text without its shuffled last sentence, and the first choice.
fn room(s: &interview::story::Story, state: &interview::engine::GameState) -> (String, String) {
    let view = engine::view(s, state);
    let text = view
        .text
        .rsplit_once(' ')
        .map(|(t, _)| t.to_owned())
        .unwrap_or_default();
    (text, view.choices[0].text.clone())
}

#[test]
fn alternatives_follow_how_often_the_text_was_shown() {
    let s = varying_story();
    let (mut state, _) = engine::new_game(&s, 1).unwrap();
    let mut seen = vec![room(&s, &state)];
    for _ in 0..3 {
        engine::choose(&s, &mut state, 0).unwrap();
        seen.push(room(&s, &state));
    }
    let texts: Vec<&str> = seen.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        texts,
        [
            "The room tilts. A clock ticks. Drip. A fly buzzes.",
            "The room tilts. It ticks again. Drop.",
            "The room holds still. It stops. Drip.",
            "The room holds still. It stops. Drop.",
        ]
    );
    let choices: Vec<&str> = seen.iter().map(|(_, c)| c.as_str()).collect();
    assert_eq!(
        choices,
        ["Breathe in", "Breathe out", "Breathe in", "Breathe out"]
    );
    // Looking twice shows the same: the view is a function of the state.
    assert_eq!(engine::view(&s, &state), engine::view(&s, &state));
    assert_eq!(engine::render_text(&state, s.notebook()), "Head clear.");
}

#[test]
fn a_reply_varies_each_time_it_is_taken_and_a_stay_does_not_advance_the_scene() {
    let s = varying_story();
    let (mut state, _) = engine::new_game(&s, 1).unwrap();
    let before = room(&s, &state);
    let replies: Vec<String> = (0..3)
        .map(|_| engine::choose(&s, &mut state, 1).unwrap().reply.unwrap())
        .collect();
    assert_eq!(
        replies,
        [
            "You wait. Still restless.",
            "You wait longer. Still restless.",
            "You wait longer. Still restless."
        ]
    );
    assert_eq!(room(&s, &state), before);
}

#[test]
fn a_shuffle_is_drawn_from_the_game_seed() {
    let s = varying_story();
    let last = |seed: u64| -> Vec<String> {
        let (mut state, _) = engine::new_game(&s, seed).unwrap();
        let mut out = Vec::new();
        for _ in 0..12 {
            let text = engine::view(&s, &state).text;
            out.push(text.rsplit_once(' ').unwrap().1.to_owned());
            engine::choose(&s, &mut state, 0).unwrap();
        }
        out
    };
    assert_eq!(last(9), last(9));
    let all: std::collections::BTreeSet<String> = (0..8).flat_map(last).collect();
    assert_eq!(all.into_iter().collect::<Vec<_>>(), ["Blue.", "Green.", "Red."]);
}

/// A scene whose menu two coin tosses decide on every entry; `prose` is put into the scene's
/// text and into the reply of the choice that tosses again.
fn tosses(prose: &str) -> interview::story::Story {
    let manifest = r#"Story(id: "toss", title: "Toss", start: "toss", endings: { "done": "Done" })"#;
    let scenes = format!(
        r#"[
        Scene(id: "toss", text: "Toss. {prose}",
          choices: [
            Choice(text: "Left", goto: "toss", if: Chance(50)),
            Choice(text: "Right", goto: "toss", if: Chance(50)),
            Choice(text: "Stop", goto: "done"),
            Choice(text: "Toss again", reply: "{prose}", goto: "toss"),
          ]),
        Scene(id: "done", text: "Done.", ending: "done"),
    ]"#
    );
    built(manifest, &scenes)
}

#[test]
fn spaces_written_outside_the_braces_fall_where_they_belong() {
    let manifest = r#"Story(id: "sp", title: "Sp", start: "room",
        variables: { "a": Bool(false), "b": Bool(true) }, endings: { "out": "Out" })"#;
    let scenes = r#"[
        Scene(id: "room", text: [
            Text("“{if a: Sorry.} {if a: Really.} For the rest.”"),
            Text("“{if b: Sorry.} {if a: Really.} For the rest.”"),
            Text("The door {if b: , wet, | . Dry} opens."),
            Text("The door {if a: , wet, | . Dry,} opens."),
            Text("Wait {if b: ... | no} more."),
            Text("Gone {if a: , and back | }, then {if a: here | } {if b: there | }."),
            Text("“Fine. {if a: More.}” She goes (slowly {if a: , then fast | }) and [yes {if a: no}]."),
        ], choices: [ Choice(text: "Go", goto: "out") ]),
        Scene(id: "out", text: "Out.", ending: "out"),
    ]"#;
    let s = built(manifest, scenes);
    let (state, _) = engine::new_game(&s, 1).unwrap();
    let paragraphs: Vec<String> = engine::view(&s, &state)
        .text
        .split("\n\n")
        .map(str::to_owned)
        .collect();
    assert_eq!(
        paragraphs,
        [
            // Nothing shown: no space just inside the quote.
            "“For the rest.”",
            "“Sorry. For the rest.”",
            // A comma or a stop takes the space before it away; an ellipsis keeps it.
            "The door, wet, opens.",
            "The door. Dry, opens.",
            "Wait ... more.",
            // After braces that show nothing, a comma or a stop still takes the space away,
            // and two braces side by side, a space between, show one space.
            "Gone, then there.",
            // A closing quote or bracket after braces that show nothing keeps to its word.
            "“Fine.” She goes (slowly) and [yes].",
        ]
    );
}

#[test]
fn a_shuffle_never_moves_a_later_roll() {
    // Adding varying prose must not send a seed's walkthrough down another route: a shuffle
    // draws beside the game's random stream, not from it (ink seeds its shuffles apart too).
    let menus = |s: &interview::story::Story, seed: u64| -> Vec<Vec<String>> {
        let (mut state, _) = engine::new_game(s, seed).unwrap();
        let mut out = Vec::new();
        for _ in 0..20 {
            let view = engine::view(s, &state);
            out.push(view.choices.iter().map(|c| c.text.clone()).collect());
            engine::choose(s, &mut state, 3).unwrap();
        }
        out
    };
    let plain = tosses("Flip.");
    let varied = tosses("{shuffle: Flip. | Spin. | Catch.} {shuffle: Up. | Down.}");
    for seed in 0..20 {
        assert_eq!(menus(&plain, seed), menus(&varied, seed), "seed {seed}");
    }
}

#[test]
fn explore_with_varying_texts_agrees_with_the_search_over_whole_states() {
    let s = varying_story();
    let compared = cross_check(&s, &Config::default()).unwrap_or_else(|m| panic!("{m}"));
    assert!(compared.complete, "{compared:?}");
    // A text never makes a new state: as many as with plain texts.
    let report = interview::tools::explore::explore(&s, &Config::default(), &mut |_, _| {});
    let plain = interview::tools::explore::explore(&vary(true), &Config::default(), &mut |_, _| {});
    assert!(report.complete);
    assert_eq!(report.states, plain.states);
}

#[test]
fn the_text_counts_are_saved_by_name_and_restored() {
    let s = varying_story();
    let (mut game, _) = Game::new(&s, 4).unwrap();
    for i in [0, 1, 0, 1, 1] {
        game.choose(&s, i).unwrap();
    }
    let text = save::to_text(&s, &game, 0);
    assert!(text.contains("texts: {"), "{text}");
    assert!(text.contains("\"room#0\": 3,"), "{text}");
    let loaded = save::from_text(&s, &text).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.game, game);
    let mut copy = loaded.game;
    for i in [1, 0, 0] {
        assert_eq!(game.choose(&s, i).unwrap(), copy.choose(&s, i).unwrap());
    }
    assert_eq!(copy, game);
    // A story without alternatives writes no `texts` at all.
    let plain = support::load(REPLIES);
    let (game, _) = Game::new(&plain, 1).unwrap();
    assert!(!save::to_text(&plain, &game, 0).contains("texts"));
}

#[test]
fn text_constructs_are_checked_at_their_column() {
    check(
        "text_construct_errors",
        1,
        &[
            "scenes.ron:4:25: error: no condition or Bool variable is named `clear_haed`",
            "scenes.ron:4:65: error: `{sequence:` is not a text construct",
            "scenes.ron:6:33: error: the variable `clarity` is Int, but Bool is needed here",
            "scenes.ron:7:60: error: `{if ..}` takes two texts at most: `{if name: shown | otherwise}`",
            "scenes.ron:8:38: error: braces cannot nest inside `{if ..}` or `{seq: ..}`: write `{{` for a brace",
            "story.ron:15:32: error: the notebook cannot vary with how often it was shown: use `{if name: ..}`",
        ],
    );
}

// Choice identity and counts: `id` on a choice, `Chosen("scene.id")` and
// `TimesChosen("scene.id", op, n)`; once-only choices saved by key, not by position.

const COUNTED: &str = r#"
 Scene(id: "start", text: "A restaurant.", choices: [
   Choice(id: "apologize", text: "Say sorry", reply: "She nods.", effects: [ Add("n", 1) ]),
   Choice(text: "Order", reply: "Soup, then.", once: true),
   Choice(text: "Forgiven", goto: "end", if: TimesChosen("start.apologize", ">=", 2)),
   Choice(text: "Leave", goto: "other", if: Not(Chosen("start.apologize"))),
 ]),"#;

#[test]
fn chosen_counts_how_often_a_choice_was_taken() {
    let s = story(COUNTED);
    assert_eq!(play(&s, 1, &[]), "A restaurant.\nSay sorry\nOrder\nLeave");
    assert_eq!(play(&s, 1, &[1]), "A restaurant.\nSay sorry\nOrder");
    assert_eq!(play(&s, 1, &[1, 1]), "A restaurant.\nSay sorry\nOrder\nForgiven");
    assert_eq!(play(&s, 1, &[2, 1, 1, 2]), "Fin.\nTHE END: The End");
}

#[test]
fn explore_with_choice_counts_agrees_with_the_search_over_whole_states() {
    let s = story(COUNTED);
    let compared = cross_check(&s, &Config::default()).unwrap_or_else(|m| panic!("{m}"));
    assert!(compared.complete, "{compared:?}");
    let report = interview::tools::explore::explore(&s, &Config::default(), &mut |_, _| {});
    assert!(report.complete, "the count stops mattering at 2: {report:?}");
}

#[test]
fn choice_counts_are_saved_by_the_choice_name() {
    let s = story(COUNTED);
    let (mut game, _) = Game::new(&s, 1).unwrap();
    game.choose(&s, 0).unwrap();
    game.choose(&s, 1).unwrap();
    let text = save::to_text(&s, &game, 0);
    assert!(text.contains("\"start.apologize\": Int(1),"), "{text}");
    assert!(text.contains("Key(\"start\", \"Order\")"), "{text}");
    let loaded = save::from_text(&s, &text).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.game, game);
}

#[test]
fn a_once_only_choice_taken_stays_taken_when_a_choice_is_inserted_above_it() {
    let v1 = support::load("tests/fixtures/play/once_shift_v1");
    let v2 = support::load("tests/fixtures/play/once_shift_v2");
    let (mut game, _) = Game::new(&v1, 1).unwrap();
    game.choose(&v1, 0).unwrap(); // Take the key (once)
    let text = save::to_text(&v1, &game, 0);
    let loaded = save::from_text(&v2, &text).unwrap();
    let shown: Vec<String> = engine::view(&v2, &loaded.game.state)
        .choices
        .into_iter()
        .map(|c| c.text)
        .collect();
    assert_eq!(shown, ["Read the note", "Leave"], "{:?}", loaded.warnings);
    // A save written before keys (by position) still loads onto the story it was made with.
    let old = text.replace("Key(\"hall\", \"Take the key\")", "Choice(\"hall\", 0)");
    assert_ne!(old, text);
    let loaded = save::from_text(&v1, &old).unwrap();
    assert_eq!(loaded.game, game);
}

#[test]
fn choice_ids_and_counts_are_checked() {
    check(
        "choice_ids",
        1,
        &[
            "scenes.ron:7:24: error: the choice id `apologize` is used twice in scene `start` (first by its choice 1)",
            "scenes.ron:8:24: error: the choice id `bad id` must be 1 to 64 letters, digits or `_`",
            "scenes.ron:9:59: error: no choice is known as `start.apologise`",
        ],
    );
}

// Text values are text: folded like any story string.

#[test]
fn text_values_are_folded_like_any_story_text() {
    let s = support::load("tests/fixtures/play/tab_value");
    let (state, _) = engine::new_game(&s, 1).unwrap();
    let view = engine::view(&s, &state);
    assert!(!view.text.contains('\t'), "{:?}", view.text);
    assert_eq!(
        view.choices[0].text,
        "Read one two three four five six seven eight nine ten"
    );
    // A value set or compared is folded the same way.
    let s = story(
        "Scene(id: \"start\", text: \"[{s}]\", choices: [
           Choice(text: \"Set\", goto: \"start\", effects: [ Set(\"s\", \"  a\\tb\n   c \") ]),
           Choice(text: \"Same\", goto: \"end\", if: Compare(\"s\", \"==\", \"a  b c\")),
         ]),",
    );
    assert_eq!(play(&s, 1, &[1]), "[a b c]\nSet\nSame");
    // A save holding a tab (written before values were folded) loads folded.
    let (game, _) = Game::new(&s, 1).unwrap();
    let text = save::to_text(&s, &game, 0).replace("Text(\"calm\")", "Text(\"ca\\tlm \")");
    assert!(text.contains("ca\\tlm"), "{text}");
    let loaded = save::from_text(&s, &text).unwrap();
    assert_eq!(loaded.game.state.vars()[2].to_string(), "ca lm");
}

#[test]
fn the_example_story_uses_every_format_2_construct() {
    let mut text = String::new();
    for entry in std::fs::read_dir(support::path(support::EXAMPLE)).unwrap() {
        text.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    for construct in [
        "reply:",
        "conditions:",
        "Is(\"",
        "{if ",
        "{seq:",
        "{cycle:",
        "{once:",
        "{shuffle:",
        "Choice(id:",
        "Chosen(\"",
        "TimesChosen(\"",
        "Expr(\"",
        "call:",
        "return: true",
        " *",
        "**",
        "{br}",
        "{pause}",
        "tags: [",
    ] {
        assert!(
            text.contains(construct),
            "the example story does not use `{construct}`"
        );
    }
    // And a reply there stays in its scene.
    let s = support::example();
    assert!(
        s.scenes()
            .iter()
            .flat_map(|s| &s.choices)
            .any(|c| c.target.is_stay())
    );
    // And a call there has a section that returns.
    assert!(s.has_calls());
}

#[test]
fn a_walkthrough_sees_replies_and_the_scene_text_once() {
    use interview::tools::replay::{Walkthrough, check as replay_check, play as replay_play};
    let s = support::load(REPLIES);
    let w = Walkthrough {
        seed: 1,
        inputs: vec!["Smile".into(), "clear".into(), "Ask".into(), "sit".into()],
        expect: vec![
            "does not smile back".into(),
            "You feel steadier".into(),
            "You take the chair.".into(),
        ],
        reject: vec![],
        ending: Some("done".into()),
    };
    replay_check(&s, &w).unwrap_or_else(|f| panic!("{f:?}"));
    let played = replay_play(&s, &w);
    assert_eq!(
        played.transcript.matches("A bare room.").count(),
        1,
        "{}",
        played.transcript
    );
}
