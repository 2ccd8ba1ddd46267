//! `interview replay`: walkthrough files run against the example story without a terminal,
//! each kind of mismatch reported with its step, input, scene and text, and the exit codes.

use crate::support::{example, interview};
use interview::tools::replay::Walkthrough;
use proptest::prelude::*;

const WALKTHROUGHS: &str = "tests/fixtures/tools/walkthroughs";

/// Replays files against the example story: (exit code, stdout).
fn replay(files: &[&str]) -> (i32, String) {
    let out = interview()
        .args(["--scenes", "docs/example", "replay"])
        .args(files)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap())
}

/// Replays one failing fixture and returns its report (the lines under `FAILED`).
fn failure(name: &str) -> String {
    let file = format!("{WALKTHROUGHS}/fail/{name}.ron");
    let (code, out) = replay(&[&file]);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with(&format!("FAILED  {file}\n")), "{out}");
    assert!(out.ends_with("replay: 0 passed, 1 failed\n"), "{out}");
    out.lines()
        .skip(1)
        .filter(|l| !l.starts_with("replay:"))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn passing_walkthroughs_say_ok_and_exit_0() {
    let (code, out) = replay(&[
        &format!("{WALKTHROUGHS}/pass/light.ron"),
        &format!("{WALKTHROUGHS}/pass/midgame.ron"),
    ]);
    assert_eq!(
        out,
        format!(
            "ok      {WALKTHROUGHS}/pass/light.ron (5 inputs, ending `light`)\n\
             ok      {WALKTHROUGHS}/pass/midgame.ron (1 input)\n\
             replay: 2 passed, 0 failed\n"
        )
    );
    assert_eq!(code, 0);
}

#[test]
fn a_folder_runs_every_walkthrough_in_it_in_name_order() {
    let (code, out) = replay(&[&format!("{WALKTHROUGHS}/fail")]);
    assert_eq!(code, 1);
    let names: Vec<&str> = out
        .lines()
        .filter_map(|l| l.strip_prefix("FAILED  "))
        .map(|f| f.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "bad_input.ron",
            "missing_text.ron",
            "rejected_text.ron",
            "too_many_inputs.ron",
            "unfinished.ron",
            "unknown_ending.ron",
            "unknown_field.ron",
            "wrong_ending.ron",
        ]
    );
    assert!(out.ends_with("replay: 0 passed, 8 failed\n"), "{out}");
}

#[test]
fn an_input_that_names_no_choice_is_reported_with_the_choices_on_screen() {
    let report = failure("bad_input");
    assert!(
        report.starts_with("step 2 (input \"9\"), in scene `shore`: "),
        "{report}"
    );
    assert!(report.contains("9"), "{report}");
    assert!(
        report.ends_with(
            "the choices were: 1. Climb to the lighthouse | 2. Go home and let the sea do as it likes"
        ),
        "{report}"
    );
}

#[test]
fn a_missing_text_is_reported_with_the_last_scene() {
    assert_eq!(
        failure("missing_text"),
        "at the end (after 1 input), in scene `home`: this text never appeared: \
         \"a lighthouse keeper's medal\"\n\
         the last scene's text: \"You bolt your door and listen to the storm all night. In the \
         morning the beach is covered in timber, and nobody asks you why the light was out.\""
    );
}

#[test]
fn a_rejected_text_is_reported_at_the_step_where_it_first_shows() {
    assert_eq!(
        failure("rejected_text"),
        "step 1 (input \"1\"), in scene `shore`: this text must not appear, but it does: \"brass handle\""
    );
}

#[test]
fn endings_are_checked() {
    assert_eq!(
        failure("wrong_ending"),
        "at the end (after 1 input), in scene `home`: expected the ending `light`, but it reached \
         the ending `home`"
    );
    assert_eq!(
        failure("unfinished"),
        "at the end (after 1 input), in scene `stairs`: expected the ending `light`, but the game \
         has not ended"
    );
    assert_eq!(
        failure("unknown_ending"),
        "at the start, in scene `shore`: the walkthrough expects the ending `moon`, which the story \
         does not have (its endings: light, dark, home)"
    );
    assert_eq!(
        failure("too_many_inputs"),
        "step 2 (input \"1\"), in scene `home`: the game is over (ending `home`), but inputs remain"
    );
}

#[test]
fn a_malformed_file_is_reported_with_line_and_column() {
    let report = failure("unknown_field");
    assert!(
        report.starts_with(&format!(
            "{WALKTHROUGHS}/fail/unknown_field.ron:4:5: unexpected field named `expected`"
        )),
        "{report}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let (code, out) = replay(&["tests/fixtures/tools/walkthroughs/nope.ron"]);
    assert_eq!((code, out.as_str()), (2, ""));
    let out = interview()
        .args(["--scenes", "docs/example", "replay"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "no file named");
    let out = interview()
        .args(["--scenes", "tests/fixtures/tools/none", "replay"])
        .arg(format!("{WALKTHROUGHS}/pass/light.ron"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a story folder that does not exist");
}

#[test]
fn the_same_mismatch_is_found_by_the_library() {
    let story = example();
    let w = Walkthrough::parse(
        &std::fs::read_to_string(format!("{WALKTHROUGHS}/fail/rejected_text.ron")).unwrap(),
    )
    .unwrap();
    let f = interview::tools::replay::check(story, &w).unwrap_err();
    assert_eq!(
        f.at,
        interview::tools::replay::At::Step {
            n: 1,
            input: "1".into()
        }
    );
    let ok = Walkthrough { reject: vec![], ..w };
    assert!(interview::tools::replay::check(story, &ok).is_ok());
}

/// A written walkthrough escapes what a RON string needs (`"`, `\\`, control characters), not
/// apostrophes.
#[test]
fn written_walkthroughs_escape_only_what_they_must() {
    let w = Walkthrough {
        seed: 1,
        inputs: vec!["It's".into(), "“I’m — fine”".into()],
        expect: vec!["a \"quote\", a \\ and\nlines\tand \u{1b}[2J \u{7f}\u{9b}".into()],
        reject: vec![],
        ending: Some("end".into()),
    };
    let text = w.to_ron("");
    let expected = r#"Walkthrough(
    seed: 1,
    inputs: ["It's", "“I’m — fine”"],
    expect: ["a \"quote\", a \\ and\nlines\tand \u{1b}[2J \u{7f}\u{9b}"],
    reject: [],
    ending: "end",
)
"#;
    assert_eq!(text, expected);
    assert_eq!(Walkthrough::parse(&text), Ok(w));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// What `explore --walkthroughs` writes reads back as the same walkthrough, whatever the
    /// texts hold (quotes, apostrophes, backslashes, line breaks, any script).
    #[test]
    fn written_walkthroughs_read_back(
        seed: u64,
        inputs in proptest::collection::vec(".{0,12}", 0..5),
        expect in proptest::collection::vec(".{0,30}", 0..3),
        reject in proptest::collection::vec("[\"'\\\\\n a-z]{0,10}", 0..3),
        ending in proptest::option::of("[a-z_]{1,10}"),
        comment in ".{0,40}",
    ) {
        let w = Walkthrough { seed, inputs, expect, reject, ending };
        let text = w.to_ron(&comment);
        prop_assert_eq!(Walkthrough::parse(&text), Ok(w), "{}", text);
    }
}
