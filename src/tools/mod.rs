//! Authoring tools built on the engine: `explore`, `proof`, `randomtest` (and its `--repeats`),
//! `graph` and `replay`.
//!
//! Each tool is a pure function of a [`Story`] that returns a report (plain data, `serde`
//! serializable); the command-line edge that loads the story, prints the report and writes or
//! reads files is in `crate::commands`. The helpers here are shared by the tools:
//! dice that force and enumerate random outcomes, the canonical form of a state used to
//! deduplicate states, and a way to see which fallback choices a step took.

mod canon;
pub mod explore;
pub mod graph;
pub mod proof;
pub mod randomtest;
pub mod repeats;
pub mod replay;
mod store;

pub(crate) use canon::{Canon, Shown};

use crate::engine::{self, Dice, GameState, StepError};
use std::sync::Arc;

use crate::story::{Branch, Effect, Line, Piece, SceneId, Story, Target, Value, VarDecl, VarId};

/// Dice that replay a fixed list of outcomes, then take the first possible outcome of every
/// further draw. They record each draw so [`Enumerator::advance`] can move on to the next
/// combination: running a step again and again until `advance` says there is none left visits
/// every combination of random outcomes of that step exactly once, in a fixed order.
#[derive(Debug, Default)]
pub(crate) struct Enumerator {
    draws: Vec<Draw>,
    pos: usize,
    /// For the first draw, when it picks among a choice's branches of which some are the
    /// same (see [`SameBranches`]): each branch's first equal. Only the first of equal
    /// branches is tried, with their odds added: a choice with 150,000 equal branches is one
    /// outcome, not 150,000 runs of a step that each weigh 150,000 branches.
    same: Option<Arc<[u32]>>,
}

#[derive(Debug, Clone, Copy)]
struct Draw {
    pick: u32,
    /// The next index with a positive weight after `pick`, if any.
    next: Option<u32>,
    /// The odds of `pick`.
    odds: f64,
}

impl Enumerator {
    /// Call before each run of the step.
    pub(crate) fn rewind(&mut self) {
        self.pos = 0;
    }

    /// Sets the branches that are the same for the steps to come (none: every branch is
    /// tried). Call with no draws left (after `advance` said there is none).
    pub(crate) fn set_same(&mut self, same: Option<&Arc<[u32]>>) {
        if self.same.as_ref().map(Arc::as_ptr) != same.map(Arc::as_ptr) {
            self.same = same.cloned();
        }
    }

    /// The outcomes picked by the last run, in draw order.
    pub(crate) fn picks(&self) -> impl Iterator<Item = u32> + '_ {
        self.draws[..self.pos].iter().map(|d| d.pick)
    }

    /// The odds of the last run's combination of outcomes.
    pub(crate) fn probability(&self) -> f64 {
        self.draws[..self.pos].iter().map(|d| d.odds).product()
    }

    /// Moves to the next combination; false when every combination has been run.
    pub(crate) fn advance(&mut self) -> bool {
        self.draws.truncate(self.pos);
        while let Some(last) = self.draws.last_mut() {
            if let Some(next) = last.next {
                last.pick = next;
                return true;
            }
            self.draws.pop();
        }
        false
    }
}

/// The odds of outcome `pick` among `weights`.
fn odds(weights: &[u32], pick: usize) -> f64 {
    let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
    match weights.get(pick) {
        Some(&w) if total > 0 => f64::from(w) / total as f64,
        _ => 0.0,
    }
}

/// The first index at or after `from` with a positive weight.
fn positive_from(weights: &[u32], from: usize) -> Option<u32> {
    weights
        .iter()
        .enumerate()
        .skip(from)
        .find(|&(_, &w)| w > 0)
        .map(|(i, _)| i as u32)
}

/// The first index at or after `from` with a positive weight that is the first of its equals.
fn first_positive_from(weights: &[u32], same: &[u32], from: usize) -> Option<u32> {
    (from..weights.len())
        .find(|&i| weights[i] > 0 && same[i] as usize == i)
        .map(|i| i as u32)
}

/// The odds of outcome `pick` and its equals among `weights`.
fn odds_with_same(weights: &[u32], same: &[u32], pick: usize) -> f64 {
    let mut total = 0u64;
    let mut mine = 0u64;
    for (i, &w) in weights.iter().enumerate() {
        total += u64::from(w);
        if same[i] as usize == pick {
            mine += u64::from(w);
        }
    }
    if total > 0 {
        mine as f64 / total as f64
    } else {
        0.0
    }
}

impl Dice for Enumerator {
    /// A text never changes where the game goes: no outcome to enumerate.
    fn shuffle(&mut self, _n: usize, _key: u64) -> usize {
        0
    }

    fn pick(&mut self, weights: &[u32]) -> usize {
        let i = self.pos;
        self.pos += 1;
        let pick = match self.draws.get(i) {
            Some(d) if (d.pick as usize) < weights.len() => d.pick as usize,
            // The first possible branch is the first of its equals: equal branches have the
            // same condition, so the same possibility.
            _ => positive_from(weights, 0).map_or(0, |p| p as usize),
        };
        let same = match &self.same {
            Some(same) if i == 0 && same.len() == weights.len() => Some(same),
            _ => None,
        };
        let draw = match same {
            None => Draw {
                pick: pick as u32,
                next: positive_from(weights, pick + 1),
                odds: odds(weights, pick),
            },
            Some(same) => Draw {
                pick: pick as u32,
                next: first_positive_from(weights, same, pick + 1),
                odds: odds_with_same(weights, same, pick),
            },
        };
        match self.draws.get_mut(i) {
            Some(d) => *d = draw,
            None => self.draws.push(draw),
        }
        pick
    }
}

/// The branches of each choice that are the same (same target, effects and condition, whatever
/// their weights), so that taking one or the other leads to the same state.
#[derive(Debug)]
pub(crate) struct SameBranches {
    /// Where each scene's choices start in `same`.
    base: Vec<u32>,
    /// For each choice with equal branches, each branch's first equal with a positive weight
    /// (itself when it has none, or a weight of 0).
    same: Vec<Option<Arc<[u32]>>>,
}

impl SameBranches {
    pub(crate) fn new(story: &Story) -> SameBranches {
        let mut base = Vec::with_capacity(story.scenes().len());
        let mut same = Vec::new();
        for scene in story.scenes() {
            base.push(same.len() as u32);
            for choice in &scene.choices {
                same.push(match &choice.target {
                    Target::Branches(bs) if bs.len() > 1 => equals(bs),
                    Target::Branches(_)
                    | Target::Goto(_)
                    | Target::Stay(_)
                    | Target::Call { .. }
                    | Target::Return => None,
                });
            }
        }
        SameBranches { base, same }
    }

    pub(crate) fn get(&self, scene: SceneId, choice: usize) -> Option<&Arc<[u32]>> {
        self.same[self.base[scene.index()] as usize + choice].as_ref()
    }
}

/// Each branch's first equal with a positive weight; `None` when no two are equal.
fn equals(branches: &[Branch]) -> Option<Arc<[u32]>> {
    let mut first: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    let mut any = false;
    let same: Vec<u32> = branches
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if b.weight == 0 {
                return i as u32;
            }
            // The debug form as the key: the parts compared, in one pass over each branch.
            let key = format!("{:?}|{:?}|{:?}", b.target, b.effects, b.condition);
            let f = *first.entry(key).or_insert(i as u32);
            any |= f as usize != i;
            f
        })
        .collect();
    any.then(|| same.into())
}

/// Dice that replay a given list of outcomes (from an [`Enumerator`]). Past the end of the
/// list, or where a listed outcome is not possible, they take the first possible outcome.
#[derive(Debug)]
pub(crate) struct Forced<'a> {
    picks: &'a [u32],
    pos: usize,
}

impl<'a> Forced<'a> {
    pub(crate) fn new(picks: &'a [u32]) -> Forced<'a> {
        Forced { picks, pos: 0 }
    }
}

impl Dice for Forced<'_> {
    /// As [`Enumerator`]: shuffled texts take no pick of the path.
    fn shuffle(&mut self, _n: usize, _key: u64) -> usize {
        0
    }

    fn pick(&mut self, weights: &[u32]) -> usize {
        let first = weights.iter().position(|&w| w > 0).unwrap_or(0);
        let pick = match self.picks.get(self.pos) {
            Some(&p) if weights.get(p as usize).is_some_and(|&w| w > 0) => p as usize,
            _ => first,
        };
        self.pos += 1;
        pick
    }
}

/// A copy of a story that counts what the engine does inside a step without saying so: the
/// visits of every scene (the story itself counts only those its conditions read) and the
/// fallback choices taken (in hidden `Int` variables after the story's own). The counters
/// change nothing else: no condition or text reads them, and they draw no random numbers, so
/// the copy plays exactly like the story.
#[derive(Debug, Clone)]
pub(crate) struct Tracked {
    pub(crate) story: Story,
    /// For each counter, in variable order: the scene and the choice's position in it.
    pub(crate) fallbacks: Vec<(SceneId, usize)>,
    /// How many variables the story itself declares (the counters follow).
    base_vars: usize,
    /// How many visit slots the story itself has (the slots of the other scenes follow).
    base_slots: usize,
}

impl Tracked {
    pub(crate) fn new(story: &Story) -> Tracked {
        let mut tracked = story.clone();
        let base_vars = tracked.vars.len();
        let base_slots = tracked.tracked.len();
        let mut fallbacks = Vec::new();
        for (si, scene) in tracked.scenes.iter_mut().enumerate() {
            if scene.visit_slot.is_none() {
                scene.visit_slot = Some(tracked.tracked.len() as u32);
                tracked.tracked.push(SceneId(si as u32));
            }
            for (ci, choice) in scene.choices.iter_mut().enumerate() {
                if choice.fallback {
                    let var = VarId((base_vars + fallbacks.len()) as u32);
                    choice.effects.push(Effect::Add(var, 1));
                    fallbacks.push((SceneId(si as u32), ci));
                }
            }
        }
        for (i, _) in fallbacks.iter().enumerate() {
            tracked.vars.push(VarDecl {
                // A name no story file can declare or mention.
                name: format!("\u{0}fallback{i}"),
                initial: Value::Int(0),
                min: 0,
                max: i64::MAX,
            });
        }
        Tracked {
            story: tracked,
            fallbacks,
            base_vars,
            base_slots,
        }
    }

    /// How often each fallback was taken in a tracked state (in [`Tracked::fallbacks`] order).
    pub(crate) fn fallback_counts<'a>(&'a self, state: &'a GameState) -> impl Iterator<Item = u64> + 'a {
        state.vars[self.base_vars.min(state.vars.len())..]
            .iter()
            .map(|v| match v {
                Value::Int(n) => (*n).max(0) as u64,
                Value::Bool(_) | Value::Text(_) => 0,
            })
    }

    /// How often a scene was entered in a tracked state (counted from the start of a game, or
    /// from [`Tracked::extend`] for scenes the story does not count).
    pub(crate) fn visits(&self, state: &GameState, scene: SceneId) -> u32 {
        let slot = self.story.scene(scene).visit_slot.unwrap_or(u32::MAX);
        state.tracked_visits.get(slot as usize).copied().unwrap_or(0)
    }

    /// Makes a state of the story itself a state of the tracked copy, with its counters at 0.
    pub(crate) fn extend(&self, state: &mut GameState) {
        state.vars.truncate(self.base_vars);
        state
            .vars
            .resize(self.base_vars + self.fallbacks.len(), Value::Int(0));
        state.tracked_visits.truncate(self.base_slots);
        state.tracked_visits.resize(self.story.tracked.len(), 0);
    }
}

/// The scenes a transition may lead to directly: its scenes (for a `call`, the section and
/// the scene it returns to), and for a `return` every return point of the story, since where
/// it lands depends on the call stack. May repeat a scene.
pub(crate) fn targets(story: &Story, target: &Target) -> Vec<SceneId> {
    let mut out = Vec::new();
    target.scenes(&mut |s| out.push(s));
    if target.is_return() {
        story.return_points(&mut |r| out.push(r.scene()));
    }
    out
}

/// For each scene, the scenes entering it may pass on to without a menu shown: its autos'
/// and fallbacks' [`targets`], followed on. The scene itself comes first; each scene once.
pub(crate) fn pass_closures(story: &Story) -> Vec<Box<[SceneId]>> {
    let passes_to = |scene: &crate::story::Scene| -> Vec<SceneId> {
        let autos = scene.autos.iter().flat_map(|a| targets(story, &a.target));
        let fallbacks = scene
            .choices
            .iter()
            .filter(|c| c.fallback)
            .flat_map(|c| targets(story, &c.target));
        autos.chain(fallbacks).collect()
    };
    let direct: Vec<Vec<SceneId>> = story.scenes().iter().map(passes_to).collect();
    // `stamp[u] == s + 1` marks `u` as found from `s`: no clearing between scenes.
    let mut stamp = vec![0usize; story.scenes().len()];
    (0..story.scenes().len())
        .map(|s| {
            let mut seen = vec![SceneId(s as u32)];
            stamp[s] = s + 1;
            let mut stack = vec![SceneId(s as u32)];
            while let Some(t) = stack.pop() {
                for &u in &direct[t.index()] {
                    if stamp[u.index()] != s + 1 {
                        stamp[u.index()] = s + 1;
                        seen.push(u);
                        stack.push(u);
                    }
                }
            }
            seen.into_boxed_slice()
        })
        .collect()
}

/// A choice's text as written, with `{name}` where it shows a variable.
pub(crate) fn line_as_written(story: &Story, line: &Line) -> String {
    let mut out = String::new();
    for piece in &line.0 {
        match piece {
            Piece::Lit(s) => out.push_str(s),
            Piece::Var(v) => {
                out.push('{');
                out.push_str(&story.var(*v).name);
                out.push('}');
            }
            // The first text of a construct, as a first look would show it.
            Piece::If(_, yes, _) => out.push_str(yes),
            Piece::Alt { items, .. } => out.push_str(items.first().map_or("", String::as_str)),
            // Plain words: emphasis shows none (a break or a pause cannot be in a choice).
            Piece::Mark(_) => {}
        }
    }
    out
}

/// How choice `index` (its position in the scene) is shown in a state: its number on screen
/// (from 1) and its text. `None` when it is not shown.
pub(crate) fn shown_as(story: &Story, state: &GameState, index: usize) -> Option<(usize, String)> {
    engine::view(story, state)
        .choices
        .into_iter()
        .enumerate()
        .find(|(_, c)| c.index == index)
        .map(|(n, c)| (n + 1, c.text))
}

/// A step error worth reporting to an author (not a refused choice).
pub(crate) fn is_story_error(e: &StepError) -> bool {
    matches!(
        e,
        StepError::TooManyTransitions { .. }
            | StepError::NoBranch { .. }
            | StepError::Expression { .. }
            | StepError::ReturnWithoutCall { .. }
            | StepError::CallTooDeep { .. }
    )
}

/// Collapses every run of whitespace into one space and trims the ends, so texts compare the
/// way a reader sees them.
pub(crate) fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `1 choice`, `2 choices`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs a fake step with draws of the given weights and returns every combination with
    /// its odds; forced dice replay each combination.
    fn combinations(draws: &[Vec<u32>]) -> Vec<(Vec<u32>, f64)> {
        let mut e = Enumerator::default();
        let mut out = Vec::new();
        loop {
            e.rewind();
            for w in draws {
                e.pick(w);
            }
            let picks: Vec<u32> = e.picks().collect();
            let mut forced = Forced::new(&picks);
            let replayed: Vec<u32> = draws.iter().map(|w| forced.pick(w) as u32).collect();
            assert_eq!(replayed, picks);
            out.push((picks, e.probability()));
            if !e.advance() {
                return out;
            }
        }
    }

    #[test]
    fn enumerator_visits_every_combination_once_and_skips_zero_weights() {
        let got = combinations(&[vec![3, 0, 1], vec![1, 1]]);
        let picks: Vec<_> = got.iter().map(|(p, _)| p.clone()).collect();
        assert_eq!(picks, vec![vec![0, 0], vec![0, 1], vec![2, 0], vec![2, 1]]);
        let total: f64 = got.iter().map(|(_, p)| p).sum();
        assert!((total - 1.0).abs() < 1e-9, "odds add up to {total}");
        assert!((got[0].1 - 0.375).abs() < 1e-9);
    }

    #[test]
    fn enumerator_follows_draws_that_depend_on_earlier_ones() {
        // The second draw happens only when the first picks 1.
        let mut e = Enumerator::default();
        let mut seen = Vec::new();
        loop {
            e.rewind();
            let a = e.pick(&[1, 1]);
            if a == 1 {
                e.pick(&[0, 2, 2]);
            }
            seen.push(e.picks().collect::<Vec<_>>());
            if !e.advance() {
                break;
            }
        }
        assert_eq!(seen, vec![vec![0], vec![1, 1], vec![1, 2]]);
    }

    #[test]
    fn forced_dice_replay_and_fall_back_to_the_first_possible_outcome() {
        let mut f = Forced::new(&[2, 1]);
        assert_eq!(f.pick(&[1, 1, 2]), 2);
        assert_eq!(f.pick(&[5, 0]), 0, "a forced outcome of weight 0 is not taken");
        assert_eq!(f.pick(&[0, 4]), 1, "past the list: the first possible outcome");
    }

    #[test]
    fn squash_folds_whitespace() {
        assert_eq!(squash("  a\n\n b\tc "), "a b c");
    }
}

#[cfg(test)]
mod same_tests {
    use super::Enumerator;
    use crate::engine::Dice;
    use std::sync::Arc;

    #[test]
    fn equal_outcomes_are_tried_once_with_their_odds_added() {
        let weights = [1, 1, 2, 0, 1];
        let same: Arc<[u32]> = Arc::from(vec![0, 0, 2, 3, 0]);
        let mut e = Enumerator::default();
        e.set_same(Some(&same));
        let mut seen = Vec::new();
        loop {
            e.rewind();
            let pick = e.pick(&weights);
            seen.push((pick, e.probability()));
            if !e.advance() {
                break;
            }
        }
        assert_eq!(seen, vec![(0, 0.6), (2, 0.4)]);
        // Only the first draw of a step is a choice's branches.
        e.rewind();
        assert_eq!(e.pick(&weights), 0);
        assert_eq!(e.pick(&weights), 0);
        assert!(e.advance());
        assert_eq!(e.draws[1].pick, 1);
    }
}
