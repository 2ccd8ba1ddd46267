//! RON's syntax errors in an author's words.
//!
//! `ron` stays the parser of record: it decides whether a file is valid and where it stopped.
//! When it stops, [`translate`] looks at the text around that place with a lenient tokenizer
//! and, when it can be sure what the author did, says so in plain words at the place of the
//! mistake (the opening quote of a string never closed, the bracket never closed and where it
//! opened, a string where a condition goes, ...), with RON's own words kept in the help. When
//! it cannot be sure it gives `None`, and the loader reports RON's message as before: a plain
//! message or none, never a wrong hint.
//!
//! Pure: text and RON's error in, a [`Translated`] out. Every offset it returns is a char
//! boundary inside the text, whatever the bytes were.

use crate::story::lex::line_col;
use tokens::*;
use words::*;

#[cfg(test)]
mod tests;
mod tokens;
mod words;

/// A syntax error said in the author's terms: where (byte range) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Translated {
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub help: String,
}

/// Translates RON's error `code`, which RON reports at byte `at` of `text`, for the file
/// `name` (the manifest when `manifest`). `ron_words` is the message the loader would show
/// otherwise: it is kept at the end of the help. `None` when no translation is certain.
pub(crate) fn translate(
    name: &str,
    text: &str,
    manifest: bool,
    code: &ron::Error,
    at: usize,
    ron_words: &str,
) -> Option<Translated> {
    // An author's file is small; a huge one (hostile, generated) gets RON's words, and the
    // tokens below never take more than a few tens of megabytes.
    if text.len() > MAX_TEXT {
        return None;
    }
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let cx = Cx {
        name,
        text,
        toks: tokens(text),
        at,
    };
    let (start, end, message, hint) = cx.translate(manifest, code)?;
    let (line, col) = line_col(text, at);
    debug_assert!(text.is_char_boundary(start) && text.is_char_boundary(end) && start <= end);
    Some(Translated {
        start,
        end,
        message,
        help: format!("{hint}\n(RON's own words: {ron_words}, at {line}:{col})"),
    })
}

/// `ending: "You have won"` written with an ending's title: the message and help naming the
/// id that has this title, or `None` when no ending has it. `endings` are (id, title) pairs.
pub(crate) fn ending_by_title<'e>(
    written: &str,
    mut endings: impl Iterator<Item = (&'e str, &'e str)>,
) -> Option<(String, String)> {
    let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let wanted = fold(written);
    let (id, _) = endings.find(|(_, title)| fold(title) == wanted)?;
    Some((
        format!("no ending has the id `{written}`, but the ending `{id}` has that title"),
        format!("a scene names its ending by id: write `ending: \"{id}\"`"),
    ))
}

/// The largest file translated, in bytes.
const MAX_TEXT: usize = 1024 * 1024;

/// The names of fields in the story format, to recognise RON swallowed into a string.
#[rustfmt::skip]
const FIELDS: &[&str] = &[
    "id", "title", "author", "version", "about", "start", "variables", "endings", "notebook",
    "text", "choices", "goto", "branches", "if", "effects", "once", "fallback", "locked",
    "on_enter", "auto", "ending", "weight", "value", "min", "max", "spent",
];

struct Cx<'t> {
    name: &'t str,
    text: &'t str,
    toks: Vec<Tok>,
    /// RON's position.
    at: usize,
}

type Found = (usize, usize, String, String);

impl Cx<'_> {
    fn src(&self, t: usize) -> &str {
        self.toks.get(t).map_or("", |t| &self.text[t.start..t.end])
    }

    fn kind(&self, t: usize) -> Option<Kind> {
        self.toks.get(t).map(|t| t.kind)
    }

    fn is_ident(&self, t: usize, name: &str) -> bool {
        self.kind(t) == Some(Kind::Ident) && self.src(t) == name
    }

    fn loc(&self, offset: usize) -> String {
        let (line, col) = line_col(self.text, offset);
        format!("{}:{line}:{col}", self.name)
    }

    /// How an opening bracket is called: `Choice(`, the scene list `[`, the list `[`, ...
    /// The opening bracket `open` and where it stands: ``Choice(` opened at FILE:L:C`.
    fn opened(&self, open: usize) -> String {
        format!(
            "{} opened at {}",
            self.opener_name(open),
            self.loc(self.opener_start(open))
        )
    }

    fn opener_name(&self, open: usize) -> String {
        let c = punct(self.toks[open].kind);
        match c {
            '(' if open > 0 && self.kind(open - 1) == Some(Kind::Ident) => {
                format!("`{}(`", self.src(open - 1))
            }
            '(' => "the bracket `(`".into(),
            '[' if open == 0 => "the list of scenes `[`".into(),
            '[' => "the list `[`".into(),
            _ => "the map `{`".into(),
        }
    }

    /// Whether the story format has such a bracket: every `(` follows a name (`Choice(`), so a
    /// bare `(` is a stray one, and closing it would be no fix.
    fn named(&self, open: usize) -> bool {
        punct(self.toks[open].kind) != '(' || (open > 0 && self.kind(open - 1) == Some(Kind::Ident))
    }

    /// Where the opener's name starts (`Choice` of `Choice(`).
    fn opener_start(&self, open: usize) -> usize {
        match punct(self.toks[open].kind) {
            '(' if open > 0 && self.kind(open - 1) == Some(Kind::Ident) => self.toks[open - 1].start,
            _ => self.toks[open].start,
        }
    }

    /// The stack of open brackets (token indices) before token `upto`; `None` on a mismatch.
    fn stack(&self, upto: usize) -> Option<Vec<usize>> {
        let mut st = Vec::new();
        for (i, t) in self.toks.iter().enumerate().take(upto) {
            if is_open(t.kind) {
                st.push(i);
            } else if is_close(t.kind) {
                let o = st.pop()?;
                if closer(punct(self.toks[o].kind)) != punct(t.kind) {
                    return None;
                }
            }
        }
        Some(st)
    }

    /// Whether the tokens from `from` on close `st` exactly, with no mismatch.
    fn balances(&self, mut st: Vec<usize>, from: usize) -> bool {
        for (i, t) in self.toks.iter().enumerate().skip(from) {
            if is_open(t.kind) {
                st.push(i);
            } else if is_close(t.kind) {
                match st.pop() {
                    Some(o) if closer(punct(self.toks[o].kind)) == punct(t.kind) => {}
                    _ => return false,
                }
            }
        }
        st.is_empty()
    }

    /// The index of the token RON stopped at: the one holding `at`, or the first after it.
    fn stop(&self) -> usize {
        self.toks.partition_point(|t| t.end <= self.at)
    }

    fn translate(&self, manifest: bool, code: &ron::Error) -> Option<Found> {
        let n = self.stop();
        // What is said of a value's place needs the brackets around it to be right.
        let balanced = || self.stack(self.toks.len()).is_some_and(|st| st.is_empty());
        self.wrong_file(manifest, n)
            .or_else(|| self.bare_int(manifest, n))
            .or_else(|| self.unclosed_string(n, code))
            .or_else(|| self.single_quotes(n))
            .or_else(|| self.inner_quote(n))
            .or_else(|| balanced().then(|| self.string_in_place(n)).flatten())
            .or_else(|| balanced().then(|| self.if_parts(n)).flatten())
            .or_else(|| self.brackets(n, code))
    }

    /// A manifest saved as a scene file, scenes in `story.ron`, a scene file without its list.
    fn wrong_file(&self, manifest: bool, n: usize) -> Option<Found> {
        if n > 1 || self.toks.is_empty() {
            return None;
        }
        let first = self.toks[0];
        let called = self.kind(1) == Some(Kind::Punct('('));
        if !manifest && self.is_ident(0, "Story") && called {
            return Some((
                first.start,
                first.end,
                "this file holds a manifest `Story(...)`, but only `story.ron` is the manifest".into(),
                "a scene file holds a list of scenes `[ Scene(...), ... ]`; if this is the \
                 manifest, name the file `story.ron`"
                    .into(),
            ));
        }
        if !manifest && self.is_ident(0, "Scene") && called {
            return Some((
                first.start,
                first.end,
                "a scene file is a list: the scenes go between `[` and `]`".into(),
                "write `[` before the first scene and `]` after the last: `[ Scene(...), Scene(...), ]`"
                    .into(),
            ));
        }
        if manifest && first.kind == Kind::Punct('[') && self.is_ident(1, "Scene") {
            return Some((
                first.start,
                first.end,
                "`story.ron` holds a list of scenes, but it is the manifest `Story(...)`".into(),
                "move the scenes to another file (such as `scenes.ron`) and write the manifest \
                 here: `Story(id: ..., title: ..., start: ..., ...)`"
                    .into(),
            ));
        }
        if manifest && first.kind == Kind::Punct('[') && !self.is_ident(1, "Story") {
            return Some((
                first.start,
                first.end,
                "`story.ron` holds a list, but it is the manifest `Story(...)`".into(),
                "write the manifest here: `Story(id: ..., title: ..., start: ..., ...)`".into(),
            ));
        }
        if manifest && self.is_ident(0, "Scene") && called {
            return Some((
                first.start,
                first.end,
                "`story.ron` holds a scene, but it is the manifest `Story(...)`".into(),
                "move the scene to a scene file (such as `scenes.ron`, a list `[ Scene(...), ]`) \
                 and write the manifest here"
                    .into(),
            ));
        }
        None
    }

    /// RON read a string up to the next `"`, which was meant to open another string: the
    /// string read swallowed RON syntax (a line like `choices: [`, or a field and its colon
    /// at its end). Or a string runs to the end of the file.
    fn unclosed_string(&self, n: usize, code: &ron::Error) -> Option<Found> {
        let open_str = |t: usize| {
            let tok = self.toks[t];
            let runs_to = match tok.kind {
                Kind::Str { closed: true } => {
                    let (line, col) = line_col(self.text, tok.end - 1);
                    format!("the `\"` at {line}:{col}, which was meant to open the next string")
                }
                _ => "the end of the file".into(),
            };
            // A raw string `r#"..."#` ends with its quote and as many `#`.
            let s = &self.text[tok.start..tok.end];
            let close = match s.strip_prefix('r') {
                Some(r) => format!("\"{}", "#".repeat(r.bytes().take_while(|&b| b == b'#').count())),
                None => "\"".into(),
            };
            Some((
                tok.start,
                tok.start + 1,
                "this string is never closed".to_string(),
                format!("put a `{close}` where the text ends: without it, the string runs on to {runs_to}"),
            ))
        };
        // A string running to the end of the file.
        if let Some(last) = self.toks.len().checked_sub(1)
            && self.toks[last].kind == (Kind::Str { closed: false })
            && self.at >= self.toks[last].start
            && !matches!(code, ron::Error::InvalidEscape(_))
        {
            return open_str(last);
        }
        // A string ended by the quote that was meant to open the next one.
        let t = n.checked_sub(1)?;
        if self.kind(t) != Some(Kind::Str { closed: true }) || n >= self.toks.len() {
            return None;
        }
        let tok = self.toks[t];
        let s = &self.text[tok.start..tok.end];
        if s.starts_with('r') {
            return None;
        }
        // The quote that ends it was meant to open the next string: its text follows.
        let next = self.toks[n];
        let between = &self.text[tok.end..next.start];
        let follows = match next.kind {
            Kind::Ident => self.kind(n + 1) != Some(Kind::Punct(':')),
            Kind::Num => true,
            Kind::Other => self.text[next.start..].starts_with(char::is_alphabetic),
            Kind::Punct(c) => between.is_empty() && !",)]}:([{".contains(c),
            _ => false,
        };
        if !follows || !between.bytes().all(|b| b == b' ') {
            return None;
        }
        let body = &s[1..s.len() - 1];
        swallowed(body).then(|| open_str(t))?
    }

    /// `'You wait.'`: text in single quotes.
    fn single_quotes(&self, n: usize) -> Option<Found> {
        let tok = *self.toks.get(n)?;
        // Text in single quotes where a value goes: `text: 'You wait.'`, not a stray `'`.
        let s = &self.text[tok.start..tok.end];
        let value_place = n > 0 && matches!(self.kind(n - 1), Some(Kind::Punct(':' | ',' | '(' | '[')));
        if tok.kind != Kind::Single || s.len() < 3 || !s.ends_with('\'') || s.contains('"') || !value_place {
            return None;
        }
        let help = format!("write \"{}\"", &s[1..s.len() - 1]);
        Some((
            tok.start,
            tok.start + 1,
            "text goes in double quotes `\"...\"`, not single quotes".into(),
            help,
        ))
    }

    /// `"coins": Int(0)` in the manifest: an `Int` variable names its fields, unlike `Bool(..)`
    /// and `Text(..)`, because it may carry bounds (RON's words speak of a "raw identifier").
    fn bare_int(&self, manifest: bool, n: usize) -> Option<Found> {
        if !manifest {
            return None;
        }
        // RON stops at the number, or at the minus sign before it.
        let num = match self.kind(n)? {
            Kind::Num => n,
            Kind::Punct('-') if self.kind(n + 1) == Some(Kind::Num) => n + 1,
            _ => return None,
        };
        let signed = self.kind(num.checked_sub(1)?) == Some(Kind::Punct('-'));
        let open = num.checked_sub(if signed { 2 } else { 1 })?;
        if self.kind(open) != Some(Kind::Punct('(')) || !self.is_ident(open.checked_sub(1)?, "Int") {
            return None;
        }
        let sign = if signed { "-" } else { "" };
        let value = format!("{sign}{}", self.src(num));
        let start = self.toks[open - 1].start;
        Some((
            start,
            self.toks[num].end,
            format!("an `Int` variable names its value: write `Int(value: {value})`"),
            format!("bounds go beside it, as in `Int(value: {value}, min: 0, max: 10)`"),
        ))
    }

    /// `"Probably "nothing"."`: a quote inside a string ends it early.
    fn inner_quote(&self, n: usize) -> Option<Found> {
        let t = n.checked_sub(1)?;
        let (tok, next) = (self.toks[t], *self.toks.get(n)?);
        if tok.kind != (Kind::Str { closed: true })
            || self.text[tok.start..tok.end].starts_with('r')
            || next.start != tok.end
            || !(next.start..next.end).contains(&self.at)
        {
            return None;
        }
        // Glued to the closing quote, what follows is more text (a word), not RON.
        let word = match next.kind {
            Kind::Ident => self.kind(n + 1) != Some(Kind::Punct(':')),
            Kind::Num => true,
            Kind::Other => self.text[next.start..].starts_with(char::is_alphabetic),
            _ => false,
        };
        let line_end = self.text[tok.end..]
            .find('\n')
            .map_or(self.text.len(), |k| tok.end + k);
        if !word || next.end > line_end || self.text[tok.start..tok.end].contains('\n') {
            return None;
        }
        let rest = &self.text[next.end..line_end];
        if !rest.contains('"') {
            return None;
        }
        // The text as meant: up to the first quote that RON could end it with (one followed
        // by `,`, a closing bracket or the line's end), every quote inside escaped.
        let end = rest.char_indices().find(|&(i, c)| {
            let after = rest[i + c.len_utf8()..].trim_start();
            c == '"'
                && (after.is_empty() || after.starts_with([',', ')', ']', '}']) || after.starts_with("//"))
        });
        // Quotes inside text come in pairs: one alone is a stray or a missing one.
        let (i, _) = end?;
        let meant = &self.text[tok.start + 1..next.end + i];
        if bare_quotes(meant) % 2 == 1 {
            return None;
        }
        let example = match i < 80 {
            true => format!(": \"{}\"", escape_quotes(meant)),
            false => String::new(),
        };
        let quote = tok.end - 1;
        Some((
            quote,
            tok.end,
            "this `\"` inside the text ends the string early".into(),
            format!("write a quote inside text as `\\\"`{example}; or use typographic quotes “ ”"),
        ))
    }

    /// A string where a condition or a text part goes.
    fn string_in_place(&self, n: usize) -> Option<Found> {
        let tok = *self.toks.get(n)?;
        if tok.kind != (Kind::Str { closed: true }) {
            return None;
        }
        let st = self.stack(n)?;
        let open = *st.last()?;
        let s = &self.text[tok.start..tok.end];
        let body = s
            .strip_prefix('"')
            .and_then(|b| b.strip_suffix('"'))
            .unwrap_or("");
        let prev_is = |k: Kind| n > 0 && self.kind(n - 1) == Some(k);
        // The string is a whole value, not the start of a mangled one.
        if !matches!(self.kind(n + 1), Some(Kind::Punct(',' | ')' | ']'))) {
            return None;
        }
        let in_call = |names: &[&str]| {
            self.kind(open) == Some(Kind::Punct('('))
                && open > 0
                && names.iter().any(|nm| self.is_ident(open - 1, nm))
        };
        // A condition: after `if:`, inside `Not(`, `All([`, `Any([`, or first in `If(`/`IfElse(`.
        let list_of = |names: &[&str]| {
            self.kind(open) == Some(Kind::Punct('['))
                && open >= 2
                && self.kind(open - 1) == Some(Kind::Punct('('))
                && names.iter().any(|nm| self.is_ident(open - 2, nm))
        };
        let condition = (prev_is(Kind::Punct(':')) && n >= 2 && self.is_ident(n - 2, "if"))
            || (in_call(&["Not"]) && n == open + 1)
            || (in_call(&["If", "IfElse"]) && n == open + 1)
            || list_of(&["All", "Any"]);
        if condition {
            let help = match condition_for(body) {
                Some(c) => format!("did you mean `{c}`?"),
                None => "write a condition such as `Flag(\"name\")` or `Compare(\"name\", \">=\", 2)`".into(),
            };
            return Some((
                tok.start,
                tok.end,
                "a condition goes here, not a string".into(),
                help,
            ));
        }
        // A part of a `text: [...]` or `notebook: [...]` list.
        let text_list = self.kind(open) == Some(Kind::Punct('['))
            && open >= 2
            && self.kind(open - 1) == Some(Kind::Punct(':'))
            && (self.is_ident(open - 2, "text") || self.is_ident(open - 2, "notebook"));
        if text_list && (prev_is(Kind::Punct('[')) || prev_is(Kind::Punct(','))) {
            let example = match s.chars().count() <= 60 && !s.contains('\n') {
                true => s,
                false => "\"...\"",
            };
            return Some((
                tok.start,
                tok.end,
                "in a list of text parts, a string must be wrapped in `Text(...)`".into(),
                format!(
                    "write `Text({example})`; the other parts are `If(condition, \"...\")` and `IfElse(condition, \"...\", \"...\")`"
                ),
            ));
        }
        None
    }

    /// `If(cond, "a", "b")` and `IfElse(cond, "a")`.
    fn if_parts(&self, n: usize) -> Option<Found> {
        let tok = *self.toks.get(n)?;
        let st = self.stack(n)?;
        let open = *st.last()?;
        if self.kind(open) != Some(Kind::Punct('(')) || open == 0 {
            return None;
        }
        // Commas at the level of the call, before token n.
        let mut depth = 0usize;
        let mut commas = 0;
        for t in &self.toks[open + 1..n] {
            if is_open(t.kind) {
                depth += 1;
            } else if is_close(t.kind) {
                depth = depth.saturating_sub(1);
            } else if depth == 0 && t.kind == Kind::Punct(',') {
                commas += 1;
            }
        }
        let trailing = self.kind(n - 1) == Some(Kind::Punct(','));
        // A third text, as an `IfElse` would have.
        if self.is_ident(open - 1, "If") && commas == 2 && trailing && matches!(tok.kind, Kind::Str { .. }) {
            return Some((
                tok.start,
                tok.end,
                "`If` takes two parts, a condition and a text; for a text shown otherwise, use `IfElse`"
                    .into(),
                "write `IfElse(condition, \"text when it holds\", \"text otherwise\")`".into(),
            ));
        }
        let third_follows = matches!(self.kind(n + 1), Some(Kind::Str { .. }))
            || (self.kind(n + 1) == Some(Kind::Punct(','))
                && matches!(self.kind(n + 2), Some(Kind::Str { .. })));
        if self.is_ident(open - 1, "IfElse")
            && tok.kind == Kind::Punct(')')
            && commas + usize::from(!trailing) == 2
            && !third_follows
        {
            return Some((
                tok.start,
                tok.end,
                "`IfElse` takes three parts: a condition, the text when it holds and the text otherwise"
                    .into(),
                "add the text shown otherwise, or use `If(condition, \"text\")` for no text otherwise".into(),
            ));
        }
        None
    }

    /// A bracket never closed: at the end of the file, before a closer of an outer bracket,
    /// or before a second `Choice(` where the first was never closed; a closer of the wrong
    /// kind. Only when closing there makes the rest of the file balance.
    fn brackets(&self, n: usize, code: &ron::Error) -> Option<Found> {
        let last_end = self.toks.last().map_or(0, |t| t.end);
        // The file ends with brackets open.
        if n >= self.toks.len() || self.at >= last_end {
            if matches!(
                code,
                ron::Error::UnclosedBlockComment | ron::Error::UnclosedLineComment
            ) {
                return None;
            }
            let st = self.stack(self.toks.len())?;
            let &open = st.last()?;
            if !self.named(open) {
                return None;
            }
            let closers: String = st
                .iter()
                .rev()
                .map(|&o| closer(punct(self.toks[o].kind)))
                .collect();
            let more = match st.len() {
                1 => String::new(),
                k => format!(" ({k} brackets are open at the end)"),
            };
            return Some((
                last_end,
                last_end,
                format!("{} is never closed", self.opened(open)),
                format!("add `{closers}` at the end of the file{more}"),
            ));
        }
        let tok = self.toks[n];
        let st = self.stack(n)?;
        // Where a missing closer goes: right after the token before.
        let gap = if n > 0 { self.toks[n - 1].end } else { tok.start };
        if is_close(tok.kind) {
            let want = punct(tok.kind);
            if st.last().is_some_and(|&o| !self.named(o)) {
                return None;
            }
            let Some(&open) = st.last() else {
                return (self.balances(Vec::new(), n + 1)).then(|| {
                    (
                        tok.start,
                        tok.end,
                        format!("this `{want}` closes nothing: no bracket is open here"),
                        "remove it".into(),
                    )
                });
            };
            // Missing closers: the bracket `tok` closes is further out.
            if let Some(k) = st.iter().rposition(|&o| closer(punct(self.toks[o].kind)) == want)
                && k + 1 < st.len()
                && self.balances(st[..k].to_vec(), n + 1)
            {
                let missing: String = st[k + 1..]
                    .iter()
                    .rev()
                    .map(|&o| closer(punct(self.toks[o].kind)))
                    .collect();
                return Some((
                    gap,
                    gap,
                    format!("{} is never closed", self.opened(open)),
                    format!("add `{missing}` here, before the `{want}` that follows"),
                ));
            }
            // A closer of the wrong kind.
            let right = closer(punct(self.toks[open].kind));
            if right != want && self.balances(st[..st.len() - 1].to_vec(), n + 1) {
                return Some((
                    tok.start,
                    tok.end,
                    format!(
                        "this `{want}` should be `{right}`: it closes {}",
                        self.opened(open)
                    ),
                    format!("write `{right}` here"),
                ));
            }
            return None;
        }
        // `Choice(text: "a", goto: "b",` then the next `Choice(`: the first is never closed.
        let &open = st.last()?;
        if tok.kind == Kind::Ident
            && self.kind(n + 1) == Some(Kind::Punct('('))
            && self.kind(open) == Some(Kind::Punct('('))
            && open > 0
            && self.src(open - 1) == self.src(n)
            && matches!(self.src(n), "Scene" | "Choice" | "Auto" | "Branch")
            && self.balances(st[..st.len() - 1].to_vec(), n)
        {
            return Some((
                gap,
                gap,
                format!("{} is never closed", self.opened(open)),
                format!("add `)` here, before the next `{}(`", self.src(n)),
            ));
        }
        None
    }
}
