//! What a string's body says about the mistake: RON swallowed by an unclosed string, quotes
//! inside text, a condition written as a string.

use super::*;

/// Whether the body of a string holds RON syntax that an unclosed string swallowed: a later
/// line that reads like RON, or a field and its colon at the end (`"Go, goto: "`).
pub(super) fn swallowed(body: &str) -> bool {
    let ron_line = |line: &str| {
        let l = line.trim_start();
        let ident_len = l
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        let (ident, rest) = l.split_at(ident_len);
        let rest_t = rest.trim_start();
        (FIELDS.contains(&ident) && rest_t.starts_with(':') && !rest_t.starts_with("::"))
            || (ident.starts_with(|c: char| c.is_ascii_uppercase()) && rest.starts_with('('))
            || l.starts_with(['(', ')', '[', ']', '{', '}'])
            || l.starts_with("//")
    };
    if body.lines().skip(1).any(ron_line) {
        return true;
    }
    // `..., goto: ` at the end.
    let t = body.trim_end();
    let Some(before) = t.strip_suffix(':') else {
        return false;
    };
    // The name at the end: ASCII, so its start is a char boundary.
    let ident_start = before.len()
        - before
            .bytes()
            .rev()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
    let field = &before[ident_start..];
    FIELDS.contains(&field) && before[..ident_start].trim_end().ends_with([',', '('])
}

/// How many `"` of `text` are not escaped.
pub(super) fn bare_quotes(text: &str) -> usize {
    let mut count = 0;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' => count += 1,
            _ => {}
        }
    }
    count
}

/// `text` with every `"` not already escaped written `\"`.
pub(super) fn escape_quotes(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                out.extend(chars.next());
            }
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out
}

/// The condition a string probably meant: `Flag("x")` for a name, `Compare(...)` for
/// `name op number`, `Not(Flag("x"))` for `!x`.
pub(super) fn condition_for(body: &str) -> Option<String> {
    let is_name = |s: &str| {
        !s.is_empty()
            && s.len() <= 64
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && !s.starts_with(|c: char| c.is_ascii_digit())
    };
    let b = body.trim();
    if is_name(b) {
        return Some(format!("Flag(\"{b}\")"));
    }
    if let Some(rest) = b.strip_prefix('!')
        && is_name(rest.trim())
    {
        return Some(format!("Not(Flag(\"{}\"))", rest.trim()));
    }
    for op in ["==", "!=", "<=", ">=", "<", ">"] {
        if let Some((l, r)) = b.split_once(op) {
            let (l, r) = (l.trim(), r.trim());
            if is_name(l) && !r.is_empty() && (r.parse::<i64>().is_ok() || r == "true" || r == "false") {
                return Some(format!("Compare(\"{l}\", \"{op}\", {r})"));
            }
            return None;
        }
    }
    None
}
