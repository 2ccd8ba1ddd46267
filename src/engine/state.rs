//! The game state: everything that changes while playing, apart from the story.

use crate::story::{ReturnPoint, SceneId, Story, Value, VarId};
use rand::SeedableRng;
use rand_pcg::Pcg32;

/// Where a game is. Cloning it is cheap enough for undo; comparing two states compares the
/// whole game (scene, variables, visits, once-only choices, pending rolls, RNG, turn).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GameState {
    pub(crate) scene: SceneId,
    pub(crate) vars: Vec<Value>,
    /// Visit counts of the scenes the story's conditions read, by slot
    /// ([`Story::tracked_scenes`]); other scenes' visits change nothing and are not kept.
    pub(crate) tracked_visits: Vec<u32>,
    /// Bit set of the once-only choices already taken, by slot.
    pub(crate) once_used: Vec<u64>,
    /// The rolls of the current scene's `Chance` conditions, made on entry.
    pub(crate) rolls: Vec<bool>,
    pub(crate) rng: Rng,
    pub(crate) turn: u32,
    /// For each text slot ([`Story::text_slots`]): how often its text was shown (kept small:
    /// a `seq` or `once` stops counting past its items, a `cycle` wraps), or for a shuffle the
    /// item drawn. Read only by texts.
    pub(crate) texts: Vec<u32>,
    /// The call stack: where each section entered by a `call` comes back to when it returns,
    /// innermost last; at most [`crate::story::limits::CALL_DEPTH`] deep. Empty (and never
    /// allocated) in a story without calls.
    pub(crate) calls: Vec<ReturnPoint>,
}

/// The game's random number generator: PCG32, small, fast and serializable.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rng(pub(crate) Pcg32);

impl Rng {
    pub fn from_seed(seed: u64) -> Rng {
        Rng(Pcg32::seed_from_u64(seed))
    }
}

// PCG exposes no Hash; equal generators hash equal when none of them feeds the hash, which
// keeps `Hash` consistent with `Eq` (the rest of the state carries the distinctions).
impl std::hash::Hash for Rng {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
}

impl GameState {
    /// A state before the first scene is entered: use [`super::new_game`] to start a game.
    pub(crate) fn blank(story: &Story, seed: u64) -> GameState {
        GameState {
            scene: story.start(),
            vars: story.vars().iter().map(|v| v.initial.clone()).collect(),
            tracked_visits: vec![0; story.tracked_scenes().len()],
            once_used: vec![0; (story.once_slots() as usize).div_ceil(64)],
            rolls: Vec::new(),
            rng: Rng::from_seed(seed),
            turn: 0,
            texts: vec![0; story.text_slots().len()],
            calls: Vec::new(),
        }
    }

    pub fn scene(&self) -> SceneId {
        self.scene
    }
    pub fn var(&self, id: VarId) -> &Value {
        &self.vars[id.index()]
    }
    pub fn vars(&self) -> &[Value] {
        &self.vars
    }
    /// The visit count of a scene, when the story counts it (some condition reads it).
    pub fn visits(&self, story: &Story, scene: SceneId) -> Option<u32> {
        let slot = story.scene(scene).visit_slot?;
        self.tracked_visits.get(slot as usize).copied()
    }
    /// The number of choices made so far.
    pub fn turn(&self) -> u32 {
        self.turn
    }
    pub fn once_used(&self, slot: u32) -> bool {
        self.once_used
            .get(slot as usize / 64)
            .is_some_and(|w| w & (1 << (slot % 64)) != 0)
    }
    pub(crate) fn mark_once(&mut self, slot: u32) {
        if let Some(w) = self.once_used.get_mut(slot as usize / 64) {
            *w |= 1 << (slot % 64);
        }
    }
    pub fn rolls(&self) -> &[bool] {
        &self.rolls
    }
    pub fn rng(&self) -> &Rng {
        &self.rng
    }
    /// The call stack: the return points of the sections the game is in, innermost last.
    pub fn calls(&self) -> &[ReturnPoint] {
        &self.calls
    }
    /// The text slots' counts (see [`Story::text_slots`]).
    pub fn texts(&self) -> &[u32] {
        &self.texts
    }
}
