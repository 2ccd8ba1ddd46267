//! `interview explore`: every ending of the example story with its shortest path, walkthroughs
//! that reach those endings when typed into the real game, planted problems (that `check`
//! cannot see) reported with a path that reproduces them, and the state reduction checked
//! against a search over whole states on random stories.

use crate::support::{self, assert_shows, bin, interview, load};
use interview::story::{SourceFile, Story, load_story};
use interview::tools::explore::{self, Config, Report, cross_check};
use interview::tools::replay::{self, Walkthrough};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

const FIXTURES: &str = "tests/fixtures/tools";

/// Runs `interview --scenes DIR explore ARGS`: (exit code, stdout).
fn explore_cli(dir: &str, args: &[&str]) -> (i32, String) {
    let out = interview()
        .args(["--scenes", dir, "explore"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap())
}

fn explore_lib(dir: &str) -> (Story, Report) {
    let story = load(dir);
    let report = explore::explore(&story, &Config::default(), &mut |_, _| {});
    (story, report)
}

/// `check` passes on a fixture: its planted problem is one only a run can find.
fn passes_check(dir: &str) {
    let out = interview().args(["check", dir]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A fresh folder for a test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_example_story_report() {
    let (code, out) = explore_cli("docs/example", &[]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(out);
}

#[test]
fn json_is_one_document_with_the_same_findings() {
    let (code, out) = explore_cli("docs/example", &["--json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let (_, report) = explore_lib("docs/example");
    assert_eq!(json["complete"], true);
    assert_eq!(json["states"], report.states);
    let endings: Vec<(String, Vec<String>)> = json["endings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let inputs = e["path"]["steps"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["input"].as_str().unwrap().to_owned())
                .collect();
            (e["id"].as_str().unwrap().to_owned(), inputs)
        })
        .collect();
    let expected: Vec<(String, Vec<String>)> = report
        .endings
        .iter()
        .map(|e| (e.id.clone(), e.path.inputs()))
        .collect();
    assert_eq!(endings, expected);
    assert_eq!(
        json["unreached"]["choices"][0]["text"], "Wait for dawn",
        "the fallback nobody takes"
    );
}

/// Writes the walkthroughs of a story, then types each one's inputs into the real game with
/// its seed, and checks the game announces the ending; `replay` passes them too.
fn walkthroughs_reach_their_endings(dir: &str, out_name: &str, endings: &[&str]) {
    let out = scratch(out_name);
    let (code, _) = explore_cli(dir, &["--walkthroughs", out.to_str().unwrap()]);
    assert_eq!(code, 0);
    let story = load(dir);
    let mut written: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    let mut expected: Vec<String> = endings.iter().map(|e| format!("{e}.ron")).collect();
    expected.sort();
    assert_eq!(written, expected);
    for name in &written {
        let path = out.join(name);
        let w = Walkthrough::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let ending = w.ending.clone().unwrap();
        let title = &story.ending(story.ending_by_name(&ending).unwrap()).title;
        let stdin = w.inputs.join("\n") + "\n";
        let played = interview()
            .args(["--scenes", dir, "--seed", &w.seed.to_string()])
            .write_stdin(stdin)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&played.stdout);
        assert!(
            stdout.contains(&format!("THE END: {title}")),
            "{name}: the game did not end in `{ending}`:\n{stdout}"
        );
        for text in &w.expect {
            assert!(
                stdout.replace('\n', " ").contains(text.as_str()),
                "{name}: {text}"
            );
        }
    }
    let replayed = interview()
        .args(["--scenes", dir, "replay", out.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&replayed.stdout);
    assert_eq!(replayed.status.code(), Some(0), "{stdout}");
    assert!(stdout.ends_with(&format!("replay: {} passed, 0 failed\n", endings.len())));
}

#[test]
fn the_example_storys_walkthroughs_reach_every_ending_in_the_real_game() {
    walkthroughs_reach_their_endings("docs/example", "walkthroughs_example", &["light", "dark", "home"]);
}

/// Walkthrough files hold texts as written: a RON string needs `"` escaped, not `'`. They
/// still reach their endings and replay.
#[test]
fn walkthroughs_escape_quotes_but_not_apostrophes() {
    let out_name = "walkthroughs_quotes";
    walkthroughs_reach_their_endings("tests/fixtures/play/quotes", out_name, &["caught", "honest"]);
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(out_name);
    let caught = std::fs::read_to_string(out.join("caught.ron")).unwrap();
    assert!(
        caught.contains(r#"    expect: ["She doesn't believe you. \"It's late,\" she says."],"#),
        "{caught}"
    );
    let honest = std::fs::read_to_string(out.join("honest.ron")).unwrap();
    assert!(
        honest.contains(r#"    expect: ["She laughs. It's the first time today."],"#),
        "{honest}"
    );
}

/// Three 1-in-20 spins in a row: the shortest path is too unlikely for any seed tried, so
/// the walkthrough comes from searching one seed's own game (which may spin again).
#[test]
fn an_unlikely_ending_gets_a_walkthrough_from_a_seed_that_reaches_it() {
    let (story, report) = explore_lib(&format!("{FIXTURES}/luck"));
    let jackpot = report.endings.iter().find(|e| e.id == "jackpot").unwrap();
    // The third wheel's roll only changes its text: both of its outcomes count.
    for step in &jackpot.path.steps {
        assert!((step.chance.unwrap() - 0.05).abs() < 1e-12, "{:?}", jackpot.path);
    }
    assert_eq!(jackpot.path.steps.len(), 3);
    let w = explore::walkthrough(&story, jackpot).unwrap();
    assert!(w.inputs.len() > 3, "{w:?}");
    assert!(replay::check(&story, &w).is_ok());
    walkthroughs_reach_their_endings(
        &format!("{FIXTURES}/luck"),
        "walkthroughs_luck",
        &["jackpot", "broke"],
    );
}

/// The search keeps no random outcomes or odds per state: the paths it prints find them again,
/// the start's included, with the odds of every outcome of a step that reaches the same state
/// added up.
#[test]
fn a_path_through_random_outcomes_is_printed_with_its_odds() {
    let dir = format!("{FIXTURES}/odds");
    let (code, out) = explore_cli(&dir, &[]);
    assert_eq!(code, 0);
    assert!(
        out.contains(
            "  `win` (Win), in 2 choices:\n      (the start leads to `hall`: 75% chance)\n      \
             1. Throw the torch  -> tower (75% chance)\n      1. Climb  -> top\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("  `lose` (Lose), in 1 choice:\n      (the start leads to `yard`: 25% chance)\n"),
        "{out}"
    );
    let (story, report) = explore_lib(&dir);
    let win = report.endings.iter().find(|e| e.id == "win").unwrap();
    assert_eq!(win.path.start_chance, Some(0.75));
    // Two of the three branches (weights 2 and 1 of 4) reach the same state.
    assert_eq!(win.path.steps[0].chance, Some(0.75));
    assert_eq!(win.path.steps[1].chance, None);
    let w = explore::walkthrough(&story, win).unwrap();
    assert!(replay::check(&story, &w).is_ok(), "{w:?}");
}

/// A story whose second step has 8 combinations of random outcomes: three rolls that a choice
/// reads, so each combination is a state of its own.
fn three_rolls() -> Story {
    let files = vec![
        SourceFile {
            name: "story.ron".into(),
            bytes: br#"Story(id: "rolls", title: "Rolls", start: "s0", endings: { "end": "End" })"#.to_vec(),
        },
        SourceFile {
            name: "scenes.ron".into(),
            bytes: br#"[
                Scene(id: "s0", text: "Start.", choices: [Choice(text: "Go", goto: "s1")]),
                Scene(id: "s1", text: "Three coins.", choices: [
                    Choice(text: "Heads", if: All([Chance(50), Chance(50), Chance(50)]), goto: "end"),
                    Choice(text: "Back", goto: "s0"),
                ]),
                Scene(id: "end", text: "End.", ending: "end"),
            ]"#
            .to_vec(),
        },
    ];
    load_story(&files).story.unwrap()
}

/// Past the limit of combinations per step, the rest of that step is left out and said so,
/// naming the choice, and the search goes on; when `max_states` is met first, it is the reason
/// given.
#[test]
fn a_step_past_the_outcome_limit_is_named_and_the_search_goes_on() {
    let story = three_rolls();
    let search = |max_states| {
        let config = Config {
            max_states,
            max_outcomes_per_step: 3,
            whole_states: false,
        };
        explore::explore(&story, &config, &mut |_, _| {})
    };
    let r = search(100);
    assert_eq!((r.complete, r.cut_short.as_deref()), (false, None));
    let cuts: Vec<(&str, Option<usize>, Option<&str>, usize)> = r
        .outcome_cuts
        .iter()
        .map(|c| (c.scene.as_str(), c.number, c.text.as_deref(), c.limit))
        .collect();
    assert_eq!(cuts, [("s0", Some(1), Some("Go"), 3)]);
    // The start and the first 3 combinations of the second step (none of them three heads),
    // each expanded in turn ("Back" leads to the start again).
    assert_eq!(r.states, 4, "{}", explore::render(&r));
    // The step's third combination is one state too many, before the limit is met.
    let r = search(3);
    assert_eq!(
        (r.states, r.cut_short.as_deref()),
        (3, Some("stopped at 3 states (--max-states)"))
    );
    let whole = explore::explore(&story, &Config::default(), &mut |_, _| {});
    assert_eq!((whole.states, whole.complete), (10, true));
    assert!(whole.outcome_cuts.is_empty());
}

/// Through the binary: a story with a step of 2^17 combinations (17 coins tossed on entering
/// a scene) is explored to its end past that step, and the report names the choice cut off,
/// with its `file:line:col`; the JSON has it too.
#[test]
fn the_outcome_cap_names_the_choice_and_explores_the_rest() {
    let dir = "tests/fixtures/tools/outcome_cap";
    let out = interview().args(["--scenes", dir, "explore"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.starts_with(
            "Seventeen Coins: explored 4 states.\nCut off: 1 step had more than 65536 combinations"
        ),
        "{text}"
    );
    assert!(
        text.contains("  the choice 1 of scene `hall`, \"Toss the coins\" (tests/fixtures/tools/outcome_cap/scenes.ron:6:13)\n"),
        "{text}"
    );
    assert!(text.contains("Endings reached: 2 of 2"), "{text}");
    let out = interview()
        .args(["--scenes", dir, "explore", "--json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["complete"], false);
    assert_eq!(json["cut_short"], serde_json::Value::Null);
    assert_eq!(json["outcome_cuts"][0]["number"], 1);
    assert_eq!(
        json["outcome_cuts"][0]["at"],
        "tests/fixtures/tools/outcome_cap/scenes.ron:6:13"
    );
    assert_eq!(json["outcome_cuts"][0]["limit"], explore::MAX_OUTCOMES_PER_STEP);
}

/// Plays a reported path's inputs (these fixtures have no chance: any seed plays it).
fn play_path(story: &Story, path: &explore::Path) -> replay::Played {
    let w = Walkthrough {
        seed: 0,
        inputs: path.inputs(),
        expect: vec![],
        reject: vec![],
        ending: None,
    };
    replay::play(story, &w)
}

/// A fixture with a problem planted that only a run can find: `check` passes on it, and
/// `explore` exits with `code` (`why` says why) and prints each of `shows`. Returns its folder.
fn planted(fixture: &str, code: i32, why: &str, shows: &[&str]) -> String {
    let dir = format!("{FIXTURES}/{fixture}");
    passes_check(&dir);
    let (got, out) = explore_cli(&dir, &[]);
    assert_eq!(got, code, "{why}");
    assert_shows(&out, shows);
    dir
}

#[test]
fn a_planted_dead_end_is_reported_with_a_path_to_it() {
    let dir = planted(
        "dead_end",
        1,
        "a dead end fails the story",
        &[
            "Dead ends: 1.\n  in scene `cellar`: no available choice, and not an ending (met 1 time), \
           reproduced by:\n      1. Go down to the cellar  -> cellar\n",
        ],
    );
    let (story, report) = explore_lib(&dir);
    let played = play_path(&story, &report.dead_ends[0].path);
    assert_eq!(played.scene, "cellar");
    assert!(played.failure.is_none());
    let after = replay::play(
        &story,
        &Walkthrough {
            seed: 0,
            inputs: vec!["1".into(), "1".into()],
            expect: vec![],
            reject: vec![],
            ending: None,
        },
    );
    assert_eq!(
        after.failure.unwrap().message,
        "a dead end: no choice is available here"
    );
}

#[test]
fn a_planted_unreachable_scene_is_reported() {
    planted(
        "unreachable_scene",
        0,
        "unreached scenes do not fail the story",
        &[
            "Never reached:\n  the scene `attic`\n  the choice 2 of scene `landing`, \
           \"Climb the ladder to the attic\"\n",
        ],
    );
}

#[test]
fn a_planted_unreachable_ending_is_reported() {
    let dir = planted(
        "unreachable_ending",
        0,
        "an unreached ending does not fail the story",
        &[
            "Endings reached: 1 of 2",
            "Never reached:\n  the ending `rich` (Rich)\n  the scene `vault`\n",
        ],
    );
    // The ending that is reached has a path that reaches it.
    let (story, report) = explore_lib(&dir);
    let caught = &report.endings[0];
    assert_eq!(caught.id, "caught");
    let played = play_path(&story, &caught.path);
    assert_eq!(played.ending, story.ending_by_name("caught"));
}

#[test]
fn a_planted_transition_cycle_is_reported_with_a_path_that_hits_it() {
    let dir = planted(
        "cycle",
        1,
        "a runtime error fails the story",
        &[
            "Runtime errors: 1.\n  in scene `west`: more than 100 automatic transitions in one step \
           (at scene `east`): the story loops (met 1 time), reproduced by:\n      \
           1. Turn the mirrors  -> west\n",
        ],
    );
    let (story, report) = explore_lib(&dir);
    let played = play_path(&story, &report.errors[0].path);
    let failure = played.failure.unwrap();
    assert_eq!(
        failure.at,
        replay::At::Step {
            n: 1,
            input: "1".into()
        }
    );
    assert!(failure.message.starts_with("more than 100 automatic transitions"));
}

#[test]
fn max_states_cuts_the_search_short_and_says_so() {
    let (code, out) = explore_cli(&format!("{FIXTURES}/endless"), &["--max-states", "100"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with(
            "Endless: explored 100 states, then stopped at 100 states (--max-states).\n\
             The search is incomplete:"
        ),
        "{out}"
    );
    assert!(
        out.contains("Never reached:\n  the ending `done` (Done)\n"),
        "{out}"
    );
    let (_, json) = explore_cli(&format!("{FIXTURES}/endless"), &["--max-states", "100", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["complete"], false);
}

#[test]
fn a_loop_is_written_once_with_its_count() {
    let (_, out) = explore_cli(&format!("{FIXTURES}/endless"), &["--max-states", "5000"]);
    assert!(
        out.contains(
            "`done` (Done), in 1001 choices:\n      1. Count one more  -> counting (this step 1000 times)\n      \
             2. Stop at a round number  -> done\n"
        ),
        "{out}"
    );
}

#[test]
fn no_progress_line_without_a_terminal() {
    let out = interview()
        .args([
            "--scenes",
            &format!("{FIXTURES}/endless"),
            "explore",
            "--max-states",
            "40000",
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

/// On a terminal, a long search shows how far it got.
#[cfg(unix)]
#[test]
fn a_progress_line_on_a_terminal() {
    let mut cmd = std::process::Command::new(bin());
    cmd.current_dir(support::ROOT).env("NO_COLOR", "1").args([
        "--scenes",
        &format!("{FIXTURES}/endless"),
        "explore",
        "--max-states",
        "40000",
    ]);
    use expectrl::Expect;
    let mut session = expectrl::Session::spawn(cmd).unwrap();
    session.set_expect_timeout(Some(std::time::Duration::from_secs(60)));
    session
        .expect(expectrl::Regex(r"\rexplore: \d+ states, \d+ to explore\.\.\."))
        .unwrap();
    session.expect("explored 40000 states").unwrap();
}

// --- The state reduction changes no result --------------------------------------------------

// The generated stories are those of the soundness cross-check (`tools_soundness.rs`): every
// construct of the format, replies and varying text included.
use crate::tools_soundness::gen_story;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Forgetting what the game can no longer read finds the same endings, scenes, choices,
    /// dead ends and errors, at the same shortest distances, as comparing whole states; and
    /// every reported path plays as reported.
    #[test]
    fn the_reduction_changes_no_finding(g in gen_story()) {
        let loaded = load_story(&g.files());
        let Some(story) = loaded.story else {
            // A story `check` rejects (e.g. autos that always loop) is not explored.
            return Ok(());
        };
        let config = Config { max_states: 5_000, max_outcomes_per_step: 256, whole_states: false };
        // The library's own cross-check compares every finding and its distance.
        let compared = cross_check(&story, &config).map_err(|m| TestCaseError::fail(m.differences.join("\n")))?;
        if !compared.complete {
            // Too big to compare in a test (random autos can branch on every transition).
            return Ok(());
        }
        prop_assert!(compared.reduced_states <= compared.whole_states);
        let reduced = explore::explore(&story, &config, &mut |_, _| {});
        for e in &reduced.endings {
            let steps: Vec<&str> = e.path.steps.iter().map(|s| s.scene.as_str()).collect();
            let scene_of_ending = story
                .scenes()
                .iter()
                .find(|s| s.ending == story.ending_by_name(&e.id))
                .map(|s| s.id.as_str());
            prop_assert_eq!(steps.last().copied().or(Some(e.path.start.as_str())), scene_of_ending);
        }
    }
}

/// The engine takes fallbacks and passes through scenes inside one step without saying so;
/// `explore` still sees which were reached.
#[test]
fn fallbacks_and_scenes_passed_within_a_step_count_as_reached() {
    let (code, out) = explore_cli(&format!("{FIXTURES}/fallback"), &[]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Never reached:\n  the choice 3 of scene `door`, \"Never needed\" (fallback)\n\nDead"),
        "only the fallback that is never needed, not `path` nor `Give up`:\n{out}"
    );
}

/// `--stats` says what keeps apart the states of the busiest scenes: each value kept, how many
/// times it multiplies them, and where it is read, as an author writes each; `--json` has the
/// same counts. Two early choices a late gate reads keep 3 x 2 states apart in the corridor.
#[test]
fn stats_name_what_keeps_the_states_apart_and_where_it_is_read() {
    let dir = format!("{FIXTURES}/spread");
    passes_check(&dir);
    let out = interview()
        .args(["--scenes", &dir, "explore", "--stats"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(
            "explore: what keeps the 6 states in corridor apart:\n\
             \x20 coins: 3 values, x3.0; read at choice 2 of `gate`\n\
             \x20 Chosen(\"hall.red\"): 2 values, x2.0; read at choice 1 of `gate`\n"
        ),
        "{stderr}"
    );
    // A scene whose states differ in one value names only that one.
    assert!(
        stderr.contains(
            "explore: what keeps the 2 states in yard apart:\n\
             \x20 Chosen(\"hall.red\"): 2 values, x2.0; read at choice 1 of `gate`\n"
        ),
        "{stderr}"
    );
    let json = interview()
        .args(["--scenes", &dir, "explore", "--stats", "--json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let corridor = &json["spread"][0];
    assert_eq!(corridor["scene"], "corridor");
    assert_eq!(corridor["states"], 6);
    assert_eq!(corridor["values"][0]["value"], "coins");
    assert_eq!(corridor["values"][0]["without"], 2);
    // Without `--stats` the search counts nothing more, and the JSON says nothing of it.
    let (_, plain) = explore_cli(&dir, &["--json"]);
    assert!(!plain.contains("\"spread\""), "{plain}");
}

/// `--stats` names the scenes that hold the most states, with counts that add up to the
/// report's; `--json` lists every scene reached the same way.
#[test]
fn stats_name_the_scenes_that_hold_the_states() {
    let out = interview()
        .args(["--scenes", "docs/example", "explore", "--stats", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let scenes = json["scene_states"].as_array().unwrap();
    let counts: Vec<u64> = scenes.iter().map(|s| s["states"].as_u64().unwrap()).collect();
    assert_eq!(counts.iter().sum::<u64>(), json["states"].as_u64().unwrap());
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "most first: {counts:?}");
    let busiest = scenes[0]["scene"].as_str().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let line = stderr
        .lines()
        .find(|l| l.starts_with("explore: most states wait in "))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(
        line.starts_with(&format!("explore: most states wait in {busiest} {} (", counts[0])),
        "{line}"
    );
    // Without `--stats` (and no terminal) stderr stays quiet.
    let quiet = interview()
        .args(["--scenes", "docs/example", "explore"])
        .output()
        .unwrap();
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );
}
