//! Matching what a player typed to the choices on screen: by number, or by an unambiguous
//! start of a choice's text. Pure functions of a [`View`](engine::View) and a string, shared by
//! the REPL (choices, Tab completion, hints) and the tools (`replay`, `explore`'s walkthroughs)
//! so all read input alike. Both sides are compared in one Unicode normal form (NFC): a choice
//! written with combining accents is found by text typed on a keyboard that sends precomposed
//! letters, and the other way round.

use crate::engine;
pub use crate::story::typing::typed_start;

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
    // A taken choice kept in place by `spent` (its own or the story's) is no rival to the others: text
    // names what it would name were the taken choice hidden (`spent: Hide`), or else it.
    let fresh: Vec<usize> = matches
        .iter()
        .copied()
        .filter(|&n| !view.choices[n].spent)
        .collect();
    let named = if fresh.is_empty() { matches } else { fresh };
    match named.as_slice() {
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
