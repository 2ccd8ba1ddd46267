//! The lexical rules of story files, in one place: what is whitespace, where a comment ends,
//! and how a byte offset becomes the `line:col` an author sees.
//!
//! Two line rules meet here. `ron` reports positions with lines split at `\n` only; an editor
//! also splits at `\r\n` and a lone `\r`. Every position we print follows the editor
//! ([`LineIndex`]): lines split at `\n`, `\r\n` and `\r` (nothing else: not U+2028, U+2029,
//! NEL, VT or FF), columns counted in characters from 1. `ron`'s positions are turned into
//! byte offsets by [`ron_offset`] (its own rule) and then shown by the editor's rule.

/// Whether `c` separates tokens, as `ron` decides (`ron::parse::is_whitespace_char`): ASCII
/// space, tab, line feed, carriage return, vertical tab and form feed, NEL (U+0085), the
/// left-to-right and right-to-left marks (U+200E, U+200F), and the line and paragraph
/// separators (U+2028, U+2029).
pub const fn is_ws_char(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t'
            | '\n'
            | '\r'
            | '\x0B'
            | '\x0C'
            | '\u{85}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// The length in bytes of the whitespace character starting at `bytes[at]`, 0 if there is none
/// (see [`is_ws_char`]). Works on bytes, so scanners need not be at a character boundary.
#[inline]
pub fn ws_len(bytes: &[u8], at: usize) -> usize {
    match bytes.get(at..).unwrap_or_default() {
        [b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C, ..] => 1,
        [0xC2, 0x85, ..] => 2,
        [0xE2, 0x80, 0x8E | 0x8F | 0xA8 | 0xA9, ..] => 3,
        _ => 0,
    }
}

/// The offset after the whitespace and comments (`//` to the end of the line, nested `/* */`)
/// starting at `at`.
pub fn skip_ws(bytes: &[u8], mut at: usize) -> usize {
    loop {
        let n = ws_len(bytes, at);
        if n > 0 {
            at += n;
            continue;
        }
        match (bytes.get(at), bytes.get(at + 1)) {
            (Some(b'/'), Some(b'/')) => {
                at = match memchr::memchr(b'\n', &bytes[at..]) {
                    Some(i) => at + i,
                    None => bytes.len(),
                };
            }
            (Some(b'/'), Some(b'*')) => {
                at += 2;
                let mut depth = 1;
                while depth > 0 && at < bytes.len() {
                    if bytes[at..].starts_with(b"/*") {
                        depth += 1;
                        at += 2;
                    } else if bytes[at..].starts_with(b"*/") {
                        depth -= 1;
                        at += 2;
                    } else {
                        at += 1;
                    }
                }
            }
            _ => return at,
        }
    }
}

/// The offset after the whitespace of the plain subset the fast reader reads ([`super::fast`]):
/// space, tab, `\n`, `\r` and `//` comments. `None` at a `/` that does not start a `//`
/// comment (a block comment, left to `ron`); other whitespace stops the skip, and the reader
/// then declines at it.
#[inline(always)]
pub fn skip_plain_ws(bytes: &[u8], mut at: usize) -> Option<usize> {
    loop {
        match bytes.get(at) {
            Some(b' ' | b'\t' | b'\n' | b'\r') => at += 1,
            Some(b'/') => {
                if bytes.get(at + 1) != Some(&b'/') {
                    return None;
                }
                at = match memchr::memchr(b'\n', &bytes[at..]) {
                    Some(i) => at + i + 1,
                    None => bytes.len(),
                };
            }
            _ => return Some(at),
        }
    }
}

/// The end of the last token before `offset`, skipping whitespace and `//` comments.
pub fn previous_token_end(text: &str, offset: usize) -> usize {
    let mut end = offset.min(text.len());
    loop {
        let before = text[..end].trim_end_matches(is_ws_char);
        // A `//` comment at the end of the line before: skip it too.
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        match before[line_start..].find("//") {
            // Outside a string (an even number of quotes before it): a comment.
            Some(i)
                if before[line_start..line_start + i]
                    .matches('"')
                    .count()
                    .is_multiple_of(2) =>
            {
                end = line_start + i
            }
            _ => return before.len(),
        }
    }
}

/// Byte offsets of the starts of a text's lines, by the editor's rule: lines end at `\n`,
/// `\r\n` or a lone `\r`. Built once per file, then each lookup is O(log lines), plus the
/// characters counted for the column: from the line's start, or from the last position looked
/// up when it is earlier on the same line (diagnostics come in order, so many on one long line
/// cost one pass over it, not one each).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// The last position looked up: (its byte offset, its 1-based column).
    last: std::cell::Cell<(usize, usize)>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            let crlf = bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n');
            if !crlf {
                starts.push(i + 1);
            }
        }
        LineIndex {
            starts,
            last: std::cell::Cell::new((0, 1)),
        }
    }

    /// 1-based line and column (in characters) of a byte offset, clamped into the text and
    /// back to a character boundary.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset);
        let start = self.starts[line - 1].min(offset);
        let (from, col) = match self.last.get() {
            (last, col) if start <= last && last <= offset => (last, col),
            _ => (start, 1),
        };
        let col = col + text[from..offset].chars().count();
        self.last.set((offset, col));
        (line, col)
    }
}

/// [`LineIndex::line_col`] without keeping the index, for a single position.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text.as_bytes()[..offset];
    let mut line = 1;
    let mut start = 0;
    for i in memchr::memchr2_iter(b'\n', b'\r', before) {
        if !(before[i] == b'\r' && text.as_bytes().get(i + 1) == Some(&b'\n')) {
            line += 1;
            start = i + 1;
        }
    }
    (line, text[start..offset].chars().count() + 1)
}

/// The byte offset of a 1-based line and column as `ron` counts them (lines split at `\n`
/// only, columns in characters), clamped to the text.
pub fn ron_offset(text: &str, line: usize, col: usize) -> usize {
    let mut start = 0;
    for _ in 1..line.max(1) {
        match memchr::memchr(b'\n', &text.as_bytes()[start..]) {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_text = &text[start..];
    let line_end = line_text.find('\n').unwrap_or(line_text.len());
    let within = line_text[..line_end]
        .char_indices()
        .nth(col.saturating_sub(1))
        .map_or(line_end, |(i, _)| i);
    start + within
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_at_lf_crlf_and_cr_only() {
        let text = "a\nb\r\nc\rd\u{2028}e\u{85}f\x0bg\x0ch\u{2029}i";
        let index = LineIndex::new(text);
        let at = |c: char| index.line_col(text, text.find(c).unwrap());
        assert_eq!(at('a'), (1, 1));
        assert_eq!(at('b'), (2, 1));
        assert_eq!(at('c'), (3, 1));
        assert_eq!(at('d'), (4, 1));
        // Unicode and ASCII separators other than LF and CR are characters on the line.
        assert_eq!(at('e'), (4, 3));
        assert_eq!(at('i'), (4, 11));
        for c in ['a', 'b', 'c', 'd', 'e', 'i'] {
            assert_eq!(line_col(text, text.find(c).unwrap()), at(c), "{c}");
        }
    }

    #[test]
    fn columns_agree_in_any_order_of_lookup() {
        // The index counts on from the last lookup on the same line: back, forward, across
        // lines and inside a character must all give what a fresh count gives.
        let text = "né é x\nçà b\r\nlast line é";
        let index = LineIndex::new(text);
        let offsets = [0, 9, 3, 12, 4, 1, 22, 13, 30, 2, 8];
        for offset in offsets {
            assert_eq!(index.line_col(text, offset), line_col(text, offset), "{offset}");
        }
    }

    #[test]
    fn ron_positions_split_at_lf_only() {
        let text = "ab\r\ncé\rd";
        assert_eq!(ron_offset(text, 2, 4), text.find('d').unwrap());
        assert_eq!(line_col(text, text.find('d').unwrap()), (3, 1));
    }

    #[test]
    fn whitespace_is_rons() {
        for c in [
            '\u{200E}', '\u{200F}', '\u{2028}', '\u{2029}', '\u{85}', '\x0b', '\x0c',
        ] {
            let s = format!("{c}{c} // x\n /* a /* b */ */x");
            assert_eq!(skip_ws(s.as_bytes(), 0), s.len() - 1, "{c:?}");
            assert!(is_ws_char(c));
        }
        assert_eq!(ws_len("\u{2030}".as_bytes(), 0), 0);
        let t = "a, \u{2028}// c\n  b";
        assert_eq!(previous_token_end(t, t.find('b').unwrap()), 2);
    }
}
