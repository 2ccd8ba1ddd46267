//! Diagnostics: what the loader tells an author, with `file:line:col`.
//!
//! A [`Diagnostic`] is plain data. [`Diagnostic::render`] draws it with miette (the source
//! line, a caret, a help line); its first line always reads `FILE:LINE:COL: message`, so
//! editors and scripts can jump to it.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// Makes text safe to print on a terminal: C0 controls and DEL in caret notation (`^[`, `^?`),
/// C1 controls, the bidirectional marks, embeddings, overrides and isolates and the other
/// invisible format characters (zero-width space, word joiner, byte-order mark, line and
/// paragraph separators, tag characters, …) as `<U+XXXX>`. Zero-width joiners and non-joiners
/// stay: emoji sequences and several scripts need them. The same whether or not the output is
/// a terminal: a file or a pipe is read on a terminal later.
/// Newlines and tabs stay, and so does a `\r` right before a `\n` (a CRLF line end). File
/// names, ids and source lines shown in a diagnostic all go through it, so a hostile file
/// cannot send an escape sequence (OSC 52, OSC 8, a screen clear) to the author's terminal.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !shown_chars(s).any(|(_, _, bad)| bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for (_, c, bad) in shown_chars(s) {
        if !bad {
            out.push(c);
        } else if (c as u32) < 0x20 {
            out.push('^');
            out.push(char::from(c as u8 + 0x40));
        } else if c == '\u{7f}' {
            out.push_str("^?");
        } else {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        }
    }
    Cow::Owned(out)
}

/// The characters of `s` with their offsets, and whether [`visible`] replaces them.
fn shown_chars(s: &str) -> impl Iterator<Item = (usize, char, bool)> + '_ {
    let mut chars = s.char_indices().peekable();
    std::iter::from_fn(move || {
        let (i, c) = chars.next()?;
        let bad = match c {
            '\n' | '\t' => false,
            '\r' => chars.peek().map(|&(_, n)| n) != Some('\n'),
            c => c.is_control() || is_format(c),
        };
        Some((i, c, bad))
    })
}

/// The invisible format characters (Unicode category Cf, and the line and paragraph
/// separators) that [`visible`] shows, all but the zero-width joiner and non-joiner.
fn is_format(c: char) -> bool {
    matches!(c,
        '\u{ad}'
        | '\u{600}'..='\u{605}'
        | '\u{61c}'
        | '\u{6dd}'
        | '\u{70f}'
        | '\u{890}'..='\u{891}'
        | '\u{8e2}'
        | '\u{180e}'
        | '\u{200b}'
        | '\u{200e}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206f}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}'
        | '\u{110bd}'
        | '\u{110cd}'
        | '\u{13430}'..='\u{1343f}'
        | '\u{1bca0}'..='\u{1bca3}'
        | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0001}'
        | '\u{e0020}'..='\u{e007f}')
}

/// Where byte `at` of `s` lands in `visible(s)`.
fn visible_offset(s: &str, at: usize) -> usize {
    shown_chars(s)
        .take_while(|&(i, _, _)| i < at)
        .map(|(_, c, bad)| match (bad, c as u32) {
            (false, _) => c.len_utf8(),
            (true, 0..0x20) | (true, 0x7f) => 2,
            (true, n) => format!("<U+{n:04X}>").len(),
        })
        .sum()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file as the author named it (e.g. `scenes/02_loft.ron`).
    pub file: Arc<str>,
    pub line: usize,
    pub col: usize,
    pub message: String,
    /// A short note under the caret.
    pub label: Option<String>,
    pub help: Option<String>,
    /// The byte range the caret marks, and the lines around it, when known.
    pub span: Option<(usize, usize)>,
    pub source: Option<Excerpt>,
}

/// The lines of a file around a diagnostic: enough to draw it, without keeping the file.
#[derive(Debug, Clone)]
pub struct Excerpt {
    text: String,
    /// Byte offset of `text` in the file, and its 0-based first line.
    offset: usize,
    first_line: usize,
    /// The marked range, in file offsets, cut at the end of its first line.
    mark: (usize, usize),
    /// The 0-based column (in characters of the file, before control characters are made
    /// visible) where the mark starts, for miette's `[line:col]`.
    mark_col: usize,
}

impl Excerpt {
    /// The line holding `start` (its 1-based `line`), with one line of context on each side.
    /// None when that line is too long to show (a minified file would flood the screen) or the
    /// offsets are not valid. Every scan is bounded by the longest line shown, so a file with
    /// thousands of diagnostics on long lines costs linear time, not quadratic.
    pub fn around(src: &str, start: usize, end: usize, line: usize) -> Option<Excerpt> {
        const MAX_LINE: usize = 300;
        let start = start.min(src.len());
        let end = end.clamp(start, src.len());
        if !src.is_char_boundary(start) || !src.is_char_boundary(end) {
            return None;
        }
        let bytes = src.as_bytes();
        // Lines end at `\n`, `\r\n` or a lone `\r`, as in the headline (see `story::lex`).
        let is_eol = |b: &u8| *b == b'\n' || *b == b'\r';
        // The length of the line end that finishes just before `at` / starts at `at`.
        let eol_before = |at: usize| {
            if at >= 2 && &bytes[at - 2..at] == b"\r\n" {
                2
            } else {
                1
            }
        };
        let eol_at = |at: usize| if bytes[at..].starts_with(b"\r\n") { 2 } else { 1 };
        // Where the line holding `at` starts / ends, if within MAX_LINE bytes of `at`.
        let back = |at: usize| {
            let low = at.saturating_sub(MAX_LINE + 1);
            match bytes[low..at].iter().rposition(is_eol) {
                Some(i) => Some(low + i + 1),
                None => (low == 0).then_some(0),
            }
        };
        let forward = |at: usize| {
            let high = (at + MAX_LINE + 1).min(bytes.len());
            match bytes[at..high].iter().position(is_eol) {
                Some(i) => Some(at + i),
                None => (high == bytes.len()).then_some(high),
            }
        };
        let line_start = back(start)?;
        let line_end = forward(start)?;
        if line_end - line_start > MAX_LINE {
            return None;
        }
        // The lines before and after, unless they are too long to show.
        let from = match line_start {
            0 => 0,
            _ => back(line_start - eol_before(line_start)).unwrap_or(line_start),
        };
        let to = match line_end < bytes.len() {
            true => forward(line_end + eol_at(line_end)).unwrap_or(line_end),
            false => line_end,
        };
        // The lines are shown made visible; the mark moves with the text it marks. A lone `\r`
        // becomes a `\n` (one byte for one), so miette breaks the lines where the headline does.
        let raw = &src[from..to];
        let raw: Cow<'_, str> = match raw.contains('\r') {
            false => Cow::Borrowed(raw),
            true => {
                let mut b = raw.as_bytes().to_vec();
                for i in 0..b.len() {
                    if b[i] == b'\r' && b.get(i + 1) != Some(&b'\n') {
                        b[i] = b'\n';
                    }
                }
                Cow::Owned(String::from_utf8(b).unwrap_or_else(|_| raw.to_owned()))
            }
        };
        let moved = |at: usize| from + visible_offset(&raw, at - from);
        Some(Excerpt {
            text: visible(&raw).into_owned(),
            offset: from,
            first_line: line.saturating_sub(1) - usize::from(from < line_start),
            mark: (moved(start), moved(end.min(line_end).max(start))),
            mark_col: src[line_start..start].chars().count(),
        })
    }
}

impl miette::SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let local = miette::SourceSpan::new(span.offset().saturating_sub(self.offset).into(), span.len());
        let inner = self.text.as_str().read_span(&local, before, after)?;
        let data: &'a [u8] = inner.data();
        let span = miette::SourceSpan::new((inner.span().offset() + self.offset).into(), inner.span().len());
        // The mark's own column is the file's, as in the headline: `^[` is two columns on
        // screen but one character in the file.
        let column = match (span.offset() == self.mark.0, before, after) {
            (true, 0, 0) => self.mark_col,
            _ => inner.column(),
        };
        Ok(Box::new(miette::MietteSpanContents::new(
            data,
            span,
            inner.line() + self.first_line,
            column,
            inner.line_count(),
        )))
    }
}

impl Diagnostic {
    /// A diagnostic about a whole file (it cannot be read, it is skipped, ...): at `1:1`, with
    /// no excerpt.
    pub fn of_file(severity: Severity, file: Arc<str>, message: String) -> Diagnostic {
        Diagnostic {
            severity,
            file,
            line: 1,
            col: 1,
            message,
            label: None,
            help: None,
            span: None,
            source: None,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The marked range, when there are source lines to show it in (an empty file has none).
    fn snippet_span(&self) -> Option<(usize, usize)> {
        self.source
            .as_ref()
            .filter(|e| !e.text.trim().is_empty())
            .map(|e| e.mark)
    }

    /// The one-line form: `file:line:col: error: message`.
    pub fn headline(&self) -> String {
        format!(
            "{}:{}:{}: {}: {}",
            visible(&self.file),
            self.line,
            self.col,
            self.severity,
            visible(&self.message)
        )
    }

    /// The full form: the headline, then (when the file is known) the source lines with a
    /// caret under the culprit, and a help line.
    pub fn render(&self, color: bool) -> String {
        let theme = if color {
            miette::GraphicalTheme::unicode()
        } else {
            miette::GraphicalTheme::unicode_nocolor()
        };
        let handler = miette::GraphicalReportHandler::new_themed(theme)
            .with_width(100)
            .with_context_lines(1);
        let mut body = String::new();
        let mut out = self.headline();
        if handler.render_report(&mut body, &MietteView(self)).is_ok() {
            // miette's first line is its own (empty) headline: ours replaces it.
            for line in body.lines().skip(1) {
                if line.trim().is_empty() {
                    continue;
                }
                out.push('\n');
                out.push_str(line);
            }
        }
        out
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline())
    }
}

/// The adapter miette draws.
struct MietteView<'a>(&'a Diagnostic);

impl fmt::Debug for MietteView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}

impl fmt::Display for MietteView<'_> {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ok(())
    }
}

impl std::error::Error for MietteView<'_> {}

impl miette::Diagnostic for MietteView<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.0.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.0
            .help
            .as_ref()
            .map(|h| Box::new(visible(h)) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.0.snippet_span()?;
        self.0.source.as_ref().map(|src| src as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let (start, end) = self.0.snippet_span()?;
        let len = end.saturating_sub(start).max(1);
        let text = self.0.label.as_deref().map(|l| visible(l).into_owned());
        let label = miette::LabeledSpan::new(text, start, len);
        Some(Box::new(std::iter::once(label)))
    }
}

#[cfg(test)]
mod visible_tests {
    use super::visible;

    #[test]
    fn every_control_and_format_character_is_shown() {
        assert_eq!(visible("a\u{1b}[2Jb\u{7f}"), "a^[[2Jb^?");
        assert_eq!(visible("\u{9b}31m\u{85}"), "<U+009B>31m<U+0085>");
        assert_eq!(
            visible("\u{202e}\u{2066}\u{200e}\u{200b}\u{2060}\u{feff}\u{2028}\u{e0041}\u{ad}"),
            "<U+202E><U+2066><U+200E><U+200B><U+2060><U+FEFF><U+2028><U+E0041><U+00AD>"
        );
        assert_eq!(visible("a\r\nb\tc\rd"), "a\r\nb\tc^Md");
    }

    #[test]
    fn text_that_needs_nothing_is_borrowed() {
        for s in [
            "plain",
            "caf\u{e9} \u{201c}quoted\u{201d}",
            "\u{1f468}\u{200d}\u{1f469}",
            "\u{645}\u{200c}\u{6cc}",
        ] {
            assert!(matches!(visible(s), std::borrow::Cow::Borrowed(_)), "{s:?}");
        }
    }
}
