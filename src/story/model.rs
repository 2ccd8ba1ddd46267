//! The validated, immutable story.
//!
//! Everything here has been checked by [`super::load`]: every id resolves, every variable has
//! the right type, every `Int` literal fits its range. Names are replaced by small typed
//! indices ([`SceneId`], [`VarId`], [`EndingId`]) so the engine never looks a name up while
//! playing. A [`Story`] can only be made by the loader.

use hashbrown::HashMap;
use std::sync::Arc;

/// A scene, by its position in the story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SceneId(pub(crate) u32);

/// A declared variable, by its position in the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VarId(pub(crate) u32);

/// A declared ending, by its position in the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EndingId(pub(crate) u32);

impl SceneId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
impl VarId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
impl EndingId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The value of a variable.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Text(Arc<str>),
}

impl Value {
    pub fn kind(&self) -> VarKind {
        match self {
            Value::Bool(_) => VarKind::Bool,
            Value::Int(_) => VarKind::Int,
            Value::Text(_) => VarKind::Text,
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Text(t) => f.write_str(t),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarKind {
    Bool,
    Int,
    Text,
}

impl std::fmt::Display for VarKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            VarKind::Bool => "Bool",
            VarKind::Int => "Int",
            VarKind::Text => "Text",
        })
    }
}

/// A declared variable.
#[derive(Debug, Clone)]
pub struct VarDecl {
    pub name: String,
    pub initial: Value,
    /// Bounds of an `Int` (`i64::MIN`/`i64::MAX` when not given).
    pub min: i64,
    pub max: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    pub fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "==" => Op::Eq,
            "!=" => Op::Ne,
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            _ => return None,
        })
    }

    pub fn holds<T: Ord>(self, a: T, b: T) -> bool {
        match self {
            Op::Eq => a == b,
            Op::Ne => a != b,
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Condition {
    Flag(VarId),
    Not(Box<Condition>),
    All(Vec<Condition>),
    Any(Vec<Condition>),
    /// Compare a variable with a literal of its own type.
    Compare(VarId, Op, Value),
    /// Compare the visit count of a scene; `slot` is where the state keeps that count.
    Visits {
        scene: SceneId,
        slot: u32,
        op: Op,
        n: i64,
    },
    /// The roll number `slot` of the current scene, made on entry with `percent` odds.
    Chance {
        slot: u16,
        percent: u8,
    },
}

#[derive(Debug, Clone)]
pub enum Effect {
    Set(VarId, Value),
    Add(VarId, i64),
    Toggle(VarId),
}

/// A piece of a paragraph.
#[derive(Debug, Clone)]
pub enum Piece {
    Lit(String),
    Var(VarId),
}

/// A run of pieces forming one paragraph (or one line of choice text). Most lines are one
/// literal, kept inline rather than in a vector of its own.
#[derive(Debug, Clone, Default)]
pub struct Line(pub smallvec::SmallVec<[Piece; 1]>);

impl Line {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[derive(Debug, Clone)]
pub enum Para {
    Always(Line),
    If(Condition, Line, Option<Line>),
}

/// Text that may vary with the state: paragraphs, some conditional.
#[derive(Debug, Clone, Default)]
pub struct Text(pub Vec<Para>);

#[derive(Debug, Clone)]
pub enum Target {
    Goto(SceneId),
    Branches(Vec<Branch>),
}

#[derive(Debug, Clone)]
pub struct Branch {
    pub weight: u32,
    pub target: SceneId,
    pub condition: Option<Condition>,
    pub effects: Vec<Effect>,
}

/// What a choice whose condition fails looks like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Locked {
    Hide,
    Show,
    Explain(String),
}

#[derive(Debug, Clone)]
pub struct Choice {
    pub text: Line,
    pub target: Target,
    pub condition: Option<Condition>,
    pub effects: Vec<Effect>,
    /// The once-only slot of this choice, if it is once-only.
    pub once: Option<u32>,
    pub fallback: bool,
    pub locked: Locked,
}

#[derive(Debug, Clone)]
pub struct Auto {
    pub condition: Option<Condition>,
    pub target: Target,
    pub effects: Vec<Effect>,
}

#[derive(Debug, Clone)]
pub struct Scene {
    pub id: String,
    pub title: String,
    pub text: Text,
    pub on_enter: Vec<Effect>,
    pub choices: Vec<Choice>,
    pub autos: Vec<Auto>,
    pub ending: Option<EndingId>,
    /// Where the state counts this scene's visits: only scenes that some condition reads are
    /// counted, which keeps states small for `explore` and saves.
    pub visit_slot: Option<u32>,
    /// The odds of each `Chance` roll of this scene, by slot.
    pub chances: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct Ending {
    pub id: String,
    pub title: String,
}

/// A validated story. Immutable; made only by [`super::load_story`].
#[derive(Debug, Clone)]
pub struct Story {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) author: String,
    pub(crate) version: String,
    pub(crate) about: String,
    pub(crate) start: SceneId,
    pub(crate) vars: Vec<VarDecl>,
    pub(crate) scenes: Vec<Scene>,
    pub(crate) endings: Vec<Ending>,
    pub(crate) notebook: Text,
    pub(crate) scene_names: HashMap<String, SceneId>,
    /// Variables by name: a save names them, and a story may declare thousands.
    pub(crate) var_names: HashMap<String, VarId>,
    pub(crate) once_slots: u32,
    /// The scenes whose visits are counted, by slot.
    pub(crate) tracked: Vec<SceneId>,
    pub(crate) fingerprint: u64,
}

impl Story {
    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn title(&self) -> &str {
        &self.title
    }
    pub fn author(&self) -> &str {
        &self.author
    }
    pub fn version(&self) -> &str {
        &self.version
    }
    pub fn about(&self) -> &str {
        &self.about
    }
    pub fn start(&self) -> SceneId {
        self.start
    }
    pub fn vars(&self) -> &[VarDecl] {
        &self.vars
    }
    pub fn var(&self, id: VarId) -> &VarDecl {
        &self.vars[id.index()]
    }
    pub fn var_by_name(&self, name: &str) -> Option<VarId> {
        self.var_names.get(name).copied()
    }
    pub fn scenes(&self) -> &[Scene] {
        &self.scenes
    }
    pub fn scene_ids(&self) -> impl Iterator<Item = SceneId> + '_ {
        (0..self.scenes.len() as u32).map(SceneId)
    }
    pub fn scene(&self, id: SceneId) -> &Scene {
        &self.scenes[id.index()]
    }
    pub fn scene_by_name(&self, name: &str) -> Option<SceneId> {
        self.scene_names.get(name).copied()
    }
    pub fn endings(&self) -> &[Ending] {
        &self.endings
    }
    pub fn ending(&self, id: EndingId) -> &Ending {
        &self.endings[id.index()]
    }
    pub fn ending_by_name(&self, name: &str) -> Option<EndingId> {
        self.endings
            .iter()
            .position(|e| e.id == name)
            .map(|i| EndingId(i as u32))
    }
    pub fn notebook(&self) -> &Text {
        &self.notebook
    }
    /// The scenes whose visit counts the state keeps (those some condition reads), by slot.
    pub fn tracked_scenes(&self) -> &[SceneId] {
        &self.tracked
    }
    /// How many once-only choices the story has.
    pub fn once_slots(&self) -> u32 {
        self.once_slots
    }
    /// A hash of every file's name and content: two stories with the same fingerprint are
    /// the same story, byte for byte.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }
}

/// A hash that stays the same across Rust versions and platforms, for fingerprints that
/// outlive the binary (they are written into save files): FNV-1a over little-endian 64-bit
/// words (then the tail bytes), with a separator between chunks so ("ab","c") != ("a","bc").
pub fn stable_hash(chunks: &[&[u8]]) -> u64 {
    const PRIME: u64 = 0x0100_0000_01b3;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for chunk in chunks {
        let mut words = chunk.chunks_exact(8);
        for w in &mut words {
            h ^= u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
            h = h.wrapping_mul(PRIME);
        }
        for &b in words.remainder() {
            h ^= u64::from(b);
            h = h.wrapping_mul(PRIME);
        }
        h ^= 0xff ^ (chunk.len() as u64).rotate_left(32);
        h = h.wrapping_mul(PRIME);
    }
    h
}

// ---------------------------------------------------------------------------------------------
// Traversals. Each is one `match` without a `_ =>` arm, so a new variant of a format enum makes
// the compiler point here; code elsewhere walks a story through these, never by matching the
// format enums itself.

/// One thing a condition reads from the state (a leaf of [`Condition`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read<'a> {
    /// A `Bool` variable read as a flag (`Flag`).
    Flag(VarId),
    /// A variable compared with a literal of its own type (`Compare`).
    Compare(VarId, Op, &'a Value),
    /// The visit count of `scene`, kept by the state in visit slot `slot` (`Visits`).
    Visits {
        scene: SceneId,
        slot: u32,
        op: Op,
        n: i64,
    },
    /// The chance roll number `slot` of the current scene, rolled on entry with `percent`
    /// odds (`Chance`).
    Roll { slot: u16, percent: u8 },
}

impl Read<'_> {
    /// The variable read, if the leaf reads one.
    pub fn var(&self) -> Option<VarId> {
        match self {
            Read::Flag(v) | Read::Compare(v, _, _) => Some(*v),
            Read::Visits { .. } | Read::Roll { .. } => None,
        }
    }
}

impl Condition {
    /// Calls `f` on this condition and every condition nested in it, parents first.
    pub fn each<'a>(&'a self, f: &mut impl FnMut(&'a Condition)) {
        f(self);
        match self {
            Condition::Not(c) => c.each(f),
            Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| c.each(f)),
            Condition::Flag(_)
            | Condition::Compare(..)
            | Condition::Visits { .. }
            | Condition::Chance { .. } => {}
        }
    }

    /// Calls `f` on every leaf this condition reads: variables, visit counts, chance rolls, in
    /// the order written.
    pub fn reads<'a>(&'a self, f: &mut impl FnMut(Read<'a>)) {
        match self {
            Condition::Flag(v) => f(Read::Flag(*v)),
            Condition::Compare(v, op, value) => f(Read::Compare(*v, *op, value)),
            Condition::Visits { scene, slot, op, n } => f(Read::Visits {
                scene: *scene,
                slot: *slot,
                op: *op,
                n: *n,
            }),
            Condition::Chance { slot, percent } => f(Read::Roll {
                slot: *slot,
                percent: *percent,
            }),
            Condition::Not(c) => c.reads(f),
            Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| c.reads(f)),
        }
    }
}

/// How an [`Effect`] writes its variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write<'a> {
    /// Overwrites it with a literal of its type (`Set`): the old value is lost.
    Set(&'a Value),
    /// Adds to an `Int`, clamped to its range (`Add`): the new value depends on the old one.
    Add(i64),
    /// Flips a `Bool` (`Toggle`): the new value depends on the old one.
    Toggle,
}

impl Effect {
    /// The variable this effect writes, and how.
    pub fn write(&self) -> (VarId, Write<'_>) {
        match self {
            Effect::Set(v, value) => (*v, Write::Set(value)),
            Effect::Add(v, d) => (*v, Write::Add(*d)),
            Effect::Toggle(v) => (*v, Write::Toggle),
        }
    }

    /// The variable this effect writes.
    pub fn var(&self) -> VarId {
        self.write().0
    }

    /// Whether the value after the effect is independent of the value before (a `Set`).
    pub fn overwrites(&self) -> bool {
        match self.write().1 {
            Write::Set(_) => true,
            Write::Add(_) | Write::Toggle => false,
        }
    }
}

impl Target {
    /// The random branches of this target; empty for a plain `Goto`.
    pub fn branches(&self) -> &[Branch] {
        match self {
            Target::Goto(_) => &[],
            Target::Branches(bs) => bs,
        }
    }

    /// Calls `f` on every scene this target may lead to whatever the state: the `Goto`, or
    /// each branch without a condition and with a weight above 0.
    pub fn always_possible(&self, f: &mut impl FnMut(SceneId)) {
        match self {
            Target::Goto(s) => f(*s),
            Target::Branches(bs) => bs
                .iter()
                .filter(|b| b.condition.is_none() && b.weight > 0)
                .for_each(|b| f(b.target)),
        }
    }

    /// Whether taking this target draws a random number (it has weighted branches).
    pub fn is_random(&self) -> bool {
        !self.branches().is_empty()
    }

    /// Calls `f` on every scene this target may lead to, in the order written (a scene named
    /// by two branches comes twice).
    pub fn scenes(&self, f: &mut impl FnMut(SceneId)) {
        match self {
            Target::Goto(s) => f(*s),
            Target::Branches(bs) => bs.iter().for_each(|b| f(b.target)),
        }
    }

    /// The scenes this target may lead to, as a list (see [`Target::scenes`]).
    pub fn scene_list(&self) -> SmallVecScenes {
        let mut out = SmallVecScenes::new();
        self.scenes(&mut |s| out.push(s));
        out
    }
}

/// A short list of scenes, inline up to four.
pub type SmallVecScenes = smallvec::SmallVec<[SceneId; 4]>;

impl Line {
    /// Calls `f` on every variable shown in this line (`{name}`).
    pub fn vars(&self, f: &mut impl FnMut(VarId)) {
        for p in &self.0 {
            match p {
                Piece::Lit(_) => {}
                Piece::Var(v) => f(*v),
            }
        }
    }
}

impl Para {
    /// The condition of a conditional paragraph.
    pub fn condition(&self) -> Option<&Condition> {
        match self {
            Para::Always(_) => None,
            Para::If(c, _, _) => Some(c),
        }
    }

    /// Calls `f` on each line this paragraph may show (both sides of an `IfElse`).
    pub fn lines(&self, f: &mut impl FnMut(&Line)) {
        match self {
            Para::Always(l) => f(l),
            Para::If(_, yes, no) => {
                f(yes);
                no.iter().for_each(|l| f(l));
            }
        }
    }
}

/// Where a transition of a scene comes from (see [`Scene::transitions`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// An ordinary choice, by its index in `choices`.
    Choice(usize),
    /// A fallback choice, by its index in `choices`: taken without being shown when no
    /// ordinary choice is available.
    Fallback(usize),
    /// An automatic transition, by its index in `autos`.
    Auto(usize),
}

/// A way out of a scene: a choice or an auto, seen alike.
#[derive(Debug, Clone, Copy)]
pub struct Transition<'a> {
    pub via: Via,
    pub condition: Option<&'a Condition>,
    /// Applied before the target's branch effects.
    pub effects: &'a [Effect],
    pub target: &'a Target,
    /// The once-only slot marked when taken (choices only).
    pub once: Option<u32>,
}

impl<'a> Transition<'a> {
    /// Calls `f` on every condition of this transition (its own, then each branch's), nested
    /// conditions included.
    pub fn each_condition(&self, f: &mut impl FnMut(&'a Condition)) {
        self.condition.iter().for_each(|c| c.each(f));
        for b in self.target.branches() {
            b.condition.iter().for_each(|c| c.each(f));
        }
    }

    /// Calls `f` on every effect of this transition: its own, then each branch's.
    pub fn each_effect(&self, f: &mut impl FnMut(&'a Effect)) {
        self.effects.iter().for_each(&mut *f);
        for b in self.target.branches() {
            b.effects.iter().for_each(&mut *f);
        }
    }
}

impl Choice {
    /// This choice as a [`Transition`], `index` being its place in the scene's `choices`.
    pub fn transition(&self, index: usize) -> Transition<'_> {
        Transition {
            via: if self.fallback {
                Via::Fallback(index)
            } else {
                Via::Choice(index)
            },
            condition: self.condition.as_ref(),
            effects: &self.effects,
            target: &self.target,
            once: self.once,
        }
    }
}

impl Auto {
    /// This auto as a [`Transition`], `index` being its place in the scene's `autos`.
    pub fn transition(&self, index: usize) -> Transition<'_> {
        Transition {
            via: Via::Auto(index),
            condition: self.condition.as_ref(),
            effects: &self.effects,
            target: &self.target,
            once: None,
        }
    }
}

impl Text {
    /// Calls `f` on every condition of the text, nested ones included.
    pub fn each_condition<'a>(&'a self, f: &mut impl FnMut(&'a Condition)) {
        self.0.iter().filter_map(Para::condition).for_each(|c| c.each(f));
    }

    /// Calls `f` on every variable the text may show.
    pub fn vars(&self, f: &mut impl FnMut(VarId)) {
        self.0.iter().for_each(|p| p.lines(&mut |l| l.vars(f)));
    }
}

/// Something a scene (or the notebook) holds, as visited by [`Scene::walk`] / [`Story::walk`].
#[derive(Debug, Clone, Copy)]
pub enum Part<'a> {
    /// A condition, nested ones included (parents first): of a paragraph, a choice, an auto
    /// or a branch.
    Condition(&'a Condition),
    /// An effect: on entering, of a choice, an auto or a branch.
    Effect(&'a Effect),
    /// A variable shown in text (`{name}` in a paragraph or a choice's text).
    Shown(VarId),
    /// A scene some transition may lead to.
    Target(SceneId),
    /// The ending this scene is.
    Ending(EndingId),
}

impl Scene {
    /// Every way out of this scene: choices (fallbacks included) in order, then autos.
    pub fn transitions(&self) -> impl Iterator<Item = Transition<'_>> + '_ {
        let choices = self.choices.iter().enumerate().map(|(i, c)| c.transition(i));
        choices.chain(self.autos.iter().enumerate().map(|(i, a)| a.transition(i)))
    }

    /// Calls `f` on everything this scene holds (see [`Part`]): its text, its effects on
    /// entering, then each transition (condition, choice text, effects, branches, targets), and
    /// its ending.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(Part<'a>)) {
        // Destructured so a new field is seen here.
        let Scene {
            id: _,
            title: _,
            text,
            on_enter,
            choices,
            autos: _,
            ending,
            visit_slot: _,
            chances: _,
        } = self;
        walk_text(text, f);
        on_enter.iter().for_each(|e| f(Part::Effect(e)));
        for (t, choice) in self
            .transitions()
            .zip(choices.iter().map(Some).chain(std::iter::repeat(None)))
        {
            if let Some(c) = t.condition {
                walk_condition(c, f);
            }
            if let Some(choice) = choice {
                choice.text.vars(&mut |v| f(Part::Shown(v)));
            }
            t.effects.iter().for_each(|e| f(Part::Effect(e)));
            for b in t.target.branches() {
                if let Some(c) = &b.condition {
                    walk_condition(c, f);
                }
                b.effects.iter().for_each(|e| f(Part::Effect(e)));
            }
            t.target.scenes(&mut |s| f(Part::Target(s)));
        }
        if let Some(e) = ending {
            f(Part::Ending(*e));
        }
    }

    /// Calls `f` on every scene a transition of this scene may lead to (choices, fallbacks and
    /// autos; repeats included).
    pub fn targets(&self, f: &mut impl FnMut(SceneId)) {
        self.transitions().for_each(|t| t.target.scenes(f));
    }

    /// The transition taken on entering this scene whatever the state, if there is one: the
    /// first auto when it has no condition; or, in a scene without autos whose choices are
    /// all fallbacks, the first fallback when it has no condition and is not once-only.
    pub fn certain_exit(&self) -> Option<Transition<'_>> {
        if self.ending.is_some() {
            return None;
        }
        match self.autos.first() {
            Some(a) => a.condition.is_none().then(|| a.transition(0)),
            None => {
                let first = self.choices.first()?;
                let only_fallbacks = self.choices.iter().all(|c| c.fallback);
                (only_fallbacks && first.condition.is_none() && first.once.is_none())
                    .then(|| first.transition(0))
            }
        }
    }

    /// Calls `f` on every scene an automatic transition of this scene may lead to.
    pub fn auto_targets(&self, f: &mut impl FnMut(SceneId)) {
        self.autos.iter().for_each(|a| a.target.scenes(f));
    }
}

fn walk_condition<'a>(c: &'a Condition, f: &mut impl FnMut(Part<'a>)) {
    c.each(&mut |c| f(Part::Condition(c)));
}

fn walk_text<'a>(text: &'a Text, f: &mut impl FnMut(Part<'a>)) {
    for p in &text.0 {
        if let Some(c) = p.condition() {
            walk_condition(c, f);
        }
        p.lines(&mut |l| l.vars(&mut |v| f(Part::Shown(v))));
    }
}

impl Story {
    /// Calls `f` on everything the story holds: each scene in order (see [`Scene::walk`]), then
    /// the notebook's text.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(Part<'a>)) {
        self.scenes.iter().for_each(|s| s.walk(f));
        walk_text(&self.notebook, f);
    }

    /// Calls `f` on every condition of the story, nested ones included.
    pub fn each_condition<'a>(&'a self, f: &mut impl FnMut(&'a Condition)) {
        self.walk(&mut |p| match p {
            Part::Condition(c) => f(c),
            Part::Effect(_) | Part::Shown(_) | Part::Target(_) | Part::Ending(_) => {}
        });
    }

    /// Calls `f` on every effect of the story.
    pub fn each_effect<'a>(&'a self, f: &mut impl FnMut(&'a Effect)) {
        self.walk(&mut |p| match p {
            Part::Effect(e) => f(e),
            Part::Condition(_) | Part::Shown(_) | Part::Target(_) | Part::Ending(_) => {}
        });
    }
}
