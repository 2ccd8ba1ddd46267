//! Saves: save then load gives the same game and the same future (proptest); every refusal
//! names its problem and leaves the game and the file as they were; damaged files are clean
//! errors, never panics; links and non-regular files are left alone; a failed write keeps the
//! old save.

use crate::support::{self, example, load};
use interview::commands::StorySource;
use interview::engine;
use interview::play::{Config, Input, Look, Session, render};
use interview::save::{self, Game, SaveDir, SaveError, Slot};
use interview::story::Story;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn door_dir() -> PathBuf {
    support::path("tests/fixtures/play/door")
}

/// Takes the available choice number `pick` (modulo their count); at an ending, starts again
/// with `pick` as the seed. Returns what the player would see.
fn step(story: &Story, game: &mut Game, pick: u8) -> (Vec<String>, engine::View) {
    let view = engine::view(story, &game.state);
    let available: Vec<usize> = view
        .choices
        .iter()
        .filter(|c| c.available)
        .map(|c| c.index)
        .collect();
    let passed = if available.is_empty() {
        let (g, outcome) = Game::new(story, u64::from(pick)).unwrap();
        *game = g;
        outcome.passed
    } else {
        let index = available[usize::from(pick) % available.len()];
        game.choose(story, index).unwrap().passed
    };
    (passed, engine::view(story, &game.state))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn save_then_load_gives_the_same_game_and_the_same_next_20_steps(
        seed in any::<u64>(),
        before in proptest::collection::vec(any::<u8>(), 0..30),
        after in proptest::collection::vec(any::<u8>(), 20),
    ) {
        let story = example();
        let (mut game, _) = Game::new(story, seed).unwrap();
        for pick in before {
            step(story, &mut game, pick);
        }
        let text = save::to_text(story, &game, 1_700_000_000);
        let loaded = save::from_text(story, &text).unwrap();
        prop_assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        prop_assert_eq!(&loaded.game, &game);
        prop_assert_eq!(loaded.saved_at, 1_700_000_000);
        let mut copy = loaded.game;
        for pick in after {
            let a = step(story, &mut game, pick);
            let b = step(story, &mut copy, pick);
            prop_assert_eq!(a, b);
            prop_assert_eq!(&game, &copy);
        }
    }
}

#[test]
fn a_save_replays_from_its_seed() {
    let story = example();
    let (mut game, _) = Game::new(story, 3).unwrap();
    for pick in [0, 1, 0, 0] {
        step(story, &mut game, pick);
    }
    let replayed = Game::replay(story, game.seed, &game.trail).unwrap();
    assert_eq!(replayed, game);
    // A save whose state was changed by hand loads, but says its choices do not lead there.
    let turn = format!("turn: {},", game.state.turn());
    let text = save::to_text(story, &game, 0).replace(&turn, "turn: 99,");
    let loaded = save::from_text(story, &text).unwrap();
    assert_eq!(
        loaded.warnings,
        vec!["the saved state does not follow from its choices (edited by hand?)".to_owned()]
    );
}

#[test]
fn a_save_is_readable_ron() {
    let story = example();
    let (mut game, _) = Game::new(story, 7).unwrap();
    game.choose(story, 0).unwrap();
    let text = save::to_text(story, &game, 1_700_000_000);
    let head: Vec<&str> = text.lines().take(12).collect();
    assert_eq!(
        head,
        [
            "// An Interview save: \"The Lighthouse\", The Shore, turn 1. Load it with `load SLOT` in the game.",
            "Save(",
            "    format: 2,",
            "    story: Story(",
            "        id: \"lighthouse\",",
            "        title: \"The Lighthouse\",",
            &format!("        fingerprint: {},", story.fingerprint()),
            "    ),",
            &format!("    engine: \"{}\",", env!("CARGO_PKG_VERSION")),
            "    saved_at: 1700000000,",
            "    scene_title: \"The Shore\",",
            "    seed: 7,",
        ]
    );
    assert!(text.contains("        scene: \"shore\",\n        turn: 1,\n"));
    assert!(text.contains(
        "        once: [\n            Key(\"shore\", \"Pick up the lamp from the boathouse\"),\n        ],\n"
    ));
    assert!(text.contains("    choices: [\n        Choice(\"shore\", 0),\n    ],\n"));
}

#[test]
fn a_truncated_or_garbled_save_is_a_clean_error() {
    let story = example();
    let (mut game, _) = Game::new(story, 11).unwrap();
    for pick in [0, 0, 0, 1] {
        step(story, &mut game, pick);
    }
    let text = save::to_text(story, &game, 0);
    let bytes = text.as_bytes();
    let end = text.trim_end().len();
    for len in 0..bytes.len() {
        let result = save::from_bytes(story, &bytes[..len]);
        if len < end {
            assert!(
                result.is_err(),
                "a save cut at {len} of {} bytes loaded",
                bytes.len()
            );
        }
    }
    // Flip bytes (a fixed xorshift sequence): whatever loads must be a game the engine can play.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut loaded = 0;
    for _ in 0..3000 {
        let mut garbled = bytes.to_vec();
        for _ in 0..1 + next() % 3 {
            let at = (next() % garbled.len() as u64) as usize;
            garbled[at] = next() as u8;
        }
        if let Ok(save) = save::from_bytes(story, &garbled) {
            loaded += 1;
            let mut game = save.game;
            for pick in 0..5 {
                step(story, &mut game, pick);
            }
        }
    }
    // Most flips land in text, numbers or spaces that still parse; many do not.
    assert!(
        loaded > 0 && loaded < 3000,
        "{loaded} of 3000 garbled saves loaded"
    );
}

// ------------------------------------------------------------------------------------------
// Refusals, through the session: the message names the problem, the game and the file stay.

struct Table {
    dir: tempfile::TempDir,
}

impl Table {
    fn new() -> Table {
        Table {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn saves(&self) -> PathBuf {
        self.dir.path().join("saves")
    }

    fn session(&self, story_dir: &Path) -> Session {
        let config = Config {
            seed: Some(7),
            saves: self.saves(),
            resume: false,
        };
        Session::start(
            load(story_dir),
            StorySource::Dir(story_dir.to_path_buf()),
            &config,
        )
        .unwrap()
        .0
    }

    /// A copy of the door story, edited by `edits` (from, to) in either file.
    fn edited_door(&self, name: &str, edits: &[(&str, &str)]) -> PathBuf {
        let dir = self.dir.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        for f in ["story.ron", "scenes.ron"] {
            let mut text = std::fs::read_to_string(door_dir().join(f)).unwrap();
            for (from, to) in edits {
                text = text.replace(from, to);
            }
            std::fs::write(dir.join(f), text).unwrap();
        }
        dir
    }

    fn slot(&self, name: &str) -> PathBuf {
        self.saves().join(format!("{name}.ron"))
    }
}

fn say(s: &mut Session, line: &str) -> String {
    render(&s.handle(Input::Line(line)).blocks, &Look::PLAIN)
}

/// `load SLOT` is refused with a message containing each of `names`; the game and the file
/// are unchanged.
fn refused(s: &mut Session, slot_file: &Path, command: &str, names: &[&str]) -> String {
    let game = s.game().clone();
    let bytes = contents(slot_file);
    let out = say(s, command);
    assert!(out.starts_with("cannot load: "), "{out}");
    for name in names {
        assert!(out.contains(name), "{name:?} not in {out:?}");
    }
    assert_eq!(s.game(), &game, "the game changed");
    assert_eq!(contents(slot_file), bytes, "the file changed");
    out
}

/// What is at a path: the bytes of a regular file (through a link), or its kind.
fn contents(path: &Path) -> Option<Result<Vec<u8>, String>> {
    let meta = std::fs::metadata(path).ok()?;
    Some(match meta.is_file() {
        true => Ok(std::fs::read(path).unwrap()),
        false => Err(format!("{:?}", meta.file_type())),
    })
}

#[test]
fn a_save_from_another_story_is_refused_naming_both() {
    let t = Table::new();
    let mut door = t.session(&door_dir());
    say(&mut door, "2");
    say(&mut door, "save x");
    let mut lighthouse = t.session(&support::path(support::EXAMPLE));
    say(&mut lighthouse, "2");
    let out = refused(
        &mut lighthouse,
        &t.slot("x"),
        "load x",
        &["The Door", "`door`", "The Lighthouse"],
    );
    assert_eq!(
        out,
        format!(
            "cannot load: {}: this save is from the story \"The Door\" (`door`), not from \
             \"The Lighthouse\" (`lighthouse`)\n\n",
            t.slot("x").display()
        )
    );
}

#[test]
fn a_save_from_a_newer_or_unknown_older_format_is_refused_naming_both_versions() {
    let t = Table::new();
    let mut s = t.session(&door_dir());
    say(&mut s, "save x");
    say(&mut s, "2");
    let text = std::fs::read_to_string(t.slot("x")).unwrap();
    std::fs::write(t.slot("x"), text.replace("format: 2,", "format: 3,")).unwrap();
    let out = refused(&mut s, &t.slot("x"), "load x", &["format 3", "(2)"]);
    assert!(out.contains("newer"), "{out}");
    std::fs::write(t.slot("x"), text.replace("format: 2,", "format: 0,")).unwrap();
    let out = refused(&mut s, &t.slot("x"), "load x", &["format 0", "(1 to 2)"]);
    assert!(out.contains("older"), "{out}");
}

#[test]
fn a_save_from_an_edited_story_loads_with_a_warning_when_it_still_fits() {
    let t = Table::new();
    let mut s = t.session(&door_dir());
    say(&mut s, "2");
    say(&mut s, "3");
    say(&mut s, "save x");
    let edited = t.edited_door(
        "edited",
        &[
            ("A bare hall", "A cold hall"),
            (
                "\"key\": Bool(false),",
                "\"key\": Bool(false), \"cold\": Bool(true),",
            ),
        ],
    );
    let mut s = t.session(&edited);
    let out = say(&mut s, "load x");
    assert!(out.starts_with("Loaded slot `x`, saved "), "{out}");
    assert!(
        out.contains(
            " at turn 2. Note: the story has changed since this save. Note: the new variable `cold` \
             starts at true.\n\nA cold hall"
        ),
        "{out}"
    );
    assert!(say(&mut s, "notes").starts_with("Fresh air: 1.\n\nYou have the key."));
}

#[test]
fn a_save_whose_scene_or_variable_is_gone_is_refused_naming_them() {
    let t = Table::new();
    let mut s = t.session(&door_dir());
    say(&mut s, "2");
    say(&mut s, "save x");
    let renamed = t.edited_door("renamed", &[("\"hall\"", "\"lobby\"")]);
    let mut s = t.session(&renamed);
    let out = refused(
        &mut s,
        &t.slot("x"),
        "load x",
        &["scene `hall` is no longer in the story"],
    );
    assert!(
        out.contains("the story has changed and this game no longer fits it"),
        "{out}"
    );

    let no_air = t.edited_door(
        "no_air",
        &[
            ("\"air\": Int(value: 0, min: 0, max: 3),", ""),
            ("Text(\"Fresh air: {air}.\"),", ""),
            (", effects: [ Add(\"air\", 1) ]", ""),
            ("\"key\": Bool(false),", "\"key\": Int(value: 0),"),
            ("if: Flag(\"key\")", "if: Compare(\"key\", \"==\", 1)"),
            ("If(Flag(\"key\"), ", "If(Compare(\"key\", \"==\", 1), "),
            ("Set(\"key\", true)", "Set(\"key\", 1)"),
        ],
    );
    let mut s = t.session(&no_air);
    refused(
        &mut s,
        &t.slot("x"),
        "load x",
        &[
            "variable `air` is no longer in the story",
            "variable `key` is now Int, but the save holds Bool",
        ],
    );
}

#[test]
fn a_damaged_save_is_refused() {
    let t = Table::new();
    let mut s = t.session(&door_dir());
    say(&mut s, "save x");
    let text = std::fs::read_to_string(t.slot("x")).unwrap();
    std::fs::write(t.slot("x"), text.replace("\"air\": Int(0)", "\"air\": Int(99)")).unwrap();
    refused(
        &mut s,
        &t.slot("x"),
        "load x",
        &["this save is damaged: variable `air` is 99, outside its range 0..=3"],
    );
    std::fs::write(t.slot("x"), "Save(format: 1, story: ").unwrap();
    let out = refused(&mut s, &t.slot("x"), "load x", &["this is not a save file: "]);
    // The message names the file, and says what the player can do.
    let path = t.slot("x").display().to_string();
    assert!(
        out.starts_with(&format!("cannot load: {path}: this is not a save file: 1:")),
        "{out}"
    );
    assert!(
        out.ends_with(
            "\n\nThe file is damaged; it is left as it is. You can play on, or load another save: \
             `saves` lists them.\n\n"
        ),
        "{out}"
    );
    let list = say(&mut s, "saves");
    assert!(
        list.starts_with("slot  story  scene  turn  saved\nx     (unreadable: this is not a save file: "),
        "{list}"
    );
    std::fs::write(t.slot("x"), b"\xff\xfe").unwrap();
    refused(
        &mut s,
        &t.slot("x"),
        "load x",
        &["this is not a save file: the file is not UTF-8 text"],
    );
    refused(
        &mut s,
        &t.slot("nothing"),
        "load nothing",
        &["there is no save in slot `nothing`"],
    );
}

#[test]
fn bad_slot_names_are_refused_never_rewritten() {
    let t = Table::new();
    let mut s = t.session(&door_dir());
    say(&mut s, "2");
    for (name, shown) in [
        ("../x", "\"../x\""),
        ("/etc/passwd", "\"/etc/passwd\""),
        ("a.b", "\"a.b\""),
        ("a\0b", "\"a\\0b\""),
        (&"y".repeat(33), &format!("\"{}\"", "y".repeat(33))),
    ] {
        let game = s.game().clone();
        for cmd in ["save", "load"] {
            let out = say(&mut s, &format!("{cmd} {name}"));
            assert_eq!(
                out,
                format!("{shown} is not a slot name: use 1 to 32 letters, digits, `-` or `_`\n\n"),
                "{cmd} {name:?}"
            );
        }
        assert_eq!(s.game(), &game);
    }
    assert_eq!(
        say(&mut s, "save CON"),
        "`CON` is a device name on some systems and cannot be a slot name; pick another\n\n"
    );
    assert_eq!(
        say(&mut s, "save autosave"),
        "`autosave` is the game's own slot; save under another name\n\n"
    );
    // Nothing was written but the autosave (and the record of scenes read, for `brief`).
    let names: Vec<String> = std::fs::read_dir(t.saves())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "seen.txt")
        .collect();
    assert_eq!(names, ["autosave.ron"]);
    assert!(!t.dir.path().join("x.ron").exists());
}

#[cfg(unix)]
#[test]
fn links_and_non_regular_files_are_never_followed_or_overwritten() {
    let t = Table::new();
    let mut s = t.session(&door_dir());
    say(&mut s, "save real");
    let outside = t.dir.path().join("outside.ron");
    std::fs::copy(t.slot("real"), &outside).unwrap();
    let outside_bytes = std::fs::read(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, t.slot("link")).unwrap();
    std::fs::create_dir(t.slot("folder")).unwrap();
    let fifo = t.slot("pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());

    for slot in ["link", "folder", "pipe"] {
        let out = say(&mut s, &format!("save {slot}"));
        assert_eq!(
            out,
            format!(
                "could not save: {}: not a regular file (a link, a folder or a device); it is left alone\n\n",
                t.slot(slot).display()
            )
        );
        refused(
            &mut s,
            &t.slot(slot),
            &format!("load {slot}"),
            &["not a regular file"],
        );
    }
    assert_eq!(std::fs::read(&outside).unwrap(), outside_bytes);
    assert!(
        std::fs::symlink_metadata(t.slot("link"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // `saves` lists only the regular files, and ignores leftover temporary files.
    std::fs::write(t.saves().join(".real.ron.tmp1234"), "Save(").unwrap();
    std::fs::write(t.saves().join("real.ron.tmp"), "Save(").unwrap();
    let slots: Vec<String> = SaveDir::new(t.saves())
        .list()
        .unwrap()
        .iter()
        .map(|l| l.slot.to_string())
        .collect();
    assert_eq!(slots, ["real"]);
}

#[test]
fn file_helpers_refuse_links_and_report_failures() {
    let t = Table::new();
    let file = t.dir.path().join("file");
    std::fs::write(&file, "old").unwrap();
    // A folder that cannot be made (its parent is a file): the error names the path.
    let err = save::write_atomic(&file.join("sub/x.ron"), b"new").unwrap_err();
    assert!(matches!(err, SaveError::Io { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with(&file.join("sub").display().to_string()),
        "{err}"
    );
    assert_eq!(std::fs::read(&file).unwrap(), b"old");
    #[cfg(unix)]
    {
        let link = t.dir.path().join("link");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert!(matches!(
            save::write_atomic(&link, b"new"),
            Err(SaveError::NotRegular(_))
        ));
        assert!(matches!(
            save::append_regular(&link, b"new"),
            Err(SaveError::NotRegular(_))
        ));
        assert!(matches!(
            save::read_regular(&link, 100),
            Err(SaveError::NotRegular(_))
        ));
        assert_eq!(std::fs::read(&file).unwrap(), b"old");
    }
    assert!(matches!(save::read_regular(&file, 2), Err(SaveError::TooBig(_))));
    assert_eq!(save::read_regular(&t.dir.path().join("none"), 2).unwrap(), None);
}

/// A write that fails (as on a full disk: here the file size limit is 0) is reported, and the
/// old save stays as it was.
#[cfg(unix)]
#[test]
fn a_failed_write_is_reported_and_the_old_save_stays() {
    let t = Table::new();
    let door = door_dir();
    let door = door.to_str().unwrap();
    let first = support::cmd()
        .current_dir(t.dir.path())
        .args(["--scenes", door, "--seed", "7"])
        .write_stdin("save keep\n")
        .output()
        .unwrap();
    assert!(first.status.success());
    let before = std::fs::read(t.slot("keep")).unwrap();
    let autosave_before = std::fs::read(t.slot("autosave")).ok();

    let bin = support::bin();
    let out = std::process::Command::new("sh")
        .current_dir(t.dir.path())
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 0; exec \"$0\" \"$@\"")
        .arg(&bin)
        .args(["--scenes", door, "--seed", "7"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(b"2\nsave keep\nload keep\n")?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("could not autosave: saves/autosave.ron: File too large"),
        "{stdout}"
    );
    assert!(
        stdout.contains("could not save: saves/keep.ron: File too large"),
        "{stdout}"
    );
    assert!(stdout.contains("Loaded slot `keep`"), "{stdout}");
    assert_eq!(std::fs::read(t.slot("keep")).unwrap(), before);
    assert_eq!(std::fs::read(t.slot("autosave")).ok(), autosave_before);
}

#[test]
fn slots_parse_as_documented() {
    assert!(Slot::parse("My-save_2").is_ok());
    for bad in ["", "a b", "a/b", "..", "a\0"] {
        assert!(matches!(Slot::parse(bad), Err(SaveError::BadSlot(_))), "{bad:?}");
    }
}
