//! Turning a reply (blocks of output, as data) into text: cleaned of control characters,
//! wrapped to a width, coloured or not.
//!
//! Everything the game prints goes through [`render`], so nothing a story or a player writes
//! can reach the terminal as a raw control character or escape sequence: [`clean`] shows
//! them as `^[`, `^M`, `<U+009B>` and so on.

use crate::engine::Marks;
use crate::story::Mark;
use anstyle::{AnsiColor, Style};
use std::borrow::Cow;

/// One piece of output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// The story's title, at the start.
    Heading(String),
    /// Story text: paragraphs separated by blank lines.
    Text(String),
    /// Story text with emphasis ([`Marks`], bytes of the text): italic and bold when the look
    /// has colour, the plain words otherwise.
    Styled(String, Marks),
    /// `{pause}`: the interactive game waits for Enter here. Draws nothing: the blocks on
    /// either side are apart by a blank line, as paragraphs are.
    Pause,
    /// A choice on screen, numbered from 1.
    Choice {
        number: usize,
        text: String,
        /// The emphasis of `text` (shown on an available choice when the look has colour).
        marks: Marks,
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
    /// Lines of a table (help, lists), aligned by the caller; a line too wide for the screen
    /// wraps under its second column, never inside a word.
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

/// The wrapping used everywhere: at spaces only, never inside a word (a word longer than the
/// line stays whole), widths by display width (CJK and emoji two columns, combining marks none).
fn options(width: usize) -> textwrap::Options<'static> {
    textwrap::Options::new(width)
        .break_words(false)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
}

fn wrap(look: &Look, text: &str, first: &str, rest: &str) -> String {
    match look.width {
        Some(w) if w > rest.len() + 10 => {
            let options = options(w).initial_indent(first).subsequent_indent(rest);
            textwrap::fill(text, options)
        }
        _ => format!("{first}{text}"),
    }
}

/// A text with its emphasis as terminal styles (italic, bold; `color`: else the plain words),
/// cleaned like any text. The wrapper measures words without the escape sequences (textwrap
/// skips them), and a style still open at the end is closed.
fn styled(text: &str, marks: &Marks, color: bool) -> String {
    if !color || marks.is_empty() {
        return clean(text).into_owned();
    }
    let mut out = String::with_capacity(text.len() + marks.len() * 5);
    let mut from = 0;
    let mut open = 0i32;
    for &(at, mark) in marks {
        let at = at.min(text.len());
        let Some(words) = text.get(from..at) else {
            continue;
        };
        out.push_str(&clean(words));
        from = at;
        open += match mark {
            Mark::Em | Mark::Strong => 1,
            Mark::EmEnd | Mark::StrongEnd => -1,
            Mark::Break | Mark::Pause => 0,
        };
        out.push_str(match mark {
            Mark::Em => "\x1b[3m",
            Mark::EmEnd => "\x1b[23m",
            Mark::Strong => "\x1b[1m",
            Mark::StrongEnd => "\x1b[22m",
            Mark::Break | Mark::Pause => "",
        });
    }
    out.push_str(&clean(&text[from..]));
    // A text cut short (`brief`) may leave a style open.
    if open > 0 {
        out.push_str("\x1b[0m");
    }
    out
}

/// A story text as blocks: [`Block::Text`] when it has no presentation, else
/// [`Block::Styled`] pieces with a [`Block::Pause`] at each `{pause}` (emphasis open across a
/// pause is closed before it and opened again after). Marks past the end of `text` (a text
/// cut short, as `brief` does) are dropped.
pub fn text_blocks(text: String, marks: &[(usize, Mark)], blocks: &mut Vec<Block>) {
    if marks.is_empty() {
        blocks.push(Block::Text(text));
        return;
    }
    let mut from = 0;
    let mut piece: Marks = Vec::new();
    let mut open: Vec<Mark> = Vec::new();
    for &(at, mark) in marks.iter().filter(|(at, _)| *at <= text.len()) {
        let rel = at.saturating_sub(from);
        match mark {
            Mark::Pause => {
                let before = text[from..at.max(from)].trim_end_matches('\n');
                for m in open.iter().rev() {
                    piece.push((before.len(), closing(*m)));
                }
                if !before.is_empty() {
                    blocks.push(Block::Styled(before.to_owned(), std::mem::take(&mut piece)));
                }
                piece.clear();
                blocks.push(Block::Pause);
                let rest = &text[at.max(from)..];
                from = at.max(from) + (rest.len() - rest.trim_start_matches('\n').len());
                piece.extend(open.iter().map(|m| (0, *m)));
            }
            Mark::Em | Mark::Strong => {
                open.push(mark);
                piece.push((rel, mark));
            }
            Mark::EmEnd | Mark::StrongEnd => {
                open.pop();
                piece.push((rel, mark));
            }
            Mark::Break => {}
        }
    }
    if from < text.len() {
        blocks.push(Block::Styled(text[from..].to_owned(), piece));
    }
}

/// The mark that closes an opening one.
fn closing(m: Mark) -> Mark {
    match m {
        Mark::Em => Mark::EmEnd,
        Mark::Strong => Mark::StrongEnd,
        Mark::EmEnd | Mark::StrongEnd | Mark::Break | Mark::Pause => m,
    }
}

/// How many columns `s` takes on a terminal.
pub fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// `s` padded with spaces to `columns` display columns (left-aligned, or right-aligned).
pub fn pad(s: &str, columns: usize, right: bool) -> String {
    let fill = " ".repeat(columns.saturating_sub(width(s)));
    match right {
        true => format!("{fill}{s}"),
        false => format!("{s}{fill}"),
    }
}

/// A line of a table wrapped to `w` columns: its continuation lines are indented to where its
/// second column starts (after the first gap of two spaces), or two past its own indent, so
/// `help` and `saves` stay aligned in a narrow terminal.
fn wrap_row(line: &str, w: usize) -> String {
    if width(line) <= w {
        return line.to_owned();
    }
    let lead = line.len() - line.trim_start().len();
    let body = &line[lead..];
    let second = body.find("  ").map(|gap| {
        let after = &body[gap..];
        lead + gap + (after.len() - after.trim_start().len())
    });
    let hang = match second.map(|at| width(&line[..at])) {
        // At least 12 columns left for the text beside it.
        Some(col) if col + 12 <= w => col,
        _ => width(&line[..lead]) + 2,
    };
    let indent = " ".repeat(hang);
    let first = &line[..lead];
    textwrap::fill(body, options(w).initial_indent(first).subsequent_indent(&indent))
}

/// Draws blocks: a blank line between blocks (not between choices), a blank line at the end.
pub fn render(blocks: &[Block], look: &Look) -> String {
    let mut out = String::new();
    let mut prev_choice = false;
    for block in blocks {
        if matches!(block, Block::Pause) {
            continue;
        }
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
            Block::Styled(t, marks) => {
                let t = styled(t, marks, look.color);
                let paras: Vec<String> = t.split("\n\n").map(|p| wrap(look, p, "", "")).collect();
                out.push_str(&paras.join("\n\n"));
            }
            Block::Pause => {}
            Block::Choice {
                number,
                text,
                marks,
                available,
                reason,
            } => {
                let number = format!("{number}. ");
                // Dim, an unavailable choice shows no emphasis (ending bold would end dim too).
                let mut line = styled(text, marks, look.color && *available);
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
                let lines: Vec<String> = lines
                    .iter()
                    .map(|l| match look.width {
                        Some(w) => wrap_row(&clean(l), w),
                        None => clean(l).into_owned(),
                    })
                    .collect();
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
                marks: Vec::new(),
                available: true,
                reason: None,
            },
            Block::Choice {
                number: 2,
                text: "Stay".into(),
                marks: Vec::new(),
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
            marks: Vec::new(),
            available: true,
            reason: None,
        }];
        assert_eq!(
            render(&blocks, &look),
            "1. Climb the long\n   stairs to the\n   lamp\n\n"
        );
    }

    #[test]
    fn tables_wrap_under_their_second_column_without_breaking_words() {
        let look = Look {
            color: false,
            width: Some(40),
        };
        let help = "  save [slot]          save the game (slot: letters, digits, - and _; default `default`)";
        let out = render(&[Block::Table(vec![help.into()])], &look);
        assert_eq!(
            out,
            "  save [slot]          save the game\n                       (slot: letters,\n                       digits, - and\n                       _; default\n                       `default`)\n\n"
        );
        for line in out.lines() {
            assert!(width(line) <= 40, "{line:?}");
        }
        // A word longer than the line stays whole.
        let long = "x".repeat(50);
        let out = render(&[Block::Text(format!("a {long} b"))], &look);
        assert_eq!(out, format!("a\n{long}\nb\n\n"));
    }

    #[test]
    fn a_pause_splits_a_text_and_emphasis_open_across_it_closes_and_opens_again() {
        // "*One {pause} two*" as the engine renders it.
        let marks = vec![(0, Mark::Em), (3, Mark::Pause), (8, Mark::EmEnd)];
        let mut blocks = Vec::new();
        text_blocks("One\n\ntwo".into(), &marks, &mut blocks);
        assert_eq!(
            blocks,
            [
                Block::Styled("One".into(), vec![(0, Mark::Em), (3, Mark::EmEnd)]),
                Block::Pause,
                Block::Styled("two".into(), vec![(0, Mark::Em), (3, Mark::EmEnd)]),
            ]
        );
        let look = Look {
            color: true,
            width: Some(40),
        };
        assert_eq!(
            render(&blocks, &look),
            "\x1b[3mOne\x1b[23m\n\n\x1b[3mtwo\x1b[23m\n\n"
        );
        assert_eq!(render(&blocks, &Look::PLAIN), "One\n\ntwo\n\n");
        // Control characters in the words are still shown, not sent.
        let blocks = [Block::Styled(
            "a\x1bb".into(),
            vec![(0, Mark::Strong), (3, Mark::StrongEnd)],
        )];
        assert_eq!(render(&blocks, &look), "\x1b[1ma^[b\x1b[22m\n\n");
    }

    #[test]
    fn padding_counts_display_columns() {
        assert_eq!(width("\u{4e2d}\u{6587}"), 4);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(width("\u{1f600}"), 2);
        assert_eq!(pad("\u{4e2d}", 4, false), "\u{4e2d}  ");
        assert_eq!(pad("e\u{301}", 3, true), "  e\u{301}");
    }
}
