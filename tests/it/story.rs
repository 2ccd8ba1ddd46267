//! The story in `scenes/`: every ending reached through the real binary with piped stdin, every
//! ending reached by random play without a runtime error, and no sentence of the source texts.

use crate::support::{self, root};
use interview::engine;
use interview::story::{Story, load_story};
use interview::tools::replay::Walkthrough;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn story() -> Story {
    let files = interview::files::read_story_dir(&root().join("scenes")).unwrap();
    let loaded = load_story(&files);
    let problems: Vec<String> = loaded.diagnostics.iter().map(|d| d.headline()).collect();
    assert!(
        problems.is_empty(),
        "scenes/ must have no errors and no warnings: {problems:#?}"
    );
    loaded.story.unwrap()
}

/// The `*.ron` files of a folder, by name.
fn ron_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    files
}

fn read_walkthrough(path: &Path) -> Walkthrough {
    let text = std::fs::read_to_string(path).unwrap();
    Walkthrough::parse(&text).unwrap_or_else(|e| panic!("{}:{e}", path.display()))
}

fn walkthroughs() -> Vec<(PathBuf, Walkthrough)> {
    ron_files(&root().join("tests/walkthroughs"))
        .into_iter()
        .map(|p| {
            let w = read_walkthrough(&p);
            (p, w)
        })
        .collect()
}

#[test]
fn every_ending_has_a_walkthrough_that_the_binary_plays_to_its_end() {
    let story = story();
    let walks = walkthroughs();
    let covered: BTreeSet<String> = walks.iter().filter_map(|(_, w)| w.ending.clone()).collect();
    let all: BTreeSet<String> = story.endings().iter().map(|e| e.id.clone()).collect();
    assert_eq!(covered, all, "one walkthrough per ending");
    assert!(
        walks.iter().any(|(p, _)| p.ends_with("film.ron")),
        "the film's walkthrough is among them"
    );

    for (path, w) in &walks {
        let mut input = w.inputs.join("\n");
        input.push('\n');
        let out = support::cmd()
            .current_dir(root())
            .args(["--seed", &w.seed.to_string(), "--saves"])
            .arg(std::env::temp_dir().join(format!("interview-story-test-{}", std::process::id())))
            .env("NO_COLOR", "1")
            .write_stdin(input)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let name = path.display();
        assert!(
            out.status.success(),
            "{name}: exit {:?}\n{stdout}",
            out.status.code()
        );
        // A walkthrough that stops on the way (one route's opening, as `sober_ride`) names no
        // ending: it is checked for its texts only.
        if let Some(ending) = w.ending.as_deref() {
            let title = &story.ending(story.ending_by_name(ending).unwrap()).title;
            assert!(
                stdout.contains(&format!("THE END: {title}\n")),
                "{name}: no `THE END: {title}`\n{stdout}"
            );
        }
        for text in &w.expect {
            assert!(
                stdout.contains(text.as_str()),
                "{name}: expected {text:?}\n{stdout}"
            );
        }
        for text in &w.reject {
            assert!(!stdout.contains(text.as_str()), "{name}: did not expect {text:?}");
        }
    }
}

/// A small deterministic generator for the test's own random choices.
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

#[test]
fn random_play_reaches_every_ending_without_error() {
    let story = story();
    let mut reached = BTreeSet::new();
    let mut avail = Vec::new();
    let mut pick = Lcg(7);
    // The rarest ending (`morning`, the sofa till light) comes about once in a thousand games.
    for seed in 0..8000u64 {
        let (mut state, _) = engine::new_game(&story, seed).unwrap();
        for step in 0.. {
            assert!(step < 500, "seed {seed}: no ending after 500 choices");
            if let Some(e) = engine::ending(&story, &state) {
                reached.insert(story.ending(e).id.clone());
                break;
            }
            engine::available(&story, &state, &mut avail);
            let scene = &story.scene(state.scene()).id;
            assert!(!avail.is_empty(), "seed {seed}: dead end at `{scene}`");
            let choice = avail[pick.below(avail.len())];
            if let Err(e) = engine::choose(&story, &mut state, choice) {
                panic!("seed {seed}: choice {choice} at `{scene}` failed: {e}");
            }
        }
    }
    let all: BTreeSet<String> = story.endings().iter().map(|e| e.id.clone()).collect();
    assert_eq!(reached, all, "random play reaches every ending");
}

/// Lower-case words of a text, with typographic quotes and dashes made plain.
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .replace(['\u{2019}', '\u{2018}'], "'")
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The runs of 8 words (or whole shorter sentences of 5+ words) of `source` found in `text`.
fn copied_runs(text: &str, source: &str) -> (Vec<String>, usize) {
    let haystack = format!(" {} ", words(text).join(" "));
    let mut found = Vec::new();
    let mut sentences = 0;
    for sentence in source.split(['.', '!', '?', '\n']) {
        let w = words(sentence);
        // Short fragments ("Katya", "Plot") are names and headings, not sentences.
        if w.len() < 5 {
            continue;
        }
        sentences += 1;
        for window in w.windows(8.min(w.len())) {
            if haystack.contains(&format!(" {} ", window.join(" "))) {
                found.push(window.join(" "));
            }
        }
    }
    (found, sentences)
}

#[test]
fn no_sentence_of_the_source_texts_appears_in_the_scenes() {
    let sources = root().join("../shared/source");
    let Ok(entries) = std::fs::read_dir(&sources) else {
        // CI always has shared/ beside the project; elsewhere, say so instead of passing silently.
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is missing on CI",
            sources.display()
        );
        eprintln!("skipped: {} not found", sources.display());
        return;
    };
    let mut scenes = String::new();
    for e in std::fs::read_dir(root().join("scenes")).unwrap() {
        scenes.push_str(&std::fs::read_to_string(e.unwrap().path()).unwrap());
        scenes.push('\n');
    }
    let mut total = 0;
    for e in entries {
        let source = std::fs::read_to_string(e.unwrap().path()).unwrap();
        let (found, sentences) = copied_runs(&scenes, &source);
        assert!(found.is_empty(), "scenes/ repeats the source text: {found:#?}");
        // The check itself works: a scene that quoted the source would be caught.
        let first = source.split(['.', '\n']).find(|s| words(s).len() >= 8).unwrap();
        let quoted = format!("{scenes}\nScene(text: \"{first}\")");
        assert!(
            !copied_runs(&quoted, &source).0.is_empty(),
            "the check misses a quoted sentence"
        );
        total += sentences;
    }
    assert!(total > 50, "only {total} source sentences were read");
}

#[test]
fn explore_finds_every_ending_and_its_walkthroughs_play_through_the_binary() {
    let story = story();
    let dir = std::env::temp_dir().join(format!("interview-story-explore-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = support::cmd()
        .current_dir(root())
        .args(["--scenes", "scenes", "explore", "--walkthroughs"])
        .arg(&dir)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "explore found a problem:\n{report}");
    let all = story.endings().len();
    assert!(
        report.contains(&format!("Endings reached: {all} of {all}")),
        "{report}"
    );
    assert!(
        report.contains("Dead ends: none.") && report.contains("Runtime errors: none."),
        "{report}"
    );
    // Every scene and every choice written can be met in some game: no dead prose.
    assert!(report.contains("Never reached: nothing."), "{report}");

    let mut played = 0;
    for path in ron_files(&dir) {
        let w = read_walkthrough(&path);
        let ending = w.ending.as_deref().expect("explore names the ending");
        let title = &story.ending(story.ending_by_name(ending).unwrap()).title;
        let out = support::cmd()
            .current_dir(root())
            .args(["--seed", &w.seed.to_string(), "--saves"])
            .arg(dir.join("saves"))
            .write_stdin(w.inputs.join("\n") + "\n")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains(&format!("THE END: {title}\n")),
            "{}:\n{stdout}",
            path.display()
        );
        played += 1;
    }
    assert_eq!(played, all, "one walkthrough per ending");
    std::fs::remove_dir_all(&dir).unwrap();
}
