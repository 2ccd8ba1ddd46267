//! The measurable requirements of issue 16 for the real story in `scenes/`: enough prose,
//! enough decisions along every full walkthrough, few similes in what is shown, and no
//! unanswered choices. Each assertion message prints the figure measured; `story_figures`
//! prints them all:
//!
//! ```text
//! cargo test --test it story_metrics::story_figures -- --nocapture
//! ```
//!
//! Everything is measured through the library: the loaded [`Story`] for the prose
//! ([`Story::each_prose`]), the engine for the walkthroughs (menus as [`engine::view`] shows
//! them, text as [`replay::play`] transcribes it). `/work/bin/metrics.py` is a rough Python
//! version of the walkthrough figures (it scrapes the binary's output).

use crate::support;
use interview::engine;
use interview::files::read_story_dir;
use interview::story::{Story, load_story};
use interview::tools::replay::{self, Walkthrough};

/// The story folder measured.
const SCENES: &str = "scenes";
/// The walkthroughs played.
const WALKTHROUGHS: &str = "tests/walkthroughs";
/// The endings that come before the loft (refusing the job, leaving the restaurant, limping home
/// after the crash), whose walkthroughs are too short to count (see `scenes/story.ron`).
const EARLY_EXITS: [&str; 6] = [
    "someone_else",
    "last_train",
    "burned_page",
    "page_fourteen",
    "early_exit",
    "second_sitting",
];

/// Issue 16: at least this many words of prose in the whole story.
const MIN_WORDS: usize = 18_000;
/// Issue 16: at least this many decisions along every walkthrough to a full ending.
const MIN_DECISIONS: usize = 60;
/// Issue 16: at most one simile per this many words shown.
const WORDS_PER_SIMILE: usize = 400;

/// The words of a text: runs that start with a letter and go on with letters, apostrophes
/// (`'` and `’`) and hyphens (what `metrics.py` counts: `[A-Za-z][A-Za-z'’-]*`, any letter),
/// in lower case, each with whether only white space parts it from the word before.
fn words(text: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut spaced = false;
    for c in text.chars() {
        if c.is_alphabetic() || (!word.is_empty() && matches!(c, '\'' | '’' | '-')) {
            word.extend(c.to_lowercase());
        } else {
            if !word.is_empty() {
                out.push((std::mem::take(&mut word), spaced));
                spaced = true;
            }
            spaced &= c.is_whitespace();
        }
    }
    if !word.is_empty() {
        out.push((word, spaced));
    }
    out
}

/// How many similes a text holds, by an approximation of its wording: the phrases `like a`,
/// `like an`, `as if`, `as though`, and `the way` followed by `a`, `an`, `the`, `you`, `he`,
/// `she`, `it`, `someone` or `people` and one word more, in any case, whole words parted by
/// white space only (`by the way, the door` is not one). It counts a few non-similes (`looks
/// like a fool`; `the way the door opens` is no figure at all) and misses similes without
/// those words (`as cold as ice`); it is the measure of `metrics.py`.
fn similes(text: &str) -> usize {
    let w = words(text);
    // The i-th word, when only white space parts it from the one before ("" otherwise).
    let at = |i: usize| match w.get(i) {
        Some((word, true)) => word.as_str(),
        Some((_, false)) | None => "",
    };
    const AFTER_THE_WAY: [&str; 9] = ["a", "an", "the", "you", "he", "she", "it", "someone", "people"];
    (0..w.len())
        .filter(|&i| match (w[i].0.as_str(), at(i + 1)) {
            ("like", "a" | "an") | ("as", "if" | "though") => true,
            ("the", "way") => AFTER_THE_WAY.contains(&at(i + 2)) && w.get(i + 3).is_some(),
            _ => false,
        })
        .count()
}

fn story() -> Story {
    support::load(SCENES)
}

/// Words of prose in the whole story: every text the model holds, every alternative counted.
fn prose_words(story: &Story) -> usize {
    let mut n = 0;
    story.each_prose(&mut |s| n += words(s).len());
    n
}

/// What one walkthrough shows when played.
struct Run {
    name: String,
    /// The ending's title.
    ending: String,
    /// Menus of two or more choices shown, each time one is shown.
    decisions: usize,
    words: usize,
    similes: usize,
}

/// Plays every walkthrough that reaches an ending other than the early exits.
fn runs(story: &Story) -> Vec<Run> {
    let mut paths: Vec<_> = std::fs::read_dir(support::path(WALKTHROUGHS))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let w = Walkthrough::parse(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{name}:{e}"));
        let Some(id) = w.ending.as_deref() else {
            continue;
        };
        let Some(ending) = story.ending_by_name(id) else {
            continue;
        };
        if EARLY_EXITS.contains(&id) {
            continue;
        }
        let ending = story.ending(ending).title.clone();
        let played = replay::play(story, &w);
        assert!(
            played.failure.is_none(),
            "{name} does not play: {:?}",
            played.failure
        );
        out.push(Run {
            decisions: decisions(story, &w),
            words: words(&played.transcript).len(),
            similes: similes(&played.transcript),
            name,
            ending,
        });
    }
    assert!(
        !out.is_empty(),
        "no walkthrough to a full ending in {WALKTHROUGHS}"
    );
    out
}

/// The menus of two or more choices shown (available or not) before each input of `w`.
fn decisions(story: &Story, w: &Walkthrough) -> usize {
    let (mut state, _) = engine::new_game(story, w.seed).unwrap();
    let mut n = 0;
    for input in &w.inputs {
        let view = engine::view(story, &state);
        n += usize::from(view.choices.len() >= 2);
        let index = interview::matching::pick(&view, input.trim()).unwrap();
        engine::choose(story, &mut state, index).unwrap();
    }
    n
}

/// The unanswered-choice warnings `interview check scenes` gives, as `file:line:col: message`.
fn unanswered() -> Vec<String> {
    let files = read_story_dir(&support::path(SCENES)).unwrap();
    let loaded = load_story(&files);
    loaded
        .warnings()
        .filter(|d| d.message.contains("lead to the same text"))
        .map(|d| format!("{}:{}:{}: {}", d.file, d.line, d.col, d.message))
        .collect()
}

#[test]
fn the_story_holds_enough_prose() {
    let n = prose_words(&story());
    assert!(
        n >= MIN_WORDS,
        "the story holds {n} words of prose; issue 16 asks for {MIN_WORDS}"
    );
}

#[test]
fn every_full_walkthrough_offers_enough_decisions() {
    let short: Vec<String> = runs(&story())
        .iter()
        .filter(|r| r.decisions < MIN_DECISIONS)
        .map(|r| format!("{} ({}): {} decisions", r.name, r.ending, r.decisions))
        .collect();
    assert!(
        short.is_empty(),
        "fewer than {MIN_DECISIONS} decisions:\n{}",
        short.join("\n")
    );
}

#[test]
fn similes_are_rare_along_every_walkthrough() {
    let dense: Vec<String> = runs(&story())
        .iter()
        .filter(|r| r.similes * WORDS_PER_SIMILE > r.words)
        .map(|r| {
            format!(
                "{} ({}): {} similes in {} words, 1 per {}",
                r.name,
                r.ending,
                r.similes,
                r.words,
                r.words / r.similes.max(1)
            )
        })
        .collect();
    assert!(
        dense.is_empty(),
        "more than 1 simile per {WORDS_PER_SIMILE} words:\n{}",
        dense.join("\n")
    );
}

#[test]
fn no_choice_goes_unanswered() {
    let found = unanswered();
    assert!(
        found.is_empty(),
        "{} unanswered choice groups:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// Prints every figure (run with `--nocapture`).
#[test]
fn story_figures() {
    let story = story();
    println!("prose words: {} (at least {MIN_WORDS})", prose_words(&story));
    let runs = runs(&story);
    for r in &runs {
        println!(
            "{:28} {:18} decisions {:3} (at least {MIN_DECISIONS})  words {:5}  similes {:3} (1 per {} words; at least {WORDS_PER_SIMILE})",
            r.name,
            r.ending,
            r.decisions,
            r.words,
            r.similes,
            r.words / r.similes.max(1)
        );
    }
    let found = unanswered();
    println!("unanswered choice groups: {}", found.len());
    found.iter().for_each(|f| println!("  {f}"));
    assert!(runs.iter().all(|r| r.words > 0));
}

/// The measures themselves, on texts whose figures are known.
#[test]
fn the_measures_count_what_they_say() {
    let plain = |t: &str| words(t).into_iter().map(|(w, _)| w).collect::<Vec<_>>();
    assert_eq!(
        plain("Katya’s hand-written note, 3 lines: \"don't\"."),
        ["katya’s", "hand-written", "note", "lines", "don't"]
    );
    assert_eq!(
        similes("Like a ghost. As if. As though she knew. Like an owl."),
        4
    );
    assert_eq!(
        similes("He moves the way a cat does. The way you do. The way home."),
        2
    );
    assert_eq!(similes("I like apples. As it was. The way the"), 0);
    assert_eq!(
        similes("looked like, a fool. By the way, the door. The way. It"),
        0
    );
}
