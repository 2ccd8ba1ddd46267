//! The validated, immutable story.
//!
//! Everything here has been checked by [`super::load`]: every id resolves, every variable has
//! the right type, every `Int` literal fits its range. Names are replaced by small typed
//! indices ([`SceneId`], [`VarId`], [`EndingId`]) so the engine never looks a name up while
//! playing. A [`Story`] can only be made by the loader.

mod expr;
mod walk;
pub use expr::*;
pub use walk::*;

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

    /// Whether this is `==` or `!=`, the only comparisons of `Bool` and `Text` values.
    pub fn is_equality(self) -> bool {
        match self {
            Op::Eq | Op::Ne => true,
            Op::Lt | Op::Le | Op::Gt | Op::Ge => false,
        }
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
    /// Compare a variable with an expression (`Compare("a", ">", Expr("b + 1"))`): an `Int`
    /// with an `Int` expression, or any variable with one other variable of its type alone.
    /// An expression that has no value (a division by zero, an overflow) makes it not hold.
    CompareExpr(VarId, Op, Box<Expression>),
}

#[derive(Debug, Clone)]
pub enum Effect {
    Set(VarId, Value),
    Add(VarId, i64),
    Toggle(VarId),
    /// Set an `Int` to the value of an expression, clamped to the variable's range
    /// (`Set("oil", Expr("oil - 1"))`).
    SetExpr(VarId, Box<Expression>),
}

/// A comma or a stop: a construct's text that opens with one takes the space before the braces
/// away when shown ([`leans_left`]), and one straight before a word glues it on (`Sorry.For`,
/// which `check` warns of).
pub fn is_stop(c: char) -> bool {
    matches!(c, '.' | ',' | ';' | ':' | '!' | '?')
}

/// What a shown text may open with to take the space before the braces away: a comma or a
/// stop, or a closing `”`, `)` or `]`, which lean on the word before them as a stop does
/// (straight quotes and `’` open words as often as they close them, and are left alone).
pub fn leans_left(c: char) -> bool {
    is_stop(c) || matches!(c, '”' | ')' | ']')
}

/// A piece of a paragraph.
#[derive(Debug, Clone)]
pub enum Piece {
    Lit(String),
    Var(VarId),
    /// `{if name: yes | no}`: one of two texts, by a condition.
    If(Box<Condition>, String, String),
    /// `{seq: a | b}` and the like: one of several texts, by how often this text was shown
    /// (the count, or the shuffled pick, the state keeps in text slot `slot`).
    Alt {
        kind: AltKind,
        slot: u32,
        items: Box<[String]>,
    },
    /// Presentation: emphasis, a forced line break, a pause (see [`Mark`]). Shows no words.
    Mark(Mark),
}

/// A free-form label on a scene or a choice (`tags: ["mood:tense"]`), for tools: 1 to 64
/// of `a-z`, `0-9`, `_`, `-`, `:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub name: String,
    /// Where it is written: `file:line:col`.
    pub at: String,
}

/// Presentation in a text, parsed at load time: `*em*`, `**strong**`, `{br}`, `{pause}`.
/// Emphasis marks come in pairs within one line (the loader keeps an unclosed `*` literal),
/// so a rendered line always closes what it opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// `*`: emphasis begins (italic on a terminal).
    Em,
    /// The closing `*`.
    EmEnd,
    /// `**`: strong emphasis begins (bold on a terminal).
    Strong,
    /// The closing `**`.
    StrongEnd,
    /// `{br}`: a new line inside the paragraph (rendered `\n`).
    Break,
    /// `{pause}`: the interactive game waits for Enter here; elsewhere a paragraph break.
    Pause,
}

/// How an alternative in a text picks its item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AltKind {
    /// `seq`: the items in order, then the last one for good.
    Seq,
    /// `cycle`: the items in order, then again from the first.
    Cycle,
    /// `once`: the items in order, then nothing.
    Once,
    /// `shuffle`: an item drawn at random each time the text is shown.
    Shuffle,
}

impl AltKind {
    /// The item to show of `n`, the text having been shown `count` times (this time included)
    /// or, for a shuffle, `count` being the item drawn. `None`: nothing (a `once` used up).
    pub fn pick(self, count: u32, n: usize) -> Option<usize> {
        let k = count.saturating_sub(1) as usize;
        match self {
            AltKind::Seq => Some(k.min(n.saturating_sub(1))),
            AltKind::Cycle => Some(k % n.max(1)),
            AltKind::Once => (k < n).then_some(k),
            AltKind::Shuffle => Some((count as usize).min(n.saturating_sub(1))),
        }
    }
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
    /// A choice with a reply and nowhere to go: the game stays in its own scene (named here),
    /// without entering it again: no visit, no `on_enter`, no new rolls, no autos; its
    /// choices are offered again (or its fallback taken when none is available). Only
    /// choices that are not fallbacks have it.
    Stay(SceneId),
    /// `call: "section"`: enter `section` as a subroutine, keeping `then` on the call stack
    /// (ink's tunnels `-> section ->`, ChoiceScript's `*gosub`, Yarn's `<<detour>>`). A
    /// [`Target::Return`] in the section comes back to `then`.
    Call {
        section: SceneId,
        then: ReturnPoint,
    },
    /// `return: true`: go back to the return point the latest call kept (an error with an
    /// empty call stack).
    Return,
}

/// Where a section comes back to once it returns (an entry of the game's call stack).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReturnPoint {
    /// The call had a `goto`: that scene is entered.
    Goto(SceneId),
    /// The call had none: the calling scene is resumed like a reply that stays
    /// ([`Target::Stay`]): its choices are offered again, without entering it again.
    Stay(SceneId),
}

impl ReturnPoint {
    /// The scene the game comes back to.
    pub fn scene(self) -> SceneId {
        match self {
            ReturnPoint::Goto(s) | ReturnPoint::Stay(s) => s,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Branch {
    pub weight: u32,
    pub target: SceneId,
    pub condition: Option<Condition>,
    pub effects: Vec<Effect>,
}

/// What a once-only choice already taken looks like: story-wide (`spent:` in `story.ron`), or
/// for one choice (its own `spent:`, which wins).
///
/// `Hide` is ink's rule (a once-only choice is gone once taken) and the default. `Show` and
/// `Explain` keep it on screen in its place, unavailable, so the numbers of the choices after
/// it do not move when a menu comes back (ChoiceScript's `*disable_reuse`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Spent {
    #[default]
    Hide,
    /// Shown unavailable, marked "already chosen".
    Show,
    /// Shown unavailable, marked with the author's words (plain text, one line).
    Explain(String),
}

/// What a choice whose condition fails looks like.
#[derive(Debug, Clone)]
pub enum Locked {
    Hide,
    Show,
    /// Shown unavailable with the author's reason: one line, which may vary like a choice's
    /// text (`{name}`, `{if name: a | b}`, alternatives).
    Explain(Line),
}

#[derive(Debug, Clone)]
pub struct Choice {
    /// Free-form `tags` for tools (`check --tags`); the engine ignores them.
    pub tags: Vec<Tag>,
    /// What saves know a once-only choice by: its `id`, or else its text as written (with
    /// `#2`, `#3` for a second or third once-only choice of the same text in the scene).
    /// Empty for a choice that is not once-only: no save names it.
    pub key: String,
    pub text: Line,
    pub target: Target,
    pub condition: Option<Condition>,
    pub effects: Vec<Effect>,
    /// The once-only slot of this choice, if it is once-only.
    pub once: Option<u32>,
    pub fallback: bool,
    pub locked: Locked,
    /// How this once-only choice looks once taken, when it says (its own `spent:`); `None`:
    /// as the story's [`Story::spent`] says.
    pub spent: Option<Spent>,
    /// Shown right after the choice is taken (after its effects), before the next scene.
    pub reply: Option<Text>,
    /// The text slots of the reply's alternatives: advanced when the choice is taken.
    pub reply_alts: Vec<(u32, AltKind, u32)>,
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
    /// Free-form `tags` for tools (`check --tags`); the engine ignores them.
    pub tags: Vec<Tag>,
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
    /// The text slots of the alternatives in the scene's text and its choices' texts, with
    /// their kind and number of items: advanced each time the scene is entered.
    pub alts: Vec<(u32, AltKind, u32)>,
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
    pub(crate) spent: Spent,
    pub(crate) scene_names: HashMap<String, SceneId>,
    /// Endings by id: a walkthrough or a tool names them, and a story may declare thousands.
    pub(crate) ending_names: HashMap<String, EndingId>,
    /// Variables by name: a save names them, and a story may declare thousands.
    pub(crate) var_names: HashMap<String, VarId>,
    pub(crate) once_slots: u32,
    /// The scenes whose visits are counted, by slot.
    pub(crate) tracked: Vec<SceneId>,
    /// For each text slot (an alternative `{seq: ..}` in a text), the name saves know it by:
    /// `scene#n`, the n-th alternative written in that scene (replies included).
    pub(crate) text_slots: Vec<String>,
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
        self.ending_names.get(name).copied()
    }
    pub fn notebook(&self) -> &Text {
        &self.notebook
    }
    /// What the player sees of a once-only choice already taken.
    pub fn spent(&self) -> &Spent {
        &self.spent
    }
    /// The scenes whose visit counts the state keeps (those some condition reads), by slot.
    pub fn tracked_scenes(&self) -> &[SceneId] {
        &self.tracked
    }
    /// The name of each text slot (see [`Piece::Alt`]), by slot: `scene#n`.
    pub fn text_slots(&self) -> &[String] {
        &self.text_slots
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
