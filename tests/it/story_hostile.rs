//! Hostile stories, round two (issue 13), the loader's part: positions that agree with an
//! editor whatever the whitespace, diagnostics in linear time, and the limit of automatic
//! transitions in one step, inclusive and caught by `check`.

use interview::engine;
use interview::story::{Diagnostic, SourceFile, load_story};

fn file(name: &str, text: &str) -> SourceFile {
    SourceFile {
        name: name.into(),
        bytes: text.as_bytes().to_vec(),
    }
}

/// `file:line:col: message` of every diagnostic.
fn heads(diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .map(|d| format!("{}:{}:{}: {}", d.file, d.line, d.col, d.message))
        .collect()
}

/// Every character `ron` skips between tokens, besides space, tab and line feed.
const SEPARATORS: [(&str, char); 7] = [
    ("LRM", '\u{200E}'),
    ("RLM", '\u{200F}'),
    ("VT", '\u{0B}'),
    ("FF", '\u{0C}'),
    ("NEL", '\u{85}'),
    ("LS", '\u{2028}'),
    ("PS", '\u{2029}'),
];

#[test]
fn unicode_whitespace_between_tokens_keeps_positions_on_their_line() {
    for (name, c) in SEPARATORS {
        // The separator sits between tokens on the lines of the culprits, and before them.
        let manifest = format!(
            "Story(\n  id: \"x\",{c} title: \"t\",\n  start: \"a\",\n{c}  variables: {{{c}\"v\": Bool(false),\n  }},\n  endings: {{\"e\": \"E\"}},\n)\n"
        );
        let scenes = format!(
            "[\n{c}  Scene(id: \"a\",{c}\n    text: \"hi\",\n    choices: [Choice(text: \"go\",{c} goto: \"b\")],\n  ),\n  Scene(id: \"b\", ending: \"e\", text: \"end\"),\n{c}  Scene({c}id:{c}\"c\", ending: \"e\", text: \"end\"),\n]\n"
        );
        let loaded = load_story(&[file("story.ron", &manifest), file("scenes.ron", &scenes)]);
        assert_eq!(
            heads(&loaded.diagnostics),
            [
                "story.ron:4:17: the variable `v` is never used",
                "scenes.ron:7:15: the scene `c` cannot be reached from the start scene `a`",
            ],
            "{name}"
        );
        // A semantic error and a parse error after the separator.
        let bad = scenes.replace("goto: \"b\"", "goto: \"nowhere\"");
        let loaded = load_story(&[file("story.ron", &manifest), file("scenes.ron", &bad)]);
        assert_eq!(
            heads(&loaded.diagnostics),
            ["scenes.ron:4:41: no scene has the id `nowhere`"],
            "{name}"
        );
        let bad = scenes.replace("text: \"hi\"", "txet: \"hi\"");
        let loaded = load_story(&[file("story.ron", &manifest), file("scenes.ron", &bad)]);
        let head = &heads(&loaded.diagnostics)[0];
        assert!(
            head.starts_with("scenes.ron:3:5: unknown field `txet`"),
            "{name}: {head}"
        );
    }
}

#[test]
fn lines_end_at_cr_and_crlf_as_in_an_editor() {
    for eol in ["\r", "\r\n"] {
        let manifest = format!(
            "Story(id: \"x\", title: \"t\", start: \"a\",{eol}  variables: {{{eol}\"v\": Bool(false)}},{eol}  endings: {{\"e\": \"E\"}})"
        );
        let scenes = format!(
            "[Scene(id: \"a\", text: \"end\", ending: \"e\"),{eol}  Scene(id: \"c\", ending: \"e\", text: \"t\")]"
        );
        let loaded = load_story(&[file("story.ron", &manifest), file("scenes.ron", &scenes)]);
        assert_eq!(
            heads(&loaded.diagnostics),
            [
                "story.ron:3:1: the variable `v` is never used",
                "scenes.ron:2:13: the scene `c` cannot be reached from the start scene `a`",
            ],
            "{eol:?}"
        );
        // The excerpt under the headline counts lines the same way.
        for d in &loaded.diagnostics {
            let shown = d.render(false);
            assert!(shown.contains(&format!("[{}:{}]", d.line, d.col)), "{shown}");
        }
        let bad = format!("Story(id: \"x\",{eol}{eol}  bogus: 1)");
        let loaded = load_story(&[file("story.ron", &bad)]);
        let head = &heads(&loaded.diagnostics)[0];
        assert!(
            head.starts_with("story.ron:3:3: unknown field `bogus`"),
            "{eol:?}: {head}"
        );
    }
}

/// A story whose start scene is followed by `n` certain automatic transitions before a scene
/// that waits for the player.
fn chain(n: usize) -> Vec<SourceFile> {
    let mut scenes: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "Scene(id: \"s{i}\", text: \"{i}\", auto: [Auto(goto: \"s{}\")])",
                i + 1
            )
        })
        .collect();
    scenes.push(format!(
        "Scene(id: \"s{n}\", text: \"last\", choices: [Choice(text: \"end\", goto: \"end\")])"
    ));
    scenes.push("Scene(id: \"end\", text: \"bye\", ending: \"e\")".into());
    vec![
        file(
            "story.ron",
            "Story(id: \"c\", title: \"C\", start: \"s0\", endings: {\"e\": \"E\"})",
        ),
        file("scenes.ron", &format!("[\n{}\n]", scenes.join(",\n"))),
    ]
}

#[test]
fn a_chain_of_up_to_100_automatic_transitions_plays() {
    for n in [99, 100] {
        let loaded = load_story(&chain(n));
        assert_eq!(heads(&loaded.diagnostics), Vec::<String>::new(), "{n}");
        let story = loaded.story.unwrap();
        let (mut state, out) = engine::new_game(&story, 1).unwrap();
        assert_eq!(out.passed.len(), n);
        assert_eq!(story.scene(state.scene()).id, format!("s{n}"));
        engine::choose(&story, &mut state, 0).unwrap();
        assert!(engine::ending(&story, &state).is_some());
    }
}

#[test]
fn a_chain_of_101_automatic_transitions_is_an_error_of_check() {
    let loaded = load_story(&chain(101));
    assert_eq!(
        heads(&loaded.diagnostics),
        [
            "scenes.ron:2:34: entering the scene `s0` starts a chain of 101 automatic transitions; \
          the limit in one step is 100"
        ]
    );
    // Entered from a choice: reported at the head of the chain only.
    let mut files = chain(150);
    let text = String::from_utf8(files[1].bytes.clone()).unwrap();
    files[1].bytes = text
        .replace(
            "Scene(id: \"s0\", text: \"0\", auto: [Auto(goto: \"s1\")])",
            "Scene(id: \"s0\", text: \"0\", choices: [Choice(text: \"go\", goto: \"s1\")])",
        )
        .into_bytes();
    let loaded = load_story(&files);
    assert_eq!(
        heads(&loaded.diagnostics),
        [
            "scenes.ron:3:34: entering the scene `s1` starts a chain of 149 automatic transitions; \
          the limit in one step is 100"
        ]
    );
}

/// Big enough that a check quadratic in the number of declarations takes minutes; linear, it
/// takes a moment even in a debug build.
const MANY: usize = 50_000;

#[test]
fn fifty_thousand_unused_variables_are_each_reported_in_linear_time() {
    let vars: String = (0..MANY).map(|i| format!("\"v{i}\": Bool(false),\n")).collect();
    let manifest = format!(
        "Story(id: \"x\", title: \"t\", start: \"a\", variables: {{\n{vars}}}, endings: {{\"e\": \"E\"}})"
    );
    let scenes = "[Scene(id: \"a\", text: \"t\", ending: \"e\")]";
    let loaded = load_story(&[file("story.ron", &manifest), file("scenes.ron", scenes)]);
    assert!(loaded.story.is_some());
    let heads = heads(&loaded.diagnostics);
    assert_eq!(heads.len(), MANY);
    assert_eq!(heads[0], "story.ron:2:1: the variable `v0` is never used");
    assert_eq!(
        heads[MANY - 1],
        format!(
            "story.ron:{}:1: the variable `v{}` is never used",
            MANY + 1,
            MANY - 1
        )
    );
}

#[test]
fn fifty_thousand_unused_endings_are_each_reported_in_linear_time() {
    let endings: String = (0..MANY).map(|i| format!("\"e{i}\": \"E\",\n")).collect();
    let manifest =
        format!("Story(id: \"x\", title: \"t\", start: \"a\", endings: {{\n\"used\": \"U\",\n{endings}}})");
    let scenes = "[Scene(id: \"a\", text: \"t\", ending: \"used\")]";
    let loaded = load_story(&[file("story.ron", &manifest), file("scenes.ron", scenes)]);
    assert!(loaded.story.is_none());
    let heads = heads(&loaded.diagnostics);
    assert_eq!(heads.len(), MANY);
    assert_eq!(
        heads[MANY - 1],
        format!(
            "story.ron:{}:1: the ending `e{}` is never used: no scene has `ending: \"e{}\"`",
            MANY + 2,
            MANY - 1,
            MANY - 1
        )
    );
}

#[test]
fn fifty_thousand_undeclared_variables_are_each_reported_in_linear_time() {
    let vars: String = (0..MANY).map(|i| format!("\"v{i}\": Bool(false),\n")).collect();
    let manifest = format!(
        "Story(id: \"x\", title: \"t\", start: \"a\", variables: {{\n{vars}}}, endings: {{\"e\": \"E\"}})"
    );
    let effects: String = (0..MANY).map(|i| format!("Toggle(\"w{i}\"),")).collect();
    let scenes = format!("[Scene(id: \"a\", text: \"t\", on_enter: [{effects}], ending: \"e\")]");
    let loaded = load_story(&[file("story.ron", &manifest), file("scenes.ron", &scenes)]);
    let errors = loaded.errors().count();
    assert_eq!(errors, MANY);
}

/// The spaces of `text` between tokens (outside strings and `//` comments) replaced by `c`:
/// one character for another, so every position must stay the same.
fn spaces_to(text: &str, c: char) -> String {
    let (mut in_string, mut escaped, mut in_comment) = (false, false, false);
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        if in_comment {
            in_comment = ch != '\n';
        } else if in_string {
            match (escaped, ch) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if ch == '"' {
            in_string = true;
        } else if ch == '/' && chars.peek() == Some(&'/') {
            in_comment = true;
        } else if ch == ' ' {
            out.push(c);
            continue;
        }
        out.push(ch);
    }
    out
}

#[test]
fn every_check_fixture_keeps_its_positions_whatever_the_whitespace() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    let mut compared = 0;
    // The fast reader declines Unicode whitespace before it gets deep enough to warn, so the
    // warning about its depth limit rightly depends on the whitespace there.
    let whitespace_matters = |d: &std::path::Path| d.ends_with("too_deep_for_fast_reader");
    for dir in dirs.iter().filter(|d| d.is_dir() && !whitespace_matters(d)) {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        let Ok(texts) = paths
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "ron"))
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                String::from_utf8(std::fs::read(p).unwrap()).map(|t| (name, t))
            })
            .collect::<Result<Vec<_>, _>>()
        else {
            continue; // not UTF-8: nothing to compare
        };
        let load = |c: Option<char>| {
            let files: Vec<SourceFile> = texts
                .iter()
                .map(|(name, t)| file(name, &c.map_or_else(|| t.clone(), |c| spaces_to(t, c))))
                .collect();
            heads(&load_story(&files).diagnostics)
        };
        let expect = load(None);
        for (name, c) in SEPARATORS {
            assert_eq!(load(Some(c)), expect, "{} with {name}", dir.display());
            compared += 1;
        }
    }
    assert!(compared > 100, "{compared}");
}
