//! The canonical form of a game state, for the tools that search states.
//!
//! Two states that can only ever lead to the same scenes, choices, endings, dead ends and
//! errors need to be explored once. [`Canon`] maps both to one state by forgetting what the
//! rest of the game can never look at again:
//!
//! - the turn counter (no condition reads it);
//! - every variable, visit count and once-only mark that no condition can read any more from
//!   the scene the game waits in (a static liveness analysis over the scene graph: a value is
//!   live at a scene when some path from there reads it in a condition before a `Set` or a
//!   once-only mark overwrites it). Texts are not conditions here: what a text shows never
//!   changes where the game can go;
//! - `Chance` rolls no condition of a choice or branch of the current scene reads;
//! - past the largest number a `Visits` condition compares a live count with, the count
//!   itself: visits only grow, so every larger count makes every condition come out the same;
//! - the same for an `Int` variable that only ever grows (or only ever shrinks): past the
//!   largest (smallest) number a condition compares it with, its value.
//!
//! States are only compared in this form: the paths the tools report are played again on the
//! real game, which shows the real texts.

use crate::engine::GameState;
use crate::story::{Condition, Effect, Story, Target, Value};

/// A set of indices: variables, then visit slots, then once-only slots.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn insert(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn remove(&mut self, i: usize) {
        self.0[i / 64] &= !(1 << (i % 64));
    }
    fn contains(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
    fn union(&mut self, other: &Bits) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a |= b;
        }
    }
}

/// Where each kind of value sits in a [`Bits`].
#[derive(Debug, Clone, Copy)]
struct Layout {
    vars: usize,
    visits: usize,
    once: usize,
}

impl Layout {
    fn len(self) -> usize {
        self.vars + self.visits + self.once
    }
    fn visit(self, slot: u32) -> usize {
        self.vars + slot as usize
    }
    fn once(self, slot: u32) -> usize {
        self.vars + self.visits + slot as usize
    }
}

/// Adds every value a condition reads (rolls aside).
fn reads(layout: Layout, c: &Condition, out: &mut Bits) {
    match c {
        Condition::Flag(v) | Condition::Compare(v, _, _) => out.insert(v.index()),
        Condition::Visits { slot, .. } => out.insert(layout.visit(*slot)),
        Condition::Not(c) => reads(layout, c, out),
        Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| reads(layout, c, out)),
        Condition::Chance { .. } => {}
    }
}

fn reads_opt(layout: Layout, c: Option<&Condition>, out: &mut Bits) {
    if let Some(c) = c {
        reads(layout, c, out);
    }
}

/// Whether a condition reads a `Chance` roll, and which.
fn rolls_read(c: &Condition, out: &mut Vec<u16>) {
    match c {
        Condition::Chance { slot, .. } => out.push(*slot),
        Condition::Not(c) => rolls_read(c, out),
        Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| rolls_read(c, out)),
        _ => {}
    }
}

/// The live set before effects, from the live set after them: a `Set` overwrites its
/// variable (`Add` and `Toggle` keep the value's history, so they change nothing).
fn before_effects(effects: &[Effect], live: &mut Bits) {
    for e in effects {
        if let Effect::Set(v, _) = e {
            live.remove(v.index());
        }
    }
}

/// Where an `Int` variable's value stops making a difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IntCap {
    /// It only grows: every value above this one acts like this one.
    Above(i64),
    /// It only shrinks: every value below this one acts like this one.
    Below(i64),
}

/// The caps of `Int` variables that only move one way (see [`IntCap`]).
fn int_caps(story: &Story) -> Vec<Option<IntCap>> {
    let n = story.vars().len();
    let (mut grows, mut shrinks) = (vec![false; n], vec![false; n]);
    super::each_effect(story, &mut |e| {
        if let Effect::Add(v, d) = e {
            grows[v.index()] |= *d > 0;
            shrinks[v.index()] |= *d < 0;
        }
    });
    let (mut top, mut bottom) = (vec![None::<i64>; n], vec![None::<i64>; n]);
    super::each_condition(story, &mut |c| {
        if let Condition::Compare(v, _, Value::Int(k)) = c {
            let t = &mut top[v.index()];
            *t = Some(t.map_or(*k, |t| t.max(*k)));
            let b = &mut bottom[v.index()];
            *b = Some(b.map_or(*k, |b| b.min(*k)));
        }
    });
    (0..n)
        .map(|i| match (grows[i], shrinks[i], top[i], bottom[i]) {
            (true, false, Some(k), _) => Some(IntCap::Above(k.saturating_add(1))),
            (false, true, _, Some(k)) => Some(IntCap::Below(k.saturating_sub(1))),
            _ => None,
        })
        .collect()
}

/// The canonical form of states of one story (see the module doc).
#[derive(Debug, Clone)]
pub(crate) struct Canon {
    layout: Layout,
    /// For each scene: what may be read from a state waiting there.
    live: Vec<Bits>,
    /// For each scene: the rolls its choices and branches read.
    rolls: Vec<Vec<u16>>,
    /// For each visit slot: the cap of its count.
    caps: Vec<u32>,
    initial: Vec<Value>,
    /// For each scene: the variables no condition can read any more (reset to their initial
    /// value), and the live ones with a cap; precomputed from `live` and `int_caps`.
    dead_vars: Vec<Vec<u32>>,
    capped_vars: Vec<Vec<(u32, IntCap)>>,
    /// False to keep every value (only the turn and the visit caps are canonical).
    forget: bool,
}

impl Canon {
    /// The canonical form that forgets what the game can no longer read.
    pub(crate) fn new(story: &Story) -> Canon {
        Canon::with(story, true)
    }

    /// The canonical form that forgets nothing but the turn (and visits past every cap): for
    /// checking that forgetting changes no result.
    pub(crate) fn whole(story: &Story) -> Canon {
        Canon::with(story, false)
    }

    fn with(story: &Story, forget: bool) -> Canon {
        let layout = Layout {
            vars: story.vars().len(),
            visits: story.tracked_scenes().len(),
            once: story.once_slots() as usize,
        };
        let mut caps = vec![0u32; layout.visits];
        super::each_condition(story, &mut |c| {
            if let Condition::Visits { slot, n, .. } = c
                && let Some(cap) = caps.get_mut(*slot as usize)
            {
                // Room for a step's own visits (at most the transition limit) below u32::MAX.
                let n = n.saturating_add(1).clamp(0, i64::from(u32::MAX / 2)) as u32;
                *cap = (*cap).max(n);
            }
        });
        let rolls = story
            .scenes()
            .iter()
            .map(|s| {
                let mut out = Vec::new();
                for c in &s.choices {
                    c.condition.iter().for_each(|c| rolls_read(c, &mut out));
                    if let Target::Branches(bs) = &c.target {
                        bs.iter()
                            .filter_map(|b| b.condition.as_ref())
                            .for_each(|c| rolls_read(c, &mut out));
                    }
                }
                out.sort_unstable();
                out.dedup();
                out
            })
            .collect();
        let live = liveness(story, layout);
        let int_caps = int_caps(story);
        let dead_vars = live
            .iter()
            .map(|l| {
                (0..layout.vars)
                    .filter(|&i| !l.contains(i))
                    .map(|i| i as u32)
                    .collect()
            })
            .collect();
        let capped_vars = live
            .iter()
            .map(|l| {
                (0..layout.vars)
                    .filter(|&i| l.contains(i))
                    .filter_map(|i| int_caps[i].map(|c| (i as u32, c)))
                    .collect()
            })
            .collect();
        Canon {
            layout,
            live,
            rolls,
            caps,
            initial: story.vars().iter().map(|v| v.initial.clone()).collect(),
            dead_vars,
            capped_vars,
            forget,
        }
    }

    /// Puts a state waiting in its scene (or ended) into canonical form.
    pub(crate) fn apply(&self, state: &mut GameState) {
        let layout = self.layout;
        let live = &self.live[state.scene.index()];
        state.turn = 0;
        if !self.forget {
            for (v, &cap) in state.tracked_visits.iter_mut().zip(&self.caps) {
                *v = (*v).min(cap);
            }
            return;
        }
        let scene = state.scene.index();
        for &i in &self.dead_vars[scene] {
            let (v, init) = (&mut state.vars[i as usize], &self.initial[i as usize]);
            if v != init {
                v.clone_from(init);
            }
        }
        for &(i, cap) in &self.capped_vars[scene] {
            match (cap, &mut state.vars[i as usize]) {
                (IntCap::Above(cap), Value::Int(x)) => *x = (*x).min(cap),
                (IntCap::Below(cap), Value::Int(x)) => *x = (*x).max(cap),
                _ => {}
            }
        }
        for (slot, (v, &cap)) in state.tracked_visits.iter_mut().zip(&self.caps).enumerate() {
            *v = if live.contains(layout.visit(slot as u32)) {
                (*v).min(cap)
            } else {
                0
            };
        }
        for (w, word) in state.once_used.iter_mut().enumerate() {
            for bit in 0..64 {
                let slot = w * 64 + bit;
                if slot >= layout.once || !live.contains(layout.once(slot as u32)) {
                    *word &= !(1 << bit);
                }
            }
        }
        let read = &self.rolls[state.scene.index()];
        for (slot, r) in state.rolls.iter_mut().enumerate() {
            if *r && read.binary_search(&(slot as u16)).is_err() {
                *r = false;
            }
        }
    }
}

/// For each scene, what may be read from a state waiting there: a backward fixed point over
/// the scene graph. `enter[t]` is what may be read from the moment scene `t` is entered.
fn liveness(story: &Story, layout: Layout) -> Vec<Bits> {
    let n = story.scenes().len();
    let len = layout.len();
    let mut enter = vec![Bits::new(len); n];
    let mut wait = vec![Bits::new(len); n];
    // What may be read from a transition on: its branch conditions, then (after its once mark
    // and effects, and a branch's effects) what its target reads.
    let transition = |enter: &[Bits], effects: &[Effect], once: Option<u32>, target: &Target| {
        let mut live = Bits::new(len);
        match target {
            Target::Goto(t) => live.union(&enter[t.index()]),
            Target::Branches(bs) => {
                for b in bs {
                    let mut after = enter[b.target.index()].clone();
                    before_effects(&b.effects, &mut after);
                    live.union(&after);
                }
            }
        }
        before_effects(effects, &mut live);
        if let Some(o) = once {
            live.remove(layout.once(o));
        }
        if let Target::Branches(bs) = target {
            for b in bs {
                reads_opt(layout, b.condition.as_ref(), &mut live);
            }
        }
        live
    };
    loop {
        let mut changed = false;
        for (i, scene) in story.scenes().iter().enumerate().rev() {
            if scene.ending.is_some() {
                continue;
            }
            // Waiting: every choice's availability, and where each may lead.
            let mut w = Bits::new(len);
            for c in scene.choices.iter().filter(|c| !c.fallback) {
                reads_opt(layout, c.condition.as_ref(), &mut w);
                if let Some(o) = c.once {
                    w.insert(layout.once(o));
                }
                w.union(&transition(&enter, &c.effects, c.once, &c.target));
            }
            // Entering: the autos, else waiting, or a fallback when nothing is available.
            let mut e = Bits::new(len);
            for a in &scene.autos {
                reads_opt(layout, a.condition.as_ref(), &mut e);
                e.union(&transition(&enter, &a.effects, None, &a.target));
            }
            if scene.autos.iter().all(|a| a.condition.is_some()) {
                e.union(&w);
                for c in scene.choices.iter().filter(|c| c.fallback) {
                    reads_opt(layout, c.condition.as_ref(), &mut e);
                    if let Some(o) = c.once {
                        e.insert(layout.once(o));
                    }
                    e.union(&transition(&enter, &c.effects, c.once, &c.target));
                }
            }
            before_effects(&scene.on_enter, &mut e);
            if w != wait[i] {
                wait[i] = w;
                changed = true;
            }
            if e != enter[i] {
                enter[i] = e;
                changed = true;
            }
        }
        if !changed {
            return wait;
        }
    }
}
