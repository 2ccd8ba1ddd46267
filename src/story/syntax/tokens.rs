//! The lenient tokenizer the translation reads a file with: strings (closed or not), single
//! quotes, identifiers, numbers and brackets, never failing.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// `"..."` or `r#"..."#`; `closed` is false when it runs to the end of the file.
    Str {
        closed: bool,
    },
    /// `'...'` up to the next `'` on the same line (or just the `'`).
    Single,
    Ident,
    Num,
    Punct(char),
    /// Any other character.
    Other,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Tok {
    pub(super) kind: Kind,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// A lenient tokenizer, close enough to RON's lexer for strings, comments and brackets.
/// Never fails; every token's range lies on char boundaries.
pub(super) fn tokens(text: &str) -> Vec<Tok> {
    let b = text.as_bytes();
    let n = b.len();
    let mut toks = Vec::new();
    let mut i = 0;
    // The next char boundary after `i`.
    let next = |i: usize| {
        let mut j = i + 1;
        while j < n && !text.is_char_boundary(j) {
            j += 1;
        }
        j.min(n)
    };
    while i < n {
        let c = b[i];
        let start = i;
        let kind = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = text[i..].find('\n').map_or(n, |k| i + k);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                // Nested, as RON reads them.
                let mut depth = 0usize;
                while i < n {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                i = i.min(n);
                continue;
            }
            b'"' => {
                i += 1;
                let mut closed = false;
                while i < n {
                    match b[i] {
                        b'\\' => i += 2,
                        b'"' => {
                            i += 1;
                            closed = true;
                            break;
                        }
                        _ => i += 1,
                    }
                }
                i = i.min(n);
                while !text.is_char_boundary(i) {
                    i += 1;
                }
                Kind::Str { closed }
            }
            b'r' if matches!(b.get(i + 1), Some(b'"' | b'#')) && {
                let hashes = b[i + 1..].iter().take_while(|&&x| x == b'#').count();
                b.get(i + 1 + hashes) == Some(&b'"')
            } =>
            {
                let hashes = b[i + 1..].iter().take_while(|&&x| x == b'#').count();
                let close = format!("\"{}", "#".repeat(hashes));
                let body = i + 2 + hashes;
                match text[body..].find(&close) {
                    Some(k) => {
                        i = body + k + close.len();
                        Kind::Str { closed: true }
                    }
                    None => {
                        i = n;
                        Kind::Str { closed: false }
                    }
                }
            }
            b'\'' => {
                let line_end = text[i + 1..].find('\n').map_or(n, |k| i + 1 + k);
                i = match text[i + 1..line_end].find('\'') {
                    Some(k) => i + 1 + k + 1,
                    None => i + 1,
                };
                Kind::Single
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < n && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                Kind::Ident
            }
            c if c.is_ascii_digit()
                || (matches!(c, b'-' | b'+') && b.get(i + 1).is_some_and(u8::is_ascii_digit)) =>
            {
                i += 1;
                while i < n && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'.')) {
                    i += 1;
                }
                Kind::Num
            }
            c if c.is_ascii_punctuation() => {
                i += 1;
                Kind::Punct(c as char)
            }
            _ => {
                i = next(i);
                Kind::Other
            }
        };
        toks.push(Tok { kind, start, end: i });
    }
    toks
}

/// A closing bracket for an opening one.
pub(super) fn closer(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

pub(super) fn is_open(k: Kind) -> bool {
    matches!(k, Kind::Punct('(' | '[' | '{'))
}

pub(super) fn is_close(k: Kind) -> bool {
    matches!(k, Kind::Punct(')' | ']' | '}'))
}

pub(super) fn punct(k: Kind) -> char {
    match k {
        Kind::Punct(c) => c,
        _ => '\0',
    }
}
