//! How a line the player types compares with a story's text: the one rule that the REPL's
//! matching (`crate::matching`) and the loader's warnings about choices alike as typed share.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

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
