//! Matching what a player typed to the choices on screen: by number, or by an unambiguous
//! start of a choice's text. Pure functions of a [`View`](engine::View) and a string, shared by
//! the REPL (choices, Tab completion, hints) and the tools (`replay`, `explore`'s walkthroughs)
//! so all read input alike. Both sides are compared in one Unicode normal form (NFC): a choice
//! written with combining accents is found by text typed on a keyboard that sends precomposed
//! letters, and the other way round.

use crate::engine;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Whether `s` is a choice's number as typed: ASCII digits only.
pub fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// What a line of input names among the choices on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found<'v> {
    /// One choice (it may be unavailable).
    Choice(&'v engine::ChoiceView),
    /// A number that is no choice's.
    NoNumber,
    /// Text that starts no choice.
    Nothing,
    /// Text that starts several choices: their numbers as shown.
    Several(Vec<usize>),
}

impl Found<'_> {
    /// Why the input is not a choice to take now (a [`Found::Choice`] that is unavailable too).
    pub fn message(&self, view: &engine::View, typed: &str) -> String {
        match self {
            Found::Choice(c) => match &c.reason {
                Some(why) => format!("that choice is not available now: {why}"),
                None => "that choice is not available now".to_owned(),
            },
            Found::NoNumber => format!(
                "there is no choice {}: type a number from 1 to {}",
                quote(typed),
                view.choices.len()
            ),
            Found::Nothing => format!("no choice starts with {}", quote(typed)),
            Found::Several(numbers) => {
                let numbers: Vec<String> = numbers.iter().map(usize::to_string).collect();
                format!(
                    "{} could be choice {}: type more of it, or its number",
                    quote(typed),
                    numbers.join(" or ")
                )
            }
        }
    }
}

/// The choice a line names: its number as shown (1 = the first choice on screen), or an
/// unambiguous start of its text, as [`typed_start`] reads it.
pub fn find_choice<'v>(view: &'v engine::View, typed: &str) -> Found<'v> {
    let typed = typed.trim();
    if is_number(typed) {
        let n = typed.parse::<usize>().unwrap_or(usize::MAX);
        return match view.choices.get(n.wrapping_sub(1)) {
            Some(c) => Found::Choice(c),
            None => Found::NoNumber,
        };
    }
    let matches: Vec<usize> = view
        .choices
        .iter()
        .enumerate()
        .filter(|(_, c)| typed_start(&c.text, typed).is_some())
        .map(|(n, _)| n)
        .collect();
    match matches.as_slice() {
        [] => Found::Nothing,
        [one] => Found::Choice(&view.choices[*one]),
        many => Found::Several(many.iter().map(|n| n + 1).collect()),
    }
}

/// The position in its scene of the available choice a line names (for [`engine::choose`]),
/// or the message the game would give.
pub fn pick(view: &engine::View, typed: &str) -> Result<usize, String> {
    match find_choice(view, typed) {
        Found::Choice(c) if c.available => Ok(c.index),
        found => Err(found.message(view, typed)),
    }
}

/// Whether `typed` is a start of `text` as a player would type it, and if so where it ends in
/// `text` (a byte offset). Case does not matter, nor runs of spaces, nor the quotes and
/// punctuation a text starts with (`just` starts `“Just googling.”`); typographic quotes,
/// apostrophes, dashes and the ellipsis read as their plain forms (`'`, `"`, `-`, `...`) and a
/// run of dashes as one. Text that is only punctuation (`"`, `...`) is compared as it is.
/// Both are compared in NFC, so `e` + U+0301 and `é` are the same letter; the offset is still
/// one in `text` as given. `None` when `typed` is empty.
pub fn typed_start(text: &str, typed: &str) -> Option<usize> {
    let typed = plain_form(typed);
    let text = plain_form(text);
    let words = |s: &[(char, usize)]| s.iter().position(|(c, _)| c.is_alphanumeric());
    let (typed, text) = match words(&typed) {
        Some(t) => (&typed[t..], &text[words(&text)?..]),
        None => (&typed[..], &text[..]),
    };
    if typed.is_empty() || typed.len() > text.len() {
        return None;
    }
    let same = typed.iter().zip(text).all(|((a, _), (b, _))| a == b);
    same.then(|| text[typed.len() - 1].1)
}

/// A text in the form [`typed_start`] compares: each character with the byte offset, in `s`,
/// just after the character it comes from.
fn plain_form(s: &str) -> Vec<(char, usize)> {
    let mut out: Vec<(char, usize)> = Vec::with_capacity(s.len());
    for (c, end) in nfc_chars(s) {
        let plain: &str = match c {
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '\u{2039}' | '\u{203a}' => "'",
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' | '\u{ab}' | '\u{bb}' => "\"",
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{fe58}' | '\u{fe63}' | '\u{ff0d}' => "-",
            '\u{2026}' => "...",
            c if c.is_whitespace() => " ",
            _ => "",
        };
        let lower: Vec<char> = match plain {
            "" => c.to_lowercase().collect(),
            p => p.chars().collect(),
        };
        for p in lower {
            let last = out.last().map(|(l, _)| *l);
            match (p, last) {
                // No space at the start, one for a run of them.
                (' ', None | Some(' ')) => {}
                ('-', Some('-')) => {}
                _ => out.push((p, end)),
            }
        }
    }
    if out.last().is_some_and(|(c, _)| *c == ' ') {
        out.pop();
    }
    out
}

/// The characters of `s` in NFC, each with the byte offset in `s` just after the run of
/// characters it comes from. A run is a character with the combining marks (and Hangul vowel
/// and final jamo) after it: NFC composes within such runs only, so each is normalised alone
/// and every composed character keeps an offset in `s`.
fn nfc_chars(s: &str) -> Vec<(char, usize)> {
    let joins = |c: char| is_combining_mark(c) || ('\u{1161}'..='\u{11c2}').contains(&c);
    let mut out = Vec::with_capacity(s.len());
    let mut start = 0;
    let mut chars = s.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let end = at + c.len_utf8();
        if chars.peek().is_some_and(|&(_, next)| joins(next)) {
            continue;
        }
        let run = &s[start..end];
        if run.len() == c.len_utf8() {
            out.push((c, end));
        } else {
            out.extend(run.nfc().map(|n| (n, end)));
        }
        start = end;
    }
    out
}

/// Quotes what the player typed in a message (cut when long).
pub(crate) fn quote(s: &str) -> String {
    let cut: String = s.chars().take(60).collect();
    if cut.len() < s.len() {
        format!("\"{cut}...\"")
    } else {
        format!("\"{cut}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::typed_start;

    #[test]
    fn typed_starts() {
        assert_eq!(typed_start("Open the door", "open"), Some(4));
        assert!(typed_start("\u{201c}Just googling.\u{201d}", "just").is_some());
        assert!(typed_start("Wait \u{2014} listen", "wait - l").is_some());
        assert_eq!(typed_start("Open", ""), None);
        assert_eq!(typed_start("Open", "opened"), None);
    }

    #[test]
    fn typed_starts_compare_in_nfc() {
        let decomposed = "E\u{301}teindre la lampe";
        assert_eq!(
            typed_start(decomposed, "\u{e9}teindre"),
            Some("E\u{301}teindre".len())
        );
        assert_eq!(typed_start(decomposed, "\u{c9}"), Some("E\u{301}".len()));
        assert_eq!(typed_start("\u{c9}teindre", "e\u{301}t"), Some("\u{c9}t".len()));
        assert_eq!(typed_start(decomposed, "e"), None);
        // Hangul typed as jamo finds the syllable.
        assert_eq!(
            typed_start("\u{d55c}\u{ae00}", "\u{1112}\u{1161}\u{11ab}"),
            Some(3)
        );
    }
}
