//! `explore --stats`: what keeps apart the states of the scenes that hold the most.
//!
//! A state waiting in a scene keeps every value some condition ahead can still read (see
//! `tools::canon`): one condition on a late choice that reads an early choice keeps that
//! choice apart in every state between the two. When a scene holds far more states than its
//! neighbours, an author needs to know which value multiplies them and which conditions keep
//! it alive. For each of the busiest scenes this counts, for every value kept there, how many
//! of the scene's states would stay different if that value alone were forgotten, and lists
//! where the value is read from that scene on.
//!
//! Only counted on request (`--stats`): one more pass over every state found per scene.

use super::{Spread, ValueSpread};
use crate::engine::GameState;
use crate::story::{Condition, Read, SceneId, Story};
use crate::tools::store::StateStore;
use crate::tools::{Canon, targets};
use std::hash::BuildHasher;

/// How many of the busiest scenes are examined.
pub(super) const SCENES: usize = 4;
/// How many values are named for each, those that split the most states first.
pub(super) const VALUES: usize = 5;
/// How many places each value is read are named.
const READ_AT: usize = 3;

/// One value a state waiting in a scene keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// A variable (a `Chosen(..)` counter among them), by index.
    Var(u32),
    /// A tracked visit count, by slot.
    Visit(u32),
    /// A once-only choice's mark, by slot.
    Once(u32),
}

/// What keeps apart the states of the [`SCENES`] scenes that hold the most (at least two).
/// `scene_states` is how many of the states in `store` wait in each scene.
pub(super) fn spread(story: &Story, canon: &Canon, store: &StateStore, scene_states: &[u32]) -> Vec<Spread> {
    let mut busiest: Vec<usize> = (0..scene_states.len()).filter(|&s| scene_states[s] > 1).collect();
    busiest.sort_by_key(|&s| std::cmp::Reverse(scene_states[s]));
    busiest.truncate(SCENES);
    let mut state = GameState::blank(story, 0);
    busiest
        .into_iter()
        .map(|s| {
            let scene = SceneId(s as u32);
            let slots = kept(canon, scene);
            let (distinct, without) = count(store, scene, &slots, &mut state);
            let states = scene_states[s] as usize;
            let mut values: Vec<ValueSpread> = slots
                .iter()
                .enumerate()
                .filter(|&(i, _)| distinct[i] > 1)
                .map(|(i, &slot)| ValueSpread {
                    value: name(story, slot),
                    distinct: distinct[i],
                    without: without[i],
                    read_at: read_at(story, scene, slot),
                })
                .collect();
            // Fewest states left first: the value that splits the most.
            values.sort_by_key(|v| v.without);
            values.truncate(VALUES);
            Spread {
                scene: story.scene(scene).id.clone(),
                states,
                values,
            }
        })
        .collect()
}

/// The values a state waiting in `scene` keeps (rolls aside: they are made on entering).
fn kept(canon: &Canon, scene: SceneId) -> Vec<Slot> {
    let keep = canon.keep(scene);
    let vars = keep.vars.iter().chain(keep.capped.iter().map(|(v, _)| v));
    let mut vars: Vec<u32> = vars.copied().collect();
    vars.sort_unstable();
    let mut slots: Vec<Slot> = vars.into_iter().map(Slot::Var).collect();
    slots.extend(keep.visits.iter().map(|&v| Slot::Visit(v)));
    slots.extend(keep.once.iter().map(|&o| Slot::Once(o)));
    slots
}

/// For each slot: how many different values it takes among the states waiting in `scene`,
/// and how many of those states stay different when it is forgotten.
fn count(
    store: &StateStore,
    scene: SceneId,
    slots: &[Slot],
    state: &mut GameState,
) -> (Vec<usize>, Vec<usize>) {
    let hasher = hashbrown::DefaultHashBuilder::default();
    let mut values: Vec<Vec<u64>> = vec![Vec::new(); slots.len()];
    let mut rest: Vec<Vec<u64>> = vec![Vec::new(); slots.len()];
    let mut mine = vec![0u64; slots.len()];
    let mut before = None;
    for id in 0..store.len() as u32 {
        match before {
            None => store.decode(id, state),
            Some(before) => store.decode_over(before, id, state),
        }
        before = Some(id);
        if state.scene != scene {
            continue;
        }
        // What the slots leave out (the call stack, the rolls made on entering) is the same
        // for every slot forgotten.
        let base = hasher.hash_one((&state.calls, &state.rolls));
        let mut whole = base;
        for (k, slot) in slots.iter().enumerate() {
            let v = match *slot {
                Slot::Var(v) => hasher.hash_one(&state.vars[v as usize]),
                Slot::Visit(s) => u64::from(state.tracked_visits[s as usize]),
                Slot::Once(o) => (state.once_used[o as usize / 64] >> (o % 64)) & 1,
            };
            // Mixed with its position, then summed: the sum without one slot is one subtraction.
            mine[k] = hasher.hash_one((k, v));
            values[k].push(v);
            whole = whole.wrapping_add(mine[k]);
        }
        for (k, m) in mine.iter().enumerate() {
            rest[k].push(whole.wrapping_sub(*m));
        }
    }
    let distinct = |mut v: Vec<u64>| {
        v.sort_unstable();
        v.dedup();
        v.len()
    };
    (
        values.into_iter().map(distinct).collect(),
        rest.into_iter().map(distinct).collect(),
    )
}

/// A slot as an author writes it.
fn name(story: &Story, slot: Slot) -> String {
    match slot {
        // A `Chosen("scene.id")` counter is named after its choice; no variable has a dot.
        Slot::Var(v) => {
            let name = &story.vars()[v as usize].name;
            if name.contains('.') {
                format!("Chosen(\"{name}\")")
            } else {
                name.clone()
            }
        }
        Slot::Visit(s) => format!(
            "the visits to `{}`",
            story.scene(story.tracked_scenes()[s as usize]).id
        ),
        Slot::Once(o) => {
            let found = story.scenes().iter().find_map(|scene| {
                let i = scene.choices.iter().position(|c| c.once == Some(o))?;
                Some((scene, i))
            });
            match found {
                Some((scene, i)) => format!("once-only choice {} of `{}`", i + 1, scene.id),
                None => format!("once-only mark {o}"),
            }
        }
    }
}

/// Where `slot` is read from `from` on (the scene itself first, then by distance in steps):
/// `choice N of `scene``, `auto N of `scene``, at most [`READ_AT`], then how many more.
fn read_at(story: &Story, from: SceneId, slot: Slot) -> Vec<String> {
    let n = story.scenes().len();
    let mut seen = vec![false; n];
    let mut queue = std::collections::VecDeque::from([from]);
    seen[from.index()] = true;
    let mut found = Vec::new();
    while let Some(s) = queue.pop_front() {
        let scene = story.scene(s);
        for t in scene.transitions() {
            let mut reads = false;
            t.each_condition(&mut |c| reads |= condition_reads(c, slot));
            let effects = t
                .effects
                .iter()
                .chain(t.target.branches().iter().flat_map(|b| &b.effects));
            for e in effects {
                e.reads(&mut |v| reads |= slot == Slot::Var(v.0));
            }
            reads |= matches!(slot, Slot::Once(o) if t.once == Some(o));
            if reads {
                found.push(match t.via {
                    crate::story::Via::Choice(i) | crate::story::Via::Fallback(i) => {
                        format!("choice {} of `{}`", i + 1, scene.id)
                    }
                    crate::story::Via::Auto(i) => format!("auto {} of `{}`", i + 1, scene.id),
                });
            }
            for next in targets(story, t.target) {
                if !seen[next.index()] {
                    seen[next.index()] = true;
                    queue.push_back(next);
                }
            }
        }
    }
    if found.len() > READ_AT {
        let more = found.len() - READ_AT;
        found.truncate(READ_AT);
        found.push(format!("{more} more"));
    }
    found
}

fn condition_reads(c: &Condition, slot: Slot) -> bool {
    let mut hit = false;
    c.reads(&mut |r| {
        hit |= match r {
            Read::Flag(v) | Read::Compare(v, _, _) => slot == Slot::Var(v.0),
            Read::CompareExpr(v, _, e) => {
                let mut any = slot == Slot::Var(v.0);
                e.root.vars(&mut |w| any |= slot == Slot::Var(w.0));
                any
            }
            Read::Visits { slot: s, .. } => slot == Slot::Visit(s),
            Read::Roll { .. } => false,
        }
    });
    hit
}
