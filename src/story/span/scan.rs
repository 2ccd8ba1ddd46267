//! The lenient scanner behind [`super::SpanTree`]: it follows the shape of a RON value
//! (lists, maps, structs, strings) without checking it, using the lexical rules of
//! [`crate::story::lex`].

use super::*;

pub(super) struct Scanner<'a> {
    /// The same text as `src`, for `str` searches (at char boundaries).
    pub(super) text: &'a str,
    pub(super) src: &'a [u8],
    pub(super) pos: usize,
}

impl<'a> Scanner<'a> {
    /// A scanner past the leading whitespace, comments and `#![...]` attributes of a file.
    pub(super) fn at_first_value(src: &'a str) -> Scanner<'a> {
        let mut s = Scanner {
            text: src,
            src: src.as_bytes(),
            pos: 0,
        };
        s.skip_ws();
        s.skip_attributes();
        s
    }
}

impl Scanner<'_> {
    /// `#![enable(...)]` attributes at the top of a file.
    pub(super) fn skip_attributes(&mut self) {
        while self.peek() == Some(b'#') {
            while let Some(c) = self.peek() {
                self.pos += 1;
                if c == b']' {
                    break;
                }
            }
            self.skip_ws();
        }
    }

    /// Skips one value without building anything: stops before a `,` or a closing bracket
    /// at its own level.
    pub(super) fn skip_value(&mut self) {
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            match c {
                b'"' => self.skip_string(),
                b'/' if matches!(self.src.get(self.pos + 1), Some(b'/' | b'*')) => self.skip_ws(),
                // A prefixed string starts a token; inside an identifier `r`/`b` are letters.
                b'r' | b'b'
                    if self.starts_string() && (self.pos == 0 || !is_ident_byte(self.src[self.pos - 1])) =>
                {
                    self.skip_prefixed_string()
                }
                b'\'' => self.skip_char(),
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    self.pos += 1;
                }
                b')' | b']' | b'}' => {
                    if depth == 0 {
                        return;
                    }
                    depth -= 1;
                    self.pos += 1;
                }
                b',' if depth == 0 => return,
                _ => {
                    // Run over the bytes that cannot start or end anything.
                    self.pos += 1;
                    while self.pos < self.src.len() && !SPECIAL[self.src[self.pos] as usize] {
                        self.pos += 1;
                    }
                }
            }
        }
    }

    /// At `r"`, `r#"`, `b"`, `br"`: a string with a prefix (not an identifier like `rain`).
    pub(super) fn starts_string(&self) -> bool {
        let rest = &self.src[self.pos..];
        let rest = rest.strip_prefix(b"b").unwrap_or(rest);
        if rest.first() == Some(&b'"') {
            return true;
        }
        match rest.strip_prefix(b"r") {
            Some(after) => {
                let hashes = after.iter().take_while(|&&c| c == b'#').count();
                after.get(hashes) == Some(&b'"')
            }
            None => false,
        }
    }

    pub(super) fn skip_prefixed_string(&mut self) {
        if self.peek() == Some(b'b') {
            self.pos += 1;
        }
        if self.peek() == Some(b'"') {
            return self.skip_string();
        }
        self.pos += 1; // r
        let hashes = self.src[self.pos..].iter().take_while(|&&c| c == b'#').count();
        self.pos += hashes + 1;
        let mut close = vec![b'"'];
        close.extend(std::iter::repeat_n(b'#', hashes));
        while self.pos < self.src.len() && !self.src[self.pos..].starts_with(&close) {
            self.pos += 1;
        }
        self.pos = (self.pos + close.len()).min(self.src.len());
    }

    /// Skips a char literal: `'x'`, `'\''`.
    pub(super) fn skip_char(&mut self) {
        self.pos += 1;
        while let Some(c) = self.peek() {
            self.pos += 1;
            if c == b'\\' {
                self.pos += 1;
            } else if c == b'\'' {
                break;
            }
        }
    }

    pub(super) fn skip_string(&mut self) {
        self.pos += 1;
        // `find` on a char is a memchr: fast over long texts. A quote preceded by an odd
        // number of backslashes is escaped.
        let Some(text) = self.text.get(self.pos..) else {
            self.pos = self.src.len();
            return;
        };
        let mut from = 0;
        while let Some(i) = text[from..].find('"') {
            let at = from + i;
            let backslashes = text.as_bytes()[..at]
                .iter()
                .rev()
                .take_while(|&&c| c == b'\\')
                .count();
            if backslashes % 2 == 0 {
                self.pos += at + 1;
                return;
            }
            from = at + 1;
        }
        self.pos = self.src.len();
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    pub(super) fn skip_ws(&mut self) {
        self.pos = crate::story::lex::skip_ws(self.src, self.pos);
    }

    pub(super) fn ident(&mut self) -> &str {
        let start = self.pos;
        if self.src[self.pos..].starts_with(b"r#") {
            self.pos += 2;
        }
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric()
                || c == b'_'
                || (c >= 0x80 && crate::story::lex::ws_len(self.src, self.pos) == 0)
            {
                self.pos += 1;
            } else {
                break;
            }
        }
        std::str::from_utf8(&self.src[start..self.pos]).unwrap_or("")
    }

    /// Scans a string literal and returns its (unescaped enough for keys) content.
    pub(super) fn string(&mut self) -> String {
        let bytes = self.src;
        if self.peek() == Some(b'r') || self.peek() == Some(b'b') {
            // raw or byte strings: r#"..."#, br"..."
            if self.peek() == Some(b'b') {
                self.pos += 1;
            }
            if self.peek() == Some(b'r') {
                self.pos += 1;
                let mut hashes = 0;
                while self.peek() == Some(b'#') {
                    hashes += 1;
                    self.pos += 1;
                }
                // The opening quote; a file may end before it.
                self.pos = (self.pos + 1).min(bytes.len());
                let start = self.pos;
                let mut close = vec![b'"'];
                close.extend(std::iter::repeat_n(b'#', hashes));
                while self.pos < bytes.len() && !bytes[self.pos..].starts_with(&close) {
                    self.pos += 1;
                }
                let s = String::from_utf8_lossy(&bytes[start..self.pos.min(bytes.len())]).into_owned();
                self.pos = (self.pos + close.len()).min(bytes.len());
                return s;
            }
        }
        self.pos += 1; // opening quote
        let mut out = Vec::new();
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    if let Some(e) = self.peek() {
                        self.pos += 1;
                        out.push(match e {
                            b'n' => b'\n',
                            b't' => b'\t',
                            other => other,
                        });
                    }
                }
                _ => out.push(c),
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    pub(super) fn value(&mut self, depth: usize) -> Node {
        self.skip_ws();
        let start = self.pos;
        if depth > MAX_DEPTH {
            // Deeper than any position the loader asks for: skipped flat, without recursing,
            // so that a file nested 100,000 deep cannot overflow the stack.
            self.skip_value();
            return Node {
                span: Span {
                    start,
                    end: self.pos.max(start + 1).min(self.src.len().max(start)),
                },
                kids: Kids::Leaf,
            };
        }
        let kids = match self.peek() {
            None => Kids::Leaf,
            Some(b'"') => {
                self.string();
                Kids::Leaf
            }
            Some(b'\'') => {
                self.skip_char();
                Kids::Leaf
            }
            Some(b'[') => {
                self.pos += 1;
                Kids::Items(self.items(b']', depth))
            }
            Some(b'{') => {
                self.pos += 1;
                self.entries(depth)
            }
            Some(b'(') => {
                self.pos += 1;
                self.paren(depth)
            }
            Some(c)
                if (c == b'r' || c == b'b')
                    && matches!(self.src.get(self.pos + 1), Some(b'"') | Some(b'#') | Some(b'r')) =>
            {
                self.string();
                Kids::Leaf
            }
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                self.ident();
                self.skip_ws();
                if self.peek() == Some(b'(') {
                    self.pos += 1;
                    self.paren(depth)
                } else {
                    Kids::Leaf
                }
            }
            Some(_) => {
                // numbers and anything else: up to a delimiter
                while let Some(c) = self.peek() {
                    if matches!(c, b',' | b')' | b']' | b'}' | b':')
                        || crate::story::lex::ws_len(self.src, self.pos) > 0
                    {
                        break;
                    }
                    self.pos += 1;
                }
                Kids::Leaf
            }
        };
        Node {
            span: Span {
                start,
                end: self.pos.max(start + 1).min(self.src.len().max(start)),
            },
            kids,
        }
    }

    /// After `(`: either fields `a: x, b: y` or items `x, y`.
    pub(super) fn paren(&mut self, depth: usize) -> Kids {
        self.skip_ws();
        let save = self.pos;
        if self.peek().is_some_and(|c| c.is_ascii_alphabetic() || c == b'_') {
            let name = self.ident().to_owned();
            self.skip_ws();
            if self.peek() == Some(b':') {
                self.pos = save;
                return self.fields(depth);
            }
            let _ = name;
        }
        self.pos = save;
        Kids::Items(self.items(b')', depth))
    }

    pub(super) fn items(&mut self, close: u8, depth: usize) -> Vec<Node> {
        let mut out = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None => return out,
                Some(c) if c == close => {
                    self.pos += 1;
                    return out;
                }
                Some(b',') => self.pos += 1,
                Some(b')') | Some(b']') | Some(b'}') => {
                    self.pos += 1;
                    return out;
                }
                Some(_) => {
                    let before = self.pos;
                    out.push(self.value(depth + 1));
                    if self.pos == before {
                        self.pos += 1;
                    }
                }
            }
        }
    }

    pub(super) fn fields(&mut self, depth: usize) -> Kids {
        let mut out = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None => break,
                Some(b')') => {
                    self.pos += 1;
                    break;
                }
                Some(b',') => self.pos += 1,
                Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                    let name = self.ident().to_owned();
                    self.skip_ws();
                    if self.peek() == Some(b':') {
                        self.pos += 1;
                    }
                    out.push((name, self.value(depth + 1)));
                }
                Some(_) => {
                    let before = self.pos;
                    self.value(depth + 1);
                    if self.pos == before {
                        self.pos += 1;
                    }
                }
            }
        }
        Kids::Fields(out)
    }

    pub(super) fn entries(&mut self, depth: usize) -> Kids {
        let mut out = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None => break,
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                Some(b',') => self.pos += 1,
                Some(_) => {
                    let key_start = self.pos;
                    let key_text = if self.peek() == Some(b'"') {
                        let k = self.string();
                        Some(k)
                    } else {
                        None
                    };
                    let key = if key_text.is_some() {
                        Node {
                            span: Span {
                                start: key_start,
                                end: self.pos,
                            },
                            kids: Kids::Leaf,
                        }
                    } else {
                        self.value(depth + 1)
                    };
                    self.skip_ws();
                    if self.peek() == Some(b':') {
                        self.pos += 1;
                    }
                    let before = self.pos;
                    let value = self.value(depth + 1);
                    if self.pos == before && self.pos == key_start {
                        self.pos += 1;
                    }
                    out.push((key, key_text.unwrap_or_default(), value));
                }
            }
        }
        let mut by_key = hashbrown::HashMap::with_capacity(out.len());
        for (i, (_, k, _)) in out.iter().enumerate() {
            by_key.entry(k.clone()).or_insert(i);
        }
        Kids::Entries(out, by_key)
    }
}

/// The bytes `skip_value` must look at: quotes, brackets, commas, comments, string prefixes.
static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let special = b"\"'()[]{},/rb";
    let mut i = 0;
    while i < special.len() {
        t[special[i] as usize] = true;
        i += 1;
    }
    t
};

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}
