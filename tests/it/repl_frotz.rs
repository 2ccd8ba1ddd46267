//! The REPL a Frotz player expects (issue 17): through a pipe (insta snapshots of every new
//! command and alias, `--echo`, a byte-order mark, an unfinished autosave kept as a slot,
//! `brief`), and in a real terminal (a pty, through expectrl: type-ahead, a paste, `[more]`
//! paging, the question to continue the autosave, saving over another game's slot, Ctrl-D's
//! goodbye, wrapping at 40 and 160 columns). Also: README's command table names every command.

use crate::support::{self, ROOT, assert_shows};
use std::path::Path;

fn door() -> String {
    format!("{ROOT}/tests/fixtures/play/door")
}

struct Run {
    stdout: String,
    stderr: String,
}

/// The binary in `dir` (where `saves/` goes), seed 7, a fixed clock, the door story (copied
/// into `dir` so paths in the output are the same on every machine).
fn run(dir: &Path, extra: &[&str], input: &[u8]) -> Run {
    let story = dir.join("door");
    if !story.exists() {
        std::fs::create_dir_all(&story).unwrap();
        for f in ["story.ron", "scenes.ron"] {
            std::fs::copy(Path::new(&door()).join(f), story.join(f)).unwrap();
        }
    }
    let out = support::cmd()
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .args(["--scenes", "door", "--seed", "7"])
        .args(extra)
        .write_stdin(input.to_vec())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    Run {
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn every_new_command_and_alias_with_echo() {
    let dir = tempfile::tempdir().unwrap();
    let input = "h\n2\nagain\ng\nundo 2\n2\n3\nundo 5\nversion\nscript\nunscript\nbrief\nverbose\n\
                 xyzzy\nendings\nsaves\nsave one\nload one\nundo\nexit\ny\n";
    let r = run(dir.path(), &["--echo"], input.as_bytes());
    assert_eq!(r.stderr, "");
    assert_shows(
        &r.stdout,
        &[
            "> again\n\nA bare hall",
            "Taken back: your last 2 choices (you are at turn 1).",
            "Taken back: your last 3 choices (you are at turn 0). There was nothing more to undo.",
            "Taken back: the load of slot `one` (you are at turn 0).",
            "The Door, version 1. Interview ",
            "no choice starts with \"xyzzy\", and no command is called that: `help` lists the commands",
        ],
    );
    let transcript = std::fs::read_to_string(dir.path().join("saves/transcript.txt")).unwrap();
    // `script` started it, `unscript` stopped it: only `script` itself is in it.
    assert!(transcript.contains("> script\n"), "{transcript}");
    assert!(!transcript.contains("> brief"), "{transcript}");
    let version = env!("CARGO_PKG_VERSION");
    insta::assert_snapshot!(r.stdout.replace(version, "VERSION"));
}

#[test]
fn without_echo_the_output_is_as_before_and_a_bom_is_not_input() {
    let dir = tempfile::tempdir().unwrap();
    let plain = run(dir.path(), &[], b"notes\n2\n");
    let dir = tempfile::tempdir().unwrap();
    let bom = run(dir.path(), &[], b"\xef\xbb\xbfnotes\n2\n");
    assert_eq!(plain.stdout, bom.stdout);
    assert!(!bom.stdout.contains("no choice starts with"), "{}", bom.stdout);
    assert!(!plain.stdout.contains("> notes"));
}

#[test]
fn a_piped_new_game_keeps_the_unfinished_autosave_as_a_slot() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &[], b"2\n2\n");
    let autosave = std::fs::read(dir.path().join("saves/autosave.ron")).unwrap();
    // Looking around changes nothing: the autosave stays as it is.
    let r = run(dir.path(), &[], b"look\n");
    assert_eq!(r.stderr, "");
    // The first move keeps it as `unfinished`, and says so on stderr (the output is as ever).
    let r = run(dir.path(), &[], b"3\n");
    assert_eq!(
        r.stderr,
        "interview: the unfinished game that was in the autosave (“The Hall”, turn 2) is kept in \
         slot `unfinished`: `load unfinished` brings it back\n"
    );
    assert!(!r.stdout.contains("unfinished"));
    assert_eq!(
        std::fs::read(dir.path().join("saves/unfinished.ron")).unwrap(),
        autosave
    );
    let r = run(dir.path(), &[], b"sit\n");
    assert!(r.stderr.contains("slot `unfinished-2`"), "{}", r.stderr);
    // A finished game is not kept.
    let r = run(dir.path(), &[], b"2\nload unfinished\nnotes\n");
    assert_eq!(r.stderr, "");
    assert!(r.stdout.contains("Loaded slot `unfinished`"), "{}", r.stdout);
    assert!(r.stdout.contains("Fresh air: 2."), "{}", r.stdout);
}

#[test]
fn piped_replays_of_one_game_keep_one_unfinished_slot_and_lose_no_choice() {
    let dir = tempfile::tempdir().unwrap();
    let saves = dir.path().join("saves");
    let unfinished = |name: &str| std::fs::read(saves.join(format!("{name}.ron"))).ok();
    run(dir.path(), &[], b"2\n");
    // Replays that grow one input at a time: the shorter run in `unfinished` gives way to the
    // longer one, which holds every choice it did.
    let r = run(dir.path(), &[], b"2\n2\n");
    assert!(r.stderr.contains("kept in slot `unfinished`"), "{}", r.stderr);
    let two = std::fs::read(saves.join("autosave.ron")).unwrap();
    let r = run(dir.path(), &[], b"2\n2\n2\n");
    assert!(r.stderr.contains("kept in slot `unfinished`"), "{}", r.stderr);
    assert_eq!(unfinished("unfinished"), Some(two));
    let three = std::fs::read(saves.join("autosave.ron")).unwrap();
    run(dir.path(), &[], b"2\n");
    assert_eq!(unfinished("unfinished"), Some(three.clone()));
    // A shorter run of a game a slot already holds is not copied again; it says where it is.
    let r = run(dir.path(), &[], b"3\n");
    assert_eq!(
        r.stderr,
        "interview: the unfinished game that was in the autosave (“The Hall”, turn 1) is already \
         in slot `unfinished`: `load unfinished` brings it back\n"
    );
    assert_eq!(unfinished("unfinished"), Some(three));
    assert_eq!(unfinished("unfinished-2"), None);
    // Another game (the key taken) gets a slot of its own.
    let r = run(dir.path(), &[], b"4\n");
    assert!(r.stderr.contains("kept in slot `unfinished-2`"), "{}", r.stderr);
}

#[test]
fn brief_shows_the_first_paragraph_of_a_scene_read_in_an_earlier_game() {
    let dir = tempfile::tempdir().unwrap();
    let story = dir.path().join("door");
    std::fs::create_dir_all(&story).unwrap();
    std::fs::copy(Path::new(&door()).join("story.ron"), story.join("story.ron")).unwrap();
    let scenes = std::fs::read_to_string(Path::new(&door()).join("scenes.ron")).unwrap();
    let scenes = scenes.replace(
        "A bare hall with a door, a window and a chair.",
        "A bare hall with a door, a window and a chair.\\n\\nDust lies on everything.",
    );
    assert!(scenes.contains("Dust lies"));
    std::fs::write(story.join("scenes.ron"), scenes).unwrap();
    let first = run(dir.path(), &[], b"brief\n2\n");
    // Not read in an earlier game: shown in full, even in brief mode.
    assert_eq!(first.stdout.matches("Dust lies on everything.").count(), 2);
    let second = run(dir.path(), &[], b"brief\n2\nlook\nverbose\n2\n");
    // Brief after the move; `look` and verbose show it all.
    assert_eq!(
        second.stdout.matches("Dust lies on everything.").count(),
        3,
        "{}",
        second.stdout
    );
    assert_shows(
        &second.stdout,
        &[
            "Brief: a scene you read in an earlier game",
            "Verbose: every scene is shown in full.",
        ],
    );
    let seen = std::fs::read_to_string(dir.path().join("saves/seen.txt")).unwrap();
    assert_eq!(
        seen.lines().filter(|l| l.starts_with("door ")).count(),
        seen.lines().count()
    );
    assert_eq!(seen.lines().count(), 1, "{seen}");
}

#[test]
fn readme_lists_every_command_and_alias() {
    let readme = std::fs::read_to_string(support::path("README.md")).unwrap();
    for line in interview::play::session::meta::help().iter().skip(1) {
        let names = line.trim_start().split("  ").next().unwrap();
        for name in names.split(", ") {
            let name = name.split(' ').next().unwrap();
            assert!(
                readme.contains(&format!("`{name}")),
                "README does not name `{name}`"
            );
        }
    }
    for c in interview::play::session::meta::COMMANDS {
        for alias in c.aliases {
            assert!(
                readme.contains(&format!("`{alias}`")),
                "README does not name `{alias}`"
            );
        }
    }
}

// ------------------------------------------------------------------------------------------
// In a terminal

#[cfg(unix)]
mod pty {
    use crate::support;
    use expectrl::process::unix::WaitStatus;
    use expectrl::{ControlCode, Expect, Session};
    use std::path::Path;
    use std::process::Command;
    use std::time::Duration;

    type Pty = expectrl::session::OsSession;

    fn spawn(saves: &Path, story: &str, extra: &[&str]) -> Pty {
        let mut cmd = Command::new(support::bin());
        cmd.args(["--seed", "7", "--scenes"])
            .arg(support::path(story))
            .arg("--saves")
            .arg(saves)
            .args(extra)
            .env("TERM", "xterm")
            .env("NO_COLOR", "1")
            .env_remove("CLICOLOR_FORCE");
        let mut p = Session::spawn(cmd).expect("spawn in a pty");
        p.set_expect_timeout(Some(Duration::from_secs(20)));
        p
    }

    fn door(saves: &Path) -> Pty {
        spawn(saves, "tests/fixtures/play/door", &[])
    }

    fn exits_with_0(p: &Pty) {
        match p.get_process().wait().unwrap() {
            WaitStatus::Exited(_, code) => assert_eq!(code, 0),
            other => panic!("the game ended with {other:?}"),
        }
    }

    fn text(found: expectrl::Captures) -> String {
        String::from_utf8_lossy(found.before()).into_owned()
    }

    #[test]
    fn typed_ahead_and_pasted_lines_are_all_taken_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = door(&dir.path().join("saves"));
        // Typed before the first prompt is even drawn.
        p.send("2\r2\r").unwrap();
        p.send("notes\r").unwrap();
        p.expect("Fresh air: 2.").unwrap();
        p.expect("> ").unwrap();
        // Two lines in one write (a fast typist, or a paste without bracketing).
        p.send("notes\rlook\r").unwrap();
        p.expect("Fresh air: 2.").unwrap();
        p.expect("A bare hall").unwrap();
        p.expect("> ").unwrap();
        // A bracketed paste of two lines: both are inputs, in order.
        p.send("\x1b[200~3\nnotes\n\x1b[201~\r").unwrap();
        p.expect("You have the key.").unwrap();
        p.expect("> ").unwrap();
        p.send("1\r").unwrap();
        p.expect("THE END: Outside").unwrap();
        p.expect("> ").unwrap();
        p.send(ControlCode::EndOfTransmission).unwrap();
        p.expect("Goodbye.").unwrap();
        exits_with_0(&p);
        let history = std::fs::read_to_string(dir.path().join("saves/history.txt")).unwrap();
        assert_eq!(history, "2\n2\nnotes\nnotes\nlook\n3\nnotes\n1\n");
    }

    #[test]
    fn long_replies_page_with_more() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = door(&dir.path().join("saves"));
        p.expect("> ").unwrap();
        p.get_process_mut().set_window_size(80, 10).unwrap();
        p.send("help\r").unwrap();
        p.expect("[more]").unwrap();
        p.send("\r").unwrap();
        p.expect("[more]").unwrap();
        // A line typed at `[more]` shows the rest and is the next input.
        p.send("notes\r").unwrap();
        p.expect("quit, q, exit").unwrap();
        p.expect("Fresh air: 0.").unwrap();
        p.expect("> ").unwrap();
        p.send(ControlCode::EndOfTransmission).unwrap();
        exits_with_0(&p);

        // `--plain`: no paging.
        let mut p = spawn(
            &dir.path().join("saves"),
            "tests/fixtures/play/door",
            &["--plain"],
        );
        p.expect("> ").unwrap();
        p.get_process_mut().set_window_size(80, 10).unwrap();
        p.send("help\r").unwrap();
        let seen = text(p.expect("> ").unwrap());
        assert!(!seen.contains("[more]"), "{seen:?}");
        assert!(seen.contains("quit, q, exit"), "{seen:?}");
        p.send(ControlCode::EndOfTransmission).unwrap();
        exits_with_0(&p);
    }

    #[test]
    fn an_unfinished_autosave_is_offered_and_kept_and_slots_are_not_overwritten_silently() {
        let dir = tempfile::tempdir().unwrap();
        let saves = dir.path().join("saves");
        let mut p = door(&saves);
        p.expect("> ").unwrap();
        p.send("2\r").unwrap();
        p.expect("> ").unwrap();
        p.send("save other\r").unwrap();
        p.expect("Saved in slot `other`.").unwrap();
        p.expect("> ").unwrap();
        p.send(ControlCode::EndOfTransmission).unwrap();
        p.expect("Goodbye. Your game (turn 1) is kept in the autosave,")
            .unwrap();
        p.expect("--continue").unwrap();
        exits_with_0(&p);

        // A new run asks; `n` starts a new game, which keeps the old one at its first move.
        let mut p = door(&saves);
        p.expect("There is an unfinished game in the autosave: “The Hall”, turn 1,")
            .unwrap();
        p.expect("[y/n]").unwrap();
        p.send("n\r").unwrap();
        p.expect("A new game starts").unwrap();
        p.expect("4. Sit on the chair").unwrap();
        p.expect("> ").unwrap();
        p.send("3\r").unwrap();
        p.expect("`load unfinished` brings it back").unwrap();
        p.expect("> ").unwrap();
        // Saving over a slot another game wrote asks first.
        p.send("save other\r").unwrap();
        p.expect("Slot `other` holds another game (“The Hall”, turn 1,")
            .unwrap();
        p.send("n\r").unwrap();
        p.expect("Not saved; slot `other` is as it was.").unwrap();
        p.expect("> ").unwrap();
        p.send("save mine\r").unwrap();
        p.expect("Saved in slot `mine`.").unwrap();
        p.expect("> ").unwrap();
        p.send("2\r").unwrap();
        p.expect("> ").unwrap();
        // This game's own slot: no question.
        p.send("save mine\r").unwrap();
        let seen = text(p.expect("Saved in slot `mine`.").unwrap());
        assert!(!seen.contains("holds another game"), "{seen:?}");
        p.expect("> ").unwrap();
        p.send(ControlCode::EndOfTransmission).unwrap();
        exits_with_0(&p);

        // `y` continues it.
        let mut p = door(&saves);
        p.expect("turn 2").unwrap();
        p.send("y\r").unwrap();
        p.expect("Continuing your game (turn 2).").unwrap();
        p.expect("> ").unwrap();
        p.send("notes\r").unwrap();
        p.expect("You have the key.").unwrap();
        p.expect("> ").unwrap();
        p.send(ControlCode::EndOfTransmission).unwrap();
        exits_with_0(&p);
    }

    #[test]
    fn history_lines_are_kept_as_typed_by_two_games_and_after_a_hangup() {
        use expectrl::process::unix::Signal;
        let dir = tempfile::tempdir().unwrap();
        let saves = dir.path().join("saves");
        let mut a = door(&saves);
        a.expect("> ").unwrap();
        let mut b = door(&saves);
        b.expect("> ").unwrap();
        a.send("notes\r").unwrap();
        a.expect("Fresh air").unwrap();
        a.expect("> ").unwrap();
        b.send("look\r").unwrap();
        b.expect("A bare hall").unwrap();
        b.expect("> ").unwrap();
        // The terminal of `a` closes: what it typed is already in the file.
        a.get_process_mut().kill(Signal::SIGHUP).unwrap();
        let _ = a.get_process().wait();
        b.send("about\r").unwrap();
        b.expect("> ").unwrap();
        b.send(ControlCode::EndOfTransmission).unwrap();
        exits_with_0(&b);
        let history = std::fs::read_to_string(saves.join("history.txt")).unwrap();
        assert_eq!(history, "notes\nlook\nabout\n");
    }

    #[test]
    fn a_history_that_cannot_be_read_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let saves = dir.path().join("saves");
        std::fs::create_dir_all(&saves).unwrap();
        let big = "x\n".repeat(600 * 1024);
        std::fs::write(saves.join("history.txt"), &big).unwrap();
        let mut p = door(&saves);
        p.expect("> ").unwrap();
        p.send("notes\r").unwrap();
        p.expect("Fresh air").unwrap();
        p.expect("> ").unwrap();
        p.send(ControlCode::EndOfTransmission).unwrap();
        exits_with_0(&p);
        assert_eq!(std::fs::read_to_string(saves.join("history.txt")).unwrap(), big);
        assert!(!saves.join("history.txt.old").exists());
    }

    /// `s` without the terminal's escape sequences (rustyline's, around the prompt).
    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for d in chars.by_ref() {
                    if d.is_ascii_alphabetic() {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    /// Every line of `s` is at most `w` columns.
    fn at_most(s: &str, w: usize) {
        let s = strip(s);
        for line in s.split('\n') {
            let line = line.rsplit('\r').next().unwrap_or_default();
            assert!(line.chars().count() <= w, "{line:?} is over {w} columns in {s:?}");
        }
    }

    #[test]
    fn text_and_tables_wrap_at_40_and_at_most_80_of_160_columns() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = spawn(dir.path(), "docs/example", &[]);
        p.expect("> ").unwrap();
        p.get_process_mut().set_window_size(40, 60).unwrap();
        p.send("help\r").unwrap();
        let seen = text(p.expect("> ").unwrap());
        assert!(
            seen.contains("  save [slot]          save the game\r\n                       (slot: letters,"),
            "{seen:?}"
        );
        at_most(&seen, 39);
        p.send("look\r").unwrap();
        let seen = text(p.expect("> ").unwrap());
        assert!(seen.contains("Waves break on black stones."), "{seen:?}");
        at_most(&seen, 39);

        p.get_process_mut().set_window_size(160, 60).unwrap();
        p.send("look\r").unwrap();
        let seen = text(p.expect("> ").unwrap());
        assert!(
            seen.contains("Waves break on black stones. Above you the lighthouse"),
            "{seen:?}"
        );
        at_most(&seen, 80);
        assert!(seen.lines().any(|l| l.chars().count() > 60), "{seen:?}");
        p.send(ControlCode::EndOfTransmission).unwrap();
        exits_with_0(&p);

        // `--width 30`.
        let mut p = spawn(dir.path(), "docs/example", &["--width", "30"]);
        let seen = text(p.expect("> ").unwrap());
        at_most(&seen, 30);
        p.send(ControlCode::EndOfTransmission).unwrap();
        exits_with_0(&p);
    }
}

#[test]
fn a_choice_with_a_combining_accent_is_found_by_a_precomposed_letter() {
    let dir = tempfile::tempdir().unwrap();
    let story = dir.path().join("accents");
    std::fs::create_dir_all(&story).unwrap();
    std::fs::write(
        story.join("story.ron"),
        "Story(id: \"accents\", title: \"Accents\", author: \"T\", version: \"1\", about: \"\", \
         start: \"a\", variables: {}, endings: { \"e\": \"Dark\" })",
    )
    .unwrap();
    // `E` + U+0301 (combining acute) in the file.
    std::fs::write(
        story.join("scenes.ron"),
        "[ Scene(id: \"a\", text: \"Choose.\", choices: [\n\
           Choice(text: \"E\u{301}teindre la lampe\", goto: \"b\"),\n\
           Choice(text: \"Ouvrir la porte\", goto: \"b\") ]),\n\
         Scene(id: \"b\", text: \"Done.\", ending: \"e\") ]",
    )
    .unwrap();
    let out = support::cmd()
        .current_dir(dir.path())
        .args(["--scenes", "accents"])
        .write_stdin("\u{e9}teindre\n")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("THE END: Dark"), "{stdout}");
}
