//! The code's layout as ARCHITECTURE.md states it: no source file over 700 lines, and imports
//! between folders going one way only (the story and engine modules know no edge, the tools
//! know no command line or REPL).

use crate::support::path;
use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn files_under(rel: &str) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    sources(&path(rel), &mut found);
    found.sort();
    found
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

/// The file's code before its unit tests (which may use anything), comments left out.
fn code(text: &str) -> String {
    let before_tests = text.find("#[cfg(test)]").map_or(text, |at| &text[..at]);
    before_tests
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn no_source_file_is_over_700_lines() {
    for (p, text) in files_under("src") {
        let lines = text.lines().count();
        assert!(lines <= 700, "{} has {lines} lines", p.display());
    }
}

#[test]
fn imports_between_folders_go_one_way() {
    let rules: &[(&str, &[&str])] = &[
        (
            "src/story",
            &[
                "crate::engine",
                "crate::save",
                "crate::play",
                "crate::tools",
                "crate::commands",
                "crate::files",
                "crate::matching",
            ],
        ),
        (
            "src/engine",
            &[
                "crate::save",
                "crate::play",
                "crate::tools",
                "crate::commands",
                "crate::files",
            ],
        ),
        ("src/save", &["crate::play", "crate::tools", "crate::commands"]),
        ("src/tools", &["crate::play", "crate::commands", "crate::files"]),
        ("src/play", &["crate::tools", "crate::commands"]),
    ];
    for (folder, forbidden) in rules {
        for (p, text) in files_under(folder) {
            for name in *forbidden {
                assert!(
                    !code(&text).contains(name),
                    "{} uses `{name}`, which ARCHITECTURE.md says it must not",
                    p.display()
                );
            }
        }
    }
}
