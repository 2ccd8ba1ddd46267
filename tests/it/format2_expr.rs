//! Format 2, expressions (issue 14, item 4): `Set("n", Expr("a + 1"))` and
//! `Compare("a", ">", Expr("b"))`, checked at load time at their column (a fixture per
//! diagnostic), evaluated by the engine (checked `i64`, `/` toward zero, clamped to the
//! variable's range), `random` drawn from the state's generator, explored exactly, saved, and
//! read on the fast reader's path.

use crate::check::check;
use crate::engine::story;
use crate::harness;
use crate::support::{self, interview};
use interview::engine::{self, Game};
use interview::save;
use interview::story::raw::RawScene;
use interview::tools::explore::{Config, cross_check, explore};

const LAMPS: &str = "tests/fixtures/play/expr";

/// The value `free` (an unbounded `Int`, with `n` = 1 in 0..=3 beside it) takes when set to
/// `expr` on entering the start scene: a number, or the step error's message.
fn value(expr: &str) -> String {
    let s = story(&format!(
        r#"Scene(id: "start", text: "{{free}}", on_enter: [ Set("free", Expr("{expr}")) ],
             choices: [ Choice(text: "Go", goto: "end") ]),"#
    ));
    match engine::new_game(&s, 1) {
        Ok((state, _)) => engine::view(&s, &state).text,
        Err(e) => e.to_string(),
    }
}

/// The data-driven helper: each expression and the value it must give.
fn check_values(cases: &[(&str, &str)]) {
    for (expr, want) in cases {
        assert_eq!(value(expr), *want, "for Expr({expr:?})");
    }
}

#[test]
fn arithmetic_has_the_usual_precedence_and_truncates_toward_zero() {
    check_values(&[
        ("1 + 2 * 3", "7"),
        ("(1 + 2) * 3", "9"),
        ("10 - 4 - 3", "3"),
        ("24 / 4 / 3", "2"),
        ("7 / 2", "3"),
        ("-7 / 2", "-3"),
        ("7 / -2", "-3"),
        ("-(n + 1) * 2", "-4"),
        ("- -n", "1"),
        ("n * 10 + n", "11"),
        ("min(5, n, 3)", "1"),
        ("max(5, n * 9, 3)", "9"),
        ("clamp(n * 100, 0, 50)", "50"),
        ("clamp(-n, 0, 50)", "0"),
        ("  n  ", "1"),
        ("-9223372036854775808", "-9223372036854775808"),
    ]);
}

#[test]
fn an_expression_with_no_value_is_a_step_error_naming_scene_and_expression() {
    check_values(&[
        (
            "10 / (n - 1)",
            "cannot compute `10 / (n - 1)` (in scene `start`): division by zero",
        ),
        (
            "9223372036854775807 + n",
            "cannot compute `9223372036854775807 + n` (in scene `start`): the result is too large for a whole number",
        ),
        (
            "-9223372036854775808 / -n",
            "cannot compute `-9223372036854775808 / -n` (in scene `start`): the result is too large for a whole number",
        ),
    ]);
}

#[test]
fn a_set_with_an_expression_is_clamped_to_the_range() {
    let s = story(
        r#"Scene(id: "start", text: "{n}", choices: [
             Choice(text: "Up", goto: "start", effects: [ Set("n", Expr("n * 10")) ]),
             Choice(text: "Down", goto: "start", effects: [ Set("n", Expr("n - 10")) ]),
           ]),"#,
    );
    assert_eq!(crate::engine::play(&s, 1, &[1]), "3\nUp\nDown");
    assert_eq!(crate::engine::play(&s, 1, &[1, 2]), "0\nUp\nDown");
}

#[test]
fn comparisons_between_variables() {
    let s = story(
        r#"Scene(id: "start", text: "n {n}, free {free}.", choices: [
             Choice(text: "More", goto: "start", effects: [ Add("free", 1) ]),
             Choice(text: "Above", goto: "end", if: Compare("free", ">", Expr("n + 1"))),
             Choice(text: "Same", goto: "end", if: Compare("s", "==", Expr("s"))),
             Choice(text: "Flags", goto: "end", if: Compare("b", "!=", Expr("b"))),
             Choice(text: "Never", goto: "end", if: Compare("free", ">", Expr("free / (n - 1)"))),
           ]),"#,
    );
    assert_eq!(crate::engine::play(&s, 1, &[]), "n 1, free 0.\nMore\nSame");
    assert_eq!(
        crate::engine::play(&s, 1, &[1, 1, 1]),
        "n 1, free 3.\nMore\nAbove\nSame"
    );
}

const DICE: &str = r#"Scene(id: "start", text: "{free}", choices: [
     Choice(text: "Roll", goto: "start", effects: [ Set("free", Expr("random(1, 6) * 10 + random(1, 6)")) ]),
     Choice(text: "Stop", goto: "end", if: Compare("free", "==", 66)),
   ]),"#;

#[test]
fn random_draws_from_the_seed_every_value_in_its_range() {
    let s = story(DICE);
    let roll = |seed: u64| {
        let (mut state, _) = engine::new_game(&s, seed).unwrap();
        engine::choose(&s, &mut state, 0).unwrap();
        engine::view(&s, &state).text.parse::<i64>().unwrap()
    };
    // The same seed, the same game.
    assert_eq!(roll(7), roll(7));
    let seen: std::collections::BTreeSet<i64> = (0..2000).map(roll).collect();
    let all: std::collections::BTreeSet<i64> =
        (1..=6).flat_map(|t| (1..=6).map(move |u| t * 10 + u)).collect();
    assert_eq!(seen, all);
}

#[test]
fn explore_tries_every_value_of_a_random_and_finds_runtime_errors() {
    let report = explore(&story(DICE), &Config::default(), &mut |_, _| {});
    let endings: Vec<&str> = report.endings.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(endings, ["end"], "{report:?}");
    let report = explore(&support::load(LAMPS), &Config::default(), &mut |_, _| {});
    let errors: Vec<&str> = report.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        errors,
        ["cannot compute `oil / lamps` (in scene `start`): division by zero"],
        "{report:?}"
    );
}

#[test]
fn explore_with_expressions_agrees_with_the_search_over_whole_states() {
    for s in [story(DICE), support::load(LAMPS)] {
        let compared = cross_check(&s, &Config::default()).unwrap_or_else(|m| panic!("{m}"));
        assert!(compared.complete, "{compared:?}");
    }
}

#[test]
fn a_save_made_mid_story_restores_the_same_game() {
    let s = support::load(LAMPS);
    let (mut game, _) = Game::new(&s, 5).unwrap();
    for choice in [2, 0, 1] {
        game.choose(&s, choice).unwrap();
    }
    let text = save::to_text(&s, &game, 0);
    let mut loaded = save::from_text(&s, &text).unwrap().game;
    assert_eq!(loaded, game);
    // The generator is restored too: the next roll is the same.
    game.choose(&s, 2).unwrap();
    loaded.choose(&s, 2).unwrap();
    assert_eq!(loaded, game);
}

#[test]
fn the_fast_reader_reads_expressions() {
    for scenes in [
        r#"[Scene(id: "a", on_enter: [Set("n", Expr("n + 1"))])]"#,
        r#"[Scene(id: "a", choices: [Choice(text: "Go", if: Compare("n", "<", Expr ( "min(a, 2)" )))])]"#,
        r#"[Scene(id: "a", on_enter: [Set("n", Expr("a \"quoted\""))])]"#,
    ] {
        assert!(harness::reads_alike::<Vec<RawScene>>(scenes), "{scenes}");
        assert!(
            interview::story::fast::read::<Vec<RawScene>>(scenes).is_some(),
            "{scenes}"
        );
    }
}

#[test]
fn every_diagnostic_of_expressions_points_at_its_column() {
    let cases: &[(&str, &str)] = &[
        (
            "syntax",
            "scenes.ron:7:92: error: the expression ends where `)` is expected",
        ),
        (
            "unknown_variable",
            "scenes.ron:7:82: error: the variable `lamp` is not declared",
        ),
        (
            "not_int",
            "scenes.ron:7:82: error: `lit` is Bool: only Int variables can be used in arithmetic",
        ),
        (
            "bool_target",
            "scenes.ron:7:70: error: `lit` is Bool: only an Int variable can be set to an expression",
        ),
        (
            "random_not_literal",
            "scenes.ron:7:86: error: the bounds of `random` must be whole numbers",
        ),
        (
            "random_reversed",
            "scenes.ron:7:76: error: `random(6, 1)` has its bounds reversed: write `random(1, 6)`",
        ),
        (
            "random_too_wide",
            "scenes.ron:7:76: error: `random(0, 5000)` draws from more than 1000 values",
        ),
        (
            "random_in_compare",
            "scenes.ron:7:79: error: `random` cannot be used in a comparison",
        ),
        ("division_by_zero", "scenes.ron:7:82: error: division by zero"),
        (
            "compare_types",
            "scenes.ron:7:80: error: `lit` is Bool but `name` is Text: compare variables of one type",
        ),
        (
            "unknown_function",
            "scenes.ron:7:76: error: there is no function `avg`",
        ),
        (
            "wrong_name",
            "scenes.ron:7:70: error: `Expr2(..)` is not a value: write an expression as Expr(\"a + 1\")",
        ),
    ];
    for (fixture, headline) in cases {
        check(&format!("expr_{fixture}"), 1, &[headline]);
    }
}

#[test]
fn the_tools_work_on_a_story_with_expressions() {
    let out = interview().args(["graph", "--scenes", LAMPS]).output().unwrap();
    assert!(out.status.success());
    let graph = String::from_utf8(out.stdout).unwrap();
    assert!(graph.contains("\"start\" -> \"dark\""), "{graph}");
    let out = interview()
        .args(["randomtest", "--scenes", LAMPS, "--runs", "50"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("lit"), "{text}");
    let out = interview().args(["explore", "--scenes", LAMPS]).output().unwrap();
    // A runtime error is found: exit 1, with the path that reproduces it.
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("division by zero"), "{text}");
    assert!(text.contains("4. Trust"), "{text}");
}

#[test]
fn a_walkthrough_replays_a_story_with_expressions() {
    let out = interview()
        .args([
            "replay",
            "--scenes",
            LAMPS,
            "tests/fixtures/play/expr_walkthroughs/dark.ron",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 passed, 0 failed"), "{text}");
}
