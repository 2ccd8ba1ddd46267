//! Expressions, `Expr("oil - 1 + lamps")`: parsed and type-checked at load time.
//!
//! The grammar, with the usual precedence (`*` and `/` before `+` and `-`, all left
//! associative, as in C, ink and ChoiceScript):
//!
//! ```text
//! sum     = product (("+" | "-") product)*
//! product = unary (("*" | "/") unary)*
//! unary   = "-" unary | atom
//! atom    = number | name | "(" sum ")" | function "(" sum ("," sum)* ")"
//! ```
//!
//! Functions: `min(a, b, ..)`, `max(a, b, ..)` (two values or more), `clamp(x, lo, hi)` and
//! `random(lo, hi)` (whole-number literals, `lo <= hi`, at most [`limits::RANDOM_VALUES`]
//! values; in a `Set` only). Every error points at its column inside the string.

use super::*;

/// An error inside an expression: where (a byte range of the expression's text) and what.
#[derive(Debug)]
struct ExprError {
    at: usize,
    len: usize,
    message: String,
    label: Option<String>,
    help: Option<String>,
}

fn err(at: usize, len: usize, message: String) -> ExprError {
    ExprError {
        at,
        len,
        message,
        label: None,
        help: None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok<'s> {
    Num(&'s str),
    Name(&'s str),
    Sym(u8),
    End,
}

/// Where an expression is used, which decides what it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Set,
    Compare,
}

struct Parser<'s, 'b, 'c, 'r, 'a> {
    src: &'s str,
    pos: usize,
    /// Where the current token starts, and the token.
    start: usize,
    tok: Tok<'s>,
    depth: usize,
    place: Place,
    b: &'b Builder<'c, 'r, 'a>,
}

impl<'s> Parser<'s, '_, '_, '_, '_> {
    fn bump(&mut self) -> Result<(), ExprError> {
        let bytes = self.src.as_bytes();
        while bytes.get(self.pos).is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
        self.start = self.pos;
        let Some(&c) = bytes.get(self.pos) else {
            self.tok = Tok::End;
            return Ok(());
        };
        let run = |p: usize, f: fn(u8) -> bool| {
            p + bytes[p..].iter().position(|&b| !f(b)).unwrap_or(bytes.len() - p)
        };
        self.tok = match c {
            b'0'..=b'9' => {
                self.pos = run(self.pos, |b| b.is_ascii_alphanumeric() || b == b'_');
                Tok::Num(&self.src[self.start..self.pos])
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                self.pos = run(self.pos, |b| b.is_ascii_alphanumeric() || b == b'_');
                Tok::Name(&self.src[self.start..self.pos])
            }
            b'+' | b'-' | b'*' | b'/' | b'(' | b')' | b',' => {
                self.pos += 1;
                Tok::Sym(c)
            }
            _ => {
                let ch = self.src[self.pos..].chars().next().unwrap_or('?');
                return Err(ExprError {
                    help: Some("an expression has whole numbers, Int variables, + - * / ( ) and min, max, clamp, random".into()),
                    ..err(self.pos, ch.len_utf8(), format!("`{ch}` cannot be used in an expression"))
                });
            }
        };
        Ok(())
    }

    fn unexpected(&self, wanted: &str) -> ExprError {
        match self.tok {
            Tok::End => err(
                self.src.len(),
                0,
                format!("the expression ends where {wanted} is expected"),
            ),
            _ => err(
                self.start,
                (self.pos - self.start).max(1),
                format!("`{}` where {wanted} is expected", &self.src[self.start..self.pos]),
            ),
        }
    }

    fn expect(&mut self, sym: u8, wanted: &str) -> Result<(), ExprError> {
        if self.tok != Tok::Sym(sym) {
            return Err(self.unexpected(wanted));
        }
        self.bump()
    }

    fn sum(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.product()?;
        while let Tok::Sym(c @ (b'+' | b'-')) = self.tok {
            self.bump()?;
            let right = self.product()?;
            let op = if c == b'+' { BinOp::Add } else { BinOp::Sub };
            left = Expr::Bin(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn product(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.unary()?;
        while let Tok::Sym(c @ (b'*' | b'/')) = self.tok {
            self.bump()?;
            let at = self.start;
            let right = self.unary()?;
            let op = if c == b'*' { BinOp::Mul } else { BinOp::Div };
            if op == BinOp::Div && right.constant() == Some(Ok(0)) {
                return Err(ExprError {
                    help: Some("divide by a variable or a number other than 0".into()),
                    ..err(at, self.start.max(at + 1) - at, "division by zero".into())
                });
            }
            left = Expr::Bin(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        if self.tok == Tok::Sym(b'-') {
            self.bump()?;
            // `-9223372036854775808`: the one literal whose negation is its only form.
            if let Tok::Num("9223372036854775808") = self.tok {
                self.bump()?;
                return Ok(Expr::Lit(i64::MIN));
            }
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        self.atom()
    }

    fn nest(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > limits::DEPTH {
            return Err(err(
                self.start,
                1,
                format!("parentheses nest more than {} deep here", limits::DEPTH),
            ));
        }
        Ok(())
    }

    fn atom(&mut self) -> Result<Expr, ExprError> {
        let (at, len) = (self.start, self.pos - self.start);
        match self.tok {
            Tok::Num(n) => {
                self.bump()?;
                n.parse::<i64>().map(Expr::Lit).map_err(|_| {
                    let message = if n.bytes().all(|b| b.is_ascii_digit()) {
                        format!("{n} is too large for a whole number")
                    } else {
                        format!("`{n}` is not a whole number")
                    };
                    err(at, len, message)
                })
            }
            Tok::Sym(b'(') => {
                self.nest()?;
                self.bump()?;
                let e = self.sum()?;
                self.expect(b')', "`)`")?;
                self.depth -= 1;
                Ok(e)
            }
            Tok::Name(name) => {
                self.bump()?;
                if self.tok == Tok::Sym(b'(') {
                    return self.call(name, at);
                }
                self.var(name, at)
            }
            Tok::Sym(_) | Tok::End => Err(self.unexpected("a number, a variable or `(`")),
        }
    }

    fn var(&self, name: &str, at: usize) -> Result<Expr, ExprError> {
        let Some(&id) = self.b.var_names.get(name) else {
            let help = self
                .b
                .suggest(name, self.b.var_names.keys().copied())
                .or_else(|| Some(format!("declare it in `variables` of {MANIFEST}")));
            return Err(ExprError {
                label: Some("undeclared variable".into()),
                help,
                ..err(at, name.len(), format!("the variable `{name}` is not declared"))
            });
        };
        let kind = self.b.vars[id.index()].initial.kind();
        if kind != VarKind::Int {
            return Err(err(
                at,
                name.len(),
                format!("`{name}` is {kind}: only Int variables can be used in arithmetic"),
            ));
        }
        Ok(Expr::Var(id))
    }

    fn call(&mut self, name: &str, at: usize) -> Result<Expr, ExprError> {
        self.nest()?;
        if !matches!(name, "min" | "max" | "clamp" | "random") {
            return Err(ExprError {
                help: Some("the functions are min, max, clamp and random".into()),
                ..err(at, name.len(), format!("there is no function `{name}`"))
            });
        }
        if name == "random" {
            return self.random(at);
        }
        self.bump()?;
        let mut args = vec![self.sum()?];
        while self.tok == Tok::Sym(b',') {
            self.bump()?;
            args.push(self.sum()?);
        }
        let close = self.start;
        self.expect(b')', "`,` or `)`")?;
        self.depth -= 1;
        let wrong = |usage: &str| err(at, close + 1 - at, format!("write `{usage}`"));
        match name {
            "clamp" => match <[Expr; 3]>::try_from(args) {
                Ok(parts) => Ok(Expr::Clamp(Box::new(parts))),
                Err(_) => Err(wrong("clamp(value, lowest, highest)")),
            },
            _ if args.len() < 2 => Err(wrong(&format!("{name}(a, b, ..)"))),
            "min" => Ok(Expr::Min(args)),
            _ => Ok(Expr::Max(args)),
        }
    }

    /// `random(lo, hi)`, the name read and `(` at the cursor.
    fn random(&mut self, at: usize) -> Result<Expr, ExprError> {
        if self.place == Place::Compare {
            return Err(ExprError {
                help: Some("set a variable to the random number first, then compare it".into()),
                ..err(at, 6, "`random` cannot be used in a comparison".into())
            });
        }
        self.bump()?;
        let lo = self.literal()?;
        self.expect(b',', "`,`")?;
        let hi = self.literal()?;
        let close = self.start;
        self.expect(b')', "`)`")?;
        self.depth -= 1;
        let len = close + 1 - at;
        if lo > hi {
            return Err(err(
                at,
                len,
                format!("`random({lo}, {hi})` has its bounds reversed: write `random({hi}, {lo})`"),
            ));
        }
        if i128::from(hi) - i128::from(lo) >= i128::from(limits::RANDOM_VALUES) {
            return Err(err(
                at,
                len,
                format!(
                    "`random({lo}, {hi})` draws from more than {} values",
                    limits::RANDOM_VALUES
                ),
            ));
        }
        Ok(Expr::Random(lo, hi))
    }

    /// A whole-number literal, maybe negative: the bounds of `random`.
    fn literal(&mut self) -> Result<i64, ExprError> {
        let at = self.start;
        let negative = self.tok == Tok::Sym(b'-');
        if negative {
            self.bump()?;
        }
        let Tok::Num(n) = self.tok else {
            return Err(ExprError {
                help: Some("write numbers, as in `random(1, 6)`".into()),
                ..err(
                    at,
                    (self.pos - at).max(1),
                    "the bounds of `random` must be whole numbers".into(),
                )
            });
        };
        self.bump()?;
        let text = if negative { format!("-{n}") } else { n.to_owned() };
        text.parse::<i64>().map_err(|_| {
            err(
                at,
                self.start - at,
                format!("`{text}` is not a whole number that fits"),
            )
        })
    }
}

impl Builder<'_, '_, '_> {
    /// Parses `src` for `place`: the expression, or the error reported at its column.
    fn parse_expr(&mut self, src: &str, place: Place, file: usize, p: &Path<'_, '_>) -> Option<Expr> {
        let result = if src.len() > limits::EXPR_BYTES {
            Err(err(
                0,
                0,
                format!("an expression is longer than {} bytes", limits::EXPR_BYTES),
            ))
        } else {
            let mut parser = Parser {
                src,
                pos: 0,
                start: 0,
                tok: Tok::End,
                depth: 0,
                place,
                b: self,
            };
            parser
                .bump()
                .and_then(|()| parser.sum())
                .and_then(|e| match parser.tok {
                    Tok::End => Ok(e),
                    _ => Err(parser.unexpected("an operator or the end")),
                })
        };
        match result {
            Ok(e) => Some(e),
            Err(e) => {
                self.expr_error(file, p, e);
                None
            }
        }
    }

    /// `Set(name, Expr(src))`: an `Int` variable set to an expression.
    pub(super) fn set_expr(&mut self, id: VarId, src: &str, file: usize, p: &Path<'_, '_>) -> Option<Effect> {
        self.expr_name(file, p)?;
        let kind = self.vars[id.index()].initial.kind();
        if kind != VarKind::Int {
            let name = self.vars[id.index()].name.clone();
            self.cx.error(
                file,
                p,
                format!("`{name}` is {kind}: only an Int variable can be set to an expression"),
            );
            return None;
        }
        let root = self.parse_expr(src, Place::Set, file, p)?;
        Some(Effect::SetExpr(
            id,
            Box::new(Expression {
                source: src.into(),
                root,
            }),
        ))
    }

    /// `Compare(name, op, Expr(src))`: an `Int` with an `Int` expression, or a variable of any
    /// type with one other variable of the same type.
    pub(super) fn compare_expr(
        &mut self,
        id: VarId,
        op: Op,
        src: &str,
        file: usize,
        p: &Path<'_, '_>,
    ) -> Option<Condition> {
        self.expr_name(file, p)?;
        let kind = self.vars[id.index()].initial.kind();
        let trimmed = src.trim();
        if let Some(&other) = self.var_names.get(trimmed) {
            let other_kind = self.vars[other.index()].initial.kind();
            if other_kind != kind {
                let (name, at) = (
                    self.vars[id.index()].name.clone(),
                    src.len() - src.trim_start().len(),
                );
                let message = format!(
                    "`{name}` is {kind} but `{trimmed}` is {other_kind}: compare variables of one type"
                );
                self.expr_error(file, p, err(at, trimmed.len(), message));
                return None;
            }
            let root = Expr::Var(other);
            return Some(Condition::CompareExpr(
                id,
                op,
                Box::new(Expression {
                    source: src.into(),
                    root,
                }),
            ));
        }
        if kind != VarKind::Int {
            let name = self.vars[id.index()].name.clone();
            self.cx.error(
                file,
                p,
                format!(
                    "`{name}` is {kind}: compare it with one variable of its type, as in Expr(\"other\")"
                ),
            );
            return None;
        }
        let root = self.parse_expr(src, Place::Compare, file, p)?;
        Some(Condition::CompareExpr(
            id,
            op,
            Box::new(Expression {
                source: src.into(),
                root,
            }),
        ))
    }

    /// Checks that the value at `p` is written `Expr(..)` (RON reads any `Name("..")` alike).
    fn expr_name(&mut self, file: usize, p: &Path<'_, '_>) -> Option<()> {
        let f = &self.cx.files[file];
        let span = f.tree().map(|t| t.find(&f.text, &p.segs())).unwrap_or_default();
        let text = f.text.get(span.start..span.end).unwrap_or("");
        let name: String = text
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() || name == "Expr" || !text.contains('(') {
            return Some(());
        }
        self.cx.error(
            file,
            p,
            format!("`{name}(..)` is not a value: write an expression as Expr(\"a + 1\")"),
        );
        None
    }

    /// Reports `e` at its column inside the string of the `Expr("..")` at `p`.
    fn expr_error(&mut self, file: usize, p: &Path<'_, '_>, e: ExprError) {
        let f = &self.cx.files[file];
        let span = f.tree().map(|t| t.find(&f.text, &p.segs())).unwrap_or_default();
        let raw = f.text.get(span.start..span.end).unwrap_or("");
        let (start, end) = match raw.find('"') {
            Some(q) => {
                let content = span.start + q + 1;
                (
                    content + raw_offset(&f.text[content..], e.at),
                    content + raw_offset(&f.text[content..], e.at + e.len),
                )
            }
            None => (span.start, span.end),
        };
        let (line, col) = f.line_col(start);
        self.cx.diags.push(Diagnostic {
            severity: Severity::Error,
            file: f.name.clone(),
            line,
            col,
            message: e.message,
            label: e.label,
            help: e.help,
            span: Some((start, end.max(start))),
            source: Excerpt::around(&f.text, start, end.max(start), line),
        });
    }
}

/// The byte offset in a RON string's raw text (from just after its opening quote) of byte
/// `at` of its value: an escape (`\"`, `\n`..) is two bytes of raw text for one of value.
fn raw_offset(raw: &str, at: usize) -> usize {
    let bytes = raw.as_bytes();
    let (mut r, mut v) = (0, 0);
    while v < at && r < bytes.len() && bytes[r] != b'"' {
        r += if bytes[r] == b'\\' { 2 } else { 1 };
        v += 1;
    }
    r.min(bytes.len())
}
