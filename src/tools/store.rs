//! The states `explore` has found, packed: each canonical state is a fixed-size row of bits in
//! one arena, and a hash table of row numbers finds equal rows. No allocation per state, a fast
//! hash over a few words, equality by comparing words: memory and time per state stay small
//! enough to search millions of states.
//!
//! A row holds, bit-packed in this order: the scene, each `Bool`, each `Int` (64 bits), each
//! `Text` (an interned number), each counted visit (32 bits), each once-only mark, each
//! `Chance` roll of the scene. The turn and the RNG are not stored: the canonical form drops the
//! turn, and `explore` never draws from the state's RNG.

use crate::engine::GameState;
use crate::story::{Story, Value, VarKind};
use hashbrown::HashTable;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::Arc;

/// The most states the store makes room for up front.
const PRESIZE: usize = 1 << 22;

pub(crate) struct StateStore {
    /// Words per row.
    stride: usize,
    kinds: Vec<VarKind>,
    visits: usize,
    once: usize,
    rolls: usize,
    /// How many rolls each scene makes (a decoded state has exactly its scene's).
    scene_rolls: Vec<usize>,
    rows: Vec<u64>,
    table: HashTable<u32>,
    hasher: hashbrown::DefaultHashBuilder,
    texts: Vec<Arc<str>>,
    text_ids: HashMap<Arc<str>, u64>,
    /// The last row packed by [`StateStore::find`], and its hash, ready for `insert`.
    scratch: Vec<u64>,
    scratch_hash: u64,
    /// What every decoded state starts from (its RNG, its vector sizes).
    template: GameState,
}

/// Writes fields of given widths into consecutive bits of a row.
struct Writer<'a> {
    row: &'a mut [u64],
    pos: usize,
}

impl Writer<'_> {
    #[inline(always)]
    fn put(&mut self, value: u64, width: usize) {
        let value = if width < 64 {
            value & ((1 << width) - 1)
        } else {
            value
        };
        let (w, b) = (self.pos / 64, self.pos % 64);
        self.row[w] |= value << b;
        if b + width > 64 {
            self.row[w + 1] |= value >> (64 - b);
        }
        self.pos += width;
    }
}

struct Reader<'a> {
    row: &'a [u64],
    pos: usize,
}

impl Reader<'_> {
    #[inline(always)]
    fn get(&mut self, width: usize) -> u64 {
        let (w, b) = (self.pos / 64, self.pos % 64);
        let mut value = self.row[w] >> b;
        if b + width > 64 {
            value |= self.row[w + 1] << (64 - b);
        }
        self.pos += width;
        if width < 64 {
            value & ((1 << width) - 1)
        } else {
            value
        }
    }
}

/// The hash of a row, word by word (rows of one store all have the same length).
fn hash_row(hasher: &hashbrown::DefaultHashBuilder, row: &[u64]) -> u64 {
    use std::hash::Hasher;
    let mut h = hasher.build_hasher();
    for &w in row {
        h.write_u64(w);
    }
    h.finish()
}

impl StateStore {
    /// A store for a search of at most `max_states` states (room is made for that many, up to
    /// a few million, so the table rarely grows while searching).
    pub(crate) fn new(story: &Story, max_states: usize) -> StateStore {
        let kinds: Vec<VarKind> = story.vars().iter().map(|v| v.initial.kind()).collect();
        let visits = story.tracked_scenes().len();
        let once = story.once_slots() as usize;
        let rolls = story.scenes().iter().map(|s| s.chances.len()).max().unwrap_or(0);
        let bits: usize = 32
            + kinds
                .iter()
                .map(|k| match k {
                    VarKind::Bool => 1,
                    VarKind::Int => 64,
                    VarKind::Text => 32,
                })
                .sum::<usize>()
            + visits * 32
            + once
            + rolls;
        let stride = bits.div_ceil(64);
        StateStore {
            stride,
            kinds,
            visits,
            once,
            rolls,
            scene_rolls: story.scenes().iter().map(|s| s.chances.len()).collect(),
            rows: Vec::with_capacity(max_states.min(PRESIZE) * stride),
            table: HashTable::with_capacity(max_states.min(PRESIZE)),
            hasher: hashbrown::DefaultHashBuilder::default(),
            texts: Vec::new(),
            text_ids: HashMap::new(),
            scratch: vec![0; stride],
            scratch_hash: 0,
            template: GameState::blank(story, 0),
        }
    }

    /// How many states are stored.
    pub(crate) fn len(&self) -> usize {
        self.rows.len() / self.stride.max(1)
    }

    fn pack(&mut self, state: &GameState) {
        self.scratch.iter_mut().for_each(|w| *w = 0);
        let mut out = Writer {
            row: &mut self.scratch,
            pos: 0,
        };
        out.put(u64::from(state.scene.0), 32);
        for v in &state.vars {
            match v {
                Value::Bool(b) => out.put(u64::from(*b), 1),
                Value::Int(i) => out.put(*i as u64, 64),
                Value::Text(t) => {
                    let next = self.texts.len() as u64;
                    let id = *self.text_ids.entry(t.clone()).or_insert(next);
                    if id == next {
                        self.texts.push(t.clone());
                    }
                    out.put(id, 32);
                }
            }
        }
        for &v in &state.tracked_visits {
            out.put(u64::from(v), 32);
        }
        for slot in 0..self.once {
            out.put(u64::from(state.once_used(slot as u32)), 1);
        }
        for slot in 0..self.rolls {
            out.put(u64::from(state.rolls.get(slot).copied().unwrap_or(false)), 1);
        }
    }

    /// Packs a (canonical) state and looks it up; `insert` then stores it when it is new.
    pub(crate) fn find(&mut self, state: &GameState) -> Option<u32> {
        self.pack(state);
        self.scratch_hash = hash_row(&self.hasher, &self.scratch);
        let (rows, stride, key) = (&self.rows, self.stride, &self.scratch);
        self.table
            .find(self.scratch_hash, |&id| {
                let row = &rows[id as usize * stride..][..stride];
                row.iter().zip(key).all(|(a, b)| a == b)
            })
            .copied()
    }

    /// Stores the state last given to [`StateStore::find`] (which did not find it); returns
    /// its number, the next in order.
    pub(crate) fn insert(&mut self) -> u32 {
        let id = self.len() as u32;
        self.rows.extend_from_slice(&self.scratch);
        let (rows, stride, hasher) = (&self.rows, self.stride, &self.hasher);
        self.table.insert_unique(self.scratch_hash, id, |&i| {
            hash_row(hasher, &rows[i as usize * stride..][..stride])
        });
        id
    }

    /// Rebuilds stored state number `id` into `state` (a state of the same story), in place.
    pub(crate) fn decode(&self, id: u32, state: &mut GameState) {
        state.turn = 0;
        if state.rng != self.template.rng {
            state.rng.clone_from(&self.template.rng);
        }
        state.once_used.iter_mut().for_each(|w| *w = 0);
        let row = &self.rows[id as usize * self.stride..][..self.stride];
        let mut r = Reader { row, pos: 0 };
        state.scene = crate::story::SceneId(r.get(32) as u32);
        for (v, kind) in state.vars.iter_mut().zip(&self.kinds) {
            match (kind, v) {
                (VarKind::Bool, Value::Bool(b)) => *b = r.get(1) == 1,
                (VarKind::Int, Value::Int(i)) => *i = r.get(64) as i64,
                (kind, v) => {
                    *v = match kind {
                        VarKind::Bool => Value::Bool(r.get(1) == 1),
                        VarKind::Int => Value::Int(r.get(64) as i64),
                        VarKind::Text => Value::Text(self.texts[r.get(32) as usize].clone()),
                    }
                }
            }
        }
        for v in state.tracked_visits.iter_mut().take(self.visits) {
            *v = r.get(32) as u32;
        }
        for slot in 0..self.once {
            if r.get(1) == 1 {
                state.mark_once(slot as u32);
            }
        }
        state.rolls.clear();
        for slot in 0..self.rolls {
            let roll = r.get(1) == 1;
            if slot < self.scene_rolls[state.scene.index()] {
                state.rolls.push(roll);
            }
        }
    }
}
