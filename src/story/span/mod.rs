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

mod scan;
use scan::Scanner;

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
