//! The engine through its public API: every condition, effect, fallback, once-only choice,
//! chance and the determinism promise. Stories are written inline with one shared manifest.

use interview::engine::{self, GameState, StepError};
use interview::story::{SourceFile, Story, load_story};

const MANIFEST: &str = r#"Story(
    id: "t", title: "T", start: "start",
    variables: {
        "b": Bool(false),
        "n": Int(value: 1, min: 0, max: 3),
        "s": Text("calm"),
        "free": Int(value: 0),
    },
    endings: { "end": "The End", "other": "Another End" },
)"#;

/// Loads a story from scene RON (plus scenes `end` and `other`, the two endings).
pub(crate) fn story(scenes: &str) -> Story {
    story_with("", scenes)
}

/// [`story`] with more fields in the manifest (`field: value,` each).
fn story_with(fields: &str, scenes: &str) -> Story {
    let manifest = MANIFEST.replacen("start: \"start\",", &format!("start: \"start\", {fields}"), 1);
    let scenes = format!(
        "[{scenes}\n Scene(id: \"end\", text: \"Fin.\", ending: \"end\"),\n Scene(id: \"other\", text: \"Other.\", ending: \"other\")]"
    );
    let files = vec![
        SourceFile {
            name: "story.ron".into(),
            bytes: manifest.into_bytes(),
        },
        SourceFile {
            name: "scenes.ron".into(),
            bytes: scenes.into_bytes(),
        },
    ];
    let loaded = load_story(&files);
    let errors: Vec<String> = loaded.errors().map(|d| d.headline()).collect();
    loaded
        .story
        .unwrap_or_else(|| panic!("story failed to load: {errors:#?}"))
}

/// Plays choices (as numbers on screen, 1-based) and returns what the player sees at the end:
/// the scene text, then the choices, one per line (`[x]` marks an unavailable one).
pub(crate) fn play(story: &Story, seed: u64, inputs: &[usize]) -> String {
    let (mut state, _) = engine::new_game(story, seed).unwrap();
    for &n in inputs {
        let view = engine::view(story, &state);
        let index = view.choices[n - 1].index;
        engine::choose(story, &mut state, index).unwrap();
    }
    screen(story, &state)
}

fn screen(story: &Story, state: &GameState) -> String {
    let view = engine::view(story, state);
    let mut out = view.text.clone();
    for c in &view.choices {
        let mark = if c.available { "" } else { "[x] " };
        let why = c.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
        out.push_str(&format!("\n{mark}{}{why}", c.text));
    }
    if let Some(e) = view.ending {
        out.push_str(&format!("\nTHE END: {}", story.ending(e).title));
    }
    out
}

/// The data-driven helper: a scene list, the choices made, the screen expected.
fn check(scenes: &str, inputs: &[usize], expect: &str) {
    let s = story(scenes);
    assert_eq!(
        play(&s, 1, inputs),
        expect,
        "\nscenes: {scenes}\ninputs: {inputs:?}"
    );
}

/// A start scene with one paragraph per condition, to see which hold.
fn conditions(conds: &[&str], effects: &str) -> String {
    let parts: Vec<String> = conds
        .iter()
        .enumerate()
        .map(|(i, c)| format!("IfElse({c}, \"{i}: yes\", \"{i}: no\")"))
        .collect();
    format!(
        r#"Scene(id: "start", text: "Start.", choices: [Choice(text: "Go", goto: "probe", effects: [{effects}])]),
           Scene(id: "probe", text: [{}], choices: [Choice(text: "Done", goto: "end")]),"#,
        parts.join(", ")
    )
}

/// Checks which conditions hold after the effects: `expect[i]` is the answer for `conds[i]`.
fn check_conditions(conds: &[&str], effects: &str, expect: &[bool]) {
    let s = story(&conditions(conds, effects));
    let screen = play(&s, 1, &[1]);
    let got: Vec<bool> = screen
        .split("\n\n")
        .map(|l| l.lines().next().unwrap().ends_with("yes"))
        .collect();
    let want: Vec<(&str, bool)> = conds.iter().copied().zip(expect.iter().copied()).collect();
    let got: Vec<(&str, bool)> = conds.iter().copied().zip(got).collect();
    assert_eq!(got, want, "effects: {effects}");
}

#[test]
fn flag_not_all_any() {
    check_conditions(
        &[
            r#"Flag("b")"#,
            r#"Not(Flag("b"))"#,
            "All([])",
            "Any([])",
            r#"All([Flag("b"), Not(Flag("b"))])"#,
            r#"Any([Flag("b"), Not(Flag("b"))])"#,
        ],
        "",
        &[false, true, true, false, false, true],
    );
    check_conditions(
        &[r#"Flag("b")"#, r#"Not(Flag("b"))"#],
        r#"Set("b", true)"#,
        &[true, false],
    );
}

#[test]
fn compare_every_operator_and_type() {
    let conds = [
        r#"Compare("n", "==", 1)"#,
        r#"Compare("n", "!=", 1)"#,
        r#"Compare("n", "<", 2)"#,
        r#"Compare("n", "<=", 0)"#,
        r#"Compare("n", ">", 0)"#,
        r#"Compare("n", ">=", 2)"#,
        r#"Compare("s", "==", "calm")"#,
        r#"Compare("s", "!=", "calm")"#,
        r#"Compare("b", "==", false)"#,
    ];
    check_conditions(
        &conds,
        "",
        &[true, false, true, false, true, false, true, false, true],
    );
}

#[test]
fn visited_and_visits() {
    check_conditions(
        &[
            r#"Visited("start")"#,
            r#"Visited("end")"#,
            r#"Visits("probe", "==", 1)"#,
            r#"Visits("start", ">", 1)"#,
        ],
        "",
        &[true, false, true, false],
    );
}

#[test]
fn effects_set_add_toggle_and_bounds() {
    let shown = r#"Scene(id: "start", text: "b={b} n={n} s={s} free={free}", choices: [
        Choice(text: "Set", goto: "start", effects: [Set("b", true), Set("n", 3), Set("s", "angry")]),
        Choice(text: "Add", goto: "start", effects: [Add("n", 1), Add("free", -5)]),
        Choice(text: "Sub", goto: "start", effects: [Add("n", -10)]),
        Choice(text: "Toggle", goto: "start", effects: [Toggle("b")]),
        Choice(text: "Order", goto: "start", effects: [Set("n", 0), Add("n", 2), Add("n", 2)]),
    ]),"#;
    let tail = "\nSet\nAdd\nSub\nToggle\nOrder";
    check(shown, &[], &format!("b=false n=1 s=calm free=0{tail}"));
    check(shown, &[1], &format!("b=true n=3 s=angry free=0{tail}"));
    check(
        shown,
        &[2, 2, 2, 2],
        &format!("b=false n=3 s=calm free=-20{tail}"),
    );
    check(shown, &[3], &format!("b=false n=0 s=calm free=0{tail}"));
    check(shown, &[4, 4, 4], &format!("b=true n=1 s=calm free=0{tail}"));
    check(shown, &[5], &format!("b=false n=3 s=calm free=0{tail}"));
}

#[test]
fn on_enter_effects_and_visit_counts() {
    let scenes = r#"Scene(id: "start", on_enter: [Add("free", 10)], text: "free={free}",
        choices: [Choice(text: "Again", goto: "start")]),"#;
    check(scenes, &[], "free=10\nAgain");
    check(scenes, &[1, 1], "free=30\nAgain");
}

#[test]
fn locked_choices_hide_show_or_explain() {
    let scenes = r#"Scene(id: "start", text: "Here.", choices: [
        Choice(text: "Hidden", goto: "end", if: Flag("b")),
        Choice(text: "Shown", goto: "end", if: Flag("b"), locked: Show),
        Choice(text: "Explained", goto: "end", if: Flag("b"), locked: Explain("Not yet.")),
        Choice(text: "Unlock", goto: "start", effects: [Set("b", true)]),
    ]),"#;
    check(scenes, &[], "Here.\n[x] Shown\n[x] Explained (Not yet.)\nUnlock");
    // A once-only choice, once taken, is gone even when its author shows it locked.
    let once = r#"Scene(id: "start", text: "Here.", choices: [
        Choice(text: "Once", goto: "start", once: true, locked: Explain("Used.")),
        Choice(text: "Stay", goto: "start"),
    ]),"#;
    check(once, &[1], "Here.\nStay");
    check(scenes, &[3], "Here.\nHidden\nShown\nExplained\nUnlock");
    // A reason varies with the state like a choice's text: `{if}`, `{name}`, alternatives.
    let varied = r#"Scene(id: "start", text: "Here.", choices: [
        Choice(text: "Open", goto: "end", if: Flag("b"),
               locked: Explain("{n} {if b: try | tries} {cycle: yet | so far}.")),
        Choice(text: "Try", goto: "start", effects: [Add("n", 1)]),
    ]),"#;
    check(varied, &[], "Here.\n[x] Open (1 tries yet.)\nTry");
    check(varied, &[2], "Here.\n[x] Open (2 tries so far.)\nTry");
}

#[test]
fn unavailable_or_missing_choices_are_errors_and_change_nothing() {
    let s = story(
        r#"Scene(id: "start", text: "Here.", choices: [
            Choice(text: "Locked", goto: "end", if: Flag("b"), locked: Show),
            Choice(text: "Fallback", goto: "other", fallback: true),
            Choice(text: "Go", goto: "end"),
        ]),"#,
    );
    let (mut state, _) = engine::new_game(&s, 1).unwrap();
    let before = state.clone();
    assert_eq!(engine::choose(&s, &mut state, 0), Err(StepError::Unavailable(0)));
    assert_eq!(engine::choose(&s, &mut state, 1), Err(StepError::NoSuchChoice(1)));
    assert_eq!(
        engine::choose(&s, &mut state, 99),
        Err(StepError::NoSuchChoice(99))
    );
    assert_eq!(state, before);
    engine::choose(&s, &mut state, 2).unwrap();
    let after = state.clone();
    assert_eq!(engine::choose(&s, &mut state, 0), Err(StepError::GameOver));
    assert_eq!(state, after);
}

#[test]
fn once_only_choices_disappear_sticky_ones_stay() {
    let scenes = r#"Scene(id: "start", text: "n={n}", choices: [
        Choice(text: "Once", goto: "start", effects: [Add("n", 1)], once: true),
        Choice(text: "Sticky", goto: "start", effects: [Add("n", -1)]),
    ]),"#;
    check(scenes, &[], "n=1\nOnce\nSticky");
    check(scenes, &[1], "n=2\nSticky");
    check(scenes, &[1, 1, 1], "n=0\nSticky");
}

#[test]
fn spent_choices_are_hidden_or_keep_their_place() {
    let scenes = r#"Scene(id: "start", text: "Here.", choices: [
        Choice(text: "Ask", goto: "start", once: true),
        Choice(text: "Ask again", goto: "start", once: true),
        Choice(text: "Leave", goto: "end"),
    ]),"#;
    // (manifest field, the screen after the first choice is taken)
    let cases = [
        ("", "Here.\nAsk again\nLeave"),
        ("spent: Hide,", "Here.\nAsk again\nLeave"),
        (
            "spent: Show,",
            "Here.\n[x] Ask (already chosen)\nAsk again\nLeave",
        ),
        (
            "spent: Explain(\"  asked \"),",
            "Here.\n[x] Ask (asked)\nAsk again\nLeave",
        ),
    ];
    for (field, expect) in cases {
        let s = story_with(field, scenes);
        assert_eq!(play(&s, 1, &[1]), expect, "{field}");
    }
    // Kept in place, the choices keep their numbers: "Leave" is still 3 after both questions.
    let s = story_with("spent: Show,", scenes);
    assert_eq!(play(&s, 1, &[1, 2, 3]), "Fin.\nTHE END: The End");
    // A taken choice cannot be taken again, and typed text that starts it and an open choice
    // names the open one.
    let (mut state, _) = engine::new_game(&s, 1).unwrap();
    engine::choose(&s, &mut state, 0).unwrap();
    let before = state.clone();
    assert_eq!(engine::choose(&s, &mut state, 0), Err(StepError::Unavailable(0)));
    assert_eq!(state, before);
    let view = engine::view(&s, &state);
    assert_eq!(interview::matching::pick(&view, "ask"), Ok(1));
    assert_eq!(
        interview::matching::pick(&view, "1"),
        Err("that choice is not available now: already chosen".to_owned())
    );
    // A choice's own `spent:` wins over the story's, either way.
    let own = r#"Scene(id: "start", text: "Here.", choices: [
        Choice(text: "Ask", goto: "start", once: true, spent: Explain("asked")),
        Choice(text: "Ask again", goto: "start", once: true, spent: Hide),
        Choice(text: "Leave", goto: "end"),
    ]),"#;
    for field in ["", "spent: Show,"] {
        let s = story_with(field, own);
        assert_eq!(play(&s, 1, &[1, 2]), "Here.\n[x] Ask (asked)\nLeave", "{field}");
    }
}

#[test]
fn fallback_is_taken_only_when_nothing_else_is_available() {
    let scenes = r#"Scene(id: "start", text: "Start.", choices: [
        Choice(text: "Use it up", goto: "start", once: true),
        Choice(text: "Hidden fallback", goto: "other", fallback: true),
    ]),"#;
    // The fallback is never shown.
    check(scenes, &[], "Start.\nUse it up");
    // Once the only choice is used, the fallback is taken at once, and the scene's text is passed on.
    let s = story(scenes);
    let (mut state, _) = engine::new_game(&s, 1).unwrap();
    let out = engine::choose(&s, &mut state, 0).unwrap();
    assert_eq!(out.passed, vec!["Start.".to_string()]);
    assert_eq!(screen(&s, &state), "Other.\nTHE END: Another End");
}

#[test]
fn autos_take_the_first_that_holds_and_pass_their_text_on() {
    let scenes = r#"Scene(id: "start", text: "Start.", choices: [
            Choice(text: "Router", goto: "router"),
            Choice(text: "Arm", goto: "start", effects: [Set("b", true)]),
        ]),
        Scene(id: "router", text: "Routing {n}.", auto: [
            Auto(if: Flag("b"), goto: "other", effects: [Set("n", 3)]),
            Auto(goto: "end"),
        ]),"#;
    let s = story(scenes);
    let (mut state, _) = engine::new_game(&s, 1).unwrap();
    let out = engine::choose(&s, &mut state, 0).unwrap();
    assert_eq!(out.passed, vec!["Routing 1.".to_string()]);
    assert_eq!(screen(&s, &state), "Fin.\nTHE END: The End");
    check(scenes, &[2, 1], "Other.\nTHE END: Another End");
}

#[test]
fn a_looping_story_stops_at_the_transition_limit() {
    // A conditional loop passes `check` (the condition might change), but loops at runtime.
    let s = story(
        r#"Scene(id: "start", text: "Start.", choices: [Choice(text: "Loop", goto: "a")]),
           Scene(id: "a", text: "", auto: [Auto(if: Not(Flag("b")), goto: "b"), Auto(goto: "end")]),
           Scene(id: "b", text: "", auto: [Auto(if: Not(Flag("b")), goto: "a"), Auto(goto: "end")]),"#,
    );
    let (mut state, _) = engine::new_game(&s, 1).unwrap();
    let err = engine::choose(&s, &mut state, 0).unwrap_err();
    assert!(
        matches!(err, StepError::TooManyTransitions { limit: 100, .. }),
        "{err:?}"
    );
}

#[test]
fn a_dead_end_is_visible_in_the_view() {
    let s = story(
        r#"Scene(id: "start", text: "Start.", choices: [Choice(text: "Trap", goto: "trap")]),
           Scene(id: "trap", text: "Trapped.", choices: [Choice(text: "Out", goto: "end", if: Flag("b"))]),"#,
    );
    let (mut state, _) = engine::new_game(&s, 1).unwrap();
    assert!(!engine::view(&s, &state).is_dead_end());
    engine::choose(&s, &mut state, 0).unwrap();
    assert!(engine::view(&s, &state).is_dead_end());
}

#[test]
fn chance_at_the_extremes_is_certain() {
    check_conditions(&["Chance(0)", "Chance(100)"], "", &[false, true]);
}

#[test]
fn chance_is_rolled_on_entry_and_stays_while_the_player_looks() {
    let s = story(
        r#"Scene(id: "start", text: [IfElse(Chance(50), "Heads.", "Tails.")],
             choices: [Choice(text: "Again", goto: "start")]),"#,
    );
    let mut heads = 0;
    for seed in 0..200 {
        let (state, _) = engine::new_game(&s, seed).unwrap();
        let first = engine::view(&s, &state).text;
        // Looking again does not roll again.
        assert_eq!(engine::view(&s, &state).text, first);
        heads += usize::from(first == "Heads.");
    }
    assert!(
        (60..=140).contains(&heads),
        "50% odds gave {heads} heads in 200 games"
    );
}

#[test]
fn weighted_branches_follow_their_weights_and_conditions() {
    let s = story(
        r#"Scene(id: "start", text: "Start.", choices: [
            Choice(text: "Roll", branches: [
                Branch(weight: 3, goto: "end"),
                Branch(weight: 1, goto: "other", effects: [Set("n", 3)]),
                Branch(weight: 100, goto: "other", if: Flag("b")),
            ]),
        ]),"#,
    );
    let mut other = 0;
    for seed in 0..400 {
        let (mut state, _) = engine::new_game(&s, seed).unwrap();
        engine::choose(&s, &mut state, 0).unwrap();
        if engine::view(&s, &state).text == "Other." {
            other += 1;
            assert_eq!(state.var(s.var_by_name("n").unwrap()).to_string(), "3");
        }
    }
    assert!(
        (60..=140).contains(&other),
        "a 1-in-4 branch was taken {other} times in 400"
    );
}

#[test]
fn a_pick_with_no_possible_branch_is_an_error() {
    let s = story(
        r#"Scene(id: "start", text: "Start.", choices: [
            Choice(text: "Roll", branches: [Branch(weight: 1, goto: "end", if: Flag("b"))]),
        ]),"#,
    );
    let (mut state, _) = engine::new_game(&s, 1).unwrap();
    let before = state.clone();
    assert_eq!(
        engine::choose(&s, &mut state, 0),
        Err(StepError::NoBranch {
            scene: "start".into()
        })
    );
    assert_eq!(state, before, "a refused pick changes nothing");
}

/// A story with chance everywhere, to test determinism.
const RANDOM_WALK: &str = r#"Scene(id: "start", text: [Text("n={n}"), If(Chance(30), "A gust.")], choices: [
        Choice(text: "Left", branches: [Branch(weight: 1, goto: "start", effects: [Add("n", 1)]), Branch(weight: 1, goto: "mid")]),
        Choice(text: "Right", goto: "mid", if: Chance(50)),
        Choice(text: "Stay", goto: "start"),
    ]),
    Scene(id: "mid", text: [Text("mid"), If(Chance(70), "Rain.")], choices: [
        Choice(text: "Back", goto: "start", effects: [Add("n", -1)]),
        Choice(text: "Roll", branches: [Branch(weight: 1, goto: "start"), Branch(weight: 1, goto: "mid")]),
    ]),"#;

fn walk(s: &Story, seed: u64, steps: usize) -> Vec<(String, GameState)> {
    let (mut state, _) = engine::new_game(s, seed).unwrap();
    let mut trace = Vec::new();
    for i in 0..steps {
        let view = engine::view(s, &state);
        let avail: Vec<usize> = view
            .choices
            .iter()
            .filter(|c| c.available)
            .map(|c| c.index)
            .collect();
        let pick = avail[i % avail.len()];
        engine::choose(s, &mut state, pick).unwrap();
        trace.push((engine::view(s, &state).text, state.clone()));
    }
    trace
}

#[test]
fn same_story_seed_and_choices_give_the_same_game() {
    let s = story(RANDOM_WALK);
    for seed in [0, 1, 42, u64::MAX] {
        assert_eq!(walk(&s, seed, 60), walk(&s, seed, 60), "seed {seed}");
    }
    // ...and the seed matters.
    let games: std::collections::HashSet<String> = (0..20)
        .map(|seed| {
            walk(&s, seed, 30)
                .into_iter()
                .map(|(t, _)| t)
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    assert!(
        games.len() > 10,
        "20 seeds gave only {} different games",
        games.len()
    );
}

#[test]
fn text_folds_whitespace_splits_paragraphs_and_shows_variables() {
    check(
        r#"Scene(id: "start", text: "One   line
              wrapped.

              Second {{para}} n={n}, s={s}.", choices: [Choice(text: "Go {s}", goto: "end")]),"#,
        &[],
        "One line wrapped.\n\nSecond {para} n=1, s=calm.\nGo calm",
    );
}
