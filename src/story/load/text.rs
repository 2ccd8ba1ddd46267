//! Text: paragraphs, `{name}` interpolation, whitespace folded.

use super::*;

impl Builder<'_, '_, '_> {
    pub(super) fn text(&mut self, raw: &RawText, file: usize, p: &[Seg]) -> Text {
        let mut paras = Vec::with_capacity(raw.0.len());
        let single = raw.0.len() == 1 && matches!(raw.0[0], RawPart::Text(_));
        for (k, part) in raw.0.iter().enumerate() {
            // A plain string has no list around it, so its path is the field itself.
            let pp = if single {
                Path::from(p)
            } else {
                with(p, Seg::Index(k))
            };
            match part {
                RawPart::Text(s) => {
                    for line in self.paragraphs(s, file, &pp) {
                        paras.push(Para::Always(line));
                    }
                }
                RawPart::If(c, s) => {
                    let cond = self.cond(c, file, &with(&pp, Seg::Index(0)));
                    let line = self.line(s, file, &with(&pp, Seg::Index(1)));
                    paras.push(Para::If(cond, line, None));
                }
                RawPart::IfElse(c, a, b) => {
                    let cond = self.cond(c, file, &with(&pp, Seg::Index(0)));
                    let a = self.line(a, file, &with(&pp, Seg::Index(1)));
                    let b = self.line(b, file, &with(&pp, Seg::Index(2)));
                    paras.push(Para::If(cond, a, Some(b)));
                }
            }
        }
        Text(paras)
    }

    /// Splits a string on blank lines into paragraphs, each folded and interpolated.
    pub(super) fn paragraphs(&mut self, s: &str, file: usize, p: &[Seg]) -> Vec<Line> {
        // The common case, one line of text: no copy before `line`.
        if memchr::memchr(b'\n', s.as_bytes()).is_none() {
            return if s.trim().is_empty() {
                Vec::new()
            } else {
                vec![self.line(s, file, p)]
            };
        }
        let mut out = Vec::new();
        let mut current = String::new();
        for line in s.split('\n') {
            if line.trim().is_empty() {
                if !current.is_empty() {
                    out.push(self.line(&current, file, p));
                    current.clear();
                }
            } else {
                if !current.is_empty() {
                    current.push(' ');
                }
                current.push_str(line);
            }
        }
        if !current.is_empty() {
            out.push(self.line(&current, file, p));
        }
        out
    }

    /// One paragraph: whitespace folded, `{var}` resolved.
    pub(super) fn line(&mut self, s: &str, file: usize, p: &[Seg]) -> Line {
        let folded = fold_whitespace(s);
        // The common case, no braces: the folded text is the line.
        if memchr::memchr2(b'{', b'}', folded.as_bytes()).is_none() {
            return Line(if folded.is_empty() {
                SmallVec::new()
            } else {
                smallvec::smallvec![Piece::Lit(folded)]
            });
        }
        let mut pieces = SmallVec::new();
        let mut lit = String::new();
        let mut chars = folded.char_indices().peekable();
        while let Some((_, c)) = chars.next() {
            match c {
                '{' if chars.peek().map(|&(_, c)| c) == Some('{') => {
                    chars.next();
                    lit.push('{');
                }
                '}' if chars.peek().map(|&(_, c)| c) == Some('}') => {
                    chars.next();
                    lit.push('}');
                }
                '{' => {
                    let mut name = String::new();
                    let mut closed = false;
                    for (_, c) in chars.by_ref() {
                        if c == '}' {
                            closed = true;
                            break;
                        }
                        name.push(c);
                    }
                    if !closed {
                        self.cx.narrow = Some(format!("{{{name}"));
                        self.cx.error(file, p, format!("`{{{name}` is not closed: write `{{name}}` to show a variable, or `{{{{` for a brace"));
                        self.cx.narrow = None;
                        continue;
                    }
                    self.cx.narrow = Some(format!("{{{name}}}"));
                    let name = name.trim();
                    let id = self.var_ref(name, file, p, None);
                    self.cx.narrow = None;
                    if let Some(id) = id {
                        if !lit.is_empty() {
                            pieces.push(Piece::Lit(std::mem::take(&mut lit)));
                        }
                        pieces.push(Piece::Var(id));
                    }
                }
                '}' => {
                    self.cx
                        .error(file, p, "a lone `}` in text: write `}}` for a brace".into());
                }
                c => lit.push(c),
            }
        }
        if !lit.is_empty() {
            pieces.push(Piece::Lit(lit));
        }
        Line(pieces)
    }
}

/// Trims and folds every run of whitespace into one space, in one pass.
pub(super) fn fold_whitespace(s: &str) -> String {
    // Fast path: already folded (plain ASCII, single spaces inside, none at the ends).
    let b = s.as_bytes();
    let folded = !s.starts_with(' ')
        && !s.ends_with(' ')
        && !flags_any(b, |c| !(b' '..0x80).contains(&c))
        && memchr::memmem::find(b, b"  ").is_none();
    if folded {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Whether `flag` holds for any byte: a branch-free scan the compiler vectorizes, for the
/// long texts of big stories (an early-exit `any` cannot be vectorized).
pub(super) fn flags_any(bytes: &[u8], flag: impl Fn(u8) -> bool) -> bool {
    bytes
        .chunks(256)
        .any(|chunk| chunk.iter().fold(false, |acc, &c| acc | flag(c)))
}
