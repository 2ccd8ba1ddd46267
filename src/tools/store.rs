//! The states `explore` has found, packed: each canonical state is a fixed-size row of bits in
//! one arena, and a hash table of row numbers finds equal rows. No allocation per state, a fast
//! hash over a few words, equality by comparing words: memory and time per state stay small
//! enough to search millions of states.
//!
//! A state is packed straight into its canonical form (see `tools::canon`): what the canonical
//! form forgets is never read, so no canonical copy of the state is made. A row holds, each
//! field within one word: each `Int` (a word of its own), then 32-bit fields (the scene, each
//! `Text` as an interned number, each counted visit), then 1-bit fields (each `Bool`, each
//! once-only mark, each `Chance` roll of the scene). A variable is stored as its difference
//! (exclusive or) from its initial value, so a variable the canonical form resets is all zero
//! bits. A story with calls has one more 32-bit field: the call stack, as an interned number
//! (0 for the empty stack). The turn, the text counts and the RNG are not stored: the canonical form drops the
//! turn and the text counts, and `explore` never draws from the state's RNG.
//!
//! Most of the work is done on differences, because the states `explore` handles one after
//! the other differ in a few values: a state one step away from a stored one is packed from
//! the stored row, packing again only what the step may have written
//! ([`StateStore::pack_after`]); a stored state is decoded over the one decoded before it,
//! changing only the fields whose bits differ ([`StateStore::decode_over`]); and a step tried
//! on a decoded state is undone by decoding again only what it may have changed
//! ([`StateStore::restore`]).
//!
//! The table is open addressing with linear probing: a slot is one word holding the row number
//! and 32 more bits of the row's hash, so a probe is one memory access and a row is read only
//! when those bits match. States are never removed. `hashbrown::HashTable<u32>` in its place
//! measured slower on the 1,000-scene benchmark story (0.84 s against 0.63 s at best, over eight
//! alternating release runs of `explore --stats`), so the table stays.

use super::canon::{Canon, IntCap};
use crate::engine::GameState;
use crate::story::{ReturnPoint, SceneId, Story, Value, VarKind};
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::Arc;

/// The most states the store makes room for up front.
const PRESIZE: usize = 1 << 22;

/// A table slot with no row.
const EMPTY: u64 = 0;

/// The states of one search, packed (see the module doc).
pub(crate) struct StateStore {
    /// Words per row.
    stride: usize,
    /// Every field of a row, in no particular order.
    fields: Vec<Field>,
    /// For each bit of a row, the field it belongs to (an index in `fields`).
    field_at: Vec<u32>,
    /// For each variable, its field.
    var_field: Vec<Field>,
    scene: Field,
    /// The fields of counts, once-only marks and rolls, by slot.
    visits: Vec<Field>,
    once: Vec<Field>,
    rolls: Vec<Field>,
    /// How to pack a state waiting in a scene: one plan per `Keep` of the canonical form.
    plans: Vec<Plan>,
    /// For each scene, its entry in `plans`.
    plan_of: Vec<u32>,
    /// How many rolls each scene makes (a decoded state has exactly its scene's).
    scene_rolls: Vec<u32>,
    rows: Vec<u64>,
    /// Slots: the row's number + 1 in the low half, the high half of its hash in the high half.
    slots: Vec<u64>,
    hasher: hashbrown::DefaultHashBuilder,
    texts: Vec<Arc<str>>,
    text_ids: HashMap<Arc<str>, u32>,
    /// The field of the call stack, in a story with calls.
    calls: Option<Field>,
    /// The call stacks seen, by interned number (the empty one first), and their numbers.
    stacks: Vec<Arc<[ReturnPoint]>>,
    stack_ids: HashMap<Arc<[ReturnPoint]>, u32>,
    /// A row for [`StateStore::find`] to pack into.
    scratch: Vec<u64>,
    /// What every decoded state starts from (its RNG, its vector sizes).
    template: GameState,
}

/// What a field of a row holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum What {
    Bool,
    Int,
    /// A text, by its interned number.
    Text,
    Visits,
    Once,
    Roll,
    Scene,
    /// The call stack, by its interned number.
    Calls,
    /// The bits past the last field.
    Padding,
}

/// A field of a row: what it holds, whose (a variable, or a slot of counts, marks or rolls),
/// where (its word, and its bits in the word), and the bits of its initial value: a variable
/// is stored as its difference from those.
#[derive(Debug, Clone, Copy)]
struct Field {
    what: What,
    index: u32,
    word: u32,
    shift: u32,
    mask: u64,
    initial: u64,
    /// For a count: the largest that makes a difference.
    cap: u32,
}

impl Field {
    fn new(what: What, index: u32, pos: u32, width: u32) -> Field {
        let ones = if width < 64 { (1u64 << width) - 1 } else { u64::MAX };
        Field {
            what,
            index,
            word: pos / 64,
            shift: pos % 64,
            mask: ones << (pos % 64),
            initial: 0,
            cap: u32::MAX,
        }
    }

    /// Writes `bits` into this field of a row whose field is zero.
    #[inline(always)]
    fn put(&self, row: &mut [u64], bits: u64) {
        row[self.word as usize] |= (bits ^ self.initial) << self.shift;
    }

    /// Writes `bits` into this field of a row.
    #[inline(always)]
    fn set(&self, row: &mut [u64], bits: u64) {
        let w = &mut row[self.word as usize];
        *w = (*w & !self.mask) | ((bits ^ self.initial) << self.shift);
    }

    #[inline(always)]
    fn get(&self, row: &[u64]) -> u64 {
        ((row[self.word as usize] & self.mask) >> self.shift) ^ self.initial
    }
}

/// Fields placed one after the other.
#[derive(Default)]
struct Layout {
    fields: Vec<Field>,
    /// The next free bit.
    pos: u32,
}

impl Layout {
    fn add(&mut self, what: What, index: u32, width: u32) -> Field {
        let f = Field::new(what, index, self.pos, width);
        self.pos += width;
        self.fields.push(f);
        f
    }
}

/// The fields of a row that a kind of state fills, by kind, so that packing is a few tight
/// loops: a field not in the plan stays zero.
#[derive(Debug, Clone, Default)]
struct Plan {
    bools: Box<[Field]>,
    ints: Box<[Field]>,
    /// The `Int` variables kept up to a cap (their fields are not `kept`).
    capped: Box<[(Field, IntCap)]>,
    texts: Box<[Field]>,
    visits: Box<[Field]>,
    once: Box<[Field]>,
    rolls: Box<[Field]>,
    /// The bits of the variables kept (but `capped`): what a row of a state one step away
    /// keeps of its parent's row.
    kept: Box<[u64]>,
    /// No text, count, mark or roll to pack (see `pack_rest`).
    plain: bool,
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

/// The slot a row of this hash is looked for first, and the bits kept in the slot.
fn home(hash: u64, mask: usize) -> (usize, u64) {
    (hash as usize & mask, hash & 0xffff_ffff_0000_0000)
}

impl StateStore {
    /// A store for a search of at most `max_states` states, in the canonical form `canon` (room
    /// is made for that many, up to a few million, so the table rarely grows while searching).
    pub(crate) fn new(story: &Story, canon: &Canon, max_states: usize) -> StateStore {
        let kinds: Vec<VarKind> = story.vars().iter().map(|v| v.initial.kind()).collect();
        let visits = story.tracked_scenes().len() as u32;
        let once = story.once_slots();
        let rolls = story.scenes().iter().map(|s| s.chances.len()).max().unwrap_or(0) as u32;
        // The layout: 64-bit fields first, then 32-bit ones, then single bits, so that no
        // field straddles two words.
        let mut layout = Layout::default();
        let mut var_field = vec![Field::new(What::Padding, 0, 0, 0); kinds.len()];
        for (what, kind, width) in [(What::Int, VarKind::Int, 64), (What::Text, VarKind::Text, 32)] {
            for (i, &k) in kinds.iter().enumerate() {
                if k == kind {
                    var_field[i] = layout.add(what, i as u32, width);
                }
            }
        }
        let scene = layout.add(What::Scene, 0, 32);
        let calls = story.has_calls().then(|| layout.add(What::Calls, 0, 32));
        let visit_fields: Vec<Field> = (0..visits)
            .map(|s| Field {
                cap: canon.visit_cap(s as usize),
                ..layout.add(What::Visits, s, 32)
            })
            .collect();
        for (i, &k) in kinds.iter().enumerate() {
            if k == VarKind::Bool {
                var_field[i] = layout.add(What::Bool, i as u32, 1);
            }
        }
        let once_fields: Vec<Field> = (0..once).map(|s| layout.add(What::Once, s, 1)).collect();
        let roll_fields: Vec<Field> = (0..rolls).map(|s| layout.add(What::Roll, s, 1)).collect();
        let stride = layout.pos.div_ceil(64) as usize;
        let padding = stride as u32 * 64 - layout.pos;
        if padding > 0 {
            layout.add(What::Padding, 0, padding);
        }
        let fields = layout.fields;
        let mut field_at = vec![0u32; stride * 64];
        for (i, f) in fields.iter().enumerate() {
            for bit in 0..64 {
                if f.mask & (1 << bit) != 0 {
                    field_at[f.word as usize * 64 + bit] = i as u32;
                }
            }
        }
        let mut store = StateStore {
            stride,
            fields,
            field_at,
            var_field: Vec::new(),
            scene,
            visits: visit_fields,
            once: once_fields,
            rolls: roll_fields,
            plans: Vec::new(),
            plan_of: (0..story.scenes().len())
                .map(|s| canon.keep_index(SceneId(s as u32)) as u32)
                .collect(),
            scene_rolls: story.scenes().iter().map(|s| s.chances.len() as u32).collect(),
            rows: Vec::with_capacity(max_states.min(PRESIZE) * stride),
            // At most half full: probes stay short.
            slots: vec![EMPTY; (2 * max_states.min(PRESIZE)).next_power_of_two().max(16)],
            hasher: hashbrown::DefaultHashBuilder::default(),
            texts: Vec::new(),
            text_ids: HashMap::new(),
            calls,
            stacks: vec![Arc::from(Vec::new())],
            stack_ids: HashMap::from([(Arc::from(Vec::new()), 0)]),
            scratch: vec![0; stride],
            template: GameState::blank(story, 0),
        };
        for (f, v) in var_field.iter_mut().zip(story.vars()) {
            f.initial = store.bits_of(&v.initial);
        }
        for f in store.fields.iter_mut() {
            if matches!(f.what, What::Bool | What::Int | What::Text) {
                f.initial = var_field[f.index as usize].initial;
            }
        }
        store.plans = canon
            .keeps()
            .iter()
            .map(|k| {
                let of = |what: What| -> Box<[Field]> {
                    k.vars
                        .iter()
                        .map(|&i| var_field[i as usize])
                        .filter(|f| f.what == what)
                        .collect()
                };
                let mut kept = vec![0u64; stride];
                for &i in k.vars.iter() {
                    let f = var_field[i as usize];
                    kept[f.word as usize] |= f.mask;
                }
                let slots = |fields: &[Field], slots: &[u32]| -> Box<[Field]> {
                    slots
                        .iter()
                        .filter_map(|&s| fields.get(s as usize).copied())
                        .collect()
                };
                let rolls: Vec<u32> = k.rolls.iter().map(|&r| u32::from(r)).collect();
                let mut plan = Plan {
                    bools: of(What::Bool),
                    ints: of(What::Int),
                    capped: k
                        .capped
                        .iter()
                        .map(|&(i, c)| (var_field[i as usize], c))
                        .filter(|(f, _)| f.what == What::Int)
                        .collect(),
                    texts: of(What::Text),
                    visits: slots(&store.visits, &k.visits),
                    once: slots(&store.once, &k.once),
                    rolls: slots(&store.rolls, &rolls),
                    kept: kept.into(),
                    plain: false,
                };
                plan.plain = plan.texts.is_empty()
                    && plan.visits.is_empty()
                    && plan.once.is_empty()
                    && plan.rolls.is_empty();
                plan
            })
            .collect();
        store.var_field = var_field;
        store
    }

    /// How many states are stored.
    pub(crate) fn len(&self) -> usize {
        self.rows.len() / self.stride.max(1)
    }

    /// The bits of a value: a `Text` is interned.
    fn bits_of(&mut self, value: &Value) -> u64 {
        match value {
            Value::Bool(b) => u64::from(*b),
            Value::Int(i) => *i as u64,
            Value::Text(t) => {
                if let Some(&id) = self.text_ids.get(t) {
                    return u64::from(id);
                }
                let id = self.texts.len() as u32;
                self.texts.push(t.clone());
                self.text_ids.insert(t.clone(), id);
                u64::from(id)
            }
        }
    }

    /// Words per row: the length of the rows given to [`StateStore::pack`] and the like.
    pub(crate) fn stride(&self) -> usize {
        self.stride
    }

    /// Packs the canonical form of a state into `row`.
    pub(crate) fn pack(&mut self, state: &GameState, row: &mut [u64]) {
        let plan = &self.plans[self.plan_of[state.scene.index()] as usize];
        row.iter_mut().for_each(|w| *w = 0);
        self.scene.put(row, u64::from(state.scene.0));
        for f in plan.bools.iter() {
            match state.vars[f.index as usize] {
                Value::Bool(b) => f.put(row, u64::from(b)),
                Value::Int(_) | Value::Text(_) => {}
            }
        }
        for f in plan.ints.iter() {
            match state.vars[f.index as usize] {
                Value::Int(x) => f.put(row, x as u64),
                Value::Bool(_) | Value::Text(_) => {}
            }
        }
        for (f, cap) in plan.capped.iter() {
            match state.vars[f.index as usize] {
                Value::Int(x) => f.put(row, cap.apply(x) as u64),
                Value::Bool(_) | Value::Text(_) => {}
            }
        }
        if !plan.plain {
            self.pack_rest(state, row);
        }
        self.pack_calls(state, row);
    }

    /// Packs the call stack, in a story with calls (its field is zero in `row`). Inlined, so a
    /// story without calls pays one test.
    #[inline(always)]
    fn pack_calls(&mut self, state: &GameState, row: &mut [u64]) {
        if let Some(f) = self.calls {
            self.pack_stack(f, state, row);
        }
    }

    fn pack_stack(&mut self, f: Field, state: &GameState, row: &mut [u64]) {
        let id = match self.stack_ids.get(&state.calls[..]) {
            Some(&id) => id,
            None => {
                let id = self.stacks.len() as u32;
                let stack: Arc<[ReturnPoint]> = Arc::from(&state.calls[..]);
                self.stacks.push(stack.clone());
                self.stack_ids.insert(stack, id);
                id
            }
        };
        f.set(row, u64::from(id));
    }

    /// Packs the canonical form of a state reached by one step from stored state `parent`, a
    /// step that wrote no variable but `writes`, into `row`: the variables the state keeps are
    /// its parent's, but for those.
    pub(crate) fn pack_after(&mut self, parent: u32, writes: &[u32], state: &GameState, row: &mut [u64]) {
        let plan = &self.plans[self.plan_of[state.scene.index()] as usize];
        let parent = &self.rows[parent as usize * self.stride..][..self.stride];
        for ((w, p), k) in row.iter_mut().zip(parent).zip(plan.kept.iter()) {
            *w = p & k;
        }
        self.scene.put(row, u64::from(state.scene.0));
        for &i in writes {
            let f = &self.var_field[i as usize];
            if plan.kept[f.word as usize] & f.mask == 0 {
                continue;
            }
            match state.vars[i as usize] {
                Value::Bool(b) => f.set(row, u64::from(b)),
                Value::Int(x) => f.set(row, x as u64),
                // Packed again with the other texts.
                Value::Text(_) => {}
            }
        }
        for (f, cap) in plan.capped.iter() {
            match state.vars[f.index as usize] {
                Value::Int(x) => f.put(row, cap.apply(x) as u64),
                Value::Bool(_) | Value::Text(_) => {}
            }
        }
        if !plan.plain {
            self.pack_rest(state, row);
        }
        self.pack_calls(state, row);
        if cfg!(debug_assertions) {
            let mut whole = vec![0; self.stride];
            self.pack(state, &mut whole);
            assert_eq!(row, &whole[..], "a step wrote a variable it was not expected to");
        }
    }

    /// What [`StateStore::pack`] and [`StateStore::pack_after`] pack alike, when the state
    /// keeps any: the texts, the counts, the once-only marks and the rolls. The fields of
    /// counts, marks and rolls are zero.
    fn pack_rest(&mut self, state: &GameState, row: &mut [u64]) {
        let plan_index = self.plan_of[state.scene.index()] as usize;
        let plan = &self.plans[plan_index];
        for f in plan.visits.iter() {
            f.put(row, u64::from(state.tracked_visits[f.index as usize].min(f.cap)));
        }
        for f in plan.once.iter() {
            f.put(row, u64::from(state.once_used(f.index)));
        }
        for f in plan.rolls.iter() {
            let roll = state.rolls.get(f.index as usize).copied().unwrap_or(false);
            f.put(row, u64::from(roll));
        }
        // Interning a text changes the store: the plan is looked up again for each.
        for k in 0..plan.texts.len() {
            let f = self.plans[plan_index].texts[k];
            let bits = self.bits_of(&state.vars[f.index as usize]);
            f.set(row, bits);
        }
    }

    /// The hash of a packed row.
    pub(crate) fn hash(&self, row: &[u64]) -> u64 {
        hash_row(&self.hasher, row)
    }

    /// The first slot a row of hash `hash` is looked for in. Reading it ahead of the lookup,
    /// for many rows one after the other, lets the memory bring them all in at once rather
    /// than one lookup at a time (the table is far larger than the caches).
    pub(crate) fn first_slot(&self, hash: u64) -> u64 {
        let (i, _) = home(hash, self.slots.len() - 1);
        self.slots[i]
    }

    /// The first word of the first stored row a lookup of `hash` compares with (0 for none):
    /// read ahead like [`StateStore::first_slot`].
    pub(crate) fn first_match(&self, hash: u64) -> u64 {
        let mask = self.slots.len() - 1;
        let (mut i, tag) = home(hash, mask);
        loop {
            let slot = self.slots[i];
            if slot == EMPTY {
                return 0;
            }
            if slot & 0xffff_ffff_0000_0000 == tag {
                let id = (slot as u32).wrapping_sub(1) as usize;
                return self.rows.get(id * self.stride).copied().unwrap_or(0);
            }
            i = (i + 1) & mask;
        }
    }

    /// Looks a packed row up: its number, or the empty slot where it goes.
    #[inline]
    pub(crate) fn lookup(&self, row: &[u64], hash: u64) -> Result<u32, usize> {
        let mask = self.slots.len() - 1;
        let (mut i, tag) = home(hash, mask);
        loop {
            let slot = self.slots[i];
            if slot == EMPTY {
                return Err(i);
            }
            if slot & 0xffff_ffff_0000_0000 == tag {
                let id = (slot as u32).wrapping_sub(1);
                let stored = &self.rows[id as usize * self.stride..][..self.stride];
                if stored.iter().zip(row).all(|(a, b)| a == b) {
                    return Ok(id);
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// Packs the canonical form of a state and looks it up.
    pub(crate) fn find(&mut self, state: &GameState) -> Option<u32> {
        let mut row = std::mem::take(&mut self.scratch);
        self.pack(state, &mut row);
        let found = self.lookup(&row, self.hash(&row)).ok();
        self.scratch = row;
        found
    }

    /// Stores a row that [`StateStore::lookup`] did not find, in the `slot` it gave (nothing
    /// was stored since); returns its number, the next in order.
    pub(crate) fn insert(&mut self, row: &[u64], hash: u64, slot: usize) -> u32 {
        let id = self.len() as u32;
        self.rows.extend_from_slice(row);
        let (_, tag) = home(hash, 0);
        self.slots[slot] = tag | u64::from(id + 1);
        if 2 * (id as usize + 1) > self.slots.len() {
            self.grow();
        }
        id
    }

    /// Doubles the table, putting every row again in its place.
    fn grow(&mut self) {
        let mut slots = vec![EMPTY; 2 * self.slots.len()];
        let mask = slots.len() - 1;
        for (id, row) in self.rows.chunks_exact(self.stride.max(1)).enumerate() {
            let (mut i, tag) = home(hash_row(&self.hasher, row), mask);
            while slots[i] != EMPTY {
                i = (i + 1) & mask;
            }
            slots[i] = tag | (id as u64 + 1);
        }
        self.slots = slots;
    }

    fn row(&self, id: u32) -> &[u64] {
        &self.rows[id as usize * self.stride..][..self.stride]
    }

    /// Rebuilds stored state number `id` into `state` (a state of the same story), in place.
    pub(crate) fn decode(&self, id: u32, state: &mut GameState) {
        state.turn = 0;
        state.texts.iter_mut().for_each(|n| *n = 0);
        if state.rng != self.template.rng {
            state.rng.clone_from(&self.template.rng);
        }
        let row = self.row(id);
        for f in &self.fields {
            self.decode_field(row, f, state);
        }
        self.decode_rolls(row, state);
    }

    /// [`StateStore::decode`] into a state that holds stored state `before` (as `decode` or
    /// this function left it): only the fields that differ are decoded.
    pub(crate) fn decode_over(&self, before: u32, id: u32, state: &mut GameState) {
        let row = self.row(id);
        for (w, (new, old)) in row.iter().zip(self.row(before)).enumerate() {
            let mut diff = new ^ old;
            while diff != 0 {
                let f = &self.fields[self.field_at[w * 64 + diff.trailing_zeros() as usize] as usize];
                self.decode_field(row, f, state);
                diff &= !f.mask;
            }
        }
        self.decode_rolls(row, state);
        if cfg!(debug_assertions) {
            let mut whole = self.template.clone();
            self.decode(id, &mut whole);
            assert!(whole == *state, "decoding over another state changed the result");
        }
    }

    /// Undoes a step on `state`, stored state `id` decoded, then changed by one step that
    /// wrote no variable but `writes`: decodes again what such a step may change.
    pub(crate) fn restore(&self, id: u32, writes: &[u32], state: &mut GameState) {
        let row = self.row(id);
        state.turn = 0;
        // Not stored (see the module doc): as decoded, all zero.
        state.texts.iter_mut().for_each(|n| *n = 0);
        self.decode_field(row, &self.scene, state);
        for &i in writes {
            self.decode_field(row, &self.var_field[i as usize], state);
        }
        for f in self.visits.iter().chain(&self.once).chain(&self.calls) {
            self.decode_field(row, f, state);
        }
        self.decode_rolls(row, state);
        if cfg!(debug_assertions) {
            let mut whole = self.template.clone();
            self.decode(id, &mut whole);
            assert!(whole == *state, "a step wrote a variable it was not expected to");
        }
    }

    #[inline(always)]
    fn decode_field(&self, row: &[u64], f: &Field, state: &mut GameState) {
        let bits = f.get(row);
        let i = f.index as usize;
        match f.what {
            What::Bool => match &mut state.vars[i] {
                Value::Bool(v) => *v = bits == 1,
                v => *v = Value::Bool(bits == 1),
            },
            What::Int => match &mut state.vars[i] {
                Value::Int(v) => *v = bits as i64,
                v => *v = Value::Int(bits as i64),
            },
            What::Text => {
                let text = &self.texts[bits as usize];
                match &mut state.vars[i] {
                    Value::Text(t) if Arc::ptr_eq(t, text) => {}
                    v => *v = Value::Text(text.clone()),
                }
            }
            What::Visits => state.tracked_visits[i] = bits as u32,
            What::Once => {
                if let Some(w) = state.once_used.get_mut(i / 64) {
                    *w = (*w & !(1 << (i % 64))) | (bits << (i % 64));
                }
            }
            What::Scene => state.scene = SceneId(bits as u32),
            What::Calls => {
                let stack = &self.stacks[bits as usize];
                if state.calls[..] != stack[..] {
                    state.calls.clear();
                    state.calls.extend_from_slice(stack);
                }
            }
            // Rolls are decoded with their scene (how many there are depends on it).
            What::Roll | What::Padding => {}
        }
    }

    fn decode_rolls(&self, row: &[u64], state: &mut GameState) {
        let n = self.scene_rolls[state.scene.index()] as usize;
        if n == 0 && state.rolls.is_empty() {
            return;
        }
        state.rolls.clear();
        for f in self.rolls.iter().take(n) {
            state.rolls.push(f.get(row) == 1);
        }
    }
}
