//! Unit tests of the translation.
use super::*;

fn at(text: &str, needle: &str) -> usize {
    text.find(needle).unwrap()
}

#[test]
fn tokens_cover_strings_comments_and_brackets() {
    let t = tokens("[ /* a /* b */ */ \"x\\\"y\" // c\n r#\"q\"# 'z' -3 é ]");
    let kinds: Vec<Kind> = t.iter().map(|t| t.kind).collect();
    assert_eq!(
        kinds,
        [
            Kind::Punct('['),
            Kind::Str { closed: true },
            Kind::Str { closed: true },
            Kind::Single,
            Kind::Num,
            Kind::Other,
            Kind::Punct(']'),
        ]
    );
}

#[test]
fn swallowed_ron_is_recognised() {
    assert!(swallowed("The end., ending: "));
    assert!(swallowed(
        "Gulls.,\n        choices: [\n            Choice(text: "
    ));
    assert!(!swallowed("A long text\nwrapped over lines."));
    assert!(!swallowed("Note: nothing"));
    assert!(!swallowed("é:"));
    assert!(!swallowed("Go,é goto:") && swallowed("Go, goto:"));
}

#[test]
fn quotes_are_escaped_once() {
    assert_eq!(escape_quotes(r#"a \"b\" "c""#), r#"a \"b\" \"c\""#);
}

#[test]
fn conditions_from_strings() {
    assert_eq!(condition_for("has_lamp").as_deref(), Some("Flag(\"has_lamp\")"));
    assert_eq!(
        condition_for("oil >= 2").as_deref(),
        Some("Compare(\"oil\", \">=\", 2)")
    );
    assert_eq!(condition_for("!wet").as_deref(), Some("Not(Flag(\"wet\"))"));
    assert_eq!(condition_for("a lamp"), None);
}

#[test]
fn a_missing_comma_is_left_to_the_loader() {
    let text = "[ Scene(id: \"a\" text: \"b\", ending: \"e\") ]";
    let t = translate(
        "s.ron",
        text,
        false,
        &ron::Error::ExpectedComma,
        at(text, "text"),
        "expected comma",
    );
    assert_eq!(t, None);
}

#[test]
fn nothing_panics_on_odd_input() {
    for text in [
        "",
        "\"",
        "'",
        "r#\"",
        "/*",
        "(((",
        ")))",
        "é\"",
        "[\"a\n",
        "If(",
        "\u{0}",
        "[ Scene(text: \"“Pro \"é\"” ñ\"\" ) ]",
        "x: \"a\"“ \"é”\", ]",
    ] {
        for pos in 0..=text.len() + 1 {
            let _ = translate("s.ron", text, false, &ron::Error::Eof, pos, "x");
            let _ = translate("story.ron", text, true, &ron::Error::ExpectedComma, pos, "x");
        }
    }
}
