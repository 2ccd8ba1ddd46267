//! The REPL in a real terminal (a pty, through expectrl): a few turns, tab completion of a
//! choice (also by the words of one that starts with a quote), Ctrl-C cancelling a line and a
//! question, Ctrl-D ending the game with code 0, and the history kept in the saves folder for
//! the next run.

#![cfg(unix)]

use crate::support;
use expectrl::process::unix::WaitStatus;
use expectrl::{ControlCode, Expect, Session};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn spawn(saves: &Path) -> expectrl::session::OsSession {
    spawn_story(saves, "door")
}

/// Plays `tests/fixtures/play/STORY` with seed 7, without colour.
fn spawn_story(saves: &Path, story: &str) -> expectrl::session::OsSession {
    let root = support::root();
    let mut cmd = Command::new(support::bin());
    cmd.args(["--seed", "7", "--scenes"])
        .arg(root.join("tests/fixtures/play").join(story))
        .arg("--saves")
        .arg(saves)
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE");
    let mut session = Session::spawn(cmd).expect("spawn in a pty");
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    session
}

fn exits_with_0(session: &expectrl::session::OsSession) {
    match session.get_process().wait().unwrap() {
        WaitStatus::Exited(_, code) => assert_eq!(code, 0),
        other => panic!("the game ended with {other:?}"),
    }
}

#[test]
fn play_complete_cancel_and_leave_in_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let saves = dir.path().join("saves");
    let mut p = spawn(&saves);
    p.expect("4. Sit on the chair").unwrap();
    p.expect("> ").unwrap();

    // Tab completes the one available choice that starts with "ta".
    p.send("ta").unwrap();
    p.send(ControlCode::HorizontalTabulation).unwrap();
    p.expect("Take the key from the hook").unwrap();
    p.send("\r").unwrap();
    p.expect("1. Open the door\r\n2. Open the window\r\n3. Sit on the chair")
        .unwrap();
    p.expect("> ").unwrap();

    // Ctrl-C drops the line being typed: only `notes` runs.
    p.send("xyzzy").unwrap();
    p.expect("xyzzy").unwrap();
    p.send(ControlCode::EndOfText).unwrap();
    p.expect("> ").unwrap();
    p.send("notes\r").unwrap();
    let seen = p.expect("You have the key.").unwrap();
    assert!(!String::from_utf8_lossy(seen.before()).contains("no choice starts with"));

    // Ctrl-C also cancels a question.
    p.expect("> ").unwrap();
    p.send("2\r").unwrap();
    p.expect("2. Open the window").unwrap();
    p.expect("> ").unwrap();
    p.send("quit\r").unwrap();
    p.expect("[y/n]").unwrap();
    p.expect("> ").unwrap();
    p.send(ControlCode::EndOfText).unwrap();
    p.expect("Cancelled.").unwrap();

    // Ctrl-D on an empty line ends the game cleanly.
    p.expect("> ").unwrap();
    p.send(ControlCode::EndOfTransmission).unwrap();
    exits_with_0(&p);

    let history = std::fs::read_to_string(saves.join("history.txt")).unwrap();
    assert_eq!(history, "Take the key from the hook\nnotes\n2\nquit\n");

    // The next run asks whether to continue the unfinished game (`n`: a new one), and
    // remembers the history: Up brings back the last line.
    let mut p = spawn(&saves);
    p.expect("Continue it?").unwrap();
    p.expect("> ").unwrap();
    p.send("n\r").unwrap();
    p.expect("A new game starts").unwrap();
    p.expect("> ").unwrap();
    p.send("\x1b[A").unwrap();
    p.expect("quit").unwrap();
    p.send("\r").unwrap();
    // A new game, nothing to lose: `quit` leaves at once.
    exits_with_0(&p);
}

#[test]
fn tab_completes_a_choice_that_starts_with_a_typographic_quote() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn_story(&dir.path().join("saves"), "quotes");
    p.expect("4. …").unwrap();
    p.expect("> ").unwrap();
    p.send("just").unwrap();
    p.send(ControlCode::HorizontalTabulation).unwrap();
    p.expect("“Just googling you. You told me to.”").unwrap();
    p.send("\r").unwrap();
    p.expect("THE END: Caught").unwrap();
    p.expect("> ").unwrap();
    p.send(ControlCode::EndOfTransmission).unwrap();
    exits_with_0(&p);
}

fn spawn_example(saves: &Path, extra: &[&str], color: bool) -> expectrl::session::OsSession {
    let root = support::root();
    let mut cmd = Command::new(support::bin());
    cmd.args(["--seed", "7", "--scenes"])
        .arg(root.join("docs/example"))
        .arg("--saves")
        .arg(saves)
        .args(extra)
        .env("TERM", "xterm")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    if !color {
        cmd.env("NO_COLOR", "1");
    }
    let mut session = Session::spawn(cmd).expect("spawn in a pty");
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    session
}

#[test]
fn text_is_wrapped_and_coloured_in_a_terminal_but_not_with_plain() {
    let dir = tempfile::tempdir().unwrap();
    // 80 columns (the pty's size): the first paragraph breaks before the 80th.
    let mut p = spawn_example(dir.path(), &[], true);
    let seen = p.expect("> ").unwrap();
    let text = String::from_utf8_lossy(seen.before()).into_owned();
    assert!(text.contains("\x1b[1mThe Lighthouse\x1b[0m"), "{text:?}");
    assert!(
        text.contains(
            "Waves break on black stones. Above you the lighthouse stands dark, its lamp\r\ngone out"
        ),
        "{text:?}"
    );
    p.send(ControlCode::EndOfTransmission).unwrap();
    exits_with_0(&p);

    let mut p = spawn_example(dir.path(), &["--plain"], true);
    let seen = p.expect("> ").unwrap();
    let text = String::from_utf8_lossy(seen.before()).into_owned();
    assert!(text.starts_with("The Lighthouse\r\n"), "{text:?}");
    assert!(
        text.contains("its lamp gone out on the worst night of the year.\r\n"),
        "{text:?}"
    );
    assert!(!text.contains("\x1b[1m"), "{text:?}");
    p.send(ControlCode::EndOfTransmission).unwrap();
    exits_with_0(&p);

    // NO_COLOR: wrapped, but no colour.
    let mut p = spawn_example(dir.path(), &[], false);
    let seen = p.expect("> ").unwrap();
    let text = String::from_utf8_lossy(seen.before()).into_owned();
    assert!(text.starts_with("The Lighthouse\r\n"), "{text:?}");
    assert!(text.contains("its lamp\r\ngone out"), "{text:?}");
    p.send(ControlCode::EndOfTransmission).unwrap();
    exits_with_0(&p);
}
