//! A fast reader for the plain subset of RON that story files are written in.
//!
//! `ron` is the parser of record for story files, but it reads through general machinery a
//! character at a time: about 70 instructions a byte, three quarters of the time it takes to
//! load a large story. Story files use a small, regular part of RON: named structs, lists, enum
//! variants, maps with string keys, strings with the common escapes, whole numbers, booleans and
//! line comments. This reader handles exactly that part, straight from the bytes, behind the same
//! serde types ([`super::raw`]), so the rules that live in those types (unknown fields, defaults,
//! duplicates, variant names) are the same ones.
//!
//! It never reports anything itself. [`read`] gives the value or `None`, and `None` means only
//! "not sure": something outside the subset (a block comment, a raw string, `Some(..)`, a
//! number with a suffix, a non-ASCII identifier, deep nesting) or something wrong. The loader
//! then parses the file again with `ron`, which gives the value or the error and its position.
//! So the invariant is one-sided: **whenever `read` gives a value, `ron` (with the loader's
//! options) gives the same value.** `tests/fast_reader.rs` and the `fast_reader` fuzz target
//! check it by comparing both on every story, fixture and many generated files; when in doubt
//! about what `ron` accepts, this reader declines.

use super::lex;
use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, DeserializeSeed, Visitor};
use std::borrow::Cow;
use std::fmt;

/// How deeply values may nest here before the reader declines. `ron` counts its recursion
/// limit ([`super::limits::DEPTH`]) in steps of its own, at most three per level counted here,
/// so staying within a quarter of it means `ron` never stops at its limit where this reader
/// would go on.
pub const MAX_DEPTH: usize = super::limits::DEPTH / 4;

/// Reads `text` as a `T` if it is plain RON and valid for `T`; `None` otherwise (ask `ron`).
pub fn read<'de, T: de::Deserialize<'de>>(text: &'de str) -> Option<T> {
    read_or_why(text).ok()
}

/// Why [`read_or_why`] declined, where the reason is one an author can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Declined {
    /// Values nest more than [`MAX_DEPTH`] levels deep; `offset` is the byte offset of the
    /// bracket that went one level too far.
    TooDeep { offset: usize },
    /// Anything else: outside the subset, or wrong (then `ron` reports it).
    Other,
}

/// As [`read`], saying why it declined: the loader warns an author whose file is valid but too
/// deep for this reader, since such a file loads several times slower.
pub fn read_or_why<'de, T: de::Deserialize<'de>>(text: &'de str) -> std::result::Result<T, Declined> {
    let mut r = Reader {
        src: text.as_bytes(),
        text,
        pos: 0,
        depth: 0,
        too_deep: None,
    };
    let why = |r: &Reader| match r.too_deep {
        Some(offset) => Declined::TooDeep { offset },
        None => Declined::Other,
    };
    let value = match r.ws().and_then(|()| T::deserialize(&mut r)) {
        Ok(v) => v,
        Err(Decline) => return Err(why(&r)),
    };
    if r.ws().is_err() || r.pos != r.src.len() {
        return Err(Declined::Other);
    }
    Ok(value)
}

/// "Not sure": the input is outside the subset or wrong; `ron` decides.
#[derive(Debug)]
pub struct Decline;

impl fmt::Display for Decline {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("not plain RON")
    }
}

impl std::error::Error for Decline {}

impl de::Error for Decline {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Decline
    }
}

type Result<T> = std::result::Result<T, Decline>;

struct Reader<'de> {
    src: &'de [u8],
    text: &'de str,
    pos: usize,
    depth: usize,
    /// Where the nesting first went past [`MAX_DEPTH`], if it did.
    too_deep: Option<usize>,
}

impl<'de> Reader<'de> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    /// Skips the plain subset of whitespace ([`lex::skip_plain_ws`]): anything else declines
    /// (a block comment) or is left for the next token to decline (Unicode whitespace).
    #[inline]
    fn ws(&mut self) -> Result<()> {
        self.pos = lex::skip_plain_ws(self.src, self.pos).ok_or(Decline)?;
        Ok(())
    }

    #[inline]
    fn eat(&mut self, b: u8) -> bool {
        let found = self.peek() == Some(b);
        self.pos += usize::from(found);
        found
    }

    #[inline]
    fn expect(&mut self, b: u8) -> Result<()> {
        if self.eat(b) { Ok(()) } else { Err(Decline) }
    }

    /// The ASCII identifier at the cursor, without moving. `None` if there is none or if it
    /// runs on into a non-ASCII character (RON identifiers may, and then this reader declines).
    fn peek_ident(&self) -> Option<&'de str> {
        let start = self.pos;
        if !matches!(self.peek(), Some(b'a'..=b'z' | b'A'..=b'Z' | b'_')) {
            return None;
        }
        let mut end = start + 1;
        while let Some(&b) = self.src.get(end)
            && IDENT[usize::from(b)]
        {
            end += 1;
        }
        if self.src.get(end).is_some_and(|b| !b.is_ascii()) {
            return None;
        }
        Some(&self.text[start..end])
    }

    fn ident(&mut self) -> Result<&'de str> {
        let ident = self.peek_ident().ok_or(Decline)?;
        self.pos += ident.len();
        Ok(ident)
    }

    /// A `"..."` string: borrowed when it has no escapes, else built with the escapes RON
    /// shares with Rust's simple ones. `\x`, `\u{..}` and line continuations decline.
    fn string(&mut self) -> Result<Cow<'de, str>> {
        self.expect(b'"')?;
        let start = self.pos;
        let mut end = start + find_quote_or_backslash(&self.src[start..]).ok_or(Decline)?;
        if self.src[end] == b'"' {
            self.pos = end + 1;
            return Ok(Cow::Borrowed(&self.text[start..end]));
        }
        let mut out = String::new();
        let mut from = start;
        loop {
            if self.src[end] == b'"' {
                out.push_str(&self.text[from..end]);
                self.pos = end + 1;
                return Ok(Cow::Owned(out));
            }
            out.push_str(&self.text[from..end]);
            out.push(match self.src.get(end + 1) {
                Some(b'"') => '"',
                Some(b'\\') => '\\',
                Some(b'\'') => '\'',
                Some(b'n') => '\n',
                Some(b'r') => '\r',
                Some(b't') => '\t',
                Some(b'0') => '\0',
                _ => return Err(Decline),
            });
            from = end + 2;
            end = from + find_quote_or_backslash(&self.src[from..]).ok_or(Decline)?;
        }
    }

    /// A whole number: an optional `-`, then decimal digits without leading zeros, at most 18
    /// of them (so it fits an `i64`). Anything RON might read as more of the number (a `.`,
    /// `_`, a suffix or an exponent) declines.
    fn int(&mut self) -> Result<i64> {
        let negative = self.eat(b'-');
        let start = self.pos;
        let len = self.src[start..]
            .iter()
            .position(|b| !b.is_ascii_digit())
            .unwrap_or(self.src.len() - start);
        let digits = &self.src[start..start + len];
        if digits.is_empty() || digits.len() > 18 || (digits.len() > 1 && digits[0] == b'0') {
            return Err(Decline);
        }
        self.pos += len;
        if matches!(self.peek(), Some(b'.' | b'_' | b'a'..=b'z' | b'A'..=b'Z')) {
            return Err(Decline);
        }
        let value = digits.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0'));
        Ok(if negative { -value } else { value })
    }

    /// One level deeper; `at` is where the value that opens the level starts.
    #[inline]
    fn enter(&mut self, at: usize) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.too_deep.get_or_insert(at);
            Err(Decline)
        } else {
            Ok(())
        }
    }

    /// `open`, then what `f` reads, then optional whitespace and `close`, one level deeper.
    fn nested<T>(&mut self, open: u8, close: u8, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        let at = self.pos;
        self.expect(open)?;
        self.enter(at)?;
        let value = f(self)?;
        self.depth -= 1;
        self.ws()?;
        self.expect(close)?;
        Ok(value)
    }
}

/// The bytes that continue a plain identifier: ASCII letters, digits and `_`.
static IDENT: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
        b += 1;
    }
    table
};

/// The index of the first `"` or `\`.
#[inline]
fn find_quote_or_backslash(bytes: &[u8]) -> Option<usize> {
    memchr::memchr2(b'"', b'\\', bytes)
}

/// What a map's keys are: identifiers (a struct's fields) or strings (a map's keys).
#[derive(Clone, Copy, PartialEq)]
enum Keys {
    Fields,
    Strings,
}

/// The items of a list, tuple, struct or map, separated by commas, an optional trailing comma,
/// ending before `end` (which the caller consumes). RON's rules: an item needs a comma before it
/// unless it is the first.
struct Items<'a, 'de> {
    r: &'a mut Reader<'de>,
    end: u8,
    keys: Keys,
    had_comma: bool,
}

impl<'a, 'de> Items<'a, 'de> {
    fn new(r: &'a mut Reader<'de>, end: u8, keys: Keys) -> Self {
        Items {
            r,
            end,
            keys,
            had_comma: true,
        }
    }

    /// Whether another item follows (the cursor is then on it).
    fn more(&mut self) -> Result<bool> {
        self.r.ws()?;
        if self.r.peek() == Some(self.end) {
            Ok(false)
        } else if self.had_comma {
            Ok(true)
        } else {
            Err(Decline)
        }
    }

    fn comma(&mut self) -> Result<()> {
        self.r.ws()?;
        self.had_comma = self.r.eat(b',');
        Ok(())
    }
}

impl<'de> de::SeqAccess<'de> for Items<'_, 'de> {
    type Error = Decline;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if !self.more()? {
            return Ok(None);
        }
        let value = seed.deserialize(&mut *self.r)?;
        self.comma()?;
        Ok(Some(value))
    }
}

impl<'de> de::MapAccess<'de> for Items<'_, 'de> {
    type Error = Decline;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if !self.more()? {
            return Ok(None);
        }
        match self.keys {
            Keys::Fields => {
                let name = self.r.ident()?;
                seed.deserialize(BorrowedStrDeserializer::new(name)).map(Some)
            }
            Keys::Strings => seed.deserialize(&mut *self.r).map(Some),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        self.r.ws()?;
        self.r.expect(b':')?;
        self.r.ws()?;
        let value = seed.deserialize(&mut *self.r)?;
        self.comma()?;
        Ok(value)
    }
}

/// An enum value: the variant's name, then what that variant holds.
struct Variant<'a, 'de> {
    r: &'a mut Reader<'de>,
}

impl<'a, 'de> de::EnumAccess<'de> for Variant<'a, 'de> {
    type Error = Decline;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        let name = self.r.ident()?;
        let value = seed.deserialize(BorrowedStrDeserializer::new(name))?;
        Ok((value, self))
    }
}

impl<'de> de::VariantAccess<'de> for Variant<'_, 'de> {
    type Error = Decline;

    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        self.r.ws()?;
        self.r.nested(b'(', b')', |r| {
            r.ws()?;
            let value = seed.deserialize(&mut *r)?;
            r.ws()?;
            r.eat(b',');
            Ok(value)
        })
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.r.ws()?;
        self.r.nested(b'(', b')', |r| {
            visitor.visit_seq(Items::new(r, b')', Keys::Fields))
        })
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.r.ws()?;
        self.r.nested(b'(', b')', |r| {
            visitor.visit_map(Items::new(r, b')', Keys::Fields))
        })
    }
}

/// Shapes the story's types never ask for: left to RON.
macro_rules! decline {
    ($($method:ident)*) => {
        $(fn $method<V: Visitor<'de>>(self, _: V) -> Result<V::Value> {
            Err(Decline)
        })*
    };
}

impl<'de> de::Deserializer<'de> for &mut Reader<'de> {
    type Error = Decline;

    /// Only what the story's self-describing values can be: a string or a list (scene text),
    /// a boolean or a whole number (a literal value).
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.peek() {
            Some(b'"') => self.deserialize_str(visitor),
            Some(b'[') => self.deserialize_seq(visitor),
            Some(b'-' | b'0'..=b'9') => visitor.visit_i64(self.int()?),
            Some(b't' | b'f') => self.deserialize_bool(visitor),
            // An expression, `Expr("a + 1")`: handed over as a list of one string, as RON does.
            Some(b'E') if self.peek_ident() == Some("Expr") => {
                self.ident()?;
                self.ws()?;
                self.nested(b'(', b')', |r| {
                    visitor.visit_seq(Items::new(r, b')', Keys::Fields))
                })
            }
            _ => Err(Decline),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.ident()? {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            _ => Err(Decline),
        }
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_i64(self.int()?)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.string()? {
            Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
            Cow::Owned(s) => visitor.visit_string(s),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    /// `Some(..)` and `None` are left to RON; anything else is an implicit `Some`, as the
    /// loader's `implicit_some` option reads it.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if matches!(self.peek_ident(), Some("Some" | "None")) {
            return Err(Decline);
        }
        visitor.visit_some(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.nested(b'[', b']', |r| {
            visitor.visit_seq(Items::new(r, b']', Keys::Fields))
        })
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.nested(b'{', b'}', |r| {
            visitor.visit_map(Items::new(r, b'}', Keys::Strings))
        })
    }

    /// `Name(field: value, ..)` or `(field: value, ..)`; a different name declines.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        if self.peek() != Some(b'(') {
            if self.ident()? != name {
                return Err(Decline);
            }
            self.ws()?;
        }
        self.nested(b'(', b')', |r| {
            visitor.visit_map(Items::new(r, b')', Keys::Fields))
        })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.enter(self.pos)?;
        let value = visitor.visit_enum(Variant { r: &mut *self })?;
        self.depth -= 1;
        Ok(value)
    }

    decline! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i128 deserialize_u8
        deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128 deserialize_f32
        deserialize_f64 deserialize_char deserialize_bytes deserialize_byte_buf deserialize_unit
        deserialize_identifier deserialize_ignored_any
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _: &'static str, _: V) -> Result<V::Value> {
        Err(Decline)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, _: V) -> Result<V::Value> {
        Err(Decline)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value> {
        Err(Decline)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(self, _: &'static str, _: usize, _: V) -> Result<V::Value> {
        Err(Decline)
    }
}
