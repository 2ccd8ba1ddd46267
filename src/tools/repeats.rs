//! `interview randomtest --repeats`: phrases one game shows twice or more.
//!
//! A reader notices the same words coming back in one game: a stock sentence written into two
//! scenes that one route passes both of ("Your phone buzzes against your ribs"), a reply that
//! repeats the passage before it, a scene entered twice. Each random game's shown text (scene
//! texts on entering, replies, the texts of scenes passed through) is cut into words; a run of
//! at least `words` words that comes twice or more in the game is a repeat. Repeats are counted
//! over the games and listed with the places the phrase is written, found in the story's
//! literal text (a phrase that runs across an `{if ..}` or a `{name}` is in no single piece and
//! is listed without a place).
//!
//! Words are compared lowercased, without the punctuation around them (`ribs.` is `ribs`), and
//! a typographic apostrophe is an apostrophe. A phrase needs two words that are not grammar
//! (articles, pronouns, prepositions, auxiliaries: [`GRAMMAR`]): "in the middle of a" is
//! English, not a repeat; "the far end of the loft" is one. The list is a sample of what players see, not a
//! proof: a repeat on a route no random game took is not in it.

use crate::story::{Line, Story, Text};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::hash::{DefaultHasher, Hash, Hasher};

/// The shortest phrase `--repeats` looks for when no length is given, in words.
pub const DEFAULT_WORDS: usize = 5;
/// The accepted phrase lengths, in words: shorter runs are mostly grammar ("she says to
/// the"), longer ones would miss most stock sentences.
pub const WORDS: std::ops::RangeInclusive<usize> = 3..=50;

/// Words that make a phrase English rather than the author's: a phrase of them and one other
/// word ("at the end of the") is not reported.
pub const GRAMMAR: &[&str] = &[
    "a", "about", "after", "again", "all", "an", "and", "any", "are", "as", "at", "be", "been", "before",
    "but", "by", "can", "could", "did", "do", "does", "down", "for", "from", "had", "has", "have", "he",
    "her", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "it's",
    "its", "just", "me", "my", "no", "not", "of", "off", "on", "one", "or", "out", "over", "she", "so",
    "than", "that", "the", "their", "them", "then", "there", "they", "this", "to", "too", "up", "was", "we",
    "were", "what", "when", "where", "which", "who", "will", "with", "would", "you", "your", "you're",
    "yours", "yourself",
];

/// A phrase shown twice or more in one game.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Repeat {
    /// The phrase as first shown (its words, with their punctuation).
    pub phrase: String,
    /// How many games showed it twice or more.
    pub games: u32,
    /// The most times one game showed it.
    pub most: u32,
    /// Where it is written: `` `scene` `` for a scene's text, `` `scene` choice N `` for a
    /// choice's reply (N counts from 1, as written); empty when it runs across pieces.
    pub written: Vec<String>,
    /// The first game that showed it twice or more, as a walkthrough that plays it again.
    pub first: FirstGame,
}

/// A game of the test, to play again: `interview --seed SEED` with `inputs` typed in, or
/// `Walkthrough(seed: SEED, inputs: [..])` in a file for `interview replay`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FirstGame {
    /// The run's number in the test, from 1.
    pub run: u32,
    /// The game seed.
    pub seed: u64,
    /// The choices' numbers as they were on screen, in order.
    pub inputs: Vec<String>,
}

/// The words of one game's shown texts, kept until the game ends.
#[derive(Debug, Default)]
pub(crate) struct GameWords {
    /// Each shown text: its words, compared form and as shown.
    texts: Vec<Vec<(String, String)>>,
}

impl GameWords {
    pub(crate) fn show(&mut self, text: &str) {
        let words: Vec<(String, String)> = split(text)
            .filter_map(|w| {
                let key = normal(w);
                (!key.is_empty()).then(|| (key, w.to_owned()))
            })
            .collect();
        if !words.is_empty() {
            self.texts.push(words);
        }
    }

    pub(crate) fn clear(&mut self) {
        self.texts.clear();
    }
}

/// The repeats of many games, collected one game at a time.
#[derive(Debug)]
pub(crate) struct Repeats {
    words: usize,
    games: u32,
    /// By compared form: the phrase as first shown, games, most in one game, the first game
    /// (its run number, from 1).
    found: BTreeMap<String, (String, u32, u32, u32)>,
}

impl Repeats {
    pub(crate) fn new(words: usize) -> Repeats {
        Repeats {
            words,
            games: 0,
            found: BTreeMap::new(),
        }
    }

    /// Adds the repeats of one finished game.
    pub(crate) fn add(&mut self, game: &GameWords) {
        self.games += 1;
        let n = self.words;
        let hash = |words: &[(String, String)]| {
            let mut h = DefaultHasher::new();
            words.iter().for_each(|(key, _)| key.hash(&mut h));
            h.finish()
        };
        // How many times each run of `n` words comes in the game.
        let mut counts: HashMap<u64, u32> = HashMap::new();
        for text in &game.texts {
            for window in text.windows(n) {
                *counts.entry(hash(window)).or_default() += 1;
            }
        }
        // In each text, the longest stretches whose every run of `n` words comes twice or
        // more: one phrase each, however many runs it spans.
        let mut in_game: BTreeMap<String, (String, u32)> = BTreeMap::new();
        for text in &game.texts {
            let times: Vec<u32> = text.windows(n).map(|w| counts[&hash(w)]).collect();
            let mut i = 0;
            while i < times.len() {
                if times[i] < 2 {
                    i += 1;
                    continue;
                }
                let start = i;
                while i < times.len() && times[i] >= 2 {
                    i += 1;
                }
                let words = &text[start..i - 1 + n];
                let own = words
                    .iter()
                    .filter(|(k, _)| !GRAMMAR.contains(&k.as_str()))
                    .count();
                if own < 2 {
                    continue;
                }
                let key = words
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                let shown = words
                    .iter()
                    .map(|(_, w)| w.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                let most = times[start..i].iter().copied().min().unwrap_or(2);
                let entry = in_game.entry(key).or_insert((shown, most));
                entry.1 = entry.1.max(most);
            }
        }
        for (key, (shown, most)) in in_game {
            let entry = self.found.entry(key).or_insert((shown, 0, 0, self.games));
            entry.1 += 1;
            entry.2 = entry.2.max(most);
        }
    }

    /// The runs (from 1) that first showed a phrase, each once, in order: the games
    /// [`Repeats::finish`] asks to play again.
    pub(crate) fn first_runs(&self) -> Vec<u32> {
        let runs: std::collections::BTreeSet<u32> = self.found.values().map(|f| f.3).collect();
        runs.into_iter().collect()
    }

    /// The repeats found, the most games first (then by phrase), each with where it is written
    /// and its first game, from `games` (by run number; a run missing there is listed without
    /// its seed and inputs).
    pub(crate) fn finish(self, story: &Story, games: &HashMap<u32, FirstGame>) -> (u32, Vec<Repeat>) {
        let places = written_places(story);
        let mut list: Vec<Repeat> = self
            .found
            .into_iter()
            .map(|(key, (phrase, count, most, run))| {
                let want: Vec<&str> = key.split(' ').collect();
                let mut written: Vec<String> = places
                    .iter()
                    .filter(|(_, words)| words.windows(want.len()).any(|w| w == want.as_slice()))
                    .map(|(place, _)| place.clone())
                    .collect();
                // A place written in several pieces (around an `{if ..}`) is named once.
                written.dedup();
                let first = games.get(&run).cloned().unwrap_or(FirstGame {
                    run,
                    ..FirstGame::default()
                });
                Repeat {
                    phrase,
                    games: count,
                    most,
                    written,
                    first,
                }
            })
            .collect();
        list.sort_by(|a, b| b.games.cmp(&a.games).then_with(|| a.phrase.cmp(&b.phrase)));
        (self.games, list)
    }
}

/// Every piece of literal text of scenes' texts and replies, in the compared form of its
/// words, with its place (see [`Repeat::written`]).
fn written_places(story: &Story) -> Vec<(String, Vec<String>)> {
    let mut places = Vec::new();
    let mut add = |place: &str, text: &Text| {
        let mut line = |l: &Line| {
            l.literals(&mut |s| {
                let words: Vec<String> = split(s).map(normal).filter(|w| !w.is_empty()).collect();
                if !words.is_empty() {
                    places.push((place.to_owned(), words));
                }
            })
        };
        text.0.iter().for_each(|p| p.lines(&mut line));
    };
    for scene in story.scenes() {
        add(&format!("`{}`", scene.id), &scene.text);
        for (i, c) in scene.choices.iter().enumerate() {
            if let Some(reply) = &c.reply {
                add(&format!("`{}` choice {}", scene.id, i + 1), reply);
            }
        }
    }
    places
}

/// A text's words: split at white space and at dashes.
fn split(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || c == '\u{2014}' || c == '\u{2013}')
        .filter(|w| !w.is_empty())
}

/// A word as compared: lowercase, without the punctuation around it, `’` as `'`.
fn normal(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric())
        .chars()
        .map(|c| if c == '\u{2019}' { '\'' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The repeats as text, for a person: at most `limit` phrases (the JSON report has them all).
pub fn render(games: u32, words: usize, list: &[Repeat], limit: usize) -> String {
    let mut out = String::new();
    let with = list.len();
    let _ = writeln!(
        out,
        "\nRepeated in one game (a phrase of {words} or more words shown twice or more; {with} such phrases in {games} games):"
    );
    if list.is_empty() {
        let _ = writeln!(out, "  none.");
    }
    for r in list.iter().take(limit) {
        let pct = if games == 0 {
            0.0
        } else {
            f64::from(r.games) * 100.0 / f64::from(games)
        };
        let written = match r.written.is_empty() {
            true => "(across an {if ..} or a {name}: in no single piece)".to_owned(),
            false => r.written.join(", "),
        };
        let inputs: Vec<String> = r.first.inputs.iter().map(|i| format!("{i:?}")).collect();
        let _ = writeln!(
            out,
            "  {pct:>5.1}%  x{}  \"{}\"\n           written in {written}\n           \
             first in run {}: Walkthrough(seed: {}, inputs: [{}])",
            r.most,
            r.phrase,
            r.first.run,
            r.first.seed,
            inputs.join(", ")
        );
    }
    if with > limit {
        let _ = writeln!(out, "  and {} more (`--json` lists them all).", with - limit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn game(texts: &[&str]) -> GameWords {
        let mut g = GameWords::default();
        texts.iter().for_each(|t| g.show(t));
        g
    }

    fn found(words: usize, texts: &[&str]) -> Vec<(String, u32)> {
        let mut r = Repeats::new(words);
        r.add(&game(texts));
        r.found
            .into_values()
            .map(|(phrase, _, most, _)| (phrase, most))
            .collect()
    }

    #[test]
    fn a_phrase_shown_twice_is_one_repeat_however_long() {
        check(
            found(
                4,
                &[
                    "Later, your phone buzzes against your ribs. She waits.",
                    "At the curb your phone buzzes against your ribs, twice.",
                ],
            ),
            &[("your phone buzzes against your ribs.", 2)],
        );
    }

    #[test]
    fn punctuation_case_and_apostrophes_do_not_hide_a_repeat() {
        check(
            found(3, &["She doesn’t look up.", "And she DOESN'T — look up"]),
            &[("She doesn’t look up.", 2)],
        );
    }

    #[test]
    fn shorter_runs_and_one_showing_are_not_repeats() {
        check(
            found(5, &["the cab turns left on Spring", "the cab turns right"]),
            &[],
        );
        check(found(3, &["one two three four"]), &[]);
    }

    #[test]
    fn a_game_counts_once_and_keeps_its_most() {
        let mut r = Repeats::new(3);
        r.add(&game(&["a b c", "a b c", "a b c"]));
        r.add(&game(&["a b c", "a b c"]));
        r.add(&game(&["a b c"]));
        let story = crate::story::load_story(&crate::files::embedded_story())
            .story
            .unwrap();
        assert_eq!(r.first_runs(), [1]);
        let played = FirstGame {
            run: 1,
            seed: 7,
            inputs: vec!["2".into()],
        };
        let (games, list) = r.finish(&story, &HashMap::from([(1, played.clone())]));
        assert_eq!(games, 3);
        assert_eq!(list.len(), 1);
        assert_eq!((list[0].games, list[0].most), (2, 3));
        assert_eq!(list[0].first, played, "the first game that showed it");
    }

    fn check(got: Vec<(String, u32)>, expect: &[(&str, u32)]) {
        let expect: Vec<(String, u32)> = expect.iter().map(|(p, n)| (p.to_string(), *n)).collect();
        assert_eq!(got, expect);
    }
}
