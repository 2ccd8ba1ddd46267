//! Integer expressions: `Set("oil", Expr("oil - 1 + lamps"))` and
//! `Compare("trust", ">", Expr("doubt + 1"))`.
//!
//! An expression is checked when the story loads (names resolved, every variable an `Int`,
//! `random` bounds literal), so evaluating one only does arithmetic. The arithmetic is `i64`,
//! checked: an overflow, or a division by a value that turns out to be 0, is an [`EvalError`]
//! (a division by a literal 0, or by a constant expression worth 0, is refused at load time).
//! `/` truncates toward zero, as integer division does in C, Rust and ink (`-7 / 2` is `-3`).

use super::{Value, VarId};

/// An expression as written, and its tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expression {
    /// The text inside `Expr("..")`, as written: what messages quote.
    pub source: Box<str>,
    pub root: Expr,
}

/// A node of an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// An integer literal.
    Lit(i64),
    /// The value of a variable (an `Int`, or in a `Compare` with one variable alone, any type).
    Var(VarId),
    /// `-x`.
    Neg(Box<Expr>),
    /// `a + b`, `a - b`, `a * b`, `a / b`.
    Bin(BinOp, Box<Expr>, Box<Expr>),
    /// `min(a, b, ..)`: at least one argument.
    Min(Vec<Expr>),
    /// `max(a, b, ..)`: at least one argument.
    Max(Vec<Expr>),
    /// `clamp(x, lo, hi)`: `x` kept within `lo..=hi` (`lo` wins when `lo > hi`).
    Clamp(Box<[Expr; 3]>),
    /// `random(lo, hi)`: a whole number drawn from `lo..=hi`, every value equally likely
    /// (literal bounds, `lo <= hi`, at most [`crate::story::limits::RANDOM_VALUES`] values).
    Random(i64, i64),
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    /// Truncating toward zero.
    Div,
}

impl BinOp {
    pub fn symbol(self) -> char {
        match self {
            BinOp::Add => '+',
            BinOp::Sub => '-',
            BinOp::Mul => '*',
            BinOp::Div => '/',
        }
    }
}

/// Why an expression has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvalError {
    DivisionByZero,
    Overflow,
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EvalError::DivisionByZero => "division by zero",
            EvalError::Overflow => "the result is too large for a whole number",
        })
    }
}

impl Expr {
    /// The value of this expression, `vars` being the state's variables (only `Int` ones are
    /// read as numbers; another kind reads as 0, which the loader never lets happen) and
    /// `random(lo, hi)` giving a number in `lo..=hi`.
    pub fn eval(&self, vars: &[Value], random: &mut impl FnMut(i64, i64) -> i64) -> Result<i64, EvalError> {
        Ok(match self {
            Expr::Lit(n) => *n,
            Expr::Var(v) => match &vars[v.index()] {
                Value::Int(n) => *n,
                Value::Bool(_) | Value::Text(_) => 0,
            },
            Expr::Neg(x) => x.eval(vars, random)?.checked_neg().ok_or(EvalError::Overflow)?,
            Expr::Bin(op, a, b) => {
                let (a, b) = (a.eval(vars, random)?, b.eval(vars, random)?);
                binary(*op, a, b)?
            }
            Expr::Min(xs) => fold(xs, vars, random, i64::min)?,
            Expr::Max(xs) => fold(xs, vars, random, i64::max)?,
            Expr::Clamp(parts) => {
                let [x, lo, hi] = &**parts;
                let x = x.eval(vars, random)?;
                let (lo, hi) = (lo.eval(vars, random)?, hi.eval(vars, random)?);
                x.min(hi).max(lo)
            }
            Expr::Random(lo, hi) => random(*lo, *hi),
        })
    }

    /// The value of this expression when it reads no variable and draws no random number.
    pub fn constant(&self) -> Option<Result<i64, EvalError>> {
        let mut fixed = true;
        self.each(&mut |e| {
            fixed &= match e {
                Expr::Var(_) | Expr::Random(..) => false,
                Expr::Lit(_)
                | Expr::Neg(_)
                | Expr::Bin(..)
                | Expr::Min(_)
                | Expr::Max(_)
                | Expr::Clamp(_) => true,
            }
        });
        fixed.then(|| self.eval(&[], &mut |lo, _| lo))
    }

    /// Calls `f` on this node and every node below it, parents first.
    pub fn each<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        f(self);
        match self {
            Expr::Lit(_) | Expr::Var(_) | Expr::Random(..) => {}
            Expr::Neg(x) => x.each(f),
            Expr::Bin(_, a, b) => {
                a.each(f);
                b.each(f);
            }
            Expr::Min(xs) | Expr::Max(xs) => xs.iter().for_each(|x| x.each(f)),
            Expr::Clamp(parts) => parts.iter().for_each(|x| x.each(f)),
        }
    }

    /// Calls `f` on every variable this expression reads, in the order written.
    pub fn vars(&self, f: &mut impl FnMut(VarId)) {
        self.each(&mut |e| {
            if let Expr::Var(v) = e {
                f(*v)
            }
        });
    }

    /// Whether evaluating this expression draws a random number.
    pub fn is_random(&self) -> bool {
        let mut random = false;
        self.each(&mut |e| random |= matches!(e, Expr::Random(..)));
        random
    }
}

fn binary(op: BinOp, a: i64, b: i64) -> Result<i64, EvalError> {
    match op {
        BinOp::Add => a.checked_add(b).ok_or(EvalError::Overflow),
        BinOp::Sub => a.checked_sub(b).ok_or(EvalError::Overflow),
        BinOp::Mul => a.checked_mul(b).ok_or(EvalError::Overflow),
        BinOp::Div if b == 0 => Err(EvalError::DivisionByZero),
        // Truncates toward zero; only `i64::MIN / -1` overflows.
        BinOp::Div => a.checked_div(b).ok_or(EvalError::Overflow),
    }
}

fn fold(
    xs: &[Expr],
    vars: &[Value],
    random: &mut impl FnMut(i64, i64) -> i64,
    pick: fn(i64, i64) -> i64,
) -> Result<i64, EvalError> {
    let mut acc: Option<i64> = None;
    for x in xs {
        let v = x.eval(vars, random)?;
        acc = Some(acc.map_or(v, |a| pick(a, v)));
    }
    Ok(acc.unwrap_or(0))
}

impl std::fmt::Display for Expression {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.source)
    }
}
