//! Syntax errors in the author's words (issue 15): one fixture per mistake under
//! `tests/fixtures/syntax/`, each reported at the mistake with a plain message, and a property
//! test that no edit of a story makes the translation panic or point outside the file.

use crate::support::{ROOT, interview};
use interview::story::{SourceFile, load_story};
use proptest::prelude::*;

const FIXTURES: &str = "tests/fixtures/syntax";

/// Runs `interview check` on a fixture and compares the exit code and the diagnostic
/// headlines (the lines that start with `file:line:col`), in order, and the whole output with
/// its snapshot `check.snap` in the fixture's folder; returns the whole output.
fn check(fixture: &str, code: i32, expect: &[&str]) -> String {
    let dir = format!("{FIXTURES}/{fixture}");
    let out = interview().args(["check", &dir]).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let prefix = format!("{dir}/");
    let headlines: Vec<String> = stdout
        .lines()
        .filter(|l| l.starts_with(&prefix) && (l.contains(": error: ") || l.contains(": warning: ")))
        .map(|l| l.replacen(&prefix, "", 1))
        .collect();
    assert_eq!(headlines, expect, "\nfull output of {fixture}:\n{stdout}");
    assert_eq!(out.status.code(), Some(code), "exit code of {fixture}:\n{stdout}");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    // The whole output, source lines and help included, next to the fixture.
    let folder = std::path::Path::new(ROOT).join(&dir);
    insta::with_settings!({
        snapshot_path => folder,
        prepend_module_to_snapshot => false,
        omit_expression => true,
        description => format!("interview check {dir}"),
    }, {
        insta::assert_snapshot!("check", stdout);
    });
    stdout
}

/// The output holds `needle` (a help line, RON's own words).
fn has(out: &str, needle: &str) {
    assert!(out.contains(needle), "no {needle:?} in:\n{out}");
}

#[test]
fn an_unclosed_string_is_shown_at_its_opening_quote() {
    let out = check(
        "unclosed_string",
        1,
        &["scenes.ron:4:15: error: this string is never closed"],
    );
    has(
        &out,
        "put a `\"` where the text ends: without it, the string runs on to the `\"` at 6:26",
    );
    has(&out, "RON's own words: expected comma, at 6:27");
}

#[test]
fn a_missing_bracket_at_the_end_of_a_scene_file_names_the_list() {
    check(
        "missing_bracket",
        1,
        &[
            "scenes.ron:11:62: error: the list of scenes `[` opened at tests/fixtures/syntax/missing_bracket/scenes.ron:1:1 is never closed",
        ],
    );
}

#[test]
fn a_choice_never_closed_is_named_where_it_opened() {
    let out = check(
        "missing_paren_choice",
        1,
        &[
            "scenes.ron:6:57: error: `Choice(` opened at tests/fixtures/syntax/missing_paren_choice/scenes.ron:6:13 is never closed",
        ],
    );
    has(&out, "add `)` here, before the next `Choice(`");
}

#[test]
fn a_manifest_never_closed_is_named_where_it_opened() {
    let out = check(
        "missing_paren_story",
        1,
        &[
            "story.ron:11:7: error: `Story(` opened at tests/fixtures/syntax/missing_paren_story/story.ron:1:1 is never closed",
        ],
    );
    has(&out, "add `)` at the end of the file");
}

#[test]
fn single_quotes_are_not_text() {
    let out = check(
        "single_quotes",
        1,
        &["scenes.ron:6:26: error: text goes in double quotes `\"...\"`, not single quotes"],
    );
    has(&out, "write \"You wait.\"");
}

#[test]
fn a_quote_inside_text_suggests_an_escape() {
    let out = check(
        "inner_quotes",
        1,
        &["scenes.ron:4:42: error: this `\"` inside the text ends the string early"],
    );
    has(&out, "`\\\"`");
    has(&out, "typographic quotes “ ”");
}

#[test]
fn a_bare_string_in_a_text_list_wants_text() {
    let out = check(
        "bare_text_part",
        1,
        &["scenes.ron:6:13: error: in a list of text parts, a string must be wrapped in `Text(...)`"],
    );
    has(&out, "write `Text(\"The tide is coming in.\")`");
}

#[test]
fn if_with_an_else_points_to_if_else() {
    let out = check(
        "if_with_else",
        1,
        &[
            "scenes.ron:6:56: error: `If` takes two parts, a condition and a text; for a text shown otherwise, use `IfElse`",
        ],
    );
    has(&out, "IfElse(condition, ");
}

#[test]
fn if_else_without_an_else_points_to_if() {
    let out = check(
        "if_else_without_else",
        1,
        &[
            "scenes.ron:6:58: error: `IfElse` takes three parts: a condition, the text when it holds and the text otherwise",
        ],
    );
    has(&out, "or use `If(condition, \"text\")`");
}

#[test]
fn a_string_as_a_condition_suggests_a_flag() {
    let out = check(
        "string_condition",
        1,
        &["scenes.ron:6:62: error: a condition goes here, not a string"],
    );
    has(&out, "did you mean `Flag(\"has_rope\")`?");
}

#[test]
fn a_manifest_saved_as_a_scene_file() {
    check(
        "manifest_as_scene",
        1,
        &[
            "scenes.ron:1:1: error: this file holds a manifest `Story(...)`, but only `story.ron` is the manifest",
            // The scenes it does not hold are missing too.
            "story.ron:4:12: error: no scene has the id `quay`",
        ],
    );
}

#[test]
fn scenes_saved_as_the_manifest() {
    check(
        "scenes_in_manifest",
        1,
        &["story.ron:1:1: error: `story.ron` holds a list of scenes, but it is the manifest `Story(...)`"],
    );
}

#[test]
fn an_ending_named_by_its_title_names_the_id() {
    let out = check(
        "ending_title",
        1,
        &[
            "scenes.ron:10:56: error: no ending has the id `Out to Sea`, but the ending `sailed` has that title",
            "story.ron:10:9: error: the ending `sailed` is never used: no scene has `ending: \"sailed\"`",
        ],
    );
    has(&out, "write `ending: \"sailed\"`");
}

/// The fixtures' files, read in the order the loader wants (manifest included).
fn fixture_files(fixture: &str) -> Vec<SourceFile> {
    let dir = std::path::Path::new(ROOT).join(FIXTURES).join(fixture);
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".ron"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| SourceFile {
            bytes: std::fs::read(dir.join(&n)).unwrap(),
            name: n,
        })
        .collect()
}

/// Every diagnostic's position lies inside its file: a line that exists, a column at most one
/// past the line's last character.
fn assert_inside(files: &[SourceFile]) {
    for d in load_story(files).diagnostics {
        let f = files.iter().find(|f| *f.name == *d.file).expect("a known file");
        let text =
            String::from_utf8_lossy(f.bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&f.bytes)).into_owned();
        // Lines by the editor's rule, as the loader counts them: `\n`, `\r\n` or a lone `\r`.
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let lines: Vec<&str> = text.split('\n').collect();
        assert!(d.line >= 1 && d.line <= lines.len(), "line outside the file: {d}");
        let chars = lines[d.line - 1].chars().count();
        assert!(d.col >= 1 && d.col <= chars + 1, "column outside the line: {d}");
    }
}

const PIECES: &[&str] = &[
    "\"", "'", "(", ")", "[", "]", "{", "}", ",", ":", "\n", "//", "/*", "*/", "\\", "r#\"", "If(",
    "IfElse(", "Text(", "Choice(", "Story(", "Scene(", "Flag(", "if: ", "é", "“", "\u{0}", "\r",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Random edits (insertions of RON pieces, deletions, byte flips) of every fixture: the
    /// loader never panics and every position it reports lies inside the file.
    #[test]
    fn edits_never_panic_and_stay_inside_the_file(
        fixture in prop::sample::select(vec![
            "unclosed_string", "missing_bracket", "missing_paren_choice", "missing_paren_story",
            "single_quotes", "inner_quotes", "bare_text_part", "if_with_else", "string_condition",
            "manifest_as_scene", "scenes_in_manifest", "ending_title", "if_else_without_else",
        ]),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..4, prop::sample::select(PIECES), any::<u8>()), 1..6),
    ) {
        let mut files = fixture_files(fixture);
        for (at, what, piece, byte) in edits {
            let f = at.get(&files).name.clone();
            let bytes = &mut files.iter_mut().find(|x| x.name == f).unwrap().bytes;
            let i = at.index(bytes.len() + 1);
            match what {
                0 => { bytes.splice(i..i, piece.bytes()); }
                1 if i < bytes.len() => { bytes.drain(i..(i + 1 + usize::from(byte % 8)).min(bytes.len())); }
                2 if i < bytes.len() => bytes[i] = byte,
                _ => bytes.truncate(i),
            }
        }
        assert_inside(&files);
    }
}

/// Every single-character edit of every fixture's files (a quote, a bracket or a comma
/// inserted, a character deleted), exhaustively: no panic, positions inside the file. About
/// 20 s in a debug build, so run on request: `cargo test --test it syntax_errors -- --ignored`.
#[test]
#[ignore = "exhaustive and slow; run with --ignored"]
fn every_small_edit_stays_inside_the_file() {
    for fixture in [
        "unclosed_string",
        "missing_bracket",
        "missing_paren_choice",
        "missing_paren_story",
        "single_quotes",
        "inner_quotes",
        "bare_text_part",
        "if_with_else",
        "string_condition",
        "manifest_as_scene",
        "scenes_in_manifest",
        "ending_title",
        "if_else_without_else",
    ] {
        let files = fixture_files(fixture);
        for f in 0..files.len() {
            let text = String::from_utf8(files[f].bytes.clone()).unwrap();
            let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            for (k, &i) in cuts.iter().enumerate() {
                let mut edits: Vec<String> = ["\"", "'", ")", "]", "(", "“"]
                    .iter()
                    .map(|p| format!("{}{p}{}", &text[..i], &text[i..]))
                    .collect();
                if let Some(&next) = cuts.get(k + 1) {
                    edits.push(format!("{}{}", &text[..i], &text[next..]));
                }
                for edited in edits {
                    let mut changed = files.clone();
                    changed[f].bytes = edited.into_bytes();
                    assert_inside(&changed);
                }
            }
        }
    }
}

/// `Int(3)` written like `Bool(false)`: RON speaks of a "raw identifier"; the author is told
/// to name the value, with the bounds an `Int` may take beside it.
#[test]
fn an_int_variable_without_its_field_name_is_told_to_name_its_value() {
    let out = check(
        "int_without_value",
        1,
        &["story.ron:8:18: error: an `Int` variable names its value: write `Int(value: 3)`"],
    );
    has(
        &out,
        "bounds go beside it, as in `Int(value: 3, min: 0, max: 10)`",
    );
}
