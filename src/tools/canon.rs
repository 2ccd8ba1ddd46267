//! The canonical form of a game state, for the tools that search states.
//!
//! Two states that can only ever lead to the same scenes, choices, endings, dead ends and
//! errors need to be explored once. [`Canon`] maps both to one state by forgetting what the
//! rest of the game can never look at again:
//!
//! - the turn counter (no condition reads it), and how often each text with alternatives
//!   (`{seq: ..}`) was shown (only texts read it; `explore`'s dice draw no shuffled text);
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
//! The call stack is kept whole. A `return` may lead to any return point of the story, so what
//! may be read after it is what may be read from every return point.
//!
//! States are only compared in this form: the paths the tools report are played again on the
//! real game, which shows the real texts.
//!
//! [`Canon::reading_texts`] is the form for tools that show texts (`interview proof`): what
//! the texts it is given ([`Shown`]) read (their conditions, the variables they show) counts
//! as read, so two states merged show the same words there; variables they show keep their
//! exact value. Only the counts of text alternatives are still forgotten: every text is shown
//! as on first sight. (Counting every text of a story multiplies its states past any search:
//! a tool asks for the texts of one passage at a time.)

use crate::engine::GameState;
use crate::story::{Condition, Effect, Read, ReturnPoint, Scene, SceneId, Story, Target, Text, Value, Write};

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
    c.reads(&mut |r| match r {
        Read::Flag(v) | Read::Compare(v, _, _) => out.insert(v.index()),
        Read::CompareExpr(v, _, e) => {
            out.insert(v.index());
            e.root.vars(&mut |w| out.insert(w.index()));
        }
        Read::Visits { slot, .. } => out.insert(layout.visit(slot)),
        Read::Roll { .. } => {}
    });
}

fn reads_opt(layout: Layout, c: Option<&Condition>, out: &mut Bits) {
    if let Some(c) = c {
        reads(layout, c, out);
    }
}

/// Whether a condition reads a `Chance` roll, and which.
fn rolls_read(c: &Condition, out: &mut Vec<u16>) {
    c.reads(&mut |r| match r {
        Read::Roll { slot, .. } => out.push(slot),
        Read::Flag(_) | Read::Compare(..) | Read::CompareExpr(..) | Read::Visits { .. } => {}
    });
}

/// The live set before effects, from the live set after them: a `Set` overwrites its
/// variable (`Add` and `Toggle` keep the value's history, so they change nothing); a `Set`
/// with an expression then reads the expression's variables. Last effect first.
fn before_effects(effects: &[Effect], live: &mut Bits) {
    for e in effects.iter().rev() {
        if e.overwrites() {
            live.remove(e.var().index());
        }
        e.reads(&mut |v| live.insert(v.index()));
    }
}

/// Where an `Int` variable's value stops making a difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum IntCap {
    /// It only grows: every value above this one acts like this one.
    Above(i64),
    /// It only shrinks: every value below this one acts like this one.
    Below(i64),
}

impl IntCap {
    /// The value that acts like `x`, in canonical form.
    pub(crate) fn apply(self, x: i64) -> i64 {
        match self {
            IntCap::Above(cap) => x.min(cap),
            IntCap::Below(cap) => x.max(cap),
        }
    }
}

/// The caps of `Int` variables that only move one way (see [`IntCap`]). A variable an
/// expression reads (its exact value counts) or sets (to any value) has none; neither has one
/// a text of `shown` shows.
fn int_caps(story: &Story, shown: Option<&Shown>) -> Vec<Option<IntCap>> {
    let n = story.vars().len();
    let (mut grows, mut shrinks) = (vec![false; n], vec![false; n]);
    let mut exact = vec![false; n];
    if let Some(shown) = shown {
        for (i, scene) in story.scenes().iter().enumerate() {
            for (para, _) in scene.text.0.iter().zip(&shown.texts[i]).filter(|(_, on)| **on) {
                para.lines(&mut |l| l.vars(&mut |v| exact[v.index()] = true));
            }
            for (c, choice) in scene.choices.iter().enumerate() {
                if shown.menus[i] {
                    choice.menu_lines(&mut |l| l.vars(&mut |v| exact[v.index()] = true));
                }
                if let Some(reply) = choice.reply.as_ref().filter(|_| shown.replies[i][c]) {
                    reply.vars(&mut |v| exact[v.index()] = true);
                }
            }
        }
    }
    story.each_effect(&mut |e| {
        match e.write() {
            (v, Write::Add(d)) => {
                grows[v.index()] |= d > 0;
                shrinks[v.index()] |= d < 0;
            }
            (v, Write::Expr(_)) => exact[v.index()] = true,
            (_, Write::Set(_) | Write::Toggle) => {}
        }
        e.reads(&mut |v| exact[v.index()] = true);
    });
    let (mut top, mut bottom) = (vec![None::<i64>; n], vec![None::<i64>; n]);
    story.each_condition(&mut |c| {
        c.reads(&mut |r| match r {
            Read::Compare(v, _, Value::Int(k)) => {
                let t = &mut top[v.index()];
                *t = Some(t.map_or(*k, |t| t.max(*k)));
                let b = &mut bottom[v.index()];
                *b = Some(b.map_or(*k, |b| b.min(*k)));
            }
            Read::CompareExpr(v, _, e) => {
                exact[v.index()] = true;
                e.root.vars(&mut |w| exact[w.index()] = true);
            }
            Read::Compare(_, _, Value::Bool(_) | Value::Text(_))
            | Read::Flag(_)
            | Read::Visits { .. }
            | Read::Roll { .. } => {}
        })
    });
    (0..n)
        .map(|i| match (grows[i], shrinks[i], top[i], bottom[i]) {
            _ if exact[i] => None,
            (true, false, Some(k), _) => Some(IntCap::Above(k.saturating_add(1))),
            (false, true, _, Some(k)) => Some(IntCap::Below(k.saturating_sub(1))),
            _ => None,
        })
        .collect()
}

/// What the canonical form keeps of a state waiting in one scene; everything else is reset:
/// variables to their initial value, visit counts to 0, once-only marks and rolls to unset.
/// Each list is in increasing order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub(crate) struct Keep {
    /// The variables kept as they are.
    pub(crate) vars: Box<[u32]>,
    /// The variables kept up to a cap (see [`IntCap`]).
    pub(crate) capped: Box<[(u32, IntCap)]>,
    /// The variables reset.
    pub(crate) dead: Box<[u32]>,
    /// The visit slots kept (each up to its cap, see [`Canon::visit_cap`]).
    pub(crate) visits: Box<[u32]>,
    pub(crate) once: Box<[u32]>,
    /// The rolls kept (a roll past the end of a state's rolls counts as unset).
    pub(crate) rolls: Box<[u16]>,
}

/// The texts whose reads count in [`Canon::reading_texts`], by scene index.
#[derive(Debug, Clone)]
pub(crate) struct Shown {
    /// For each scene, the paragraphs of its text that count, on entering (after the effects
    /// on entering).
    pub(crate) texts: Vec<Vec<bool>>,
    /// Scenes whose choices' texts count, while waiting there.
    pub(crate) menus: Vec<bool>,
    /// For each scene, its choices whose reply counts (after the choice's effects).
    pub(crate) replies: Vec<Vec<bool>>,
}

/// What a canonical form forgets.
#[derive(Debug, Clone, Copy)]
enum Forget<'a> {
    /// What no condition can read any more.
    Unread,
    /// What neither a condition nor a text of these can read any more, on the way to the
    /// scenes marked: what is read only past them, where the search goes no further, is
    /// forgotten too.
    Unshown(&'a Shown, Option<&'a [bool]>),
    /// Nothing (but the turn, and visits past every cap).
    Nothing,
}

/// The canonical form of states of one story (see the module doc).
#[derive(Debug, Clone)]
pub(crate) struct Canon {
    /// What a state keeps, each different one once (scenes often agree).
    keeps: Vec<Keep>,
    /// For each scene, its entry in `keeps`.
    keep_of: Vec<u32>,
    /// For each visit slot: the cap of its count.
    caps: Vec<u32>,
    initial: Vec<Value>,
}

impl Canon {
    /// The canonical form that forgets what the game can no longer read.
    pub(crate) fn new(story: &Story) -> Canon {
        Canon::with(story, Forget::Unread)
    }

    /// The canonical form that forgets only what neither a condition nor a text can read any
    /// more (see the module doc): states merged in it show the same texts. `within`, when given,
    /// marks by scene index the scenes a search steps from (those that lead to the scenes it
    /// looks at): what only the other scenes read is forgotten too.
    pub(crate) fn reading_texts(story: &Story, shown: &Shown, within: Option<&[bool]>) -> Canon {
        Canon::with(story, Forget::Unshown(shown, within))
    }

    /// The canonical form that forgets nothing but the turn (and visits past every cap): for
    /// checking that forgetting changes no result.
    pub(crate) fn whole(story: &Story) -> Canon {
        Canon::with(story, Forget::Nothing)
    }

    /// A wrong reduction, for proving that the soundness cross-check catches one: the
    /// canonical form of [`Canon::new`] that also forgets variable `var` everywhere.
    #[cfg(test)]
    pub(crate) fn forgetting(story: &Story, var: crate::story::VarId) -> Canon {
        let mut canon = Canon::new(story);
        let v = var.0;
        for keep in &mut canon.keeps {
            let kept = keep.vars.contains(&v) || keep.capped.iter().any(|&(i, _)| i == v);
            keep.vars = keep.vars.iter().copied().filter(|&i| i != v).collect();
            keep.capped = keep.capped.iter().copied().filter(|&(i, _)| i != v).collect();
            if kept {
                let mut dead = keep.dead.to_vec();
                dead.push(v);
                dead.sort_unstable();
                keep.dead = dead.into();
            }
        }
        canon
    }

    fn with(story: &Story, forget: Forget) -> Canon {
        let layout = Layout {
            vars: story.vars().len(),
            visits: story.tracked_scenes().len(),
            once: story.once_slots() as usize,
        };
        let mut caps = vec![0u32; layout.visits];
        story.each_condition(&mut |c| c.reads(&mut |r| visit_cap(r, &mut caps)));
        fn visit_cap(r: Read<'_>, caps: &mut [u32]) {
            let (slot, n) = match r {
                Read::Visits { slot, n, .. } => (slot, n),
                Read::Flag(_) | Read::Compare(..) | Read::CompareExpr(..) | Read::Roll { .. } => {
                    return;
                }
            };
            if let Some(cap) = caps.get_mut(slot as usize) {
                // Room for a step's own visits (at most the transition limit) below u32::MAX.
                let n = n.saturating_add(1).clamp(0, i64::from(u32::MAX / 2)) as u32;
                *cap = (*cap).max(n);
            }
        }
        let mut keeps = Vec::new();
        let mut keep_of = Vec::with_capacity(story.scenes().len());
        if let Forget::Unread | Forget::Unshown(..) = forget {
            let (shown, within) = match forget {
                Forget::Unshown(shown, within) => (Some(shown), within),
                Forget::Unread | Forget::Nothing => (None, None),
            };
            let int_caps = int_caps(story, shown);
            let live = liveness(story, layout, shown, within);
            let mut index = std::collections::HashMap::new();
            for (scene, live) in story.scenes().iter().zip(&live) {
                let keep = kept(scene, live, layout, &int_caps);
                let next = keeps.len() as u32;
                let i = *index.entry(keep.clone()).or_insert(next);
                if i == next {
                    keeps.push(keep);
                }
                keep_of.push(i);
            }
        } else {
            let rolls = story.scenes().iter().map(|s| s.chances.len()).max().unwrap_or(0);
            keeps.push(Keep {
                vars: (0..layout.vars as u32).collect(),
                visits: (0..layout.visits as u32).collect(),
                once: (0..layout.once as u32).collect(),
                rolls: (0..rolls as u16).collect(),
                ..Keep::default()
            });
            keep_of.resize(story.scenes().len(), 0);
        }
        Canon {
            keeps,
            keep_of,
            caps,
            initial: story.vars().iter().map(|v| v.initial.clone()).collect(),
        }
    }

    /// Every different [`Keep`]: [`Canon::keep_index`] gives a scene's.
    pub(crate) fn keeps(&self) -> &[Keep] {
        &self.keeps
    }

    pub(crate) fn keep_index(&self, scene: SceneId) -> usize {
        self.keep_of.get(scene.index()).map_or(0, |&i| i as usize)
    }

    /// What a state waiting in `scene` keeps.
    pub(crate) fn keep(&self, scene: SceneId) -> &Keep {
        &self.keeps[self.keep_index(scene)]
    }

    /// The largest visit count of a slot that makes a difference: every larger one acts alike.
    pub(crate) fn visit_cap(&self, slot: usize) -> u32 {
        self.caps.get(slot).copied().unwrap_or(u32::MAX)
    }

    /// Puts a state waiting in its scene (or ended) into canonical form.
    pub(crate) fn apply(&self, state: &mut GameState) {
        state.turn = 0;
        // Only texts read the text counts: what a text shows never changes where the game goes.
        state.texts.iter_mut().for_each(|n| *n = 0);
        let keep = self.keep(state.scene);
        for &i in keep.dead.iter() {
            let (v, init) = (&mut state.vars[i as usize], &self.initial[i as usize]);
            if v != init {
                v.clone_from(init);
            }
        }
        for &(i, cap) in keep.capped.iter() {
            match &mut state.vars[i as usize] {
                Value::Int(x) => *x = cap.apply(*x),
                Value::Bool(_) | Value::Text(_) => {}
            }
        }
        for (slot, v) in state.tracked_visits.iter_mut().enumerate() {
            *v = if keep.visits.binary_search(&(slot as u32)).is_ok() {
                (*v).min(self.visit_cap(slot))
            } else {
                0
            };
        }
        for (w, word) in state.once_used.iter_mut().enumerate() {
            for bit in 0..64 {
                if keep.once.binary_search(&((w * 64 + bit) as u32)).is_err() {
                    *word &= !(1 << bit);
                }
            }
        }
        for (slot, r) in state.rolls.iter_mut().enumerate() {
            if *r && keep.rolls.binary_search(&(slot as u16)).is_err() {
                *r = false;
            }
        }
    }
}

/// What a state waiting in `scene` keeps, from what may be read from there (`live`).
fn kept(scene: &Scene, live: &Bits, layout: Layout, int_caps: &[Option<IntCap>]) -> Keep {
    let mut rolls = Vec::new();
    for c in &scene.choices {
        c.condition.iter().for_each(|c| rolls_read(c, &mut rolls));
        c.target
            .branches()
            .iter()
            .filter_map(|b| b.condition.as_ref())
            .for_each(|c| rolls_read(c, &mut rolls));
    }
    rolls.sort_unstable();
    rolls.dedup();
    let is_live = |i: usize| live.contains(i);
    let vars = 0..layout.vars as u32;
    Keep {
        vars: vars
            .clone()
            .filter(|&i| is_live(i as usize) && int_caps[i as usize].is_none())
            .collect(),
        capped: vars
            .clone()
            .filter(|&i| is_live(i as usize))
            .filter_map(|i| int_caps[i as usize].map(|c| (i, c)))
            .collect(),
        dead: vars.filter(|&i| !is_live(i as usize)).collect(),
        visits: (0..layout.visits as u32)
            .filter(|&s| is_live(layout.visit(s)))
            .collect(),
        once: (0..layout.once as u32)
            .filter(|&s| is_live(layout.once(s)))
            .collect(),
        rolls: rolls.into_boxed_slice(),
    }
}

/// Adds every value a text reads: its conditions and the variables it shows.
fn text_reads(layout: Layout, text: &Text, out: &mut Bits) {
    text.each_condition(&mut |c| reads(layout, c, out));
    text.vars(&mut |v| out.insert(v.index()));
}

/// Adds every value the paragraphs of `text` that `on` marks read.
fn paras_read(layout: Layout, text: &Text, on: &[bool], out: &mut Bits) {
    for (para, _) in text.0.iter().zip(on).filter(|(_, on)| **on) {
        para.condition()
            .iter()
            .for_each(|c| c.each(&mut |c| reads(layout, c, out)));
        para.lines(&mut |l| {
            l.each_condition(&mut |c| reads(layout, c, out));
            l.vars(&mut |v| out.insert(v.index()));
        });
    }
}

/// For each scene, what may be read from a state waiting there: a backward fixed point over
/// the scene graph. `enter[t]` is what may be read from the moment scene `t` is entered. With
/// `shown`, what its texts read counts: a scene's text on entering (after its effects on
/// entering), a choice's text while waiting, a reply after its choice's effects. With
/// `within`, only the scenes it marks read anything: a search takes no step from the others.
fn liveness(story: &Story, layout: Layout, shown: Option<&Shown>, within: Option<&[bool]>) -> Vec<Bits> {
    let menu_counts = |i: usize| shown.is_some_and(|s| s.menus[i]);
    let text_counts = |i: usize| shown.map(|s| s.texts[i].as_slice()).filter(|t| t.contains(&true));
    let reply_counts = |i: usize, c: usize| shown.is_some_and(|s| s.replies[i][c]);
    let n = story.scenes().len();
    let len = layout.len();
    let mut enter = vec![Bits::new(len); n];
    let mut wait = vec![Bits::new(len); n];
    // What may be read after a choice stays in scene `t` (a reply with nowhere to go): its
    // choices again, or its fallbacks when none is available (`t` is not entered again).
    let mut stay = vec![Bits::new(len); n];
    // What may be read from a transition on: its branch conditions, then (after its once mark
    // and effects, and a branch's effects) what its target reads.
    let mut points = Vec::new();
    story.return_points(&mut |p| points.push(p));
    points.sort_unstable_by_key(|p| match *p {
        ReturnPoint::Goto(s) => (s, false),
        ReturnPoint::Stay(s) => (s, true),
    });
    points.dedup();
    // What may be read after a `return`: from any return point (recomputed each round).
    let mut back = Bits::new(len);
    let transition = |enter: &[Bits],
                      stay: &[Bits],
                      back: &Bits,
                      effects: &[Effect],
                      once: Option<u32>,
                      reply: Option<&Text>,
                      target: &Target| {
        let mut live = Bits::new(len);
        if let Some(reply) = reply {
            text_reads(layout, reply, &mut live);
        }
        match target.branches() {
            // After the section returns, `back` covers where it comes back to.
            [] if let Some((section, _)) = target.call() => live.union(&enter[section.index()]),
            [] if target.is_return() => live.union(back),
            [] if target.is_stay() => target.scenes(&mut |t| live.union(&stay[t.index()])),
            [] => target.scenes(&mut |t| live.union(&enter[t.index()])),
            bs => {
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
        for b in target.branches() {
            reads_opt(layout, b.condition.as_ref(), &mut live);
        }
        live
    };
    loop {
        let mut changed = false;
        let mut b = Bits::new(len);
        for p in &points {
            match *p {
                ReturnPoint::Goto(s) => b.union(&enter[s.index()]),
                ReturnPoint::Stay(s) => b.union(&stay[s.index()]),
            }
        }
        if b != back {
            back = b;
            changed = true;
        }
        for (i, scene) in story.scenes().iter().enumerate().rev() {
            if within.is_some_and(|w| !w[i]) {
                continue;
            }
            if scene.ending.is_some() {
                if let Some(on) = text_counts(i) {
                    let mut e = Bits::new(len);
                    paras_read(layout, &scene.text, on, &mut e);
                    before_effects(&scene.on_enter, &mut e);
                    if e != enter[i] {
                        enter[i] = e;
                        changed = true;
                    }
                }
                continue;
            }
            // Waiting: every choice's availability, and where each may lead.
            let mut w = Bits::new(len);
            for (ci, c) in scene.choices.iter().enumerate().filter(|(_, c)| !c.fallback) {
                reads_opt(layout, c.condition.as_ref(), &mut w);
                if let Some(o) = c.once {
                    w.insert(layout.once(o));
                }
                if menu_counts(i) {
                    c.menu_lines(&mut |l| {
                        l.each_condition(&mut |c| reads(layout, c, &mut w));
                        l.vars(&mut |v| w.insert(v.index()));
                    });
                }
                let reply = c.reply.as_ref().filter(|_| reply_counts(i, ci));
                w.union(&transition(
                    &enter, &stay, &back, &c.effects, c.once, reply, &c.target,
                ));
            }
            // The fallbacks, taken when no choice is available (on entering, or after a stay).
            let mut f = Bits::new(len);
            for (ci, c) in scene.choices.iter().enumerate().filter(|(_, c)| c.fallback) {
                reads_opt(layout, c.condition.as_ref(), &mut f);
                if let Some(o) = c.once {
                    f.insert(layout.once(o));
                }
                let reply = c.reply.as_ref().filter(|_| reply_counts(i, ci));
                f.union(&transition(
                    &enter, &stay, &back, &c.effects, c.once, reply, &c.target,
                ));
            }
            let mut s = w.clone();
            s.union(&f);
            // Entering: the autos, else waiting, or a fallback when nothing is available.
            let mut e = Bits::new(len);
            for a in &scene.autos {
                reads_opt(layout, a.condition.as_ref(), &mut e);
                e.union(&transition(
                    &enter, &stay, &back, &a.effects, None, None, &a.target,
                ));
            }
            if scene.autos.iter().all(|a| a.condition.is_some()) {
                e.union(&s);
            }
            if let Some(on) = text_counts(i) {
                paras_read(layout, &scene.text, on, &mut e);
            }
            before_effects(&scene.on_enter, &mut e);
            if s != stay[i] {
                stay[i] = s;
                changed = true;
            }
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
