//! Rendering: the text of a state in plain words, and beside it the presentation (emphasis,
//! pauses) only the interactive game draws.

use super::eval::holds;
use super::state::GameState;
use crate::story::*;

/// Renders text: paragraphs whose condition holds, separated by blank lines.
pub fn render_text(state: &GameState, text: &Text) -> String {
    let mut out = String::new();
    render_text_into(state, text, &mut out);
    out
}

/// [`render_text`] into a buffer (cleared first), to reuse its allocation.
pub fn render_text_into(state: &GameState, text: &Text, out: &mut String) {
    render_text_marked(state, text, out, &mut Marks::new());
}

/// Where the presentation of a rendered text goes: `(byte in the text, mark)`, in order, the
/// bytes on character boundaries, at most the text's length. Emphasis comes in pairs (what
/// opens, closes within its paragraph); a `{br}` is a `\n` in the text and is not listed; a
/// `{pause}` is listed where the text before it ends (a paragraph break follows in the
/// text). A text without presentation has none, and costs no allocation.
pub type Marks = Vec<(usize, Mark)>;

/// [`render_text_into`], and the presentation into `marks` (cleared first): what the
/// interactive game shows with styles and pauses. The text is the same plain words.
pub fn render_text_marked(state: &GameState, text: &Text, out: &mut String, marks: &mut Marks) {
    out.clear();
    marks.clear();
    // Most texts are one paragraph: nothing to separate or trim.
    if let [Para::Always(line)] = &text.0[..] {
        push_line(state, line, out, marks);
        return;
    }
    for para in &text.0 {
        let line = match para {
            Para::Always(l) => l,
            Para::If(c, yes, no) => {
                if holds(state, c) {
                    yes
                } else if let Some(no) = no {
                    no
                } else {
                    continue;
                }
            }
        };
        if line.is_empty() {
            continue;
        }
        let before = out.len();
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        push_line(state, line, out, marks);
        // A paragraph that showed nothing (a used-up `{once: ..}`, a lone `{pause}`) leaves
        // no blank line behind.
        if out.len() == before + 2 && before > 0 {
            out.truncate(before);
            clamp(marks, out.len());
        }
    }
}

/// Appends a construct's text, taking away the space before it when it opens with a comma, a
/// stop or a closing quote or bracket ([`leans_left`]; not an ellipsis): the author wrote the
/// space outside the braces, for the other text. `“Fine. {if a: More.}”` reads `“Fine.”`.
fn push_shown(out: &mut String, start: usize, text: &str) {
    let opens_with_stop = text.starts_with(leans_left) && !text.starts_with("..");
    if opens_with_stop && out.len() > start && out.ends_with(' ') {
        out.pop();
    }
    out.push_str(text);
}

/// Marks past the end of a text trimmed short, moved to its end.
fn clamp(marks: &mut Marks, len: usize) {
    for m in marks.iter_mut().rev() {
        if m.0 <= len {
            break;
        }
        m.0 = len;
    }
}

/// Renders one line of text (a choice's text).
pub fn render_line(state: &GameState, line: &Line) -> String {
    let mut out = String::new();
    push_line(state, line, &mut out, &mut Marks::new());
    out
}

#[inline(always)]
pub(super) fn push_line(state: &GameState, line: &Line, out: &mut String, marks: &mut Marks) {
    // Most lines are one literal: nothing to join or trim.
    if let [Piece::Lit(s)] = &line.0[..] {
        out.push_str(s);
        return;
    }
    push_pieces(state, line, out, marks);
}

fn push_pieces(state: &GameState, line: &Line, out: &mut String, marks: &mut Marks) {
    use std::fmt::Write;
    let start = out.len();
    // A construct that showed nothing (`{once: ..}` used up, an `{if ..}` without its other
    // text) leaves no double space behind, nor a space at either end of the line or just inside
    // an opening quote or bracket. A construct's text that opens with a comma, a stop or a
    // closing quote or bracket takes the space before it away: `door {if wet: , dripping | . Dry}`
    // reads `door, dripping`; so does the text after a construct that showed nothing
    // (`wrong {if a: , and | }, a`).
    let mut gap = false;
    for piece in &line.0 {
        let before = out.len();
        match piece {
            Piece::Lit(s) => match s.strip_prefix(' ') {
                Some(rest)
                    if gap && (out.len() == start || out.ends_with([' ', '\n', '“', '‘', '(', '['])) =>
                {
                    out.push_str(rest)
                }
                // After a construct that showed nothing, a text opening with a comma or a stop
                // takes the space before the braces away, as a construct's own text does:
                // `wrong {if a: , and then | }, a driver` reads `wrong, a driver`.
                _ if gap => push_shown(out, start, s),
                _ => out.push_str(s),
            },
            Piece::Var(v) => {
                let _ = write!(out, "{}", state.vars[v.index()]);
            }
            Piece::If(c, yes, no) => push_shown(out, start, if holds(state, c) { yes } else { no }),
            Piece::Alt { kind, slot, items } => {
                let count = state.texts.get(*slot as usize).copied().unwrap_or(0);
                if let Some(i) = kind.pick(count, items.len()) {
                    push_shown(out, start, &items[i]);
                }
            }
            Piece::Mark(m @ (Mark::Break | Mark::Pause)) => {
                // No space at either side of a line break.
                let kept = out[start..].trim_end_matches(' ').len();
                out.truncate(start + kept);
                if *m == Mark::Pause {
                    marks.push((out.len(), Mark::Pause));
                }
                if out.len() > start {
                    out.push_str(if *m == Mark::Break { "\n" } else { "\n\n" });
                }
                gap = true;
                continue;
            }
            // Emphasis shows no words: what comes before and after joins as if it were not there.
            Piece::Mark(m) => {
                marks.push((out.len(), *m));
                continue;
            }
        }
        gap = out.len() == before && !matches!(piece, Piece::Lit(_));
    }
    if gap {
        let trimmed = out[start..].trim_end_matches([' ', '\n']).len();
        out.truncate(start + trimmed);
        clamp(marks, out.len());
    }
}
