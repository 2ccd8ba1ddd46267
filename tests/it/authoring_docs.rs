//! `docs/AUTHORING.md` keeps up with the code it describes: every limit of
//! `src/story/load/limits.rs` is in its table with its number, `explore`'s outcome cap is named
//! with its number, and every command a choice's text can be shadowed by is listed.

use crate::support;

fn doc() -> String {
    std::fs::read_to_string(support::path("docs/AUTHORING.md")).unwrap()
}

/// `65536` as the docs write it: `65,536`.
fn grouped(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Every `pub const NAME: T = EXPR;` of limits.rs, with EXPR (a product of whole numbers)
/// worked out.
fn limits() -> Vec<(String, u128)> {
    let source = std::fs::read_to_string(support::path("src/story/load/limits.rs")).unwrap();
    source
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub const "))
        .map(|l| {
            let (name, rest) = l.split_once(':').unwrap();
            let expr = rest.split_once('=').unwrap().1.trim().trim_end_matches(';');
            let value = expr
                .split('*')
                .map(|f| {
                    f.trim()
                        .replace('_', "")
                        .parse::<u128>()
                        .unwrap_or_else(|_| panic!("{l}"))
                })
                .product();
            (name.trim().to_owned(), value)
        })
        .collect()
}

#[test]
fn every_limit_is_documented_with_its_number() {
    let doc = doc();
    let limits = limits();
    assert!(limits.len() >= 10, "{limits:?}");
    for (name, value) in limits {
        let row = doc
            .lines()
            .find(|l| l.starts_with('|') && l.contains(&format!("| `{name}` |")))
            .unwrap_or_else(|| panic!("no row for `{name}` in the limits table of docs/AUTHORING.md"));
        assert!(
            row.contains(&grouped(value)),
            "the row of `{name}` does not say {}: {row}",
            grouped(value)
        );
    }
    // Worked out as the library has them.
    assert_eq!(grouped(interview::story::limits::FILE_BYTES as u128), "4,194,304");
}

#[test]
fn the_outcome_cap_of_explore_is_documented_with_its_number() {
    let doc = doc();
    let cap = grouped(interview::tools::explore::MAX_OUTCOMES_PER_STEP as u128);
    assert!(doc.contains(&format!("at most {cap} combinations")), "{cap}");
    assert!(doc.contains("`MAX_OUTCOMES_PER_STEP`"));
}

#[test]
fn every_command_that_shadows_a_choice_is_listed() {
    let doc = doc();
    let start = doc.find("#### How players pick a choice").expect("the section");
    let section = &doc[start..start + doc[start..].find("\n### ").unwrap()];
    for c in interview::play::session::meta::COMMANDS {
        for name in std::iter::once(&c.name).chain(c.aliases) {
            assert!(
                section.contains(&format!("`{name}`")),
                "`{name}` is not in \"How players pick a choice\""
            );
        }
    }
}
