//! Every limit of issue 8 is a clear error that names its number: file size, story size,
//! number of files, nesting depth, scenes, choices per scene, text per scene, `Chance`
//! conditions per scene, automatic transitions in one step and the input line length.
//! The limits small enough to commit are also folders of the malformed corpus; the big ones
//! are made here, in memory or in a temporary folder.

use crate::support::{file, interview, temp_dir};
use interview::engine::{self, StepError};
use interview::story::{SourceFile, limits, load_story};

const MANIFEST: &str = r#"Story(id: "limits", title: "Limits", start: "a", endings: { "end": "The End" })"#;

/// The headlines of every error of a folder in memory.
fn errors(files: &[SourceFile]) -> Vec<String> {
    let loaded = load_story(files);
    assert!(loaded.story.is_none(), "the story loaded");
    loaded.errors().map(|d| d.headline()).collect()
}

#[test]
fn the_limits_are_the_documented_numbers() {
    assert_eq!(limits::FILE_BYTES, 4 * 1024 * 1024);
    assert_eq!(limits::STORY_BYTES, 64 * 1024 * 1024);
    assert_eq!(limits::DEPTH, 64);
    assert_eq!(limits::SCENES, 100_000);
    assert_eq!(limits::CHOICES_PER_SCENE, 200);
    assert_eq!(limits::TEXT_PER_SCENE, 64 * 1024);
    assert_eq!(limits::TRANSITIONS_PER_STEP, 100);
    assert_eq!(interview::play::MAX_LINE, 4096);
}

#[test]
fn a_file_over_4_mib_is_refused_unread() {
    // Through the binary: the folder reader stops one byte past the limit.
    let dir = temp_dir("limits", "file");
    std::fs::write(dir.join("story.ron"), MANIFEST).unwrap();
    let mut big = b"[ Scene(id: \"a\", text: \"".to_vec();
    big.resize(limits::FILE_BYTES + 10, b'a');
    big.extend_from_slice(b"\", ending: \"end\") ]");
    std::fs::write(dir.join("big.ron"), big).unwrap();
    let out = interview().arg("check").arg(&dir).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    let name = dir.join("big.ron").display().to_string();
    assert!(
        stdout.starts_with(&format!(
            "{name}:1:1: error: the file is larger than the limit of 4194304 bytes (4 MiB)"
        )),
        "{stdout}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_story_over_64_mib_is_refused() {
    // Seventeen files just over 4 MiB: each too big, and the whole over 64 MiB.
    let mut files = vec![file("story.ron", MANIFEST)];
    for i in 0..16 {
        files.push(file(&format!("{i:02}.ron"), vec![b' '; limits::FILE_BYTES + 1]));
    }
    let errors = errors(&files);
    assert!(
        errors.contains(&format!(
            "story.ron:1:1: error: the story is {} bytes; the limit is 67108864 bytes (64 MiB)",
            MANIFEST.len() + 16 * (limits::FILE_BYTES + 1)
        )),
        "{errors:#?}"
    );
}

#[test]
fn more_than_10000_files_are_refused() {
    let mut files = vec![file("story.ron", MANIFEST)];
    files.extend((0..limits::FILES).map(|i| file(&format!("{i:05}.ron"), "[]")));
    let errors = errors(&files);
    assert!(
        errors.contains(&"story.ron:1:1: error: the story has 10001 files; the limit is 10000".to_owned()),
        "{errors:#?}"
    );
}

#[test]
fn more_than_100000_scenes_are_refused() {
    // The shortest scene RON takes, repeated: about 1 MB.
    let scenes = format!("[{}]", "(id:\"a\"),".repeat(limits::SCENES + 1));
    let files = [file("story.ron", MANIFEST), file("scenes.ron", scenes)];
    assert_eq!(
        errors(&files),
        ["story.ron:1:1: error: the story has 100001 scenes; the limit is 100000"]
    );
}

#[test]
fn nesting_deeper_than_64_is_refused_without_overflowing_the_stack() {
    // Far deeper than the limit: the parser must stop at 64, not recurse 100,000 times.
    let deep = format!("{}Flag(\"x\"){}", "Not(".repeat(100_000), ")".repeat(100_000));
    let scenes = format!("[Scene(id: \"a\", ending: \"end\", text: [If({deep}, \"x\")])]");
    let found = errors(&[file("story.ron", MANIFEST), file("scenes.ron", scenes)]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].ends_with("error: the file nests values more than 64 levels deep"),
        "{found:#?}"
    );
    // Lists nest too.
    let deep = format!("{}Flag(\"x\"){}", "All([".repeat(50_000), "])".repeat(50_000));
    let scenes = format!("[Scene(id: \"a\", ending: \"end\", text: [If({deep}, \"x\")])]");
    let found = errors(&[file("story.ron", MANIFEST), file("scenes.ron", scenes)]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].ends_with("more than 64 levels deep"), "{found:#?}");
}

#[test]
fn choices_text_and_chances_per_scene() {
    let choices = "Choice(text: \"x\", goto: \"a\"),".repeat(limits::CHOICES_PER_SCENE + 1);
    let text = "x".repeat(limits::TEXT_PER_SCENE + 1);
    let chances = vec!["Chance(50)"; limits::CHANCES_PER_SCENE + 1].join(", ");
    let scenes = format!(
        "[Scene(id: \"a\", text: \"{text}\", choices: [{choices}]),
          Scene(id: \"b\", text: \"b\", ending: \"end\", choices: [], auto: []),
          Scene(id: \"c\", text: [If(All([{chances}]), \"lucky\")], ending: \"end\")]"
    );
    let errors = errors(&[file("story.ron", MANIFEST), file("scenes.ron", scenes)]);
    let expect = [
        "the scene `a` has 201 choices; the limit is 200",
        // The scene's text and its choices' texts: 65,537 + 201 bytes.
        "the scene `a` has 65738 bytes of text; the limit is 65536 (64 KiB)",
        "the scene `c` has 65 Chance conditions; the limit is 64",
    ];
    for e in expect {
        assert!(errors.iter().any(|h| h.ends_with(e)), "no `{e}` in {errors:#?}");
    }
}

/// A story whose choice leads into a loop of automatic transitions that `check` cannot rule
/// out (each auto has a way out, under a condition that never holds).
const LOOP_MANIFEST: &str = r#"Story(id: "loop", title: "Loop", start: "a",
    variables: { "spin": Bool(false) }, endings: { "end": "The End" })"#;
const LOOP_SCENES: &str = r#"[
    Scene(id: "a", text: "A.", auto: [Auto(if: Flag("spin"), goto: "b")],
          choices: [Choice(text: "Spin", goto: "a", effects: [Set("spin", true)]),
                    Choice(text: "Stop", goto: "end")]),
    Scene(id: "b", text: "B.", auto: [Auto(goto: "a")]),
    Scene(id: "end", text: "Done.", ending: "end"),
]"#;

#[test]
fn more_than_100_automatic_transitions_in_one_step_stop_the_step() {
    let files = [file("story.ron", LOOP_MANIFEST), file("scenes.ron", LOOP_SCENES)];
    let story = load_story(&files).story.expect("the loop story passes check");
    let (mut state, _) = engine::new_game(&story, 1).unwrap();
    let err = engine::choose(&story, &mut state, 0).unwrap_err();
    assert!(
        matches!(err, StepError::TooManyTransitions { limit: 100, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("more than 100 automatic transitions in one step")
    );
}

#[test]
fn the_game_survives_a_transition_loop() {
    let dir = temp_dir("limits", "loop");
    std::fs::write(dir.join("story.ron"), LOOP_MANIFEST).unwrap();
    std::fs::write(dir.join("scenes.ron"), LOOP_SCENES).unwrap();
    let saves = dir.join("saves");
    let out = interview()
        .arg("--scenes")
        .arg(&dir)
        .arg("--saves")
        .arg(&saves)
        .args(["--seed", "1"])
        .write_stdin("1\n2\n")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("more than 100 automatic transitions in one step"),
        "{stdout}"
    );
    // Nothing changed: the second choice still ends the game.
    assert!(stdout.contains("THE END: The End"), "{stdout}");
    assert_eq!(out.status.code(), Some(0));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_input_line_over_4_kib_is_refused_whole() {
    let dir = temp_dir("limits", "line");
    let mut input = "1".repeat(interview::play::MAX_LINE + 1);
    input.push_str("\nlook\n");
    let out = interview()
        .args(["--scenes", "docs/example", "--seed", "1", "--saves"])
        .arg(&dir)
        .write_stdin(input)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("that line is too long (over 4096 bytes); nothing was done"),
        "{stdout}"
    );
    assert_eq!(out.status.code(), Some(0));
    std::fs::remove_dir_all(dir).unwrap();
}
