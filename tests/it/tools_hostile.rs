//! Hostile input at the edges the tools and commands own (issue 13): sizes checked before
//! reading, odd folder entries reported with their paths, command-line arguments and story
//! text never echoed raw. The large inputs are made by the tests (sparse files), never
//! committed.

use assert_cmd::Command;
use interview::files::read_story;
use interview::story::limits;
use std::path::PathBuf;

fn interview() -> Command {
    let mut cmd = Command::cargo_bin("interview").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("interview-tools-hostile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const MANIFEST: &str = r#"Story(id: "t", title: "T", start: "a", endings: { "end": "The \u{1b}]52;c;aGk=\u{7}\u{9b}\u{202e} End" })"#;
const SCENES: &str = r#"[ Scene(id: "a", title: "A", text: "Go.", choices: [ Choice(text: "On", goto: "b") ]),
  Scene(id: "b", title: "B", text: "Done.", ending: "end") ]"#;

/// A small valid story whose ending's title holds an OSC 52 sequence, a C1 control and a bidi
/// override.
fn story(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    std::fs::write(dir.join("story.ron"), MANIFEST).unwrap();
    std::fs::write(dir.join("scenes.ron"), SCENES).unwrap();
    dir
}

/// No byte a terminal would act on, nor an invisible format character.
fn assert_harmless(what: &str, text: &str) {
    for c in text.chars() {
        let bad = (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}');
        assert!(!bad, "{what} holds {c:?}: {text:?}");
    }
}

#[test]
fn a_story_of_sparse_files_is_not_read_past_its_limit() {
    let dir = temp_dir("sparse");
    std::fs::write(dir.join("story.ron"), MANIFEST).unwrap();
    // 40 files of 4 MiB each, holes on disk: 160 MiB claimed, the limit is 64.
    for i in 0..40 {
        let f = std::fs::File::create(dir.join(format!("{i:03}.ron"))).unwrap();
        f.set_len(limits::FILE_BYTES as u64).unwrap();
    }
    let read = read_story(&dir).unwrap();
    let held: usize = read.files.iter().map(|f| f.bytes.len()).sum();
    assert!(held <= limits::STORY_BYTES, "{held} bytes read");
    assert!(!read.complete);

    let out = interview().arg("check").arg(&dir).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let name = dir.join("016.ron").display().to_string();
    assert!(
        stdout.starts_with(&format!(
            "{name}:1:1: error: the story is {} bytes; the limit is 67108864 bytes (64 MiB): reading stopped at this file",
            40 * limits::FILE_BYTES + MANIFEST.len()
        )),
        "{stdout}"
    );
    // Playing refuses it with exit 1 too, and names the problem.
    let out = interview().arg("--scenes").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("reading stopped at this file"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_file_that_claims_more_than_the_limit_is_read_only_one_byte_past_it() {
    let dir = temp_dir("one-big");
    std::fs::write(dir.join("story.ron"), MANIFEST).unwrap();
    let f = std::fs::File::create(dir.join("big.ron")).unwrap();
    f.set_len(3 * limits::FILE_BYTES as u64).unwrap();
    let read = read_story(&dir).unwrap();
    let big = read.files.iter().find(|f| f.name.ends_with("big.ron")).unwrap();
    assert_eq!(big.bytes.len(), limits::FILE_BYTES + 1);
    std::fs::remove_dir_all(dir).unwrap();
}

#[cfg(unix)]
#[test]
fn odd_entries_are_reported_with_their_paths_and_the_rest_is_read() {
    use std::os::unix::ffi::OsStrExt;
    let dir = story("odd");
    std::fs::create_dir(dir.join("folder.ron")).unwrap();
    std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("dangling.ron")).unwrap();
    std::os::unix::fs::symlink(dir.join("loop.ron"), dir.join("loop.ron")).unwrap();
    let fifo = dir.join("fifo.ron");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let bad_name = std::ffi::OsStr::from_bytes(b"bad\xff.ron");
    std::fs::write(dir.join(bad_name), "[]").unwrap();

    let out = interview().arg("check").arg(&dir).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let at = |name: &str| format!("{}:1:1: error: ", dir.join(name).display());
    for name in ["folder.ron", "dangling.ron", "loop.ron", "bad\u{fffd}.ron"] {
        assert!(stdout.contains(&at(name)), "{name} not reported:\n{stdout}");
    }
    if made {
        assert!(stdout.contains(&at("fifo.ron")), "{stdout}");
    }
    // The story's own files were read and loaded: no echo of a missing scene or manifest.
    assert!(stdout.contains(&format!("{}: ", dir.display())), "{stdout}");
    assert_eq!(
        stdout.matches(": error: ").count(),
        4 + usize::from(made),
        "{stdout}"
    );

    // Playing and the tools exit 1 (the README's "cannot be loaded"), not 2.
    for args in [vec![], vec!["explore"], vec!["graph"]] {
        let out = interview()
            .arg("--scenes")
            .arg(&dir)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&at("folder.ron")), "{stderr}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn arguments_are_echoed_visible_even_through_a_pipe() {
    let story = story("args");
    let hostile = "\u{1b}[2J\u{9b}31m\u{202e}x";
    let cases: Vec<Vec<String>> = vec![
        vec![hostile.into()],
        vec!["--seed".into(), hostile.into()],
        vec!["graph".into(), "--format".into(), hostile.into()],
        vec!["replay".into(), format!("/nonexistent/{hostile}")],
        vec!["check".into(), format!("/nonexistent/{hostile}")],
        vec![
            "--scenes".into(),
            format!("/nonexistent/{hostile}"),
            "explore".into(),
        ],
        vec![
            "--scenes".into(),
            story.display().to_string(),
            "explore".into(),
            "--walkthroughs".into(),
            format!("/dev/null/{hostile}"),
        ],
    ];
    for args in cases {
        let out = interview().args(&args).output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(matches!(out.status.code(), Some(1 | 2)), "{args:?}");
        assert!(stderr.contains("^[[2J<U+009B>31m<U+202E>x"), "{args:?}: {stderr}");
        assert_harmless(&format!("{args:?}"), &stderr);
        assert_harmless(&format!("{args:?}"), &String::from_utf8(out.stdout).unwrap());
    }
    std::fs::remove_dir_all(story).unwrap();
}

#[test]
fn walkthrough_comments_hold_no_raw_story_text() {
    let story = story("comment");
    let dir = story.join("walkthroughs");
    let out = interview()
        .arg("--scenes")
        .arg(&story)
        .args(["explore", "--walkthroughs"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(dir.join("end.ron")).unwrap();
    assert!(
        text.starts_with("// The shortest way to the ending `end` (The ^[]52;c;aGk=^G<U+009B><U+202E> End)"),
        "{text}"
    );
    assert_harmless("the walkthrough", &text);
    // It still replays.
    let out = interview()
        .arg("--scenes")
        .arg(&story)
        .arg("replay")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    std::fs::remove_dir_all(story).unwrap();
}

#[test]
fn a_walkthrough_over_the_size_limit_is_not_read() {
    let story = story("big-walkthrough");
    let walks = temp_dir("big-walkthrough-files");
    let file = walks.join("w.ron");
    std::fs::File::create(&file)
        .unwrap()
        .set_len(limits::FILE_BYTES as u64 + 1)
        .unwrap();
    let out = interview()
        .arg("--scenes")
        .arg(&story)
        .arg("replay")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("the file is larger than the limit of 4194304 bytes (4 MiB)"),
        "{stdout}"
    );
    std::fs::remove_dir_all(story).unwrap();
    std::fs::remove_dir_all(walks).unwrap();
}

/// A story whose one choice has `n` branches: `to_c` of every four go to `c`, the others to `b`.
fn branchy(name: &str, n: usize) -> PathBuf {
    let dir = temp_dir(name);
    std::fs::write(
        dir.join("story.ron"),
        r#"Story(id: "t", title: "T", start: "a", endings: { "b": "B", "c": "C" })"#,
    )
    .unwrap();
    let branches: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "Branch(weight: 1, goto: \"{}\")",
                if i % 4 == 3 { "c" } else { "b" }
            )
        })
        .collect();
    std::fs::write(
        dir.join("scenes.ron"),
        format!(
            r#"[ Scene(id: "a", title: "A", text: "Go.", choices: [ Choice(text: "On", branches: [{}]) ]),
  Scene(id: "b", title: "B", text: "B.", ending: "b"),
  Scene(id: "c", title: "C", text: "C.", ending: "c") ]"#,
            branches.join(", ")
        ),
    )
    .unwrap();
    dir
}

#[test]
fn equal_branches_are_one_outcome_with_their_odds_added() {
    // As many branches as one pick may have, to two targets: explored as two outcomes.
    let n = limits::BRANCHES_PER_TARGET;
    let dir = branchy("branches", n);
    let story = interview::commands::load(&interview::commands::StorySource::Dir(dir.clone())).unwrap();
    let report = interview::tools::explore::explore(&story, &Default::default(), &mut |_, _| {});
    assert_eq!(report.states, 3);
    let chance = |id: &str| {
        let e = report.endings.iter().find(|e| e.id == id).unwrap();
        e.path.steps[0].chance.unwrap()
    };
    assert!((chance("b") - 0.75).abs() < 1e-9, "{}", chance("b"));
    assert!((chance("c") - 0.25).abs() < 1e-9, "{}", chance("c"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_pick_with_more_branches_than_the_limit_is_refused_where_it_is_written() {
    // explore tries every branch of a pick as an outcome, replaying the step: the limit keeps
    // one choice's work bounded (150,000 branches took 43 s before).
    let n = limits::BRANCHES_PER_TARGET + 1;
    let dir = branchy("too_many_branches", n);
    let out = interview()
        .args(["check", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let first = stdout.lines().next().unwrap();
    assert!(
        first.ends_with(&format!(
            "scenes.ron:1:83: error: {n} branches is too many for one random pick: the limit is {}",
            n - 1
        )),
        "{stdout}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
