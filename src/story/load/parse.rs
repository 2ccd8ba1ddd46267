//! Reading the files: each file's text, parsing it (the fast reader, else `ron`, whose errors
//! are put in an author's words), and turning paths into `file:line:col` diagnostics.

use super::*;

#[derive(Default)]
/// The files being loaded and the diagnostics so far. The text is borrowed from the caller's
/// bytes; a diagnostic keeps only the lines it shows.
pub(super) struct Cx<'a> {
    pub(super) files: Vec<FileText<'a>>,
    pub(super) diags: Vec<Diagnostic>,
    /// While set, a diagnostic inside a value points at this text within it when found.
    pub(super) narrow: Option<String>,
    /// Where the last narrowed diagnostic was found: (its value's start, its start, its end),
    /// byte offsets in the file. A value's diagnostics come in the order of its text, so the
    /// next is looked for from there: the search stays linear in the value (many diagnostics
    /// in one long string cost one pass, not one pass each), and a text written twice in the
    /// value is found at the copy that was read.
    pub(super) narrowed: Option<(usize, usize, usize)>,
}

pub(super) struct FileText<'a> {
    pub(super) name: Arc<str>,
    pub(super) text: std::borrow::Cow<'a, str>,

    /// Whether RON accepted the file (only then is its span tree meaningful).
    pub(super) parsed: bool,
    /// Built on the first diagnostic that needs it: a story without problems never pays for it.
    pub(super) tree: std::cell::OnceCell<SpanIndex>,
    /// Too big or not UTF-8: reported once, not parsed.
    pub(super) skip: bool,
    /// Where the fast reader found the file too deep for it, when `ron` then read it: `check`
    /// warns there, since such a file loads several times slower.
    pub(super) too_deep: Option<usize>,
    /// Where lines start, built on the first diagnostic.
    pub(super) lines: std::cell::OnceCell<LineIndex>,
}

impl FileText<'_> {
    /// 1-based line and column (in characters) of a byte offset, by the editor's rule (see
    /// [`super::lex`]), in O(log lines).
    pub(super) fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines
            .get_or_init(|| LineIndex::new(&self.text))
            .line_col(&self.text, offset)
    }

    pub(super) fn tree(&self) -> Option<&SpanIndex> {
        self.parsed
            .then(|| self.tree.get_or_init(|| SpanIndex::new(&self.text)))
    }
}

impl<'a> Cx<'a> {
    pub(super) fn add_file(&mut self, f: &'a SourceFile) {
        let name: Arc<str> = Arc::from(f.name.as_str());
        let too_big = f.bytes.len() > limits::FILE_BYTES;
        // A UTF-8 byte-order mark (as some editors write) is not part of the text.
        let bytes = f.bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&f.bytes);
        let (text, unreadable) = match std::str::from_utf8(bytes) {
            Ok(t) => (std::borrow::Cow::Borrowed(t), false),
            Err(e) => {
                let good = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or("");
                let (line, col) = line_col(good, good.len());
                self.diags.push(Diagnostic {
                    severity: Severity::Error,
                    file: name.clone(),
                    line,
                    col,
                    message: "the file is not valid UTF-8 text".into(),
                    label: None,
                    help: Some("save the file as UTF-8".into()),
                    span: None,
                    source: None,
                });
                // Kept (lossily) only so that the scene ids it declares are known.
                (String::from_utf8_lossy(bytes), true)
            }
        };
        let idx = self.files.len();
        self.files.push(FileText {
            name,
            text,
            parsed: false,
            tree: std::cell::OnceCell::new(),
            skip: too_big || unreadable,
            too_deep: None,
            lines: std::cell::OnceCell::new(),
        });
        if too_big {
            self.error_file(
                idx,
                format!(
                    "the file is larger than the limit of {} bytes (4 MiB)",
                    limits::FILE_BYTES
                ),
            );
        }
    }

    /// Reads a file as a `T`, which borrows its strings from the file's text.
    pub(super) fn parse<T: serde::Deserialize<'a>>(&mut self, file: usize) -> Option<T> {
        let f = &self.files[file];
        // Only a file that is not UTF-8 has an owned (lossy) text, and it is skipped.
        let text: &'a str = match &f.text {
            std::borrow::Cow::Borrowed(text) if !f.skip => text,
            _ => return None,
        };
        // Plain files are read by the fast reader; `ron` reads the rest and reports every error.
        let declined = match crate::story::fast::read_or_why::<T>(text) {
            Ok(v) => {
                self.files[file].parsed = true;
                return Some(v);
            }
            Err(why) => why,
        };
        match ron_options().from_str::<T>(text) {
            Ok(v) => {
                self.files[file].parsed = true;
                if let crate::story::fast::Declined::TooDeep { offset } = declined {
                    self.files[file].too_deep = Some(offset);
                }
                Some(v)
            }
            Err(e) => {
                let mut start = ron_offset(text, e.span.start.line, e.span.start.col);
                let mut end = ron_offset(text, e.span.end.line, e.span.end.col).max(start);
                let (mut message, mut help) = ron_message(&e.code);
                let manifest = base_name(&f.name) == MANIFEST;
                if let Some(t) =
                    crate::story::syntax::translate(&f.name, text, manifest, &e.code, start, &message)
                {
                    (start, end, message, help) = (t.start, t.end, t.message, Some(t.help));
                } else if matches!(e.code, ron::Error::ExpectedComma) {
                    // A missing comma is noticed at the next value, often on the next line: point
                    // just after the value that wants the comma instead.
                    let after = previous_token_end(text, start);
                    if text[after..start].contains('\n') {
                        start = after;
                        end = after;
                    }
                }
                // RON's position, clamped into the file.
                let (line, col) = f.line_col(start);
                let span = Some((start, end.max(start + 1).min(text.len().max(start))));
                let source = Excerpt::around(text, start, end.max(start + 1), line);
                self.diags.push(Diagnostic {
                    severity: Severity::Error,
                    file: self.files[file].name.clone(),
                    line,
                    col,
                    message,
                    label: None,
                    help,
                    span,
                    source,
                });
                None
            }
        }
    }

    pub(super) fn at<'s>(
        &mut self,
        severity: Severity,
        file: usize,
        path: &(impl Site<'s> + ?Sized),
        message: String,
        label: Option<String>,
        help: Option<String>,
    ) {
        let path = &path.segs()[..];
        let f = &self.files[file];
        let mut span = f.tree().map(|t| t.find(&f.text, path)).unwrap_or_default();
        // Inside a string, point at the culprit (a `{name}`) rather than the string's start.
        // The culprit was read folded (a line break and its indent read as one space), so it
        // is found in the source with any run of whitespace standing for any other.
        if let Some(needle) = self.narrow.as_deref() {
            // After the last one found in this value; else the same text again; else anywhere.
            let froms = match self.narrowed {
                Some((value, start, end)) if value == span.start => [end, start, span.start],
                _ => [span.start; 3],
            };
            let found = froms.iter().find_map(|&from| {
                let (i, j) = find_folded(f.text.get(from..span.end)?, needle)?;
                Some((from + i, from + j))
            });
            if let Some((start, end)) = found {
                self.narrowed = Some((span.start, start, end));
                span = crate::story::span::Span { start, end };
            }
        }
        self.push(severity, file, (span.start, span.end), message, label, help);
    }

    /// A diagnostic underlining `start..end` of a file (byte offsets), with its excerpt.
    fn push(
        &mut self,
        severity: Severity,
        file: usize,
        (start, end): (usize, usize),
        message: String,
        label: Option<String>,
        help: Option<String>,
    ) {
        let f = &self.files[file];
        let (line, col) = f.line_col(start);
        self.diags.push(Diagnostic {
            severity,
            file: f.name.clone(),
            line,
            col,
            message,
            label,
            help,
            span: Some((start, end)),
            source: Excerpt::around(&f.text, start, end, line),
        });
    }

    /// A warning at a byte offset of a file: the token that starts there (after any
    /// whitespace) is underlined.
    pub(super) fn warn_at_offset(&mut self, file: usize, offset: usize, message: String, help: String) {
        let text = &self.files[file].text;
        let rest = text.get(offset..).unwrap_or("");
        let start = offset + (rest.len() - rest.trim_start().len());
        let word = text[start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(text.len() - start);
        let end = start + word.max(1);
        self.push(Severity::Warning, file, (start, end), message, None, Some(help));
    }

    pub(super) fn error<'s>(&mut self, file: usize, path: &(impl Site<'s> + ?Sized), message: String) {
        self.at(Severity::Error, file, path, message, None, None);
    }

    pub(super) fn error_file(&mut self, file: usize, message: String) {
        let name = self
            .files
            .get(file)
            .map_or_else(|| Arc::from(MANIFEST), |f| f.name.clone());
        self.diags
            .push(Diagnostic::of_file(Severity::Error, name, message));
    }

    pub(super) fn position<'s>(&self, file: usize, path: &(impl Site<'s> + ?Sized)) -> String {
        let path = &path.segs()[..];
        let f = &self.files[file];
        let span = f.tree().map(|t| t.find(&f.text, path)).unwrap_or_default();
        let (line, col) = f.line_col(span.start);
        format!("{}:{line}:{col}", f.name)
    }

    pub(super) fn finish(mut self, story: Option<Story>) -> Loaded {
        let order: HashMap<Arc<str>, usize> = self
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name.clone(), i))
            .collect();
        self.diags
            .sort_by_key(|d| (order.get(&d.file).copied().unwrap_or(0), d.line, d.col));
        Loaded {
            story,
            diagnostics: self.diags,
        }
    }
}

/// RON's error, in an author's words.
/// How story files are read with `ron`: `Some` may be left out, and nesting is limited.
pub fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(limits::DEPTH)
}

pub(super) fn ron_message(code: &ron::Error) -> (String, Option<String>) {
    use ron::Error as E;
    match code {
        E::ExceededRecursionLimit => (
            format!("the file nests values more than {} levels deep", limits::DEPTH),
            Some("flatten the conditions or lists here".into()),
        ),
        E::NoSuchStructField {
            expected,
            found,
            outer,
        } => {
            let list = expected.join("`, `");
            let wher = outer.as_deref().map(|o| format!(" in `{o}`")).unwrap_or_default();
            let help = match closest(found, expected.iter().copied()) {
                Some(near) => format!("did you mean `{near}`? The fields allowed here are `{list}`"),
                None => format!("the fields allowed here are `{list}`"),
            };
            (format!("unknown field `{found}`{wher}"), Some(help))
        }
        E::MissingStructField { field, outer } => {
            let wher = outer.as_deref().map(|o| format!(" `{o}`")).unwrap_or_default();
            (format!("missing field `{field}` in{wher}"), None)
        }
        E::DuplicateStructField { field, outer } => {
            let wher = outer.as_deref().map(|o| format!(" in `{o}`")).unwrap_or_default();
            (format!("the field `{field}` is given twice{wher}"), None)
        }
        E::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => {
            let list = expected.join("`, `");
            let wher = outer
                .as_deref()
                .map(|o| format!(" for `{o}`"))
                .unwrap_or_default();
            let help = match closest(found, expected.iter().copied()) {
                Some(near) => format!("did you mean `{near}`? Expected one of `{list}`"),
                None => format!("expected one of `{list}`"),
            };
            (format!("unknown name `{found}`{wher}"), Some(help))
        }
        other => {
            let mut msg = without_raw_names(&other.to_string());
            if let Some(first) = msg.get(..1) {
                msg = first.to_lowercase() + &msg[1..];
            }
            (msg.trim_end_matches('.').to_string(), None)
        }
    }
}

/// RON names the serde types in some messages (`tuple variant RawEffect::Add`): the author
/// wrote `Add`, so the `RawEffect::` is dropped.
pub(super) fn without_raw_names(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg;
    while let Some(at) = rest.find("Raw") {
        let name_end = rest[at + 3..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(rest.len(), |i| at + 3 + i);
        out.push_str(&rest[..at]);
        if rest[name_end..].starts_with("::") {
            rest = &rest[name_end + 2..];
        } else {
            out.push_str(&rest[at..name_end]);
            rest = &rest[name_end..];
        }
    }
    out.push_str(rest);
    out
}

/// The candidate nearest to a misspelled name, when one is near enough to be a typo.
pub(super) fn closest<'x>(name: &str, candidates: impl Iterator<Item = &'x str>) -> Option<&'x str> {
    candidates
        .map(|c| (strsim::levenshtein(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(name.len().max(c.len()) / 3) && *d < name.len().max(c.len()))
        .min()
        .map(|(_, c)| c)
}

/// Where the choice number `choice` (from 0) of the scene `scene` is written, as
/// `file:line:col`, found again in the story's files: the model keeps no positions, and a tool
/// that reports a choice (`explore`) asks here. `None` when no scene file has that scene.
pub fn choice_position(files: &[SourceFile], scene: &str, choice: usize) -> Option<String> {
    let quoted = format!("\"{scene}\"");
    for f in files.iter().filter(|f| base_name(&f.name) != MANIFEST) {
        let Ok(text) = std::str::from_utf8(&f.bytes) else {
            continue;
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let tree = SpanTree::parse(text);
        let whole = tree.find(&[]);
        for i in 0.. {
            let item = tree.find(&[Seg::Index(i)]);
            if item == whole {
                break;
            }
            let id = tree.find(&[Seg::Index(i), Seg::Field("id")]);
            if id != item && text.get(id.start..id.end) == Some(quoted.as_str()) {
                let at = tree.find(&[Seg::Index(i), Seg::Field("choices"), Seg::Index(choice)]);
                let (line, col) = line_col(text, at.start);
                return Some(format!("{}:{line}:{col}", f.name));
            }
        }
    }
    None
}

/// Where `needle` occurs in `hay` when a run of whitespace in either matches a run in the other
/// (`"a b"` is found in `"a\n     b"`): the byte range in `hay`, first occurrence, or `None`.
/// An empty needle, or one of whitespace only, is not looked for.
fn find_folded(hay: &str, needle: &str) -> Option<(usize, usize)> {
    let needle = needle.trim();
    let first = needle.chars().next()?;
    let is_space = char::is_whitespace;
    hay.match_indices(first).find_map(|(start, _)| {
        let mut h = hay[start..].char_indices().peekable();
        let mut n = needle.chars().peekable();
        let mut end = start;
        while let Some(c) = n.next() {
            if is_space(c) {
                while n.next_if(|&c| is_space(c)).is_some() {}
                // At least one space in the hay, then all of its run.
                h.next_if(|&(_, c)| is_space(c))?;
                while h.next_if(|&(_, c)| is_space(c)).is_some() {}
            } else {
                let (i, d) = h.next()?;
                if d != c {
                    return None;
                }
                end = start + i + d.len_utf8();
            }
        }
        Some((start, end))
    })
}

#[cfg(test)]
mod tests {
    use super::find_folded;

    #[test]
    fn a_folded_needle_is_found_across_line_breaks() {
        let hay = "x {if a: one\n          two | b} y";
        assert_eq!(find_folded(hay, "{if a: one two | b}"), Some((2, hay.len() - 2)));
        assert_eq!(find_folded("ab ab  c", "ab c"), Some((3, 8)));
        assert_eq!(find_folded("abc", "abd"), None);
        assert_eq!(find_folded("a b", "ab"), None);
        assert_eq!(find_folded("anything", "  "), None);
    }
}
