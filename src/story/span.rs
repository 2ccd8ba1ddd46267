//! Where things are in a RON file.
//!
//! serde gives us values without positions, so semantic errors (a target that names no scene)
//! would have no `file:line:col`. This module scans a file that RON already accepted and builds
//! a tree of byte ranges shaped like the value, so the loader can ask "where is
//! `[3].choices[1].goto`?" and point at the exact token.

/// One step of a path into a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg<'a> {
    /// A named field of a struct: `goto` in `Choice(goto: "x")`.
    Field(&'a str),
    /// An element of a list or a positional argument of a variant: `[2]`, `Flag(0)`.
    Index(usize),
    /// The value under a string key of a map.
    Key(&'a str),
    /// The key itself of a map entry.
    KeyOf(&'a str),
}

/// A byte range of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug)]
struct Node {
    span: Span,
    kids: Kids,
}

#[derive(Debug)]
enum Kids {
    Leaf,
    /// `[a, b]`, `(a, b)` and `Name(a, b)`.
    Items(Vec<Node>),
    /// `(x: a)`, `Name(x: a)`.
    Fields(Vec<(String, Node)>),
    /// `{ "k": v }`: (key node, key, value), and the first entry of each key, so that a map
    /// of 100,000 keys answers each lookup in O(1).
    Entries(Vec<(Node, String, Node)>, hashbrown::HashMap<String, usize>),
}

/// The position tree of one file.
#[derive(Debug)]
pub struct SpanTree {
    root: Option<Node>,
}

const MAX_DEPTH: usize = 256;

/// Positions in a file, found lazily. A scene file is a long list of scenes: the index only
/// records where each top-level element starts (one scan, no allocation per value), and a
/// lookup builds the tree of that one element. Other files are indexed whole on first use.
#[derive(Debug)]
pub struct SpanIndex {
    /// Start offsets of the top-level list's elements, when the file is a list.
    items: Option<Vec<usize>>,
    whole: std::cell::OnceCell<SpanTree>,
    /// The tree of the element looked up last: the loader reports a scene's problems one
    /// after the other, so a scene with 100,000 of them is scanned once, not 100,000 times.
    last: std::cell::RefCell<Option<(usize, SpanTree)>>,
}

impl SpanIndex {
    pub fn new(src: &str) -> SpanIndex {
        let mut s = Scanner::at_first_value(src);
        let items = (s.peek() == Some(b'[')).then(|| {
            s.pos += 1;
            let mut starts = Vec::new();
            loop {
                s.skip_ws();
                match s.peek() {
                    None | Some(b']') => break,
                    Some(b',') => s.pos += 1,
                    Some(_) => {
                        starts.push(s.pos);
                        let before = s.pos;
                        s.skip_value();
                        if s.pos == before {
                            s.pos += 1;
                        }
                    }
                }
            }
            starts
        });
        SpanIndex {
            items,
            whole: std::cell::OnceCell::new(),
            last: std::cell::RefCell::new(None),
        }
    }

    /// The span of the deepest node the path reaches.
    pub fn find(&self, src: &str, path: &[Seg]) -> Span {
        if let (Some(items), Some(Seg::Index(i))) = (&self.items, path.first()) {
            let Some(&start) = items.get(*i) else {
                return Span::default();
            };
            let mut last = self.last.borrow_mut();
            if last.as_ref().is_none_or(|(at, _)| *at != start) {
                *last = Some((start, SpanTree::parse_at(src, start)));
            }
            return last
                .as_ref()
                .map_or_else(Span::default, |(_, tree)| tree.find(&path[1..]));
        }
        self.whole(src).find(path)
    }

    /// The key span of the n-th entry of the map at `path`.
    pub fn nth_key(&self, src: &str, path: &[Seg], n: usize) -> Option<Span> {
        self.whole(src).nth_key(path, n)
    }

    fn whole(&self, src: &str) -> &SpanTree {
        self.whole.get_or_init(|| SpanTree::parse(src))
    }
}

impl SpanTree {
    pub fn parse(src: &str) -> SpanTree {
        let mut s = Scanner::at_first_value(src);
        let root = if s.pos < s.src.len() {
            Some(s.value(0))
        } else {
            None
        };
        SpanTree { root }
    }

    /// The tree of the one value that starts at byte `pos`.
    pub fn parse_at(src: &str, pos: usize) -> SpanTree {
        let mut s = Scanner {
            text: src,
            src: src.as_bytes(),
            pos: pos.min(src.len()),
        };
        let root = if s.pos < s.src.len() {
            Some(s.value(0))
        } else {
            None
        };
        SpanTree { root }
    }

    /// The span of the deepest node the path reaches (the whole file's start if none).
    pub fn find(&self, path: &[Seg]) -> Span {
        let Some(mut node) = self.root.as_ref() else {
            return Span::default();
        };
        for seg in path {
            let next = match (seg, &node.kids) {
                (Seg::Index(i), Kids::Items(items)) => items.get(*i),
                (Seg::Field(f), Kids::Fields(fields)) => fields.iter().find(|(k, _)| k == f).map(|(_, n)| n),
                (Seg::Key(k), Kids::Entries(es, by_key)) => by_key.get(*k).map(|&i| &es[i].2),
                (Seg::KeyOf(k), Kids::Entries(es, by_key)) => by_key.get(*k).map(|&i| &es[i].0),
                // `Some(x)` written around a value: look inside it.
                (_, Kids::Items(items)) if items.len() == 1 => {
                    node = &items[0];
                    match self_step(node, seg) {
                        Some(n) => Some(n),
                        None => return node.span,
                    }
                }
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => return node.span,
            }
        }
        node.span
    }

    /// The `id: "..."` of each element of the top-level list, read leniently: this works on a
    /// file that RON rejected, so references into it are not reported as unknown.
    pub fn top_level_ids(src: &str) -> Vec<String> {
        let tree = SpanTree::parse(src);
        let Some(Node {
            kids: Kids::Items(items),
            ..
        }) = &tree.root
        else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| match &item.kids {
                Kids::Fields(fields) => fields.iter().find(|(k, _)| k == "id").map(|(_, n)| n.span),
                _ => None,
            })
            .filter_map(|span| src.get(span.start..span.end))
            .map(|s| s.trim_matches('"').to_owned())
            .collect()
    }

    /// The n-th entry (key span) of the map at `path`, for maps with duplicate keys.
    pub fn nth_key(&self, path: &[Seg], n: usize) -> Option<Span> {
        let mut node = self.root.as_ref()?;
        for seg in path {
            node = self_step(node, seg)?;
        }
        match &node.kids {
            Kids::Entries(es, _) => es.get(n).map(|(k, _, _)| k.span),
            _ => None,
        }
    }
}

fn self_step<'n>(node: &'n Node, seg: &Seg) -> Option<&'n Node> {
    match (seg, &node.kids) {
        (Seg::Index(i), Kids::Items(items)) => items.get(*i),
        (Seg::Field(f), Kids::Fields(fields)) => fields.iter().find(|(k, _)| k == f).map(|(_, n)| n),
        (Seg::Key(k), Kids::Entries(es, by_key)) => by_key.get(*k).map(|&i| &es[i].2),
        (Seg::KeyOf(k), Kids::Entries(es, by_key)) => by_key.get(*k).map(|&i| &es[i].0),
        _ => None,
    }
}

struct Scanner<'a> {
    /// The same text as `src`, for `str` searches (at char boundaries).
    text: &'a str,
    src: &'a [u8],
    pos: usize,
}

impl<'a> Scanner<'a> {
    /// A scanner past the leading whitespace, comments and `#![...]` attributes of a file.
    fn at_first_value(src: &'a str) -> Scanner<'a> {
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
    fn skip_attributes(&mut self) {
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
    fn skip_value(&mut self) {
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
    fn starts_string(&self) -> bool {
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

    fn skip_prefixed_string(&mut self) {
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
    fn skip_char(&mut self) {
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

    fn skip_string(&mut self) {
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

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        self.pos = super::lex::skip_ws(self.src, self.pos);
    }

    fn ident(&mut self) -> &str {
        let start = self.pos;
        if self.src[self.pos..].starts_with(b"r#") {
            self.pos += 2;
        }
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric()
                || c == b'_'
                || (c >= 0x80 && super::lex::ws_len(self.src, self.pos) == 0)
            {
                self.pos += 1;
            } else {
                break;
            }
        }
        std::str::from_utf8(&self.src[start..self.pos]).unwrap_or("")
    }

    /// Scans a string literal and returns its (unescaped enough for keys) content.
    fn string(&mut self) -> String {
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

    fn value(&mut self, depth: usize) -> Node {
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
                        || super::lex::ws_len(self.src, self.pos) > 0
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
    fn paren(&mut self, depth: usize) -> Kids {
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

    fn items(&mut self, close: u8, depth: usize) -> Vec<Node> {
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

    fn fields(&mut self, depth: usize) -> Kids {
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

    fn entries(&mut self, depth: usize) -> Kids {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn check(src: &str, path: &[Seg], expect: &str) {
        let tree = SpanTree::parse(src);
        let span = tree.find(path);
        assert_eq!(&src[span.start..span.end], expect, "path {path:?}");
    }

    #[test]
    fn finds_fields_items_and_keys() {
        let src = r##"// comment
[
    Scene(id: "a", choices: [ Choice(text: "go", goto: "b"), Choice(text: "x", goto: "c", if: Not(Flag("f"))) ]),
    Scene(id: "b" /* c */, text: r#"raw"#),
]"##;
        check(src, &[Seg::Index(0), Seg::Field("id")], "\"a\"");
        check(
            src,
            &[
                Seg::Index(0),
                Seg::Field("choices"),
                Seg::Index(1),
                Seg::Field("goto"),
            ],
            "\"c\"",
        );
        check(
            src,
            &[
                Seg::Index(0),
                Seg::Field("choices"),
                Seg::Index(1),
                Seg::Field("if"),
                Seg::Index(0),
                Seg::Index(0),
            ],
            "\"f\"",
        );
        check(src, &[Seg::Index(1), Seg::Field("text")], "r#\"raw\"#");
        // A path that goes too deep stops at the deepest node it reached.
        check(
            src,
            &[Seg::Index(1), Seg::Field("nope")],
            "Scene(id: \"b\" /* c */, text: r#\"raw\"#)",
        );
        let map = r#"Story(variables: { "a": Bool(true), "b": Int(value: 3, max: Some(2)) })"#;
        check(
            map,
            &[Seg::Field("variables"), Seg::Key("b"), Seg::Field("max")],
            "Some(2)",
        );
        check(map, &[Seg::Field("variables"), Seg::KeyOf("b")], "\"b\"");
    }

    #[test]
    fn the_index_finds_the_same_spans_as_the_whole_tree() {
        let src = r##"[
    Scene(id: "a", text: "a \"quoted\" (paren", choices: [Choice(text: "go", goto: "b")]),
    /* a comment with ] and , */ Scene(id: "b", text: r#"raw ] "#, ending: "e"),
    Scene(id: "rain", text: 'x'),
]"##;
        let index = SpanIndex::new(src);
        let tree = SpanTree::parse(src);
        for path in [
            vec![
                Seg::Index(0),
                Seg::Field("choices"),
                Seg::Index(0),
                Seg::Field("goto"),
            ],
            vec![Seg::Index(1), Seg::Field("ending")],
            vec![Seg::Index(2), Seg::Field("id")],
            vec![Seg::Index(2), Seg::Field("text")],
        ] {
            assert_eq!(index.find(src, &path), tree.find(&path), "{path:?}");
        }
        let span = index.find(src, &[Seg::Index(1), Seg::Field("ending")]);
        assert_eq!(&src[span.start..span.end], "\"e\"");
    }
}
