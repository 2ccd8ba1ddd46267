//! The loader's fast reader (`story::fast`) against `ron`: it must take the real stories (or it
//! would be dead weight), and whenever it gives a value, `ron` must give the same one. Every case
//! goes through one helper, [`check`]; the fuzz target `fast_reader` and the property test
//! `an_edited_story_file_reads_alike` (tests/it/hostile_props.rs) try many more inputs through the same
//! comparison (`harness::reads_alike`).

use crate::harness;

use interview::story::raw::{RawManifest, RawScene};
use interview::story::{SourceFile, fast, load::ron_options};
use std::path::Path;

/// What happens to a scene file.
#[derive(Debug, PartialEq)]
enum Expect {
    /// The fast reader reads it (and `ron` reads the same).
    Fast,
    /// The fast reader declines; `ron` reads it.
    Ron,
    /// The fast reader declines; `ron` refuses it (the loader reports `ron`'s error).
    Error,
}

/// Reads `scenes` (the text of a scene file) both ways and compares with `expect`.
fn check(scenes: &str, expect: Expect) {
    let fast = harness::reads_alike::<Vec<RawScene>>(scenes);
    let ron_ok = ron_options().from_str::<Vec<RawScene>>(scenes).is_ok();
    let got = match (fast, ron_ok) {
        (true, _) => Expect::Fast,
        (false, true) => Expect::Ron,
        (false, false) => Expect::Error,
    };
    assert_eq!(got, expect, "for {scenes:?}");
}

/// One scene around `choice`, the text of a choice's fields.
fn choice(fields: &str) -> String {
    format!("[Scene(id: \"a\", text: \"A.\", choices: [Choice(text: \"Go\", {fields})])]")
}

#[test]
fn plain_files_are_read_fast() {
    check("[]", Expect::Fast);
    check("[Scene(id: \"a\")]", Expect::Fast);
    check("[(id: \"a\")]", Expect::Fast); // no struct name
    check("[Scene (id: \"a\")]", Expect::Fast); // space before the parenthesis
    check("  [ Scene( id : \"a\" , ) , ]  ", Expect::Fast);
    check(
        "[Scene(id:\"a\",text:[Text(\"x\"),If(Flag(\"f\"),\"y\")])]",
        Expect::Fast,
    );
    check("\r\n[\r\n\tScene(id: \"a\"),\r\n]\r\n", Expect::Fast);
    check(
        "// a comment\n[Scene(id: \"a\"), // after\n]// at the end",
        Expect::Fast,
    );
    check(
        "[Scene(id: \"a\", text: \"line one\n  line two ünïcödé “quotes”\")]",
        Expect::Fast,
    );
    check(
        "[Scene(id: \"a\", text: \"say \\\"hi\\\" \\\\ \\n\\t\\r\\0 \\'\")]",
        Expect::Fast,
    );
    check(
        &choice("goto: \"b\", effects: [Add(\"n\", -12), Set(\"f\", true), Toggle(\"g\")]"),
        Expect::Fast,
    );
    check(
        &choice("goto: \"b\", if: Compare(\"n\", \">=\", 0)"),
        Expect::Fast,
    );
    check(
        &choice("goto: \"b\", if: Compare(\"n\", \"==\", \"text\")"),
        Expect::Fast,
    );
    check(
        &choice("goto: \"b\", if: All([Not(Flag(\"f\")), Any([Visited(\"a\"), Chance(50)])])"),
        Expect::Fast,
    );
    check(&choice("goto: \"b\", if: Not(Flag(\"f\"),)"), Expect::Fast); // trailing comma in a newtype
    check(
        &choice("goto: \"b\", once: true, fallback: false, locked: Explain(\"no\")"),
        Expect::Fast,
    );
    check(&choice("goto: \"b\", locked: Show"), Expect::Fast);
    check(
        &choice("branches: [Branch(weight: 3, goto: \"b\"), Branch(weight: 0, goto: \"c\")]"),
        Expect::Fast,
    );
    check(
        &choice("goto: \"b\", effects: [Set (\"f\" , false ,)]"),
        Expect::Fast,
    );
    check(
        &choice("goto: \"b\", effects: [Add(\"n\", 9223372036854775)]"),
        Expect::Fast,
    );
    check(
        &choice("goto: \"b\", effects: [Add(\"n\", -0), Set(\"n\", -0), Set(\"m\", 300)]"),
        Expect::Fast,
    );
}

#[test]
fn unusual_ron_is_left_to_ron() {
    check("[Scene(id: r\"a\")]", Expect::Ron); // raw string
    check("[Scene(id: r#\"a\"#)]", Expect::Ron);
    check("/* block */ [Scene(id: \"a\")]", Expect::Ron);
    check("#![enable(implicit_some)]\n[Scene(id: \"a\")]", Expect::Ron);
    check("[Scene(id: \"\\u{263A}\")]", Expect::Ron); // unicode escape
    check("[Scene(id: \"\\x41\")]", Expect::Ron);
    check("[Scene(id: \"a\\\n   b\")]", Expect::Ron); // line continuation
    check("[Scene(id: \"a\", title: Some(\"T\"))]", Expect::Ron);
    check("[Scene(id: \"a\", title: None)]", Expect::Ron);
    check("[Scene(r#id: \"a\")]", Expect::Ron); // raw identifier
    check("\u{2028}[Scene(id: \"a\")]", Expect::Ron); // Unicode whitespace
    check(&choice("goto: \"b\", effects: [Add(\"n\", +1)]"), Expect::Ron);
    check(&choice("goto: \"b\", effects: [Add(\"n\", 0x10)]"), Expect::Ron);
    check(&choice("goto: \"b\", effects: [Add(\"n\", 1_000)]"), Expect::Ron);
    check(&choice("goto: \"b\", effects: [Add(\"n\", 007)]"), Expect::Ron);
    check(
        &choice("goto: \"b\", effects: [Add(\"n\", 1234567890123456789)]"),
        Expect::Ron,
    ); // 19 digits
    check(&choice("goto: \"b\", effects: [Set(\"n\", 5i64)]"), Expect::Ron);
}

#[test]
fn wrong_files_are_left_to_ron_to_report() {
    check("", Expect::Error);
    check("[Scene(id: \"a\")", Expect::Error);
    check("[Scene(id: \"a\")] x", Expect::Error);
    check("[Scene(id: \"a\") Scene(id: \"b\")]", Expect::Error); // missing comma
    check("[Scene(id: \"a\", id: \"b\")]", Expect::Error); // duplicate field
    check("[Scene(id: \"a\", colour: \"b\")]", Expect::Error); // unknown field
    check("[Scene(text: \"a\")]", Expect::Error); // missing field
    check("[Scena(id: \"a\")]", Expect::Error); // wrong struct name
    check("[Scene(id: \"a)]", Expect::Error); // unterminated string
    check("[Scene(id: \"\\q\")]", Expect::Error); // unknown escape
    check("[Scene(id: 3)]", Expect::Error);
    check("[Scene(id: \"a\", text: 3)]", Expect::Error);
    check("/ [Scene(id: \"a\")]", Expect::Error);
    check(&choice("goto: \"b\", locked: Hide()"), Expect::Error);
    check(&choice("goto: \"b\", locked: Hidden"), Expect::Error);
    check(&choice("goto: \"b\", if: Flag(\"f\", \"g\")"), Expect::Error);
    check(&choice("goto: \"b\", if: Compare(\"n\", \">\")"), Expect::Error);
    check(&choice("goto: \"b\", effects: [Add(\"n\", 1.5)]"), Expect::Error);
    check(
        &choice("goto: \"b\", effects: [Add(\"n\", 99999999999999999999)]"),
        Expect::Error,
    );
    check(&choice("goto: \"b\", effects: [Add(\"n\", -)]"), Expect::Error);
    check(&choice("goto: \"b\", once: yes"), Expect::Error);
    check(&choice("goto: \"b\", once: truey"), Expect::Error);
    check("[Scene(id: \"a\"),,]", Expect::Error);
}

#[test]
fn deep_nesting_is_left_to_ron_before_ron_would_stop() {
    let nested = |n: usize| {
        let conds = format!("{}Flag(\"f\"){}", "Not(".repeat(n), ")".repeat(n));
        choice(&format!("goto: \"b\", if: {conds}"))
    };
    check(&nested(2), Expect::Fast);
    check(&nested(fast::MAX_DEPTH), Expect::Ron);
    check(&nested(200), Expect::Error); // past ron's own limit
}

fn read_dir(dir: &Path) -> Vec<SourceFile> {
    interview::files::read_story_dir(dir).unwrap()
}

/// Every file of a real story takes the fast path, and reads as `ron` reads it.
fn assert_all_fast(files: &[SourceFile]) {
    for f in files {
        let text = std::str::from_utf8(&f.bytes).unwrap();
        let manifest = Path::new(&f.name)
            .file_name()
            .is_some_and(|n| n == interview::story::MANIFEST);
        let fast = if manifest {
            harness::reads_alike::<RawManifest>(text)
        } else {
            harness::reads_alike::<Vec<RawScene>>(text)
        };
        assert!(fast, "{} is not read by the fast reader", f.name);
    }
}

#[test]
fn the_interview_story_is_read_fast() {
    assert_all_fast(&read_dir(&harness::root().join("scenes")));
}

#[test]
fn the_example_and_the_benchmark_story_are_read_fast() {
    assert_all_fast(&read_dir(&harness::example_dir()));
    assert_all_fast(&interview::bench::generate(100, 1));
}

/// The fixtures hold every error the loader reports and many malformed files: whatever the fast
/// reader accepts there, `ron` reads the same.
#[test]
fn every_fixture_reads_alike() {
    let mut files = 0;
    for group in [
        "tests/fixtures/check",
        "tests/fixtures/malformed",
        "tests/fixtures/hostile",
    ] {
        let Ok(dirs) = std::fs::read_dir(harness::root().join(group)) else {
            continue;
        };
        for dir in dirs {
            let dir = dir.unwrap().path();
            let paths: Vec<_> = match std::fs::read_dir(&dir) {
                Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
                Err(_) => vec![dir.clone()],
            };
            for path in paths.iter().filter(|p| p.extension().is_some_and(|e| e == "ron")) {
                harness::fast_reader(&std::fs::read(path).unwrap());
                files += 1;
            }
        }
    }
    assert!(files > 100, "only {files} fixture files found");
}
