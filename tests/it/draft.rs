//! `interview --draft`: a story still being written plays around a missing scene (a
//! placeholder with a way back) and an ending never used, with a banner; other errors still
//! refuse it, and `check` stays strict. Through the binary, with piped input.

use crate::support::{assert_shows, interview, path, temp_dir};

const FIXTURES: &str = "tests/fixtures/draft";

/// Plays a fixture with `args` and the `input` lines: (exit code, stdout, stderr).
fn play(name: &str, fixture: &str, args: &[&str], input: &str) -> (Option<i32>, String, String) {
    let saves = temp_dir("draft", name);
    let out = interview()
        .args(args)
        .arg("--scenes")
        .arg(path(&format!("{FIXTURES}/{fixture}")))
        .arg("--saves")
        .arg(&saves)
        .args(["--seed", "1"])
        .write_stdin(input)
        .output()
        .unwrap();
    std::fs::remove_dir_all(saves).unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (out.status.code(), text(out.stdout), text(out.stderr))
}

#[test]
fn a_missing_scene_shows_a_placeholder_with_a_way_back() {
    let (code, out, err) = play("missing", "missing_scene", &["--draft"], "1\n1\n2\n");
    assert_eq!(code, Some(0), "{out}{err}");
    assert_shows(
        &out,
        &[
            "DRAFT: 1 problem played around",
            "Scene `red_room` is not written yet.",
            "1. Go back to `hall`",
            "THE END: Outside",
        ],
    );
    // Back in the hall after the placeholder, before leaving.
    let after = &out[out.find("not written yet").unwrap()..];
    assert!(after.contains("A hall with two doors."), "{out}");
}

#[test]
fn an_unused_ending_is_ignored() {
    let (code, out, err) = play("unused", "unused_ending", &["--draft"], "2\n");
    assert_eq!(code, Some(0), "{out}{err}");
    assert_shows(&out, &["DRAFT: 1 problem played around", "THE END: Outside"]);
}

#[test]
fn without_draft_the_same_stories_do_not_start() {
    for (fixture, message) in [
        ("missing_scene", "error: no scene has the id `red_room`"),
        ("unused_ending", "error: the ending `lost` is never used"),
    ] {
        let (code, out, err) = play(fixture, fixture, &[], "1\n");
        assert_eq!(code, Some(1), "{out}{err}");
        assert!(err.contains(message), "{err}");
        assert!(!out.contains("DRAFT"), "{out}");
    }
}

#[test]
fn other_errors_still_refuse_a_draft() {
    let (code, out, err) = play("other", "other_error", &["--draft"], "1\n");
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(
        err.contains("error: the variable `lamp` is not declared"),
        "{err}"
    );
    assert!(
        err.contains("warning: no scene has the id `red_room`: the draft shows a placeholder"),
        "{err}"
    );
    assert!(out.is_empty(), "{out}");
}

#[test]
fn check_stays_strict() {
    let out = interview()
        .args(["check", &format!("{FIXTURES}/missing_scene")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("error: no scene has the id `red_room`"));
    let out = interview()
        .args(["--draft", "check", &format!("{FIXTURES}/missing_scene")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--draft is for playing a story"));
}

#[test]
fn the_loader_makes_one_placeholder_per_way_back() {
    use interview::story::{LoadOptions, load_story_with};
    let files = [
        crate::support::file(
            "story.ron",
            r#"Story(id: "d", title: "D", start: "a", endings: { "e": "E" })"#,
        ),
        crate::support::file(
            "scenes.ron",
            r#"[
                Scene(id: "a", text: "A.", choices: [
                    Choice(text: "On", goto: "x"),
                    Choice(text: "Across", goto: "b"),
                    Choice(text: "Again", goto: "x"),
                ]),
                Scene(id: "b", text: "B.", choices: [Choice(text: "On", goto: "x"), Choice(text: "End", goto: "e")]),
                Scene(id: "e", text: "E.", ending: "e"),
            ]"#,
        ),
    ];
    let strict = load_story_with(&files, &LoadOptions::default());
    assert!(strict.story.is_none());
    let draft = load_story_with(
        &files,
        &LoadOptions {
            draft: true,
            ..LoadOptions::default()
        },
    );
    let story = draft.story.as_ref().expect("a draft loads");
    let ids: Vec<&str> = story.scenes().iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "e", "x", "x (from b)"]);
    assert_eq!(draft.warnings().count(), 3, "{:?}", draft.diagnostics);
}
