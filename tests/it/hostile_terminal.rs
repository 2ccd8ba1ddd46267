//! Terminal safety: escape sequences (ESC, OSC 52, OSC 8), C1 controls and bidi overrides in
//! story text, choice text, titles, file names, scene ids and echoed input reach the terminal
//! only as visible text (`^[`, `<U+009B>`), through the piped game, the game in a real
//! terminal (a pty) and `interview check`.
//!
//! The story in `tests/fixtures/hostile/story` holds them all. Each test looks for the visible
//! form (so it fails if the text were dropped or passed raw) and for the absence of every raw
//! sequence the fixture plants.

use crate::harness;
use crate::support;

use interview::story::diag::visible;
use std::path::PathBuf;

const HOSTILE: &str = "tests/fixtures/hostile/story";

/// The raw sequences the hostile fixture and these tests plant: none may reach a terminal.
const RAW: &[&str] = &[
    "\u{1b}]52;",
    "\u{1b}]8;;",
    "\u{1b}[2J",
    "\u{1b}[5;35m",
    "\u{9b}",
    "\u{85}",
    "\u{90}",
    "\u{202e}",
    "\u{2066}",
    "\u{7}",
    "\u{8}",
    "\u{7f}",
];

fn assert_no_raw(out: &str) {
    for raw in RAW {
        assert!(!out.contains(raw), "{raw:?} reached the terminal raw in:\n{out}");
    }
}

/// Drops the colour sequences (`ESC [ ... m`) a program may legitimately print.
fn without_colours(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find("\u{1b}[") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let len = after
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(after.len());
        if after[len..].starts_with('m') {
            rest = &after[len + 1..];
        } else {
            out.push_str(&rest[at..at + 2]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn temp_dir(name: &str) -> PathBuf {
    support::temp_dir("terminal", name)
}

#[test]
fn visible_shows_every_control_and_keeps_plain_text() {
    assert_eq!(visible("a\u{1b}]52;c;aGk=\u{7}b"), "a^[]52;c;aGk=^Gb");
    assert_eq!(visible("\u{9b}31m \u{85}"), "<U+009B>31m <U+0085>");
    assert_eq!(visible("\u{202e}abc\u{2069}"), "<U+202E>abc<U+2069>");
    assert_eq!(visible("\0\u{7f}\r"), "^@^?^M");
    assert_eq!(visible("line\r\nnext\tcol"), "line\r\nnext\tcol");
    assert!(matches!(visible("plain ✓"), std::borrow::Cow::Borrowed(_)));
}

#[test]
fn the_piped_game_shows_story_text_and_echoed_input_harmlessly() {
    let saves = temp_dir("piped");
    let input = "look\nnotes\nabout\n\u{1b}]52;c;aGk=\u{7}\nsave \u{1b}[2J\n\u{202e}1\n3\n2\n1\nendings\n";
    let out = support::at_root()
        .args(["--scenes", HOSTILE, "--seed", "1", "--saves"])
        .arg(&saves)
        .write_stdin(input)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    harness::assert_safe(&stdout);
    assert_no_raw(&stdout);
    for shown in [
        "Title ^[]52;c;aGVsbG8gd29ybGQ=^G",          // the title
        "Text ^[[2J^[[5;35m",                        // story text
        "<U+009B>31m <U+0090>",                      // C1 controls (U+0085 is a line break: folded)
        "<U+202E>gnirts desrever<U+202C>",           // a bidi override
        "Choice ^[]52;c;aGVsbG8gd29ybGQ=^G",         // choice text
        "Light ^[]8;;http://evil.invalid/^[\\click", // OSC 8 in a choice
        "Notes Name <U+009B>31m <U+0090> ^[[2J",     // the notebook...
        "Author ^[[2J",                              // ...and `about`
        "no choice starts with \"^[]52;c;aGk=^G\"",  // echoed input
        "<U+202E>1",                                 // echoed input
        "THE END: Ending <U+202E>",                  // the ending's title
    ] {
        assert!(stdout.contains(shown), "no {shown:?} in:\n{stdout}");
    }
    std::fs::remove_dir_all(saves).unwrap();
}

#[cfg(unix)]
#[test]
fn the_game_in_a_terminal_shows_story_text_harmlessly() {
    use expectrl::{Expect, Session};
    use std::time::Duration;
    let saves = temp_dir("pty");
    let root = support::root();
    let mut cmd = std::process::Command::new(support::bin());
    cmd.args(["--seed", "1", "--scenes"])
        .arg(root.join(HOSTILE))
        .arg("--saves")
        .arg(&saves)
        .env("TERM", "xterm")
        .env_remove("NO_COLOR");
    let mut p = Session::spawn(cmd).expect("spawn in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    let mut seen = Vec::new();
    seen.extend_from_slice(p.expect("3. ").unwrap().before());
    // Each input waits for its answer, then for the prompt after it (rustyline drops what
    // is typed ahead of the prompt, and redraws `> ` for every key).
    for (input, answer) in [
        ("notes\r", "Notes Name"),
        ("about\r", "Seed 1"),
        ("1\r", "THE END"),
    ] {
        seen.extend_from_slice(p.expect("> ").unwrap().before());
        p.send(input).unwrap();
        seen.extend_from_slice(p.expect(answer).unwrap().before());
    }
    seen.extend_from_slice(p.expect("> ").unwrap().before());
    p.send("quit\r").unwrap();
    p.get_process().wait().unwrap();
    let seen = String::from_utf8_lossy(&seen);
    assert_no_raw(&seen);
    for shown in [
        "Title ^[]52;c;",
        "Text ^[[2J^[[5;35m",
        "<U+009B>31m",
        "<U+202E>",
        "Author ^[[2J",
    ] {
        assert!(seen.contains(shown), "no {shown:?} in:\n{seen}");
    }
    std::fs::remove_dir_all(saves).unwrap();
}

/// A story folder whose name, file names and scene ids carry escape sequences.
fn hostile_folder() -> PathBuf {
    let dir = temp_dir("check").join("folder\u{1b}]52;c;aGk=\u{7}\u{202e}");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("story.ron"),
        "Story(id: \"x\", title: \"X\", start: \"a\u{1b}[2J\", endings: { \"end\": \"End\" })",
    )
    .unwrap();
    std::fs::write(
        dir.join("scenes\u{1b}]8;;evil\u{7}.ron"),
        "[\n  Scene(id: \"a\u{1b}[2J\", text: \"\u{9b}31m\", choices: [Choice(text: \"x\", goto: \"b\u{1b}[5;35m\")]),\n]\n",
    )
    .unwrap();
    dir
}

#[test]
fn check_shows_file_names_and_ids_harmlessly() {
    let dir = hostile_folder();
    // Colours forced on, so that nothing is stripped on the way: what the renderer writes
    // is what a terminal would get.
    let out = support::cmd()
        .arg("check")
        .arg(&dir)
        .env("CLICOLOR_FORCE", "1")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("\u{1b}["),
        "colours were not forced on:\n{stdout}"
    );
    let plain = without_colours(&stdout);
    harness::assert_safe(&plain);
    assert_no_raw(&plain);
    for shown in [
        "folder^[]52;c;aGk=^G<U+202E>/scenes^[]8;;evil^G.ron:2:13: error: the scene id `a^[[2J` must be",
        // The file's column, in the headline and in the box.
        "scenes^[]8;;evil^G.ron:2:70: error: no scene has the id `b^[[5;35m`\n   ╭─[2:70]",
        "text: \"<U+009B>31m\"",
        "folder^[]52;c;aGk=^G<U+202E>: 3 errors",
    ] {
        assert!(plain.contains(shown), "no {shown:?} in:\n{plain}");
    }
    std::fs::remove_dir_all(dir.parent().unwrap()).unwrap();
}

#[test]
fn a_missing_folder_is_named_harmlessly() {
    for args in [&["check"][..], &["--scenes"][..]] {
        let out = support::cmd()
            .args(args)
            .arg("no such \u{1b}]52;c;aGk=\u{7} folder")
            .env("CLICOLOR_FORCE", "1")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_no_raw(&without_colours(&stderr));
        assert!(
            stderr.contains("no such ^[]52;c;aGk=^G folder: no such folder"),
            "{stderr}"
        );
    }
}

/// The authoring tools print story text too (titles, choice texts, scene ids in reports, graph
/// labels, JSON): none of it reaches the output raw, whether or not it is a terminal.
#[test]
fn the_authoring_tools_show_story_text_harmlessly() {
    for args in [
        &["graph", "--format", "dot"][..],
        &["graph", "--format", "mermaid"],
        &["explore"],
        &["explore", "--json"],
        &["randomtest", "--runs", "20", "--seed", "1"],
        &["randomtest", "--runs", "20", "--seed", "1", "--json"],
    ] {
        let out = support::at_root()
            .args(["--scenes", HOSTILE])
            .args(args)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!stdout.is_empty(), "{args:?} printed nothing");
        assert_no_raw(&stdout);
        assert!(
            stdout.contains("^[") || stdout.contains("<U+"),
            "{args:?}: the visible forms are missing:\n{stdout}"
        );
    }
}
