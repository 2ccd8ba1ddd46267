//! Format 2, sections that return (ink's tunnels, ChoiceScript's `*gosub`, Yarn's
//! `<<detour>>`): `call: "section"` on a choice or an auto enters a scene as a subroutine,
//! `return: true` comes back (to the call's `goto`, or to the calling scene, resumed without
//! entering it again). The call stack is part of the state: played, checked, explored, drawn
//! and saved.

use crate::check::check;
use crate::engine::{play, story};
use crate::support::{self, assert_shows};
use interview::engine::{self, Game, StepError};
use interview::save;
use interview::story::{LoadOptions, SourceFile, Story, load_story_with};
use interview::tools::explore::{Config, cross_check, explore};

const CALLS: &str = "tests/fixtures/play/calls";

/// A hall that calls a clerk (back to the hall, or on to the end), a clerk that may call a
/// stamp (an auto that returns at once) and returns.
const OFFICE: &str = r#"
 Scene(id: "start", text: "Hall ({n}).", on_enter: [ Add("n", 1) ],
   choices: [
     Choice(text: "Ask", call: "clerk", reply: "You knock."),
     Choice(text: "Ask and go", call: "clerk", goto: "end"),
   ]),
 Scene(id: "clerk", text: "Clerk ({free}).", on_enter: [ Add("free", 1) ],
   choices: [
     Choice(text: "Thanks", return: true),
     Choice(text: "Stamp", call: "stamp"),
   ]),
 Scene(id: "stamp", text: "Stamped.", on_enter: [ Set("b", true) ], auto: [ Auto(return: true) ]),"#;

/// The data-driven helper: the choices made (1-based, as on screen), the screen expected and
/// the depth of the call stack then.
fn check_play(inputs: &[usize], expect: &str, depth: usize) {
    let s = story(OFFICE);
    assert_eq!(play(&s, 1, inputs), expect, "\ninputs: {inputs:?}");
    let mut game = Game::new(&s, 1).unwrap().0;
    for &n in inputs {
        let index = engine::view(&s, &game.state).choices[n - 1].index;
        game.choose(&s, index).unwrap();
    }
    assert_eq!(game.state.calls().len(), depth, "inputs: {inputs:?}");
}

#[test]
fn a_call_enters_its_section_and_a_return_comes_back() {
    // Into the clerk: entered normally (its `on_enter` ran).
    check_play(&[1], "Clerk (1).\nThanks\nStamp", 1);
    // Back in the hall without entering it again: `n` is still 2.
    check_play(&[1, 1], "Hall (2).\nAsk\nAsk and go", 0);
    // A call with a `goto` comes back there.
    check_play(&[2, 1], "Fin.\nTHE END: The End", 0);
    // A nested call whose section returns at once (an auto): back in the clerk, not entered
    // again, one level deep.
    check_play(&[1, 2], "Clerk (1).\nThanks\nStamp", 1);
    check_play(&[1, 2, 2, 1], "Hall (2).\nAsk\nAsk and go", 0);
    // Calling again enters the section again.
    check_play(&[1, 1, 1], "Clerk (2).\nThanks\nStamp", 1);
}

#[test]
fn a_call_shows_its_reply_then_the_section_and_a_return_stays() {
    let s = story(OFFICE);
    let (mut state, _) = engine::new_game(&s, 1).unwrap();
    let out = engine::choose(&s, &mut state, 0).unwrap();
    assert_eq!(out.reply.as_deref(), Some("You knock."));
    assert!(!out.stayed);
    assert_eq!(engine::view(&s, &state).text, "Clerk (1).");
    // The stamp's text is passed on the way back; the clerk is resumed, not shown again.
    let out = engine::choose(&s, &mut state, 1).unwrap();
    assert_eq!(out.passed, ["Stamped."]);
    assert!(out.stayed);
    let out = engine::choose(&s, &mut state, 0).unwrap();
    assert!(out.stayed && out.passed.is_empty());
    assert!(state.calls().is_empty());
}

#[test]
fn the_same_seed_and_choices_give_the_same_game() {
    let s = support::load(CALLS);
    let run = || {
        let mut game = Game::new(&s, 7).unwrap().0;
        for i in [0, 1, 0, 1, 2] {
            let _ = game.choose(&s, i);
        }
        game
    };
    assert_eq!(run(), run());
}

/// Loads scenes (plus `end` and `other`) with the lints off, as a game does: `check` would
/// refuse these stories, `play` and `explore` meet their errors at run time.
fn unchecked(scenes: &str) -> Story {
    let manifest = r#"Story(id: "t", title: "T", start: "start",
        variables: { "b": Bool(false) }, endings: { "end": "The End", "other": "Another" })"#;
    let scenes = format!(
        "[{scenes}\n Scene(id: \"end\", text: \"Fin.\", ending: \"end\"),\n Scene(id: \"other\", text: \"O.\", ending: \"other\")]"
    );
    let files = [
        SourceFile {
            name: "story.ron".into(),
            bytes: manifest.into(),
        },
        SourceFile {
            name: "scenes.ron".into(),
            bytes: scenes.into_bytes(),
        },
    ];
    let options = LoadOptions {
        lints: false,
        ..LoadOptions::default()
    };
    let loaded = load_story_with(&files, &options);
    let errors: Vec<String> = loaded.errors().map(|d| d.headline()).collect();
    loaded.story.unwrap_or_else(|| panic!("{errors:#?}"))
}

const EMPTY_RETURN: &str = r#"
 Scene(id: "start", text: "Start.", choices: [
   Choice(text: "Back", return: true), Choice(text: "On", goto: "end") ]),"#;

const BOTTOMLESS: &str = r#"
 Scene(id: "start", text: "Start.", choices: [
   Choice(text: "Dive", call: "deep", goto: "end"), Choice(text: "On", goto: "other") ]),
 Scene(id: "deep", text: "Deep.", auto: [ Auto(if: Flag("b"), return: true), Auto(call: "deep") ]),"#;

#[test]
fn a_return_with_no_call_and_a_call_too_deep_are_runtime_errors() {
    let s = unchecked(EMPTY_RETURN);
    let (mut state, _) = engine::new_game(&s, 1).unwrap();
    let e = engine::choose(&s, &mut state, 0).unwrap_err();
    assert_eq!(
        e,
        StepError::ReturnWithoutCall {
            scene: "start".into()
        }
    );
    assert_eq!(
        e.to_string(),
        "the scene `start` returns, but no section was called: nothing to return to"
    );
    let s = unchecked(BOTTOMLESS);
    let (mut state, _) = engine::new_game(&s, 1).unwrap();
    let e = engine::choose(&s, &mut state, 0).unwrap_err();
    assert!(matches!(&e, StepError::CallTooDeep { limit: 64, .. }), "{e:?}");
    assert!(e.to_string().contains("the limit of nested calls is 64"), "{e}");
    // `Game::choose` leaves the game as it was.
    let mut game = Game::new(&s, 1).unwrap().0;
    let before = game.clone();
    assert!(game.choose(&s, 0).is_err());
    assert_eq!(game, before);
}

#[test]
fn explore_reports_both_runtime_errors_with_a_path() {
    for (scenes, message) in [
        (EMPTY_RETURN, "no section was called"),
        (BOTTOMLESS, "the limit of nested calls is 64"),
    ] {
        let report = explore(&unchecked(scenes), &Config::default(), &mut |_, _| {});
        assert_eq!(report.errors.len(), 1, "{report:?}");
        assert!(report.errors[0].message.contains(message), "{report:?}");
        assert_eq!(report.errors[0].path.steps.len(), 1, "{report:?}");
    }
}

#[test]
fn explore_with_calls_agrees_with_the_search_over_whole_states() {
    // (Not `OFFICE`: its unbounded counter gives the search over whole states no end.)
    for s in [
        support::load(CALLS),
        unchecked(EMPTY_RETURN),
        unchecked(BOTTOMLESS),
    ] {
        let compared = cross_check(&s, &Config::default()).unwrap_or_else(|m| panic!("{m}"));
        assert!(compared.complete, "{compared:?}");
    }
    let report = explore(&support::load(CALLS), &Config::default(), &mut |_, _| {});
    assert!(report.is_sound(), "{report:?}");
    assert_eq!(report.endings.len(), 2, "{report:?}");
}

#[test]
fn check_reports_returns_and_calls_at_their_field() {
    check(
        "call_return_outside",
        1,
        &[
            "scenes.ron:6:45: error: the scene `start` returns, but it can be reached from the start without any `call`: there would be nothing to return to",
        ],
    );
    check(
        "call_never_returns",
        1,
        &[
            "scenes.ron:5:48: error: the section `aside` called here can never return: no path from it reaches a choice or an auto with `return: true`",
        ],
    );
    check(
        "call_recursive",
        0,
        &[
            "scenes.ron:11:48: warning: the section `deeper` can be called here again before it returns: the call stack is bounded at 64 sections, and `explore` reports a game that goes deeper as an error",
        ],
    );
    check(
        "call_conflicts",
        1,
        &[
            "scenes.ron:6:41: error: a call cannot have `branches`: where the game comes back to after the section is one scene, not a random pick",
            "scenes.ron:10:64: error: `return: true` goes back to where the section was called from, so it cannot also have `goto`, `branches` or `call`",
        ],
    );
}

#[test]
fn a_save_keeps_the_call_stack_by_scene_names() {
    let s = story(OFFICE);
    let (mut game, _) = Game::new(&s, 3).unwrap();
    game.choose(&s, 1).unwrap();
    let text = save::to_text(&s, &game, 0);
    assert!(
        text.contains("calls: [\n            Goto(\"end\"),\n        ],"),
        "{text}"
    );
    let loaded = save::from_text(&s, &text).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.game, game);
    let mut copy = loaded.game;
    assert_eq!(game.choose(&s, 0).unwrap(), copy.choose(&s, 0).unwrap());
    assert_eq!(copy, game);
    assert_eq!(engine::view(&s, &copy.state).ending.map(|e| e.index()), Some(0));
    // A state without calls writes no `calls` at all (and saves from before still load).
    let fresh = Game::new(&s, 3).unwrap().0;
    assert!(!save::to_text(&s, &fresh, 0).contains("calls"));
}

#[test]
fn a_saved_call_stack_naming_an_unknown_scene_is_refused() {
    let s = story(OFFICE);
    let (mut game, _) = Game::new(&s, 3).unwrap();
    game.choose(&s, 0).unwrap();
    let mut saved = save::capture(&s, &game.state);
    assert_eq!(saved.calls, [save::SavedCall::Stay("start".into())]);
    assert_eq!(save::restore(&s, &saved).unwrap().state, game.state);
    saved.calls.push(save::SavedCall::Goto("vault".into()));
    let problems = save::restore(&s, &saved).unwrap_err();
    assert_eq!(
        problems,
        ["the call stack returns to scene `vault`, which is no longer in the story"]
    );
}

fn graph(format: &str) -> String {
    let out = support::at_root()
        .args(["--scenes", CALLS, "graph", "--format", format])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn graph_draws_calls_and_returns_apart() {
    let dot = graph("dot");
    assert_shows(
        &dot,
        &[
            "\"hall\" -> \"clerk\" [label=\"(call) Ask the clerk\", color=purple, penwidth=2];",
            "\"hall\" -> \"street\" [label=\"(after return)\", style=dotted, color=purple];",
            "\"stamp\" -> \"(return)\" [label=\"(auto) (return)\", color=purple];",
        ],
    );
    insta::assert_snapshot!("calls_dot", dot);
    insta::assert_snapshot!("calls_mermaid", graph("mermaid"));
}

#[test]
fn the_tools_work_on_a_story_with_calls() {
    let run = |args: &[&str]| {
        let out = support::at_root()
            .args(["--scenes", CALLS])
            .args(args)
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };
    let (code, out) = run(&["explore"]);
    assert_eq!(code, Some(0), "{out}");
    assert_shows(&out, &["Endings reached: 2 of 2", "Runtime errors: none."]);
    let (code, out) = run(&["randomtest", "--runs", "50"]);
    assert_eq!(code, Some(0), "{out}");
    assert_shows(&out, &["stamp"]);
    let (code, out) = run(&["check"]);
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn a_walkthrough_plays_through_a_call_and_its_return() {
    use interview::tools::replay::{Walkthrough, check as replay_check};
    let s = support::load(CALLS);
    let w = Walkthrough {
        seed: 1,
        inputs: vec!["1".into(), "ask for".into(), "thank".into(), "leave".into()],
        expect: vec![
            "You knock on the glass.".into(),
            "She stamps your form.".into(),
            "form stamped".into(),
        ],
        // Back in the hall, resumed: its text is not shown again.
        reject: vec!["Asked: 1.".into()],
        ending: Some("done".into()),
    };
    replay_check(&s, &w).unwrap_or_else(|f| panic!("{f:?}"));
}

#[test]
fn a_saved_call_stack_deeper_than_the_limit_is_refused() {
    let s = story(OFFICE);
    let (mut game, _) = Game::new(&s, 3).unwrap();
    game.choose(&s, 0).unwrap();
    let mut saved = save::capture(&s, &game.state);
    saved.calls = vec![save::SavedCall::Stay("start".into()); 65];
    let problems = save::restore(&s, &saved).unwrap_err();
    assert_eq!(problems, ["the call stack holds 65 sections; the limit is 64"]);
}

#[test]
fn calls_and_returns_are_read_on_the_fast_path() {
    let text = std::fs::read_to_string(support::path(CALLS).join("scenes.ron")).unwrap();
    assert!(crate::harness::reads_alike::<Vec<interview::story::raw::RawScene>>(&text));
}
