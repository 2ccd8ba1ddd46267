//! Diagnostics: what the loader tells an author, with `file:line:col`.
//!
//! A [`Diagnostic`] is plain data. [`Diagnostic::render`] draws it with miette (the source
//! line, a caret, a help line); its first line always reads `FILE:LINE:COL: message`, so
//! editors and scripts can jump to it.

use std::fmt;
use std::sync::Arc;

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
}

impl Excerpt {
    /// The line holding `start`, with one line of context on each side. None when that line is
    /// too long to show (a minified file would flood the screen) or the offsets are not valid.
    pub fn around(src: &str, start: usize, end: usize) -> Option<Excerpt> {
        const MAX_LINE: usize = 300;
        let start = start.min(src.len());
        let end = end.clamp(start, src.len());
        if !src.is_char_boundary(start) || !src.is_char_boundary(end) {
            return None;
        }
        let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = src[start..].find('\n').map_or(src.len(), |i| start + i);
        if line_end - line_start > MAX_LINE {
            return None;
        }
        let from = src[..line_start.saturating_sub(1)]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let to = src[line_end..]
            .get(1..)
            .and_then(|rest| rest.find('\n'))
            .map_or(src.len(), |i| line_end + 1 + i);
        let to = to.max(line_end);
        Some(Excerpt {
            text: src[from..to].to_owned(),
            offset: from,
            first_line: src[..from].bytes().filter(|&b| b == b'\n').count(),
            mark: (start, end.min(line_end).max(start)),
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
        Ok(Box::new(miette::MietteSpanContents::new(
            data,
            span,
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count(),
        )))
    }
}

impl Diagnostic {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    fn snippet_span(&self) -> Option<(usize, usize)> {
        self.source.as_ref().map(|e| e.mark)
    }

    /// The one-line form: `file:line:col: error: message`.
    pub fn headline(&self) -> String {
        format!(
            "{}:{}:{}: {}: {}",
            self.file, self.line, self.col, self.severity, self.message
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
        self.0.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.0.snippet_span()?;
        self.0.source.as_ref().map(|src| src as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let (start, end) = self.0.snippet_span()?;
        let len = end.saturating_sub(start).max(1);
        let label = miette::LabeledSpan::new(self.0.label.clone(), start, len);
        Some(Box::new(std::iter::once(label)))
    }
}
