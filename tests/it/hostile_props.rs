//! Hostile input, on stable: property tests for the fuzz targets (story folder, save, command
//! lines, engine, fast reader), and the fuzz regressions: every input the fuzzers saved and every
//! crash they found, replayed through the same harness (`tests/hostile/harness.rs`).

use crate::harness;

use proptest::prelude::*;
use proptest::sample::Index;
use std::path::Path;

/// Fragments that matter to a RON parser, a save reader or a terminal.
const TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\"",
    "\\",
    "//",
    "/*",
    "*/",
    "#",
    "r#\"",
    "'",
    "b\"",
    "Some(",
    "None",
    "true",
    "-",
    "0x",
    "1e309",
    "99999999999999999999999",
    "-9223372036854775809",
    "Scene(",
    "Choice(",
    "Auto(",
    "Branch(",
    "Story(",
    "id:",
    "goto:",
    "text:",
    "if:",
    "ending:",
    "Flag(",
    "Not(",
    "All([",
    "Chance(",
    "Visits(",
    "\"==\"",
    "\u{1b}]52;c;aGk=\u{7}",
    "\u{1b}[2J",
    "\u{9b}",
    "\u{202e}",
    "\u{feff}",
    "\r",
    "\n",
    "\t",
    "\0",
    "{x}",
    "{{",
    "}}",
    "\u{10ffff}",
    "\\u{41}",
    "\\n",
    "+",
    "_",
    "1.5",
    "007",
    "  ",
    "()",
    "Hide",
    "Explain(",
    "\u{2028}",
];

/// An edit of a file: the raw material of the mutation properties.
#[derive(Debug, Clone)]
enum Edit {
    Insert(Index, Index, &'static str),
    Byte(Index, Index, u8),
    Delete(Index, Index, usize),
    Swap(Index, Index, Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    let token = proptest::sample::select(TOKENS);
    prop_oneof![
        (any::<Index>(), any::<Index>(), token).prop_map(|(f, p, t)| Edit::Insert(f, p, t)),
        (any::<Index>(), any::<Index>(), any::<u8>()).prop_map(|(f, p, b)| Edit::Byte(f, p, b)),
        (any::<Index>(), any::<Index>(), 1usize..64).prop_map(|(f, p, n)| Edit::Delete(f, p, n)),
        (any::<Index>(), any::<Index>(), any::<Index>()).prop_map(|(f, a, b)| Edit::Swap(f, a, b)),
    ]
}

fn apply(files: &mut [Vec<u8>], edits: &[Edit]) {
    for e in edits {
        match e {
            Edit::Insert(f, p, t) => {
                let file = &mut files[f.index(files.len())];
                let at = p.index(file.len() + 1);
                file.splice(at..at, t.bytes());
            }
            Edit::Byte(f, p, b) => {
                let file = &mut files[f.index(files.len())];
                if !file.is_empty() {
                    let at = p.index(file.len());
                    file[at] = *b;
                }
            }
            Edit::Delete(f, p, n) => {
                let file = &mut files[f.index(files.len())];
                let at = p.index(file.len() + 1);
                let end = (at + n).min(file.len());
                file.drain(at..end);
            }
            Edit::Swap(f, a, b) => {
                // Moves a line elsewhere: a structural edit that keeps every token whole.
                let file = &mut files[f.index(files.len())];
                let mut lines: Vec<Vec<u8>> = file.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect();
                let (a, b) = (a.index(lines.len()), b.index(lines.len()));
                lines.swap(a, b);
                *file = lines.join(&b'\n');
            }
        }
    }
}

fn example_files() -> Vec<Vec<u8>> {
    let dir = harness::example_dir();
    ["story.ron", "01_shore.ron", "02_tower.ron"]
        .iter()
        .map(|n| std::fs::read(dir.join(n)).unwrap())
        .collect()
}

/// The example's files and the Interview story's.
fn story_files() -> Vec<Vec<u8>> {
    let mut files = example_files();
    let scenes = harness::root().join("scenes");
    let mut paths: Vec<_> = std::fs::read_dir(&scenes)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    files.extend(paths.iter().map(|p| std::fs::read(p).unwrap()));
    files
}

/// Saves of the example story: at the start, and after some choices.
fn example_saves() -> Vec<Vec<u8>> {
    let story = harness::example();
    let (mut game, _) = interview::save::Game::new(story, 7).unwrap();
    let mut out = vec![interview::save::to_text(story, &game, 0).into_bytes()];
    for _ in 0..4 {
        let view = interview::engine::view(story, &game.state);
        let Some(c) = view.choices.iter().find(|c| c.available) else {
            break;
        };
        game.choose(story, c.index).unwrap();
        out.push(interview::save::to_text(story, &game, 1_700_000_000).into_bytes());
    }
    out
}

/// A line a player might type, or one nobody should.
fn input_line() -> impl Strategy<Value = String> {
    let words = proptest::sample::select(
        &[
            "1",
            "2",
            "3",
            "0",
            "99999999999999999999",
            "help",
            "look",
            "notes",
            "save",
            "save a",
            "save autosave",
            "save ../x",
            "save con",
            "load",
            "load a",
            "load nope",
            "saves",
            "undo",
            "restart",
            "y",
            "n",
            "endings",
            "transcript on",
            "transcript off",
            "transcript maybe",
            "reload",
            "about",
            "quit",
            "climb",
            "the",
            "\u{1b}]52;c;aGk=\u{7}",
            "\u{1b}[2J",
            "\u{9b}1m",
            "\u{202e}1",
            "\r",
            "\t2",
        ][..],
    );
    prop_oneof![
        3 => words.prop_map(str::to_owned),
        1 => any::<String>(),
        1 => "[ -~\u{1b}\u{7}\u{9b}\u{202e}]{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_as_a_story_folder(data in proptest::collection::vec(any::<u8>(), 0..1024)) {
        harness::story_folder(&data);
    }

    #[test]
    fn an_edited_example_story_loads_or_says_why(edits in proptest::collection::vec(edit(), 1..6)) {
        let mut files = example_files();
        apply(&mut files, &edits);
        let refs: Vec<&[u8]> = files.iter().map(Vec::as_slice).collect();
        harness::story_folder(&harness::join_folder(&refs));
    }

    /// Each file of an edited story, alone, through the fast reader and `ron`: whatever the fast
    /// reader reads, `ron` reads the same (`harness::reads_alike`).
    #[test]
    fn an_edited_story_file_reads_alike(pick in any::<Index>(), edits in proptest::collection::vec(edit(), 1..8)) {
        let stories = story_files();
        let mut files = vec![stories[pick.index(stories.len())].clone()];
        apply(&mut files, &edits);
        harness::fast_reader(&files[0]);
    }

    #[test]
    fn the_same_folder_gives_the_same_diagnostics(edits in proptest::collection::vec(edit(), 1..6)) {
        let mut files = example_files();
        apply(&mut files, &edits);
        let refs: Vec<&[u8]> = files.iter().map(Vec::as_slice).collect();
        let folder = harness::split_folder(&harness::join_folder(&refs));
        let render = || -> Vec<String> {
            let loaded = interview::story::load_story(&folder);
            loaded.diagnostics.iter().map(|d| d.render(false)).collect()
        };
        prop_assert_eq!(render(), render());
    }

    #[test]
    fn any_bytes_as_a_save(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        harness::save(&data);
    }

    #[test]
    fn an_edited_save_loads_or_says_why(pick in any::<Index>(), edits in proptest::collection::vec(edit(), 1..4)) {
        let saves = example_saves();
        let mut files = vec![saves[pick.index(saves.len())].clone()];
        apply(&mut files, &edits);
        harness::save(&files[0]);
    }

    #[test]
    fn the_engine_plays_any_generated_story(data in proptest::collection::vec(any::<u8>(), 0..768)) {
        harness::engine(&data);
    }
}

proptest! {
    // Each case starts a session that writes its autosave to disk: fewer cases.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn any_input_lines_in_a_session(first in any::<u8>(), lines in proptest::collection::vec(input_line(), 0..24)) {
        let mut data = vec![first];
        data.extend_from_slice(lines.join("\n").as_bytes());
        harness::commands(&data);
    }
}

/// How many inputs of a target's fuzz corpus each run replays (all its regressions run).
const CORPUS_SAMPLE: usize = 40;

/// Replays every file of `fuzz/regressions/TARGET/` through its harness, and an even sample
/// of `fuzz/corpus/TARGET/` (the same one each time) to keep the suite fast.
fn replay(target: &str, run: fn(&[u8])) {
    let root = harness::root();
    let mut count = 0;
    for kind in ["corpus", "regressions"] {
        let dir = root.join("fuzz").join(kind).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        paths.sort();
        if kind == "corpus" && paths.len() > CORPUS_SAMPLE {
            let step = paths.len().div_ceil(CORPUS_SAMPLE);
            paths = paths.into_iter().step_by(step).collect();
        }
        for path in paths {
            let bytes = std::fs::read(&path).unwrap();
            let name = path
                .strip_prefix(&root)
                .unwrap_or(Path::new("?"))
                .display()
                .to_string();
            let outcome = std::panic::catch_unwind(|| run(&bytes));
            assert!(outcome.is_ok(), "{name} fails again");
            count += 1;
        }
    }
    assert!(count > 0, "no fuzz input for {target}: the corpus is missing");
}

#[test]
fn fuzz_inputs_of_the_story_folder_target() {
    replay("story_folder", harness::story_folder);
}

#[test]
fn fuzz_inputs_of_the_fast_reader_target() {
    replay("fast_reader", harness::fast_reader);
}

#[test]
fn fuzz_inputs_of_the_save_target() {
    replay("save", harness::save);
}

#[test]
fn fuzz_inputs_of_the_commands_target() {
    replay("commands", harness::commands);
}

#[test]
fn fuzz_inputs_of_the_engine_target() {
    replay("engine", harness::engine);
}

// ---------------------------------------------------------------------------------------------
// Bugs found by these tests and the fuzzers, each kept as an ordinary test.

/// A save may hold any turn: the next choice used to overflow the count (a panic in debug
/// builds, a wrap to 0 in release). Now it stays at the maximum.
#[test]
fn a_save_at_the_last_turn_still_plays() {
    let story = harness::example();
    let saves = example_saves();
    let text = String::from_utf8(saves[0].clone()).unwrap();
    let edited = text.replacen("turn: 0,", &format!("turn: {},", u32::MAX), 1);
    assert_ne!(edited, text, "the save has no `turn: 0,`:\n{text}");
    let mut game = interview::save::from_text(story, &edited).unwrap().game;
    let view = interview::engine::view(story, &game.state);
    let first = view.choices.iter().find(|c| c.available).unwrap();
    game.choose(story, first.index).unwrap();
    assert_eq!(game.state.turn(), u32::MAX);
}

/// The lenient scanner that finds scene ids in a file RON rejected used to recurse once per
/// nesting level: a file nested 100,000 deep overflowed the stack of `interview check`.
#[test]
fn a_deeply_nested_broken_file_does_not_overflow_the_stack() {
    let deep = "[".repeat(200_000);
    let files = harness::join_folder(&[
        std::fs::read(harness::example_dir().join("story.ron"))
            .unwrap()
            .as_slice(),
        deep.as_bytes(),
    ]);
    harness::story_folder(&files);
}

/// Found by the `story_folder` fuzzer: the lenient id scanner stepped past the end of a broken
/// file that ends in the middle of a raw string (`r#`) and sliced out of bounds.
#[test]
fn a_broken_file_ending_in_a_raw_string_prefix() {
    let manifest = std::fs::read(harness::example_dir().join("story.ron")).unwrap();
    for tail in ["[r#", "[r", "[br##", "[ Scene(id: r#"] {
        harness::story_folder(&harness::join_folder(&[manifest.as_slice(), tail.as_bytes()]));
    }
}

/// A save naming a once-only choice that no longer exists, at position `usize::MAX`: the
/// warning's `index + 1` in `save::restore` overflowed (a panic with debug assertions).
#[test]
fn a_save_with_a_huge_once_index_is_refused_or_loaded() {
    let saves = example_saves();
    let text = String::from_utf8(saves[0].clone()).unwrap();
    let edited = text.replacen(
        "once: [],",
        "once: [Choice(\"nowhere\", 18446744073709551615)],",
        1,
    );
    assert_ne!(edited, text, "the save has no `once: [],`:\n{text}");
    harness::save(edited.as_bytes());
}
