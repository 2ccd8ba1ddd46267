//! Turning a reply (blocks of output, as data) into text: cleaned of control characters,
//! wrapped to a width, coloured or not.
//!
//! Everything the game prints goes through [`render`], so nothing a story or a player writes
//! can reach the terminal as a raw control character or escape sequence: [`clean`] shows
//! them as `^[`, `^M`, `<U+009B>` and so on.

use anstyle::{AnsiColor, Style};
use std::borrow::Cow;

/// One piece of output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// The story's title, at the start.
    Heading(String),
    /// Story text: paragraphs separated by blank lines.
    Text(String),
    /// A choice on screen, numbered from 1.
    Choice {
        number: usize,
        text: String,
        available: bool,
        reason: Option<String>,
    },
    /// An ending, announced as `THE END: <title>`.
    End(String),
    /// A message from the game.
    Info(String),
    /// What went wrong with the last input.
    Problem(String),
    /// A yes/no question.
    Ask(String),
    /// Lines shown as they are, never wrapped (help, lists).
    Table(Vec<String>),
}

/// How to draw: colour or not, wrapping width or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    pub color: bool,
    pub width: Option<usize>,
}

impl Look {
    /// No colour, no wrapping: pipes, transcripts, `--plain`.
    pub const PLAIN: Look = Look {
        color: false,
        width: None,
    };
}

/// Shows control characters as visible text: C0 controls and DEL in caret notation (`^[`),
/// C1 controls and the bidirectional overrides as `<U+XXXX>`. Newlines and tabs stay.
pub fn clean(s: &str) -> Cow<'_, str> {
    crate::story::diag::visible(s)
}

fn paint(look: &Look, style: Style, text: &str) -> String {
    if look.color {
        format!("{style}{text}{style:#}")
    } else {
        text.to_owned()
    }
}

fn wrap(look: &Look, text: &str, first: &str, rest: &str) -> String {
    match look.width {
        Some(w) if w > rest.len() + 10 => {
            let options = textwrap::Options::new(w)
                .initial_indent(first)
                .subsequent_indent(rest);
            textwrap::fill(text, options)
        }
        _ => format!("{first}{text}"),
    }
}

/// Draws blocks: a blank line between blocks (not between choices), a blank line at the end.
pub fn render(blocks: &[Block], look: &Look) -> String {
    let mut out = String::new();
    let mut prev_choice = false;
    for block in blocks {
        let is_choice = matches!(block, Block::Choice { .. });
        let same_run = is_choice && prev_choice;
        if !out.is_empty() && !same_run {
            out.push('\n');
        }
        prev_choice = is_choice;
        match block {
            Block::Heading(t) => out.push_str(&paint(look, Style::new().bold(), &clean(t))),
            Block::Text(t) => {
                let paras: Vec<String> = clean(t).split("\n\n").map(|p| wrap(look, p, "", "")).collect();
                out.push_str(&paras.join("\n\n"));
            }
            Block::Choice {
                number,
                text,
                available,
                reason,
            } => {
                let number = format!("{number}. ");
                let mut line = clean(text).into_owned();
                if !available {
                    match reason {
                        Some(why) => line.push_str(&format!(" ({})", clean(why))),
                        None => line.push_str(" (unavailable)"),
                    }
                }
                let indent = " ".repeat(number.len());
                let wrapped = wrap(look, &line, &number, &indent);
                let style = match available {
                    true => Style::new(),
                    false => Style::new().dimmed(),
                };
                let painted = match look.color {
                    true => {
                        let num = paint(look, Style::new().bold(), &number);
                        let body = paint(look, style, &wrapped[number.len()..]);
                        format!("{num}{body}")
                    }
                    false => wrapped,
                };
                out.push_str(&painted);
            }
            Block::End(title) => {
                let line = format!("THE END: {}", clean(title));
                out.push_str(&paint(look, Style::new().bold(), &line));
            }
            Block::Info(t) => {
                let text = wrap(look, &clean(t), "", "");
                out.push_str(&paint(look, Style::new().italic(), &text));
            }
            Block::Problem(t) => {
                let text = wrap(look, &clean(t), "", "");
                let style = Style::new().fg_color(Some(AnsiColor::Yellow.into()));
                out.push_str(&paint(look, style, &text));
            }
            Block::Ask(t) => {
                let text = wrap(look, &clean(t), "", "");
                out.push_str(&paint(look, Style::new().bold(), &text));
            }
            Block::Table(lines) => {
                let lines: Vec<Cow<str>> = lines.iter().map(|l| clean(l)).collect();
                out.push_str(&lines.join("\n"));
            }
        }
        out.push('\n');
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_shows_controls() {
        assert_eq!(clean("a\x1b[31mb"), "a^[[31mb");
        assert_eq!(clean("x\r\x07\x7f\u{9b}y"), "x^M^G^?<U+009B>y");
        assert_eq!(clean("\u{202e}abc"), "<U+202E>abc");
        assert_eq!(clean("line\n\tnext"), "line\n\tnext");
        assert!(matches!(clean("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn layout_plain() {
        let blocks = vec![
            Block::Text("One.\n\nTwo.".into()),
            Block::Choice {
                number: 1,
                text: "Go".into(),
                available: true,
                reason: None,
            },
            Block::Choice {
                number: 2,
                text: "Stay".into(),
                available: false,
                reason: Some("You can't.".into()),
            },
            Block::End("Done".into()),
        ];
        assert_eq!(
            render(&blocks, &Look::PLAIN),
            "One.\n\nTwo.\n\n1. Go\n2. Stay (You can't.)\n\nTHE END: Done\n\n"
        );
    }

    #[test]
    fn wraps_choices_under_their_text() {
        let look = Look {
            color: false,
            width: Some(20),
        };
        let blocks = vec![Block::Choice {
            number: 1,
            text: "Climb the long stairs to the lamp".into(),
            available: true,
            reason: None,
        }];
        assert_eq!(
            render(&blocks, &look),
            "1. Climb the long\n   stairs to the\n   lamp\n\n"
        );
    }
}
