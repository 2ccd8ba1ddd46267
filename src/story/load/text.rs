//! Text: paragraphs, `{name}` interpolation, whitespace folded.

use super::*;

impl Builder<'_, '_, '_> {
    pub(super) fn text(&mut self, raw: &RawText, file: usize, p: &Path<'_, '_>) -> Text {
        let mut paras = Vec::with_capacity(raw.0.len());
        let single = raw.0.len() == 1 && raw.0[0].is_plain();
        for (k, part) in raw.0.iter().enumerate() {
            // A plain string has no list around it, so its path is the field itself.
            let pp = if single { *p } else { with(p, Seg::Index(k)) };
            match part {
                RawPart::Text(s) => {
                    for line in self.paragraphs(s, file, &pp) {
                        paras.push(Para::Always(line));
                    }
                }
                // A blank line in a conditional part starts a new paragraph too, as in a plain
                // string: one `Para::If` per paragraph, each with the same condition (conditions
                // are pure reads of the state, so every paragraph of a part agrees).
                RawPart::If(c, s) => {
                    let cond = self.cond(c, file, &with(&pp, Seg::Index(0)));
                    let yes = self.part_paragraphs(s, file, &with(&pp, Seg::Index(1)));
                    for line in yes {
                        paras.push(Para::If(cond.clone(), line, None));
                    }
                }
                RawPart::IfElse(c, a, b) => {
                    let cond = self.cond(c, file, &with(&pp, Seg::Index(0)));
                    let mut a = self
                        .part_paragraphs(a, file, &with(&pp, Seg::Index(1)))
                        .into_iter();
                    let mut b = self
                        .part_paragraphs(b, file, &with(&pp, Seg::Index(2)))
                        .into_iter();
                    loop {
                        match (a.next(), b.next()) {
                            (None, None) => break,
                            (Some(yes), no) => paras.push(Para::If(cond.clone(), yes, no)),
                            // The other side is shorter: an empty line shows nothing.
                            (None, Some(no)) => paras.push(Para::If(cond.clone(), Line::default(), Some(no))),
                        }
                    }
                }
            }
        }
        Text(paras)
    }

    /// The paragraphs of one side of a conditional part: at least one line (an empty string
    /// is one empty line, shown as nothing), so the part keeps its place.
    fn part_paragraphs(&mut self, s: &str, file: usize, p: &Path<'_, '_>) -> Vec<Line> {
        let mut lines = self.paragraphs(s, file, p);
        if lines.is_empty() {
            lines.push(Line::default());
        }
        lines
    }

    /// Splits a string on blank lines into paragraphs, each folded and interpolated. A `{…}`
    /// closes in the paragraph it opens in: a blank line inside one is an error (named at the
    /// opening), and is then read as a space so the rest of the string is checked as written.
    pub(super) fn paragraphs(&mut self, s: &str, file: usize, p: &Path<'_, '_>) -> Vec<Line> {
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
        // How deep in `{…}` the text so far is, and the opening of the outermost one.
        let mut depth = 0usize;
        let mut opening = String::new();
        for line in s.split('\n') {
            if line.trim().is_empty() && depth > 0 {
                if !opening.is_empty() {
                    self.cx.narrow = Some(opening.clone());
                    self.cx.error(file, p, format!("`{}` runs past a blank line: a `{{…}}` closes in the paragraph it opens in; close it before the blank line, or write one `{{…}}` for each paragraph", opening.trim_end()));
                    opening.clear();
                }
                continue;
            }
            braces(line, &mut depth, &mut opening);
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
    pub(super) fn line(&mut self, s: &str, file: usize, p: &Path<'_, '_>) -> Line {
        let folded = fold_whitespace(s);
        // The common case, no braces and no asterisk: the folded text is the line.
        if memchr::memchr3(b'{', b'}', b'*', folded.as_bytes()).is_none() {
            return Line(if folded.is_empty() {
                SmallVec::new()
            } else {
                smallvec::smallvec![Piece::Lit(folded)]
            });
        }
        let mut pieces = SmallVec::new();
        let mut lit = String::new();
        // Emphasis opened and not yet closed: (its piece, its run of `*`, its byte in `folded`).
        let mut opens: Vec<(usize, usize, usize)> = Vec::new();
        let mut chars = folded.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            match c {
                '*' => {
                    let mut run = 1;
                    while chars.next_if(|&(_, c)| c == '*').is_some() {
                        run += 1;
                    }
                    self.asterisks(&folded, at, run, &mut opens, &mut lit, &mut pieces);
                }
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
                    // Braces inside are an error, reported whole (not as a lone `}` after).
                    let mut depth = 0usize;
                    for (_, c) in chars.by_ref() {
                        match c {
                            '}' if depth == 0 => {
                                closed = true;
                                break;
                            }
                            '}' => depth -= 1,
                            '{' => depth += 1,
                            _ => {}
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
                    let piece = match name.split_once(':') {
                        _ if name.contains('{') => {
                            // Point at the braces nested inside, not the outer ones.
                            let inner = &name[name.find('{').unwrap_or(0)..];
                            self.cx.narrow = Some(inner.to_owned());
                            self.cx.error(
                                file,
                                p,
                                "braces cannot nest inside `{if ..}` or `{seq: ..}`: write `{{` for a brace"
                                    .into(),
                            );
                            None
                        }
                        Some((head, body)) => self.construct(head, body, file, p),
                        None => match self.presentation(&name) {
                            Some(Ok(mark)) => Some(Piece::Mark(mark)),
                            Some(Err(c)) => {
                                lit.push(c);
                                None
                            }
                            None => self.var_ref(name.trim(), file, p, None).map(Piece::Var),
                        },
                    };
                    if let Some(piece) = &piece {
                        let after = chars.peek().map_or("", |&(i, _)| &folded[i..]);
                        // Straight after another construct, that one's texts are what comes before.
                        let joined = match pieces.last() {
                            Some(prev) if lit.is_empty() => glued_pair(prev, piece),
                            _ => None,
                        };
                        if let Some((message, help)) = joined.or_else(|| glued(&lit, piece, after)) {
                            let label = Some("alternatives are trimmed at both ends".into());
                            self.cx.at(Severity::Warning, file, p, message, label, Some(help));
                        }
                    }
                    self.cx.narrow = None;
                    if let Some(piece) = piece {
                        if !lit.is_empty() {
                            pieces.push(Piece::Lit(std::mem::take(&mut lit)));
                        }
                        pieces.push(piece);
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
        if !opens.is_empty() {
            self.unclosed(&folded, &opens, &mut pieces, file, p);
        }
        Line(pieces)
    }
}

/// Two words a construct's text would run together, as they would show, with the fix, or
/// `None`: a text shown in braces is trimmed, so `scotch.{if a: For | ..}` shows `scotch.For`,
/// `back{if a: . Then | and}` shows `backand`, `{if a: Sorry. | }For` shows `Sorry.For` and
/// `{if a: the phone | }and` shows `phoneand` (a text of one word may be a prefix: `{if a: un}tie`).
/// The space belongs outside the braces (the renderer takes it away again before a comma, a
/// stop or a closing quote or bracket, and after an opening quote when the braces show
/// nothing). A suffix (`cup{if many: s}`) is left alone. `before` and `after` are the text either side of the braces.
fn glued(before: &str, piece: &Piece, after: &str) -> Option<(String, String)> {
    let items = shown_texts(piece);
    if items.is_empty() {
        return None;
    }
    let starts_word = |t: &str| t.starts_with(|c: char| c.is_alphanumeric() || c == '“');
    let first_word = |t: &str| t.split(' ').next().unwrap_or("").to_owned();
    let last_word = |t: &str| t.rsplit(' ').next().unwrap_or("").to_owned();
    let last = before.chars().next_back();
    let word = items.iter().find(|t| starts_word(t));
    let left = match (last, word) {
        // A sentence's stop straight before a word: `scotch.For`.
        (Some(c), Some(w)) if is_stop(c) => Some(w),
        // A word before, and the texts disagree: one opens with a stop (or a closing quote or
        // bracket), another with a word.
        (Some(c), Some(w)) if c.is_alphanumeric() && items.iter().any(|t| t.starts_with(leans_left)) => {
            Some(w)
        }
        _ => None,
    };
    let (shown, side) = if let Some(w) = left {
        (last_word(before) + &first_word(w), "before")
    } else {
        // A stop straight before a word (`Sorry.For`), or a text of several words straight
        // before one (`the phone | }and` shows `phoneand`; a one-word text may be a prefix).
        let ends_words = |t: &str| t.contains(' ') && t.ends_with(char::is_alphanumeric);
        let glues = |t: &&&str| {
            (t.ends_with(is_stop) && starts_word(after))
                || (ends_words(t) && after.starts_with(char::is_alphanumeric))
        };
        match items.iter().find(glues) {
            Some(t) => (last_word(t) + &first_word(after), "after"),
            None => return None,
        }
    };
    Some((
        format!("`{shown}` shows without a space: the text in braces is trimmed"),
        format!("put the space {side} the braces, outside them"),
    ))
}

/// Two constructs side by side whose texts would run together when both show, as
/// [`glued`] words it, or `None`: `{if a: Sorry. | }{if b: “Go.” | }` shows `Sorry.“Go.”`,
/// `{if a: the phone | }{if b: and the rest | }` shows `phoneand`. A one-word text may be a
/// prefix (`{if a: Mc | Mac}{if b: Donald | Dougal}`) and is left alone.
fn glued_pair(prev: &Piece, next: &Piece) -> Option<(String, String)> {
    let word = shown_texts(next)
        .into_iter()
        .find(|t| t.starts_with(|c: char| c.is_alphanumeric() || c == '“'))?;
    let glue = shown_texts(prev)
        .into_iter()
        .find(|t| match t.chars().next_back() {
            Some(c) if is_stop(c) || c == '”' => true,
            Some(c) if c.is_alphanumeric() => t.contains(' ') && word.starts_with(char::is_alphanumeric),
            _ => false,
        })?;
    let last = glue.rsplit(' ').next().unwrap_or("");
    let first = word.split(' ').next().unwrap_or("");
    Some((
        format!("`{last}{first}` shows without a space: the texts in braces are trimmed"),
        "put a space between the two braces".into(),
    ))
}

/// The texts a construct may show (`{if ..}`: both; an alternative: each), none for the rest.
fn shown_texts(piece: &Piece) -> Vec<&str> {
    match piece {
        Piece::If(_, yes, no) => vec![yes, no],
        Piece::Alt { items, .. } => items.iter().map(String::as_str).collect(),
        Piece::Lit(_) | Piece::Var(_) | Piece::Mark(_) => Vec::new(),
    }
}

impl Builder<'_, '_, '_> {
    /// `{HEAD: BODY}` in a text: `{if name: yes | no}` (`if not name` too), or an alternative
    /// `{seq: a | b}`, `{cycle: ..}`, `{once: ..}`, `{shuffle: ..}`. Errors point at the braces
    /// (the caller narrows the position to them).
    fn construct(&mut self, head: &str, body: &str, file: usize, p: &Path<'_, '_>) -> Option<Piece> {
        let items: Vec<String> = body.split('|').map(|i| i.trim().to_owned()).collect();
        if body.contains('*') {
            self.cx.at(
                Severity::Warning,
                file,
                p,
                "emphasis cannot begin or end inside `{..}`: its `*` is shown as it is".into(),
                Some("`*` inside braces".into()),
                Some("put the emphasis around the whole braces: `*{if name: a | b}*`".into()),
            );
        }
        let mut words = head.split_whitespace();
        let kind = match words.next().unwrap_or("") {
            "if" => {
                let (negate, name) = match (words.next(), words.next(), words.next()) {
                    (Some("not"), Some(name), None) => (true, name),
                    (Some(name), None, None) => (false, name),
                    _ => {
                        self.cx.error(
                            file,
                            p,
                            format!(
                                "`{{{}:` needs one name: write `{{if name: shown | otherwise}}`",
                                head.trim()
                            ),
                        );
                        return None;
                    }
                };
                if items.len() > 2 {
                    self.cx.error(
                        file,
                        p,
                        "`{if ..}` takes two texts at most: `{if name: shown | otherwise}`".into(),
                    );
                    return None;
                }
                let cond = self.inline_condition(name, file, p)?;
                let cond = if negate {
                    Condition::Not(Box::new(cond))
                } else {
                    cond
                };
                let mut items = items.into_iter();
                let yes = items.next().unwrap_or_default();
                let no = items.next().unwrap_or_default();
                return Some(Piece::If(Box::new(cond), yes, no));
            }
            "seq" => AltKind::Seq,
            "cycle" => AltKind::Cycle,
            "once" => AltKind::Once,
            "shuffle" => AltKind::Shuffle,
            other => {
                self.cx.at(
                    Severity::Error,
                    file,
                    p,
                    format!("`{{{other}:` is not a text construct"),
                    Some("unknown construct".into()),
                    Some(
                        "use `{if name: ..}`, `{seq: ..}`, `{cycle: ..}`, `{once: ..}` or `{shuffle: ..}`"
                            .into(),
                    ),
                );
                return None;
            }
        };
        if words.next().is_some() {
            self.cx.error(
                file,
                p,
                format!(
                    "`{}:` takes no name: write `{{{}: a | b}}`",
                    head.trim(),
                    head.split_whitespace().next().unwrap_or("")
                ),
            );
            return None;
        }
        let Some((scene, n)) = self.alt_scene.as_mut() else {
            self.cx.error(
                file,
                p,
                "the notebook cannot vary with how often it was shown: use `{if name: ..}`".into(),
            );
            return None;
        };
        let key = format!("{scene}#{n}");
        *n += 1;
        let slot = self.text_slots.len() as u32;
        self.text_slots.push(key);
        self.alts_here.push((slot, kind, items.len() as u32));
        Some(Piece::Alt {
            kind,
            slot,
            items: items.into_boxed_slice(),
        })
    }

    /// The condition `name` in `{if name: ..}`: a named condition, else a `Bool` variable.
    fn inline_condition(&mut self, name: &str, file: usize, p: &Path<'_, '_>) -> Option<Condition> {
        if self.named_index.contains_key(name) {
            return self.named_ref(name, file, p);
        }
        if let Some(&id) = self.var_names.get(name) {
            return self
                .var_ref(name, file, p, Some(VarKind::Bool))
                .map(|_| Condition::Flag(id));
        }
        let names: Vec<&str> = self
            .named_index
            .keys()
            .map(String::as_str)
            .chain(self.var_names.keys().copied())
            .collect();
        let help = self.suggest(name, names.into_iter()).or_else(|| {
            Some(format!(
                "name it in `conditions` of {MANIFEST}, or declare a Bool variable"
            ))
        });
        self.cx.at(
            Severity::Error,
            file,
            p,
            format!("no condition or Bool variable is named `{name}`"),
            Some("unknown condition".into()),
            help,
        );
        None
    }
}

/// Trims and folds every run of whitespace into one space, in one pass.
pub(super) fn fold_whitespace(s: &str) -> String {
    if is_folded(s) {
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

/// Whether `s` is already folded, surely: plain ASCII, single spaces inside, none at the ends
/// (the fast path; a text that is not sure is folded anyway, to the same result).
fn is_folded(s: &str) -> bool {
    let b = s.as_bytes();
    !s.starts_with(' ')
        && !s.ends_with(' ')
        && !flags_any(b, |c| !(b' '..0x80).contains(&c))
        && memchr::memmem::find(b, b"  ").is_none()
}

/// [`fold_whitespace`] into the shared string a `Text` value holds, with one copy when the text
/// is already folded.
pub(super) fn fold_arc(s: &str) -> Arc<str> {
    if is_folded(s) {
        Arc::from(s)
    } else {
        Arc::from(fold_whitespace(s))
    }
}

/// Whether `flag` holds for any byte: a branch-free scan the compiler vectorizes, for the
/// long texts of big stories (an early-exit `any` cannot be vectorized).
pub(super) fn flags_any(bytes: &[u8], flag: impl Fn(u8) -> bool) -> bool {
    bytes
        .chunks(256)
        .any(|chunk| chunk.iter().fold(false, |acc, &c| acc | flag(c)))
}

/// Follows the braces of one source line of a string: `depth` is how deep in `{…}` the text
/// is after it (outside any, `{{` and `}}` are literal braces; inside, `}}` closes two), and
/// `opening` the text from the outermost open `{` to the end of the line it opened on.
fn braces(line: &str, depth: &mut usize, opening: &mut String) {
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' | '}' if *depth == 0 && chars.peek().is_some_and(|&(_, n)| n == c) => {
                chars.next();
            }
            '{' => {
                if *depth == 0 {
                    opening.clear();
                    opening.push_str(&line[i..]);
                }
                *depth += 1;
            }
            '}' if *depth > 0 => *depth -= 1,
            _ => {}
        }
    }
    if *depth == 0 {
        opening.clear();
    }
}
