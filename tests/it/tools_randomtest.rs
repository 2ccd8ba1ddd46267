//! `interview randomtest`: seeded random playthroughs, the same report for the same seed, hit
//! counts that add up, and the shortest failing run as a walkthrough that reproduces it.

use crate::support;
use interview::tools::randomtest::{self, Config};
use interview::tools::replay::{self, Walkthrough};

fn randomtest_cli(dir: &str, args: &[&str]) -> (i32, String) {
    let out = support::at_root()
        .args(["--scenes", dir, "randomtest"])
        .args(args)
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn the_same_seed_prints_the_same_report() {
    let first = randomtest_cli("docs/example", &["--runs", "300", "--seed", "7"]);
    let second = randomtest_cli("docs/example", &["--runs", "300", "--seed", "7"]);
    assert_eq!(first, second);
    assert_eq!(first.0, 0);
    let other = randomtest_cli("docs/example", &["--runs", "300", "--seed", "8"]);
    assert_ne!(first.1, other.1, "another seed plays other games");
}

#[test]
fn the_example_story_report() {
    let (code, out) = randomtest_cli("docs/example", &["--runs", "200", "--seed", "1"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(out);
}

#[test]
fn hit_counts_add_up() {
    let story = support::example();
    let config = Config {
        runs: 500,
        seed: 3,
        max_steps: 1000,
    };
    let r = randomtest::randomtest(story, &config);
    let ended: u64 = r.endings.iter().map(|e| e.count).sum();
    assert_eq!(ended + u64::from(r.unfinished) + u64::from(r.failed), 500);
    let count = |scene: &str| r.scenes.iter().find(|s| s.id == scene).unwrap().count;
    // Every run starts on the shore; each ending is entered once per run that reaches it.
    assert!(count("shore") >= 500);
    for e in &r.endings {
        let scene = story
            .scenes()
            .iter()
            .find(|s| s.ending == story.ending_by_name(&e.id))
            .unwrap();
        assert_eq!(count(&scene.id), e.count, "{}", e.id);
    }
    // Every climb on the stairs takes its one choice.
    let climbs = r.choices.iter().find(|c| c.scene == "stairs").unwrap().count;
    assert_eq!(climbs, count("stairs"));
    // The fallback is never needed (giving up is always there).
    let fallback = r.choices.iter().find(|c| c.fallback).unwrap();
    assert_eq!((fallback.text.as_str(), fallback.count), ("Wait for dawn", 0));
    assert!(r.endings.iter().all(|e| e.count > 0));
}

#[test]
fn a_failing_run_is_reported_as_a_walkthrough_that_reproduces_it() {
    let (code, out) = randomtest_cli("tests/fixtures/tools/dead_end", &["--runs", "50", "--seed", "2"]);
    assert_eq!(code, 1);
    let line = out
        .lines()
        .find(|l| l.trim_start().starts_with("Walkthrough("))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        out.contains("The shortest, run ") && out.contains("in scene `cellar`: a dead end"),
        "{out}"
    );
    let w = Walkthrough::parse(line.trim()).unwrap();
    assert_eq!(
        w.inputs,
        ["1"],
        "the shortest failure is the first step into the cellar"
    );
    let story = support::load("tests/fixtures/tools/dead_end");
    let played = replay::play(&story, &w);
    assert_eq!(played.scene, "cellar");
}

#[test]
fn a_runtime_error_fails_the_run() {
    let (code, out) = randomtest_cli("tests/fixtures/tools/cycle", &["--runs", "50", "--json"]);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(json["failed"].as_u64().unwrap() > 0);
    let failure = &json["shortest_failure"];
    assert!(
        failure["problem"]
            .as_str()
            .unwrap()
            .starts_with("more than 100 automatic transitions"),
        "{failure}"
    );
    assert_eq!(failure["inputs"], serde_json::json!(["1"]));
}

#[test]
fn runs_that_do_not_end_are_counted_as_unfinished() {
    let (code, out) = randomtest_cli(
        "tests/fixtures/tools/endless",
        &["--runs", "20", "--max-steps", "50", "--json"],
    );
    assert_eq!(code, 0, "not ending within the limit is not a failure");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["unfinished"], 20);
    assert_eq!(json["failed"], 0);
}

#[test]
fn fallbacks_taken_are_counted() {
    let (code, out) = randomtest_cli("tests/fixtures/tools/fallback", &["--runs", "100", "--json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let count = |scene: &str, number: u64| {
        json["choices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["scene"] == scene && c["number"] == number)
            .unwrap()["count"]
            .as_u64()
            .unwrap()
    };
    let knocks = count("porch", 2);
    assert!(knocks > 0);
    assert_eq!(count("door", 2), knocks, "every knock ends in giving up");
    assert_eq!(count("door", 3), 0);
    let scene = |id: &str| {
        json["scenes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap()["count"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(scene("path"), knocks, "a scene passed through is counted");
}

#[test]
fn repeats_list_what_one_game_shows_twice_and_where_it_is_written() {
    let dir = "tests/fixtures/tools/repeats";
    let args = ["--runs", "20", "--seed", "1"];
    let (code, out) = randomtest_cli(dir, &[&args[..], &["--repeats"]].concat());
    assert_eq!(code, 0, "repeats are for reading, not failures");
    let at = out.find("\nRepeated in one game").expect(&out);
    // The usual report comes first, the same as without `--repeats`.
    assert_eq!(out[..at], randomtest_cli(dir, &args).1);
    insta::assert_snapshot!(&out[at..]);
    // `--json`: every repeat, beside the usual report's fields.
    let (_, json) = randomtest_cli(dir, &[&args[..], &["--repeats", "--json"]].concat());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        (v["runs"].as_u64(), v["repeat_words"].as_u64()),
        (Some(20), Some(5))
    );
    let phone = &v["repeats"][1];
    assert_eq!(phone["phrase"], "Your phone buzzes against your ribs");
    let written = ["`lobby`", "`desk`", "`desk` choice 1", "`door`"];
    assert_eq!(phone["written"], serde_json::json!(written));
    // Four on the route that waits: the lobby passed through at the start counts too.
    assert_eq!(
        (phone["games"].as_u64(), phone["most"].as_u64()),
        (Some(20), Some(4))
    );
    // Each phrase names the first game that showed it, as a walkthrough that shows it again:
    // the side stair is on the route that leaves, and not every game takes it.
    let paint = v["repeats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["phrase"] == "The side stair smells of fresh paint.")
        .expect(&json);
    assert!(paint["games"].as_u64().unwrap() < 20, "{paint}");
    assert_eq!(paint["first"]["inputs"], serde_json::json!(["2", "1"]));
    let seed = paint["first"]["seed"].as_u64().unwrap().to_string();
    let played = support::interview()
        .args(["--scenes", dir, "--seed", &seed])
        .write_stdin("2\n1\n")
        .output()
        .unwrap();
    let screen = String::from_utf8(played.stdout).unwrap();
    assert_eq!(
        screen.matches("The side stair smells of fresh paint").count(),
        2,
        "{screen}"
    );
    let first = format!(
        "first in run {}: Walkthrough(seed: {seed}, inputs: [\"2\", \"1\"])",
        paint["first"]["run"]
    );
    assert!(out.contains(&first), "{out}");
    // No phrase of twelve words comes twice; under three words is refused.
    let (_, out) = randomtest_cli(dir, &[&args[..], &["--repeats", "12"]].concat());
    assert!(
        out.contains("twice or more; 0 such phrases in 20 games):\n  none."),
        "{out}"
    );
    let (code, _) = randomtest_cli(dir, &[&args[..], &["--repeats", "2"]].concat());
    assert_eq!(code, 2);
}
