//! `interview check`: one fixture per kind of problem, each reported with the right
//! `file:line:col`, all problems of a story in one run, and the documented exit codes.

use crate::support::{interview, path, temp_dir};

const FIXTURES: &str = "tests/fixtures/check";

/// Runs `interview check DIR`: (exit code, stdout).
fn check_output(dir: impl AsRef<std::ffi::OsStr>) -> (Option<i32>, String) {
    let out = interview().arg("check").arg(dir).output().unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

/// Runs `interview check` on a fixture that fails before any headline of a file of its own
/// (the folder is missing its manifest, or empty) and compares the exit code and the first line.
fn check_start(fixture: &str, code: i32, start: &str) {
    let (got, stdout) = check_output(format!("{FIXTURES}/{fixture}"));
    assert_eq!(got, Some(code));
    assert!(stdout.starts_with(start), "{stdout}");
}

/// Runs `interview check` on the `valid` fixture with `files` added (the limits that would be
/// wasteful to commit), checks the output has `line`, and returns the exit code.
fn check_temp(name: &str, files: &[(&str, Vec<u8>)], line: &str) -> Option<i32> {
    let dir = temp_story(name, files);
    let (code, stdout) = check_output(&dir);
    assert!(stdout.contains(line), "{stdout}");
    std::fs::remove_dir_all(dir).unwrap();
    code
}

/// Runs `interview check` on a fixture and compares the exit code and the diagnostic
/// headlines (the lines that start with `file:line:col`), in order.
pub(crate) fn check(fixture: &str, code: i32, expect: &[&str]) {
    let dir = format!("{FIXTURES}/{fixture}");
    let out = interview().args(["check", &dir]).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let prefix = format!("{dir}/");
    let headlines: Vec<String> = stdout
        .lines()
        .filter(|l| l.starts_with(&prefix) && l.contains(": error: ") || l.contains(": warning: "))
        .map(|l| l.replacen(&prefix, "", 1))
        .collect();
    assert_eq!(headlines, expect, "\nfull output of {fixture}:\n{stdout}");
    assert_eq!(out.status.code(), Some(code), "exit code of {fixture}:\n{stdout}");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn a_valid_story_has_no_diagnostics() {
    check("valid", 0, &[]);
}

#[test]
fn ron_syntax() {
    check("syntax", 1, &["scenes.ron:6:31: error: expected comma"]);
}

#[test]
fn unknown_field() {
    check(
        "unknown_field",
        1,
        &["scenes.ron:6:77: error: unknown field `colour` in `Choice`"],
    );
}

#[test]
fn duplicate_scene_id() {
    check(
        "duplicate_id",
        1,
        &[
            "scenes.ron:11:15: error: the scene id `end` is used twice (first at tests/fixtures/check/duplicate_id/scenes.ron:10:15)",
        ],
    );
}

#[test]
fn target_to_a_missing_scene() {
    check(
        "missing_target",
        1,
        &["scenes.ron:6:38: error: no scene has the id `ned`"],
    );
}

#[test]
fn undeclared_variable() {
    check(
        "undeclared_variable",
        1,
        &["scenes.ron:6:54: error: the variable `flg` is not declared"],
    );
}

#[test]
fn undeclared_variable_in_text() {
    check(
        "unknown_interpolation",
        1,
        &["scenes.ron:4:29: error: the variable `cuont` is not declared"],
    );
}

#[test]
fn mistyped_variable() {
    check(
        "mistyped_variable",
        1,
        &["scenes.ron:7:79: error: the variable `flag` is Bool, but Int is needed here"],
    );
}

#[test]
fn value_out_of_range() {
    check(
        "out_of_range",
        1,
        &["scenes.ron:7:88: error: the value 9 is out of the range 0..=3 of `count`"],
    );
    check(
        "initial_out_of_range",
        1,
        &["story.ron:7:29: error: the initial value 5 of `count` is out of its range 0..=3"],
    );
}

#[test]
fn bad_operator() {
    check(
        "bad_operator",
        1,
        &["scenes.ron:6:66: error: `=>` is not an operator; use one of == != < <= > >="],
    );
}

#[test]
fn goto_and_branches_together() {
    check(
        "both_goto_and_branches",
        1,
        &["scenes.ron:6:55: error: give either `goto` or `branches`, not both"],
    );
}

#[test]
fn scene_with_no_way_out() {
    check(
        "no_way_out",
        1,
        &[
            "scenes.ron:11:15: error: the scene `limbo` has no way out: give it choices, an auto transition, or an `ending`",
        ],
    );
}

#[test]
fn automatic_transition_cycle() {
    check(
        "auto_cycle",
        1,
        &[
            "scenes.ron:11:44: error: automatic transitions loop forever between `ping`, `pong` with no way out",
        ],
    );
}

#[test]
fn ending_never_used() {
    check(
        "unused_ending",
        1,
        &["story.ron:11:9: error: the ending `never` is never used: no scene has `ending: \"never\"`"],
    );
}

#[test]
fn missing_manifest() {
    check_start(
        "missing_manifest",
        1,
        "tests/fixtures/check/missing_manifest/story.ron:1:1: error: the story has no manifest",
    );
}

#[test]
fn invalid_utf8() {
    check(
        "bad_utf8",
        1,
        &["scenes.ron:10:33: error: the file is not valid UTF-8 text"],
    );
}

#[test]
fn nesting_too_deep() {
    check(
        "too_deep",
        1,
        &["scenes.ron:6:157: error: the file nests values more than 64 levels deep"],
    );
}

#[test]
fn warnings_do_not_fail_the_check() {
    check(
        "unreachable_scene",
        0,
        &["scenes.ron:11:15: warning: the scene `attic` cannot be reached from the start scene `start`"],
    );
    check(
        "set_never_read",
        0,
        &["story.ron:8:9: warning: the variable `mood` is set but never read"],
    );
}

#[test]
fn every_error_of_every_file_in_one_run() {
    check(
        "many_errors",
        1,
        &[
            "more.ron:2:35: error: the variable `nope` is not declared",
            "more.ron:2:100: error: the variable `count` is Int, but Bool is needed here",
            "scenes.ron:3:13: error: the scene id `start` is used twice (first at tests/fixtures/check/many_errors/more.ron:3:15)",
            "scenes.ron:6:38: error: no scene has the id `ned`",
            "story.ron:7:29: error: the initial value 5 of `count` is out of its range 0..=3",
        ],
    );
}

#[test]
fn a_diagnostic_shows_the_source_line_and_a_hint() {
    let (_, stdout) = check_output(format!("{FIXTURES}/missing_target"));
    insta::assert_snapshot!(stdout);
}

#[test]
fn usage_errors_exit_2() {
    let out = interview()
        .args(["check", "tests/fixtures/check/no_such_folder"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such folder"));
    let out = interview().args(["check", "--no-such-flag"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Files and folders made on the fly for the limits that would be wasteful to commit.
fn temp_story(name: &str, files: &[(&str, Vec<u8>)]) -> std::path::PathBuf {
    let dir = temp_dir("check", name);
    let base = path(FIXTURES).join("valid");
    for f in ["story.ron", "scenes.ron"] {
        std::fs::copy(base.join(f), dir.join(f)).unwrap();
    }
    for (n, bytes) in files {
        std::fs::write(dir.join(n), bytes).unwrap();
    }
    dir
}

#[test]
fn file_size_limit() {
    let mut big = b"[ Scene(id: \"big\", text: \"".to_vec();
    big.resize(5 * 1024 * 1024, b'a');
    big.extend_from_slice(b"\", ending: \"done\") ]");
    let code = check_temp(
        "size",
        &[("zz_big.ron", big)],
        "zz_big.ron:1:1: error: the file is larger than the limit of 4194304 bytes (4 MiB)",
    );
    assert_eq!(code, Some(1));
}

#[test]
fn choices_per_scene_limit() {
    let choices = "Choice(text: \"x\", goto: \"end\"),".repeat(201);
    let scene = format!("[ Scene(id: \"crowd\", text: \"Many.\", choices: [{choices}]) ]");
    check_temp(
        "choices",
        &[("zz_crowd.ron", scene.into_bytes())],
        "zz_crowd.ron:1:46: error: the scene `crowd` has 201 choices; the limit is 200",
    );
}

#[test]
fn branches_must_not_be_empty_or_beside_goto() {
    check(
        "empty_branches",
        1,
        &["scenes.ron:6:55: error: give either `goto` or `branches`, not both"],
    );
}

#[test]
fn weights_are_checked_with_their_range() {
    check(
        "bad_weights",
        1,
        &[
            "scenes.ron:6:90: warning: this branch has weight 0, so it is never picked",
            "scenes.ron:6:124: error: the weight -2 is out of range: a weight is a whole number from 0 to 1000000",
        ],
    );
}

#[test]
fn a_misspelled_field_gets_a_suggestion() {
    check(
        "misspelled_field",
        1,
        &["scenes.ron:7:49: error: unknown field `onse` in `Choice`"],
    );
    let (_, stdout) = check_output(format!("{FIXTURES}/misspelled_field"));
    assert!(stdout.contains("help: did you mean `once`?"));
}

#[test]
fn a_missing_comma_is_shown_where_it_belongs() {
    // RON notices it at the next line's field; the author left it out after the string.
    check(
        "missing_comma_at_line_end",
        1,
        &["scenes.ron:4:38: error: expected comma"],
    );
}

#[test]
fn an_unknown_variable_in_text_points_at_its_braces() {
    check(
        "interpolation_column",
        1,
        &["scenes.ron:4:43: error: the variable `flga` is not declared"],
    );
}

#[test]
fn a_scene_that_loops_into_itself() {
    check(
        "single_scene_loop",
        1,
        &["scenes.ron:11:45: error: automatic transitions loop forever in `spin` with no way out"],
    );
}

#[test]
fn an_empty_folder_names_the_manifest_it_lacks() {
    check_start(
        "empty_folder",
        1,
        &format!("{FIXTURES}/empty_folder/story.ron:1:1: error: the folder has no story files"),
    );
}

// Traps that loaded silently before (issue 15): warnings, each with its fixture and the whole
// output as a snapshot next to it (`check.snap`, as the syntax fixtures have).

/// [`check`], and the whole output compared with `check.snap` in the fixture's folder.
pub(crate) fn check_snap(fixture: &str, code: i32, expect: &[&str]) {
    check(fixture, code, expect);
    let dir = format!("{FIXTURES}/{fixture}");
    let (_, stdout) = check_output(&dir);
    insta::with_settings!({
        snapshot_path => path(&dir),
        prepend_module_to_snapshot => false,
        omit_expression => true,
        description => format!("interview check {dir}"),
    }, {
        insta::assert_snapshot!("check", stdout);
    });
}

#[test]
fn a_scene_without_text() {
    check_snap(
        "scene_without_text",
        0,
        &[
            "scenes.ron:3:13: warning: the scene `start` has no text",
            "scenes.ron:8:29: warning: the scene `hall` has no text",
        ],
    );
}

#[test]
fn a_choice_without_text() {
    check_snap(
        "choice_without_text",
        0,
        &[
            // Four choices to the same place, with nothing set: unanswered too (issue 16).
            "scenes.ron:6:13: warning: choices \"\" (line 6), \"\" (line 7), \"{name}\" (line 8) and \"Go on\" (line 9) lead to the same text whatever the state: the player cannot tell them apart",
            "scenes.ron:6:26: warning: this choice has no text: it shows as a bare number",
            "scenes.ron:7:26: warning: this choice has no text: it shows as a bare number",
            "scenes.ron:8:26: warning: this choice's text `{name}` is empty while its variables hold their first value",
        ],
    );
}

#[test]
fn two_choices_that_read_the_same_as_typed() {
    check_snap(
        "twin_choices",
        0,
        &[
            "scenes.ron:6:13: warning: choices \"Go on\" (line 6), \"Open the door\" (line 8) and \"Wait\" (line 11) lead to the same text whatever the state: the player cannot tell them apart",
            "scenes.ron:7:13: warning: choices \"go on.\" (line 7) and \"Open the door\" (line 9) lead to the same text whatever the state: the player cannot tell them apart",
            "scenes.ron:7:26: warning: the choices 1 and 2 of the scene `start` read the same as typed: `go on.` (the first at tests/fixtures/check/twin_choices/scenes.ron:6:26)",
            "scenes.ron:11:26: warning: the choices 5 and 6 of the scene `start` read the same as typed: `Wait` (the first at tests/fixtures/check/twin_choices/scenes.ron:10:26)",
        ],
    );
}

#[test]
fn a_choice_that_starts_with_a_command_or_a_number() {
    check_snap(
        "command_word_choice",
        0,
        &[
            "scenes.ron:6:26: warning: the choice `Look at the hook` starts with `look`, a command of the game: typing `look` will show the scene again",
            "scenes.ron:7:13: warning: choices \"\"Save her!\"\" (line 7), \"10 paces north\" (line 8) and \"Lookout tower\" (line 9) lead to the same text whatever the state: the player cannot tell them apart",
            "scenes.ron:7:26: warning: the choice `\"Save her!\"` starts with `save`, a command of the game: typing `save`, or `save` and one word more, will save the game",
            "scenes.ron:8:26: warning: the choice `10 paces north` starts with a number: typing `10` picks choice 10 instead",
        ],
    );
}

#[test]
fn files_that_are_not_read_are_named() {
    check_snap(
        "skipped_files",
        0,
        &[
            "Extra.RON:1:1: warning: this file was skipped: only names ending in lower-case `.ron` are read",
            "more.Ron:1:1: warning: this file was skipped: only names ending in lower-case `.ron` are read",
            "sub/a.ron:1:1: warning: this file was skipped: files in sub-folders are not read (and 1 more file in `sub`)",
        ],
    );
}

#[test]
fn a_folder_whose_only_files_are_skipped() {
    let dir = temp_dir("check", "only-skipped");
    std::fs::write(dir.join("STORY.RON"), "Story()").unwrap();
    let (code, stdout) = check_output(&dir);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("STORY.RON:1:1: warning: this file was skipped"),
        "{stdout}"
    );
    assert!(stdout.contains("help: rename it `STORY.ron`"), "{stdout}");
    assert!(
        stdout.contains("error: the folder has no story files"),
        "{stdout}"
    );
    assert!(stdout.contains(": 1 error, 1 warning"), "{stdout}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_comparison_the_range_decides() {
    check_snap(
        "impossible_comparison",
        0,
        &[
            "scenes.ron:6:59: warning: `coins >= 50` can never hold: `coins` stays within 0..=9",
            "scenes.ron:7:88: warning: `coins >= 0` always holds: `coins` stays within 0..=9",
        ],
    );
}

#[test]
fn a_file_too_deep_for_the_fast_reader_is_named_where_it_goes_too_deep() {
    // Valid RON (so `ron` reads it), but a condition nested past the fast reader's limit: the
    // file loads, several times slower, and `check` says where and how to flatten it.
    check(
        "too_deep_for_fast_reader",
        0,
        &[
            "scenes.ron:9:46: warning: values nest more than 16 levels deep here, so this file is read by the general RON parser, which loads it several times slower",
        ],
    );
    // The same condition two `Not(All([..]))` shallower is read fast, and nothing is said.
    let scenes = std::fs::read_to_string(format!("{FIXTURES}/too_deep_for_fast_reader/scenes.ron"))
        .unwrap()
        .replacen("Not(All([Not(All([Not(All([", "Not(All([", 1)
        .replacen("]))]))]))", "]))", 1);
    let story = std::fs::read(format!("{FIXTURES}/too_deep_for_fast_reader/story.ron")).unwrap();
    let dir = temp_story(
        "shallow-enough",
        &[("scenes.ron", scenes.into_bytes()), ("story.ron", story)],
    );
    let (code, stdout) = check_output(&dir);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("0 errors, 0 warnings"), "{stdout}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_spent_marking_is_plain_words() {
    // `spent:` marks every taken once-only choice alike, so nothing in it could vary; a
    // choice's own `spent:` follows the same rules, and only a once-only choice can have one.
    check(
        "bad_spent",
        1,
        &[
            "scenes.ron:7:27: error: `spent: Explain(..)` is shown beside the choice, on its line: keep it to 40 characters or fewer",
            "scenes.ron:8:56: error: `spent:` says how a once-only choice looks once taken: this choice is not `once: true`",
            "story.ron:8:12: error: `spent: Explain(..)` is shown as written: it cannot hold `{...}`",
        ],
    );
}
