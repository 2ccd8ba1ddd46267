//! Conditions and effects on a state: what a condition reads, what an effect writes.
//!
//! Kept apart from the step so each stays small; both are plain functions of the state.

use super::state::GameState;
use super::step::{Dice, StepError};
use crate::story::*;

/// Evaluates a condition on a state.
pub fn holds(state: &GameState, c: &Condition) -> bool {
    match c {
        Condition::Flag(v) => matches!(state.vars[v.index()], Value::Bool(true)),
        Condition::Not(c) => !holds(state, c),
        Condition::All(cs) => cs.iter().all(|c| holds(state, c)),
        Condition::Any(cs) => cs.iter().any(|c| holds(state, c)),
        Condition::Compare(v, op, value) => op.holds(&state.vars[v.index()], value),
        Condition::Visits { slot, op, n, .. } => {
            op.holds(i64::from(state.tracked_visits[*slot as usize]), *n)
        }
        Condition::Chance { slot, .. } => state.rolls.get(*slot as usize).copied().unwrap_or(false),
        Condition::CompareExpr(v, op, e) => compare_expr(state, *v, *op, e),
    }
}

/// A variable against an expression: one variable alone is compared as a value of its type;
/// an expression without a value (a division by zero, an overflow) makes the comparison fail.
#[inline(never)]
fn compare_expr(state: &GameState, v: VarId, op: Op, e: &Expression) -> bool {
    let left = &state.vars[v.index()];
    match (&e.root, left) {
        (Expr::Var(w), _) => op.holds(left, &state.vars[w.index()]),
        (_, Value::Int(a)) => e
            .root
            .eval(&state.vars, &mut |lo, _| lo)
            .is_ok_and(|b| op.holds(*a, b)),
        (_, Value::Bool(_) | Value::Text(_)) => false,
    }
}

/// Applies effects in order; `Add` and a `Set` with an expression stay within the variable's
/// bounds. A `random(..)` in an expression draws from `dice`.
///
/// # Errors
/// [`StepError::Expression`] when an expression has no value (a division by zero or an
/// overflow): the effects before it have been applied, the rest not.
#[inline]
pub fn apply(
    story: &Story,
    state: &mut GameState,
    effects: &[Effect],
    dice: &mut impl Dice,
) -> Result<(), StepError> {
    // Most scenes and choices have no effect at all: no call for them.
    if !effects.is_empty() {
        apply_each(story, state, effects, dice)?;
    }
    Ok(())
}

fn apply_each(
    story: &Story,
    state: &mut GameState,
    effects: &[Effect],
    dice: &mut impl Dice,
) -> Result<(), StepError> {
    for e in effects {
        match e {
            Effect::Set(v, value) => match (&mut state.vars[v.index()], value) {
                // Plain values are copied; only a text needs its shared string cloned.
                (Value::Bool(slot), Value::Bool(b)) => *slot = *b,
                (Value::Int(slot), Value::Int(i)) => *slot = *i,
                (slot, value) => slot.clone_from(value),
            },
            Effect::Add(v, n) => {
                let decl = story.var(*v);
                if let Value::Int(i) = &mut state.vars[v.index()] {
                    *i = i.saturating_add(*n).clamp(decl.min, decl.max);
                }
            }
            Effect::Toggle(v) => {
                if let Value::Bool(b) = &mut state.vars[v.index()] {
                    *b = !*b;
                }
            }
            Effect::SetExpr(v, e) => set_expr(story, state, *v, e, dice)?,
        }
    }
    Ok(())
}

/// `Set` with an expression: its value, clamped to the variable's range.
#[inline(never)]
fn set_expr(
    story: &Story,
    state: &mut GameState,
    v: VarId,
    e: &Expression,
    dice: &mut impl Dice,
) -> Result<(), StepError> {
    let mut draw = |lo: i64, hi: i64| {
        // At most `limits::RANDOM_VALUES` values, checked when loading.
        let n = (hi - lo).saturating_add(1).clamp(1, limits::RANDOM_VALUES) as usize;
        lo + dice.pick(&vec![1; n]) as i64
    };
    match e.root.eval(&state.vars, &mut draw) {
        Ok(n) => {
            let decl = story.var(v);
            state.vars[v.index()] = Value::Int(n.clamp(decl.min, decl.max));
            Ok(())
        }
        Err(why) => Err(StepError::Expression {
            scene: story.scene(state.scene).id.clone(),
            expr: e.source.to_string(),
            why: why.to_string(),
        }),
    }
}
