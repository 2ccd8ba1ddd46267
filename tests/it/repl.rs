//! The REPL as a player meets it through a pipe: the real binary, inputs on stdin, the whole
//! output compared with a snapshot. Covers every meta-command, bad inputs, endings, exit codes,
//! determinism, and `reload` through the terminal-free `Session`.

use crate::support::{self, ROOT, assert_shows};
use assert_cmd::Command;
use interview::commands::StorySource;
use interview::play::{Config, Input, Look, Session, render};
use std::path::{Path, PathBuf};

fn example() -> String {
    format!("{ROOT}/docs/example")
}

fn door() -> String {
    format!("{ROOT}/tests/fixtures/play/door")
}

fn spent() -> String {
    format!("{ROOT}/tests/fixtures/play/spent")
}

fn quotes() -> String {
    format!("{ROOT}/tests/fixtures/play/quotes")
}

/// The binary, run in `dir` (where `saves/` goes), with a fixed clock and no colour asked for.
fn interview(dir: &Path) -> Command {
    let mut cmd = support::cmd();
    cmd.current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

struct Run {
    stdout: String,
    stderr: String,
    code: Option<i32>,
}

fn run(dir: &Path, args: &[&str], input: &[u8]) -> Run {
    let out = interview(dir)
        .args(args)
        .write_stdin(input.to_vec())
        .output()
        .unwrap();
    Run {
        stdout: String::from_utf8(out.stdout).expect("the output is UTF-8"),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code(),
    }
}

/// Copies a story folder into `dir` (so paths in the output are relative and the same on
/// every machine); returns its name there.
fn place(dir: &Path, story: &str) -> String {
    let name = Path::new(story).file_name().unwrap().to_str().unwrap().to_owned();
    let to = dir.join(&name);
    std::fs::create_dir_all(&to).unwrap();
    for entry in std::fs::read_dir(story).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
    name
}

/// Plays `story` with seed 7 from `input`; checks the exit code is 0 and nothing went to
/// stderr; returns the output with the inputs listed above it, for a snapshot.
fn play(dir: &Path, story: &str, input: &str) -> String {
    let story = place(dir, story);
    let r = run(dir, &["--scenes", &story, "--seed", "7"], input.as_bytes());
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
    assert_eq!(r.stderr, "");
    assert!(
        !r.stdout.contains('\x1b'),
        "an escape character reached the output"
    );
    format!("--- input ---\n{input}--- output ---\n{}", r.stdout)
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn a_game_plays_from_a_file_to_its_end() {
    let dir = tmp();
    let out = play(dir.path(), &example(), "1\nclimb\n1\n1\nlight\n");
    assert!(out.lines().any(|l| l == "THE END: The Light Returns"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn bad_inputs_get_a_short_message_and_the_choices_again() {
    let dir = tmp();
    let mut input = String::from("\n   \n0\n99\n99999999999999999999999\nxyzzy\nopen\nOpen the d\n1\n");
    input.push_str(&"a".repeat(5000));
    input.push('\n');
    input.push_str("\x1b[2Jclear\n-1\nnotes\n");
    let mut bytes = input.into_bytes();
    bytes.extend_from_slice(b"\xff\xfeinvalid\nnotes\n");
    let r = run(dir.path(), &["--scenes", &door(), "--seed", "7"], &bytes);
    assert_eq!(r.code, Some(0));
    assert!(
        !r.stdout.contains('\x1b'),
        "an escape character reached the output"
    );
    assert!(r.stdout.contains("no choice starts with \"^[[2Jclear\""));
    assert!(
        r.stdout
            .contains("that line is too long (over 4096 bytes); nothing was done")
    );
    assert!(
        r.stdout
            .contains("that line is not valid text (UTF-8); nothing was done")
    );
    // Nothing changed the game: the notebook still reads as at the start.
    assert_eq!(r.stdout.matches("Fresh air: 0.").count(), 2);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn every_meta_command() {
    let dir = tmp();
    let input = "help\n?\nlook\nl\nnotes\nstatus\n2\nsave\nsave one\nsaves\n3\nnotes\nload one\n\
                 restore\nundo\nu\nUNDO\nu\nu\n2\nrestart\nn\nrestart\ny\nendings\ntranscript\n\
                 transcript on\ntranscript\nlook\ntranscript off\ntranscript maybe\nabout\nreload\n\
                 2\nquit\nno\nQ\ny\nlook\n";
    let out = play(dir.path(), &door(), input);
    insta::assert_snapshot!(out);
    let transcript = std::fs::read_to_string(dir.path().join("saves/transcript.txt")).unwrap();
    assert!(transcript.starts_with("=== The Door, seed 7, transcript started 2023-11-14 22:13 UTC ===\n"));
    assert!(transcript.contains("> look\n\nA bare hall with a door, a window and a chair.\n"));
    assert!(!transcript.contains("> about"), "the transcript was turned off");
    // `quit` then `y` ended the game: the last `look` was never read.
    assert!(out.ends_with("[y/n]\n\n"), "{out}");
}

#[test]
fn an_ending_is_announced_then_restart_load_or_quit() {
    let dir = tmp();
    let out = play(
        dir.path(),
        &door(),
        "2\nsave before\nsit\n1\nload before\n4\nrestart\n4\nquit\nlook\n",
    );
    assert_eq!(out.lines().filter(|l| *l == "THE END: Sitting Down").count(), 3);
    // No question at an ending: `quit` quits, and the `look` after it is never read.
    assert!(out.ends_with("or `quit`.\n\n"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn end_of_input_ends_the_game_with_code_0() {
    let dir = tmp();
    let r = run(dir.path(), &["--scenes", &door(), "--seed", "7"], b"2\nquit\n");
    assert_eq!(r.code, Some(0));
    assert!(r.stdout.ends_with(
        "Quit without saving? The autosave keeps your place for `interview --continue`. [y/n]\n\n"
    ));
    let r = run(dir.path(), &["--scenes", &door(), "--seed", "7"], b"");
    assert_eq!(r.code, Some(0));
    assert!(r.stdout.contains("1. Open the door (The door is locked.)"));
}

#[test]
fn endings_found_are_kept_across_games() {
    let dir = tmp();
    play(dir.path(), &door(), "sit\n");
    let out = play(dir.path(), &door(), "endings\n");
    assert!(
        out.contains("You have found 1 of the 2 endings:\n\n  Sitting Down\n"),
        "{out}"
    );
    let out = play(dir.path(), &example(), "endings\n");
    assert!(out.contains("You have found none of the 3 endings yet."), "{out}");
    let endings = std::fs::read_to_string(dir.path().join("saves/endings.txt")).unwrap();
    assert_eq!(endings, "door sat\n");
}

#[test]
fn continue_resumes_the_autosave() {
    let dir = tmp();
    play(dir.path(), &door(), "2\n2\n3\n");
    let r = run(dir.path(), &["--scenes", &door(), "--continue"], b"notes\n1\n");
    assert_eq!(r.code, Some(0));
    assert_shows(
        &r.stdout,
        &[
            "Continuing your game (turn 3).",
            "Fresh air: 2.\n\nYou have the key.",
            "THE END: Outside",
        ],
    );
}

#[test]
fn continue_without_an_autosave_starts_a_new_game() {
    let dir = tmp();
    let r = run(
        dir.path(),
        &["--scenes", &door(), "--continue", "--seed", "1"],
        b"",
    );
    assert_eq!(r.code, Some(0));
    assert!(
        r.stdout
            .contains("there is no autosave in saves to continue; a new game starts")
    );
    assert!(r.stdout.contains("1. Open the door"));
}

#[test]
fn continue_with_an_unusable_autosave_fails_and_keeps_the_file() {
    let dir = tmp();
    play(dir.path(), &example(), "2\n");
    let autosave = dir.path().join("saves/autosave.ron");
    let before = std::fs::read(&autosave).unwrap();
    let r = run(dir.path(), &["--scenes", &door(), "--continue"], b"2\n");
    assert_eq!(r.code, Some(1));
    assert_eq!(
        r.stderr,
        "interview: cannot continue the autosave: saves/autosave.ron: this save is from the story \
         \"The Lighthouse\" (`lighthouse`), not from \"The Door\" (`door`)\n\
         interview: the file is left as it is: to play, start a new game with `interview` (without \
         --continue; its autosave replaces the file), or start one and type `load SLOT` to load \
         another save (`saves` lists them)\n"
    );
    assert_eq!(r.stdout, "");
    assert_eq!(std::fs::read(&autosave).unwrap(), before);
}

#[test]
fn continue_with_a_damaged_autosave_names_the_file_and_what_to_do() {
    let dir = tmp();
    play(dir.path(), &door(), "2\n");
    let autosave = dir.path().join("saves/autosave.ron");
    for damaged in [&b"garbage"[..], b"Save(format: 1, story: ", b"\xff\xfe"] {
        std::fs::write(&autosave, damaged).unwrap();
        let r = run(dir.path(), &["--scenes", &door(), "--continue"], b"2\n");
        assert_eq!(r.code, Some(1));
        assert_eq!(r.stdout, "");
        let lines: Vec<&str> = r.stderr.lines().collect();
        assert_eq!(lines.len(), 2, "{}", r.stderr);
        assert!(
            lines[0].starts_with(
                "interview: cannot continue the autosave: saves/autosave.ron: this is not a save file: "
            ),
            "{}",
            r.stderr
        );
        assert_eq!(
            lines[1],
            "interview: the file is damaged; it is left as it is: to play, start a new game with \
             `interview` (without --continue; its autosave replaces the file), or start one and type \
             `load SLOT` to load another save (`saves` lists them)"
        );
        assert_eq!(std::fs::read(&autosave).unwrap(), damaged);
    }
}

#[test]
fn the_same_seed_and_inputs_give_the_same_output() {
    let input = b"2\n1\nl\n4\nrestart\n2\n1\nnotes\n";
    let a = run(tmp().path(), &["--scenes", &example(), "--seed", "99"], input);
    let b = run(tmp().path(), &["--scenes", &example(), "--seed", "99"], input);
    assert_eq!(a.stdout, b.stdout);
    // Seeds do change the game: the gull in the lamp room is a 50 % chance.
    let gulls: std::collections::BTreeSet<bool> = (0..8)
        .map(|seed| {
            let seed = seed.to_string();
            let r = run(
                tmp().path(),
                &["--scenes", &example(), "--seed", &seed],
                b"2\n1\n",
            );
            r.stdout.contains("A gull screams")
        })
        .collect();
    assert_eq!(gulls.len(), 2, "eight seeds all gave the same gull");
}

#[test]
fn no_colour_in_a_pipe_or_with_plain_even_when_forced() {
    let dir = tmp();
    for args in [&["--scenes", &door()][..], &["--scenes", &door(), "--plain"][..]] {
        let out = interview(dir.path())
            .args(args)
            .env("CLICOLOR_FORCE", "1")
            .write_stdin("2\nhelp\nxyz\n")
            .output()
            .unwrap();
        assert!(!out.stdout.contains(&0x1b), "{args:?}");
    }
}

#[test]
fn exit_codes() {
    let dir = tmp();
    let broken = dir.path().join("broken");
    std::fs::create_dir(&broken).unwrap();
    std::fs::write(broken.join("story.ron"), "Story(id: ").unwrap();
    let r = run(dir.path(), &["--scenes", broken.to_str().unwrap()], b"");
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("has 1 error"), "{}", r.stderr);
    assert_eq!(run(dir.path(), &["--seed", "x"], b"").code, Some(2));
    assert_eq!(run(dir.path(), &["--no-such-flag"], b"").code, Some(2));
}

// ------------------------------------------------------------------------------------------
// `reload`, through the session (the story is edited between two inputs)

fn session(story_dir: &Path, saves: &Path) -> Session {
    let files = interview::files::read_story_dir(story_dir).unwrap();
    let story = interview::story::load_story(&files)
        .story
        .expect("the story loads");
    let config = Config {
        seed: Some(7),
        saves: saves.to_path_buf(),
        resume: false,
    };
    Session::start(story, StorySource::Dir(story_dir.to_path_buf()), &config)
        .unwrap()
        .0
}

fn say(s: &mut Session, line: &str) -> String {
    render(&s.handle(Input::Line(line)).blocks, &Look::PLAIN)
}

fn copy_door(to: &Path) -> PathBuf {
    let dir = to.join("story");
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["story.ron", "scenes.ron"] {
        std::fs::copy(Path::new(&door()).join(f), dir.join(f)).unwrap();
    }
    dir
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} not in {}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

#[test]
fn reload_plays_on_in_the_edited_story() {
    let dir = tmp();
    let story = copy_door(dir.path());
    let mut s = session(&story, &dir.path().join("saves"));
    say(&mut s, "2");
    say(&mut s, "3");
    assert_eq!(
        say(&mut s, "reload"),
        format!("{} has not changed.\n\n", story.display())
    );

    edit(&story.join("scenes.ron"), "A bare hall", "A dusty hall");
    edit(
        &story.join("story.ron"),
        "\"key\": Bool(false),",
        "\"key\": Bool(false), \"dust\": Bool(true),",
    );
    let out = say(&mut s, "reload");
    assert!(
        out.starts_with(&format!(
            "Reloaded {}. Note: the new variable `dust` starts at true.\n\nA dusty hall",
            story.display()
        )),
        "{out}"
    );
    assert!(say(&mut s, "notes").contains("Fresh air: 1.\n\nYou have the key."));
    // Undo goes back through the reload, in the edited story.
    assert!(say(&mut s, "undo").contains("A dusty hall"));
    assert!(say(&mut s, "notes").starts_with("Fresh air: 1.\n\n"));
}

#[test]
fn reload_refuses_an_edit_the_game_no_longer_fits_and_plays_on() {
    let dir = tmp();
    let story = copy_door(dir.path());
    let mut s = session(&story, &dir.path().join("saves"));
    say(&mut s, "2");
    let before = s.game().clone();

    edit(
        &story.join("story.ron"),
        "\"air\": Int(value: 0, min: 0, max: 3),",
        "",
    );
    edit(&story.join("story.ron"), "Text(\"Fresh air: {air}.\"),", "");
    edit(&story.join("scenes.ron"), ", effects: [ Add(\"air\", 1) ]", "");
    assert_eq!(
        say(&mut s, "reload"),
        "cannot reload: the story has changed and this game no longer fits it: variable `air` is \
         no longer in the story; still playing the story as it was\n\n"
    );
    assert_eq!(s.game(), &before);
    assert!(say(&mut s, "notes").starts_with("Fresh air: 1."));

    std::fs::write(story.join("scenes.ron"), "[ Scene(id: ").unwrap();
    let out = say(&mut s, "reload");
    assert!(
        out.starts_with(&format!("cannot reload: {} has ", story.display())),
        "{out}"
    );
    assert!(out.contains("still playing the story as it was"), "{out}");
    assert_eq!(s.game(), &before);
}

#[test]
fn reload_needs_a_story_folder() {
    let dir = tmp();
    let files = interview::files::read_story_dir(Path::new(&door())).unwrap();
    let story = interview::story::load_story(&files).story.unwrap();
    let config = Config {
        seed: Some(1),
        saves: dir.path().to_path_buf(),
        resume: false,
    };
    let mut s = Session::start(story, StorySource::Embedded, &config).unwrap().0;
    assert_eq!(
        say(&mut s, "reload"),
        "`reload` re-reads a story folder given with `--scenes DIR`; the built-in story cannot change\n\n"
    );
}

#[test]
fn completion_offers_commands_saves_and_the_current_choices() {
    let dir = tmp();
    let mut s = session(Path::new(&door()), dir.path());
    say(&mut s, "save mine");
    let words = s.completions();
    for w in [
        "help",
        "transcript on",
        "load mine",
        "restore mine",
        "Open the window",
        "Sit on the chair",
    ] {
        assert!(words.iter().any(|x| x == w), "{w} missing from {words:?}");
    }
    // The locked door is on screen but cannot be taken: it is not offered.
    assert!(!words.iter().any(|x| x == "Open the door"));
}

#[test]
fn undo_goes_back_more_than_a_hundred_steps() {
    let dir = tmp();
    // Saves that cannot be written (their folder would be inside a file) keep this test fast:
    // the autosave fails at once, and says so once.
    std::fs::write(dir.path().join("file"), "").unwrap();
    let mut s = session(Path::new(&door()), &dir.path().join("file/saves"));
    let start = s.game().clone();
    assert!(say(&mut s, "2").starts_with("could not autosave: "));
    for _ in 1..150 {
        assert!(say(&mut s, "2").starts_with("A bare hall"));
    }
    assert_eq!(s.game().state.turn(), 150);
    for n in (0..150).rev() {
        let out = say(&mut s, "u");
        assert!(
            out.starts_with(&format!("Taken back: your last choice (you are at turn {n}).")),
            "{out}"
        );
    }
    assert_eq!(s.game(), &start);
    assert_eq!(say(&mut s, "undo"), "there is nothing to undo\n\n");
}

#[test]
fn control_characters_in_a_story_are_shown_not_sent() {
    let dir = tmp();
    let name = place(dir.path(), &door());
    let story = dir.path().join(&name);
    edit(
        &story.join("scenes.ron"),
        "A bare hall",
        "A \\u{1b}[2J\\u{9b}31m bare\\u{7} hall",
    );
    edit(
        &story.join("scenes.ron"),
        "Sit on the chair",
        "Sit \\u{1b}]0;pwned\\u{7}on the chair",
    );
    edit(
        &story.join("story.ron"),
        "\"Sitting Down\"",
        "\"Sitting \\u{1b}[5mDown\"",
    );
    edit(
        &story.join("story.ron"),
        "title: \"The Door\"",
        "title: \"The \\u{202e}Door\"",
    );
    let r = run(dir.path(), &["--scenes", &name, "--seed", "1"], b"l\nsit\n");
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(!r.stdout.contains('\x1b') && !r.stdout.contains('\u{9b}') && !r.stdout.contains('\x07'));
    assert!(r.stdout.starts_with("The <U+202E>Door\n"), "{}", r.stdout);
    assert_shows(
        &r.stdout,
        &[
            "A ^[[2J<U+009B>31m bare^G hall",
            "4. Sit ^[]0;pwned^Gon the chair",
            "\nTHE END: Sitting ^[[5mDown\n",
        ],
    );
}

#[test]
fn a_choice_is_found_by_its_words_whatever_its_quotes_apostrophes_and_dashes() {
    let dir = tmp();
    // `i was` starts two choices; `“` and `"` start three; `...` is the choice `…` (it loops);
    // `it's` and `-` read `’` and `—`; then `just` takes the choice `“Just googling you…”`.
    let input = "i was\n“\n\"\n...\ni was snooping. it's\nundo\ni was bored - sorry\ni was bored--sorry\n\
                 undo\njust\n";
    let out = play(dir.path(), &quotes(), input);
    assert_shows(
        &out,
        &[
            "\"i was\" could be choice 2 or 3: type more of it, or its number",
            "\"“\" could be choice 1 or 2 or 3: type more of it, or its number",
            "no choice starts with \"i was bored - sorry\"",
        ],
    );
    assert_eq!(out.matches("THE END: Honest").count(), 2, "{out}");
    assert!(out.contains("THE END: Caught"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn a_taken_question_keeps_its_place_when_its_choice_says_so() {
    let dir = tmp();
    // "Ask about the show" keeps its place once asked (`spent: Explain("asked")`); the story
    // hides the other taken question. A number names the kept one and is refused; typed words
    // pass over it to the open question; "Leave" is then 2.
    let out = play(dir.path(), &spent(), "1\n1\nask\n2\n");
    assert_in_order(
        &out,
        &[
            "She talks about the show.",
            "1. Ask about the show (asked)\n2. Ask about her mother\n3. Leave",
            "that choice is not available now: asked",
            "She talks about her mother.",
            "1. Ask about the show (asked)\n2. Leave",
            "THE END: Left",
        ],
    );
}

#[test]
fn typed_starts_ignore_case_leading_quotes_and_typographic_punctuation() {
    use interview::play::typed_start;
    let text = "“Just googling you. You told me to.”";
    for typed in [
        "just",
        "JUST",
        "“just",
        "\"just",
        "  just   googling",
        "'just",
        "just googling you. you told me to.\"",
    ] {
        assert!(typed_start(text, typed).is_some(), "{typed:?}");
    }
    // Where the typed start ends in the text: after `Just`, past the quote it skipped.
    assert_eq!(typed_start(text, "just"), Some("“Just".len()));
    assert_eq!(
        typed_start("It’s — well…", "it's -- well..."),
        Some("It’s — well…".len())
    );
    for typed in [
        "",
        "   ",
        "justx",
        "i was",
        "googling",
        "“Just googling you. You told me to.” Really",
    ] {
        assert_eq!(typed_start(text, typed), None, "{typed:?}");
    }
    // A text that is only punctuation is found by its punctuation.
    assert_eq!(typed_start("…", "..."), Some("…".len()));
    assert_eq!(typed_start("…", "."), Some("…".len()));
    assert_eq!(typed_start("…", "go"), None);
}

#[test]
fn yes_no_questions_take_yes_or_no_and_ask_again_otherwise() {
    let dir = tmp();
    let input = "2\nrestart\nfoo\n\nYes please\nNO\nquit\nnope\nN\nquit\nmaybe\n y \nlook\n";
    let out = play(dir.path(), &door(), input);
    assert_eq!(
        out.matches("Restart from the beginning? Please type y or n.")
            .count(),
        3,
        "{out}"
    );
    assert!(out.contains("Not restarted."), "{out}");
    assert!(!out.contains("The story starts again."), "{out}");
    assert_eq!(
        out.matches("Quit without saving? Please type y or n.").count(),
        2,
        "{out}"
    );
    assert_eq!(out.matches("Playing on.").count(), 1, "{out}");
    // ` y ` quit: the last `look` was never read.
    assert!(
        out.ends_with("Quit without saving? Please type y or n.\n\n"),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn the_transcript_records_each_input_as_typed() {
    let dir = tmp();
    let input = "transcript on\n2\nOpen the   WINDOW  \nxyzzy\nquit\nfoo\nn\n";
    play(dir.path(), &door(), input);
    let transcript = std::fs::read_to_string(dir.path().join("saves/transcript.txt")).unwrap();
    let typed: Vec<&str> = transcript.lines().filter_map(|l| l.strip_prefix("> ")).collect();
    assert_eq!(
        typed,
        [
            "transcript on",
            "2",
            "Open the   WINDOW  ",
            "xyzzy",
            "quit",
            "foo",
            "n"
        ]
    );
    assert!(
        transcript.contains(
            "> xyzzy\n\nno choice starts with \"xyzzy\", and no command is called that: `help` lists the commands\n"
        ),
        "{transcript}"
    );
}

#[test]
fn the_opening_names_notes_only_when_the_story_keeps_a_notebook() {
    let dir = tmp();
    // The quotes fixture has no notebook; the example story has one.
    let plain = run(dir.path(), &["--scenes", &quotes(), "--seed", "1"], b"");
    assert!(
        plain.stdout.contains("Type `help` for the commands.") && !plain.stdout.contains("`notes`"),
        "{}",
        plain.stdout
    );
    let kept = run(dir.path(), &["--scenes", &example(), "--seed", "1"], b"notes\n");
    assert!(
        kept.stdout
            .contains("Type `notes` for your notebook, `help` for the commands."),
        "{}",
        kept.stdout
    );
}

/// The positions of `texts` in `out`, which must all be there, in this order.
fn assert_in_order(out: &str, texts: &[&str]) {
    let mut from = 0;
    for text in texts {
        match out[from..].find(text) {
            Some(i) => from += i + text.len(),
            None => panic!("no {text:?} after byte {from} in:\n{out}"),
        }
    }
}

#[test]
fn a_game_taken_up_again_shows_what_its_last_choice_said() {
    let dir = tmp();
    let replies = format!("{ROOT}/tests/fixtures/play/replies");
    // A reply that stays in its scene: on `--continue` it comes after the scene's text, before
    // its choices, where the player read it.
    play(dir.path(), &replies, "Smile\n");
    let r = run(dir.path(), &["--scenes", &replies, "--continue"], b"");
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_in_order(
        &r.stdout,
        &[
            "Continuing your game (turn 1).",
            "A bare room.",
            "The interviewer does not smile back.",
            "1. Clear your throat",
        ],
    );
    // The scene's text is the one read on entering it, not as a stay has changed it since
    // (read 99: the passage reprinted in other words on `--continue`).
    let dir2 = tmp();
    play(dir2.path(), &replies, "Clear\n");
    let r = run(dir2.path(), &["--scenes", &replies, "--continue"], b"");
    assert_in_order(
        &r.stdout,
        &[
            "A bare room. The interviewer waits, pen raised.\n",
            "The pen taps, once.",
            "1. Smile",
        ],
    );
    assert!(!r.stdout.contains("Your throat feels clear"), "{}", r.stdout);
    // `load` shows the reply the save was made after, not the one played since.
    let r = run(
        dir.path(),
        &["--scenes", &replies, "--seed", "1"],
        b"Clear\nsave a\nAsk\nload a\n",
    );
    let loaded = &r.stdout[r.stdout.find("Loaded slot `a`").expect(&r.stdout)..];
    assert_in_order(loaded, &["A bare room.", "The pen taps, once.", "1. Smile"]);
    assert!(!loaded.contains("Grey"), "{loaded}");
    // `undo` and `look` show it as read too, and `undo` the reply the step back ends on.
    let r = run(
        dir.path(),
        &["--scenes", &replies, "--seed", "1"],
        b"Clear\nAsk\nundo\nlook\n",
    );
    let undone = &r.stdout[r.stdout.find("Taken back").expect(&r.stdout)..];
    assert_in_order(
        undone,
        &[
            "A bare room.",
            "The pen taps, once.",
            "1. Smile",
            "A bare room.",
            "1. Smile",
        ],
    );
    assert!(!undone.contains("Your throat feels clear"), "{undone}");
}
