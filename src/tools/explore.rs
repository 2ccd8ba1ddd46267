//! `interview explore`: every reachable state of a story, searched breadth first.
//!
//! States are deduplicated in their canonical form (see `tools::canon`: what the rest of the
//! game can no longer read is forgotten); random draws are not sampled but enumerated (see
//! `tools::Enumerator`): a step with a 30 % chance leads to two
//! states, both explored. Breadth-first order makes the first path found to anything the
//! shortest one (in choices), so each state keeps only its parent and the step from it.
//!
//! The report lists every ending reached with its shortest path, every ending, scene and
//! choice never reached, every dead end and every runtime error with a path that reproduces
//! it. [`walkthrough`] turns an ending's path into a replayable walkthrough.

use super::replay::{self, Walkthrough};
use super::store::StateStore;
use super::{Canon, Enumerator, Forced, SameBranches, Tracked, is_story_error, line_as_written, plural, shown_as, squash};
use crate::engine::{self, GameState, StepError};
use crate::story::{Effect, EndingId, SceneId, Story, Target};
use serde::Serialize;
use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;

/// How far to search.
#[derive(Debug, Clone)]
pub struct Config {
    /// Stop after this many distinct states.
    pub max_states: usize,
    /// Stop enumerating a step's random outcomes after this many combinations (and say the
    /// search is incomplete).
    pub max_outcomes_per_step: usize,
    /// Compare whole states, instead of forgetting what the rest of the game can no longer
    /// read (see the `canon` module): far more states, the same results. For checking the tool.
    pub whole_states: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_states: 1_000_000,
            max_outcomes_per_step: MAX_OUTCOMES_PER_STEP,
            whole_states: false,
        }
    }
}

/// The most combinations of random outcomes one step may have, by default, before the search
/// gives up on the rest of that step (and says the search is incomplete).
pub const MAX_OUTCOMES_PER_STEP: usize = 65_536;

/// What `explore` found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The story's title.
    pub story: String,
    /// How many distinct states were found.
    pub states: usize,
    /// True when every reachable state was explored.
    pub complete: bool,
    /// Why the search is incomplete, when it is.
    pub cut_short: Option<String>,
    /// The endings reached, in the manifest's order, each with its shortest path.
    pub endings: Vec<EndingReached>,
    pub unreached: Unreached,
    /// States with no available choice that are not endings, one per scene.
    pub dead_ends: Vec<Problem>,
    /// Runtime errors of the story, one per distinct message.
    pub errors: Vec<Problem>,
}

impl Report {
    /// Dead ends and errors make a story unsound.
    pub fn is_sound(&self) -> bool {
        self.dead_ends.is_empty() && self.errors.is_empty()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct EndingReached {
    pub id: String,
    pub title: String,
    pub path: Path,
}

/// What was never reached. Choices are listed only in scenes that were reached.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Unreached {
    pub endings: Vec<EndingRef>,
    pub scenes: Vec<SceneRef>,
    pub choices: Vec<ChoiceRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EndingRef {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SceneRef {
    pub id: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChoiceRef {
    pub scene: String,
    /// The choice's position in its scene as written, from 1.
    pub number: usize,
    /// Its text as written, `{name}` for a variable.
    pub text: String,
    pub fallback: bool,
}

/// A dead end or a runtime error.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// The scene where it happens.
    pub scene: String,
    pub message: String,
    /// How many times the search ran into it.
    pub times: usize,
    /// A shortest path that reproduces it; for an error, its last step fails.
    pub path: Path,
}

/// A way through the story from its start, as a player types it.
#[derive(Debug, Clone, Serialize)]
pub struct Path {
    /// The scene where the game first waits for the player (or stops, on an error).
    pub start: String,
    /// The odds of the random outcomes of the start, when there were any.
    pub start_chance: Option<f64>,
    pub steps: Vec<Step>,
}

impl Path {
    /// The player's inputs: the choice numbers as shown.
    pub fn inputs(&self) -> Vec<String> {
        self.steps.iter().map(|s| s.input.clone()).collect()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// What the player types: the choice's number on screen.
    pub input: String,
    /// The choice's text on screen.
    pub choice: String,
    /// The scene the step leads to (where it stopped, for a failing step).
    pub scene: String,
    /// The odds of the random outcomes this path takes in the step, when there were any.
    pub chance: Option<f64>,
}

const ROOT: u32 = u32::MAX;
const START: u32 = u32::MAX;

/// A state found by the search: how it was first reached. The random outcomes of that step
/// and its odds are not kept (most states have none, and memory per state is what limits the
/// search): [`Search::step_to`] finds them again for the few states on a reported path.
#[derive(Clone, Copy)]
struct Node {
    /// The node expanded when this one was found, or [`ROOT`] for a start state.
    parent: u32,
    /// The choice's position in the parent's scene, or [`START`] for a start state.
    choice: u32,
}

/// Where a problem was first met: a state, or a step from a state.
struct Origin {
    node: u32,
    /// The choice, the random outcomes and their odds.
    step: Option<(u32, Box<[u32]>, f64)>,
}

/// How many states reached by steps a [`Batch`] gathers before they are looked up.
const BATCH: usize = 64;

/// States reached by steps, packed, waiting to be looked up together. The table of states is
/// far larger than the caches, so a lookup waits on memory; one lookup at a time, every state
/// waits in turn. A batch first reads the table slots of all its states one after the other,
/// then the stored rows they point to, so the memory fetches them together; the lookups proper
/// then find them in the cache. The lookups are made in the order the states were reached, so
/// the search finds the same states in the same order as one lookup at a time.
#[derive(Default)]
struct Batch {
    /// The packed rows, one after the other.
    rows: Vec<u64>,
    reached: Vec<Reached>,
    /// Where the first step with more combinations of random outcomes than the limit came: the
    /// number of states reached before it.
    outcome_limit: Option<usize>,
}

/// How a state of a [`Batch`] was reached.
#[derive(Clone, Copy)]
struct Reached {
    hash: u64,
    parent: u32,
    choice: u32,
    scene: SceneId,
}

struct Found {
    scene: SceneId,
    message: String,
    times: usize,
    origin: Origin,
}

/// The search in progress.
struct Search<'s> {
    /// The equal branches of each choice, tried once.
    same: SameBranches,
    story: &'s Story,
    tracked: Tracked,
    max_states: usize,
    max_outcomes: usize,
    /// Every state found, packed; node `i` is stored state `i`.
    store: StateStore,
    nodes: Vec<Node>,
    /// Breadth first: nodes are expanded in the order they were found, so the queue is every
    /// node from this one on.
    next: u32,
    /// For each scene, the scenes a step that enters it may pass through (autos and
    /// fallbacks, followed on), itself included.
    passes: Vec<Box<[u32]>>,
    /// Scenes whose `passes` are all seen, with every fallback among them taken: a step into
    /// one has nothing new to show (this only ever becomes true).
    settled: Vec<bool>,
    /// For each scene, the variables a step from there may write.
    writes: Vec<Box<[u32]>>,
    scene_seen: Vec<bool>,
    scenes_left: usize,
    choice_seen: Vec<Vec<bool>>,
    /// Scenes with a fallback not yet seen taken.
    fallback_left: Vec<bool>,
    fallbacks_left: usize,
    endings: Vec<Option<u32>>,
    dead_ends: Vec<Found>,
    errors: Vec<Found>,
    cut_short: Option<String>,
    batch: Batch,
}

/// Explores `story`. `progress` is called now and then with the number of states found and
/// the number waiting to be explored.
pub fn explore(story: &Story, config: &Config, progress: &mut dyn FnMut(usize, usize)) -> Report {
    explore_in_batches(story, config, BATCH, progress)
}

/// [`explore`], looking states up in batches of about `batch` (see [`Batch`]).
fn explore_in_batches(
    story: &Story,
    config: &Config,
    batch: usize,
    progress: &mut dyn FnMut(usize, usize),
) -> Report {
    let mut search = Search::new(story, config);
    search.start();
    let mut expanded = 0usize;
    let mut buf = Vec::new();
    let mut dice = Enumerator::default();
    // The state expanded, decoded over the one expanded before: states next to each other in
    // the queue differ little.
    let mut state = GameState::blank(story, 0);
    let mut before = None;
    while (search.next as usize) < search.nodes.len() && search.cut_short.is_none() {
        // Nodes are expanded into one batch while no state in it can be one too many: only
        // the last node of a batch may meet `max_states`, after which the search stops, as
        // when states are looked up one at a time.
        loop {
            let id = search.next;
            search.next += 1;
            match before {
                None => search.store.decode(id, &mut state),
                Some(before) => search.store.decode_over(before, id, &mut state),
            }
            before = Some(id);
            search.expand(id, &mut state, &mut buf, &mut dice);
            expanded += 1;
            if expanded.is_multiple_of(1 << 14) {
                progress(search.nodes.len(), search.nodes.len() - search.next as usize);
            }
            let reached = search.batch.reached.len();
            if reached >= batch
                || search.batch.outcome_limit.is_some()
                || search.next as usize >= search.nodes.len()
                || search.nodes.len() + reached >= search.max_states
            {
                break;
            }
        }
        search.settle();
    }
    search.report()
}

/// The scenes a transition may lead to directly.
fn targets(target: &Target) -> Vec<u32> {
    match target {
        Target::Goto(s) => vec![s.0],
        Target::Branches(bs) => bs.iter().map(|b| b.target.0).collect(),
    }
}

/// For each scene, the scenes reachable from it by autos and fallbacks, itself included.
fn pass_closures(story: &Story) -> Vec<Box<[u32]>> {
    let passes_to = |s: usize| -> Vec<u32> {
        let scene = &story.scenes()[s];
        let autos = scene.autos.iter().flat_map(|a| targets(&a.target));
        let fallbacks = scene
            .choices
            .iter()
            .filter(|c| c.fallback)
            .flat_map(|c| targets(&c.target));
        autos.chain(fallbacks).collect()
    };
    let direct: Vec<Vec<u32>> = (0..story.scenes().len()).map(passes_to).collect();
    // `stamp[u] == s + 1` marks `u` as found from `s`: no clearing between scenes.
    let mut stamp = vec![0usize; story.scenes().len()];
    (0..story.scenes().len())
        .map(|s| {
            let mut seen = vec![s as u32];
            stamp[s] = s + 1;
            let mut stack = vec![s as u32];
            while let Some(t) = stack.pop() {
                for &u in &direct[t as usize] {
                    if stamp[u as usize] != s + 1 {
                        stamp[u as usize] = s + 1;
                        seen.push(u);
                        stack.push(u);
                    }
                }
            }
            seen.into_boxed_slice()
        })
        .collect()
}

/// The variables each effect writes, into `out`.
fn written(effects: &[Effect], out: &mut Vec<u32>) {
    for e in effects {
        match e {
            Effect::Set(v, _) | Effect::Add(v, _) | Effect::Toggle(v) => out.push(v.0),
        }
    }
}

/// The variables a transition writes before it enters its target: its own effects and its
/// branches'.
fn transition_writes(effects: &[Effect], target: &Target, out: &mut Vec<u32>) {
    written(effects, out);
    if let Target::Branches(bs) = target {
        bs.iter().for_each(|b| written(&b.effects, out));
    }
}

/// For each scene, the variables a step from there may write: its choices' effects, and
/// everything entering their targets may do (effects on entering, autos and fallbacks, in
/// every scene the step may pass through: see [`pass_closures`]).
fn step_writes(story: &Story, passes: &[Box<[u32]>]) -> Vec<Box<[u32]>> {
    let entering: Vec<Vec<u32>> = story
        .scenes()
        .iter()
        .map(|scene| {
            let mut out = Vec::new();
            written(&scene.on_enter, &mut out);
            for a in &scene.autos {
                transition_writes(&a.effects, &a.target, &mut out);
            }
            for c in scene.choices.iter().filter(|c| c.fallback) {
                transition_writes(&c.effects, &c.target, &mut out);
            }
            out
        })
        .collect();
    // `stamp[t] == s + 1` marks scene `t` as counted for scene `s`: no clearing between scenes.
    let mut stamp = vec![0usize; story.scenes().len()];
    story
        .scenes()
        .iter()
        .enumerate()
        .map(|(s, scene)| {
            let mut out = Vec::new();
            for c in scene.choices.iter().filter(|c| !c.fallback) {
                transition_writes(&c.effects, &c.target, &mut out);
                for t in targets(&c.target) {
                    for &u in passes[t as usize].iter() {
                        if stamp[u as usize] != s + 1 {
                            stamp[u as usize] = s + 1;
                            out.extend_from_slice(&entering[u as usize]);
                        }
                    }
                }
            }
            out.sort_unstable();
            out.dedup();
            out.into_boxed_slice()
        })
        .collect()
}

impl<'s> Search<'s> {
    fn new(story: &'s Story, config: &Config) -> Search<'s> {
        let n = story.scenes().len();
        let fallback_left: Vec<bool> = story
            .scenes()
            .iter()
            .map(|s| s.choices.iter().any(|c| c.fallback))
            .collect();
        let fallbacks_left = fallback_left.iter().filter(|&&b| b).count();
        let passes = pass_closures(story);
        let canon = if config.whole_states {
            Canon::whole(story)
        } else {
            Canon::new(story)
        };
        Search {
            story,
            tracked: Tracked::new(story),
            same: SameBranches::new(story),
            // Node ids are u32, with u32::MAX for "none".
            max_states: config.max_states.clamp(1, u32::MAX as usize - 1),
            max_outcomes: config.max_outcomes_per_step.max(1),
            store: StateStore::new(story, &canon, config.max_states),
            nodes: Vec::with_capacity(config.max_states.min(1 << 22)),
            next: 0,
            writes: step_writes(story, &passes),
            passes,
            settled: vec![false; n],
            scene_seen: vec![false; n],
            scenes_left: n,
            choice_seen: story
                .scenes()
                .iter()
                .map(|s| vec![false; s.choices.len()])
                .collect(),
            fallback_left,
            fallbacks_left,
            endings: vec![None; story.endings().len()],
            dead_ends: Vec::new(),
            errors: Vec::new(),
            cut_short: None,
            batch: Batch::default(),
        }
    }

    /// The start states: one per combination of the start's random outcomes.
    fn start(&mut self) {
        let story = self.story;
        let blank = GameState::blank(story, 0);
        let mut dice = Enumerator::default();
        let mut outcomes = 0;
        loop {
            dice.rewind();
            match engine::new_game_with(story, 0, &mut dice) {
                Ok((state, _)) => {
                    self.saw_step(ROOT, blank.scene, state.scene, None, &dice);
                    let row = self.batch_row();
                    self.store.pack(&state, &mut self.batch.rows[row..]);
                    self.batched(row, ROOT, START, state.scene);
                }
                Err(e) => {
                    self.saw_step(ROOT, blank.scene, blank.scene, None, &dice);
                    self.error(&e, blank.scene, ROOT, START, &dice);
                }
            }
            outcomes += 1;
            if !self.more(&mut dice, outcomes) {
                break;
            }
        }
        self.settle();
    }

    /// Tries every available choice of stored state `id`, decoded in `state`, with every
    /// combination of random outcomes, into the batch; each step is undone after, so `state`
    /// is left as it was. `dice` has no draws left from an earlier use: `more` leaves none,
    /// but after a step past the limit of outcomes, and then the search stops.
    fn expand(&mut self, id: u32, state: &mut GameState, available: &mut Vec<usize>, dice: &mut Enumerator) {
        let story = self.story;
        engine::available(story, state, available);
        if available.is_empty() {
            if engine::ending(story, state).is_none() {
                self.dead_end(id, state.scene);
            }
            return;
        }
        let scene = state.scene;
        let writes = std::mem::take(&mut self.writes[scene.index()]);
        for &ci in available.iter() {
            self.choice_seen[scene.index()][ci] = true;
            dice.set_same(self.same.get(scene, ci));
            let mut outcomes = 0;
            loop {
                dice.rewind();
                let result = engine::step_with(story, state, ci, dice);
                self.saw_step(id, scene, state.scene, Some(ci), dice);
                match result {
                    Ok(()) => {
                        let row = self.batch_row();
                        self.store
                            .pack_after(id, &writes, state, &mut self.batch.rows[row..]);
                        self.batched(row, id, ci as u32, state.scene);
                    }
                    Err(e) => {
                        if is_story_error(&e) {
                            self.error(&e, state.scene, id, ci as u32, dice);
                        }
                    }
                }
                // Only what a step may change is decoded again, not the whole state.
                self.store.restore(id, &writes, state);
                outcomes += 1;
                if !self.more(dice, outcomes) {
                    break;
                }
            }
        }
        self.writes[scene.index()] = writes;
    }

    fn dead_end(&mut self, id: u32, scene: SceneId) {
        match self.dead_ends.iter_mut().find(|f| f.scene == scene) {
            Some(f) => f.times += 1,
            None => self.dead_ends.push(Found {
                scene,
                message: "no available choice, and not an ending".into(),
                times: 1,
                origin: Origin { node: id, step: None },
            }),
        }
    }

    /// Moves the dice to the next combination of outcomes, within the limit per step (a step
    /// past the limit cuts the search short, once the states reached before are added).
    fn more(&mut self, dice: &mut Enumerator, outcomes: usize) -> bool {
        if !dice.advance() {
            return false;
        }
        if outcomes >= self.max_outcomes {
            self.batch.outcome_limit.get_or_insert(self.batch.reached.len());
            return false;
        }
        true
    }

    /// Makes room in the batch for a row; returns where it starts in `batch.rows`.
    fn batch_row(&mut self) -> usize {
        let at = self.batch.rows.len();
        self.batch.rows.resize(at + self.store.stride(), 0);
        at
    }

    /// Adds the row packed at `row` in the batch, reached by `choice` from node `parent`.
    fn batched(&mut self, row: usize, parent: u32, choice: u32, scene: SceneId) {
        let hash = self.store.hash(&self.batch.rows[row..]);
        self.batch.reached.push(Reached {
            hash,
            parent,
            choice,
            scene,
        });
    }

    /// Looks up every state of the batch, in order, adding the new ones (see [`Batch`]).
    fn settle(&mut self) {
        let batch = std::mem::take(&mut self.batch);
        // Read ahead: the slots, then the rows they point to (the value read is of no use).
        let mut ahead = 0u64;
        for r in &batch.reached {
            ahead ^= self.store.first_slot(r.hash);
        }
        for r in &batch.reached {
            ahead ^= self.store.first_match(r.hash);
        }
        std::hint::black_box(ahead);
        let rows = batch.rows.chunks_exact(self.store.stride());
        for (k, (r, row)) in batch.reached.iter().zip(rows).enumerate() {
            if batch.outcome_limit == Some(k) {
                self.outcome_cut();
            }
            if let Err(slot) = self.store.lookup(row, r.hash) {
                self.add(row, r, slot);
            }
        }
        if batch.outcome_limit == Some(batch.reached.len()) {
            self.outcome_cut();
        }
        // Keep the allocations for the next batch.
        self.batch = batch;
        self.batch.rows.clear();
        self.batch.reached.clear();
        self.batch.outcome_limit = None;
    }

    fn outcome_cut(&mut self) {
        let max = self.max_outcomes;
        self.cut_short.get_or_insert_with(|| {
            format!(
                "a step has more than {max} combinations of random outcomes; only the first ones \
                 were explored"
            )
        });
    }

    fn see_scene(&mut self, s: usize) {
        if !self.scene_seen[s] {
            self.scene_seen[s] = true;
            self.scenes_left -= 1;
        }
    }

    /// Marks the scenes a step entered, and the fallbacks it took, as reached. The step went
    /// from node `from` (or the start, for [`ROOT`]), waiting in `scene`, and ended in `last`;
    /// when it may have passed through scenes or fallbacks not yet seen, it is run again on the
    /// [`Tracked`] copy of the story to see them.
    #[inline]
    fn saw_step(
        &mut self,
        from: u32,
        scene: SceneId,
        last: SceneId,
        choice: Option<usize>,
        dice: &Enumerator,
    ) {
        self.see_scene(last.index());
        if self.scenes_left == 0 && self.fallbacks_left == 0 {
            return;
        }
        // The common case, a step to a scene with nothing new around it, without a call.
        if let Some(ci) = choice
            && let Target::Goto(t) = &self.story.scene(scene).choices[ci].target
            && self.settled[t.index()]
        {
            return;
        }
        self.saw_more(from, scene, choice, dice);
    }

    /// The rest of [`Search::saw_step`].
    #[inline(never)]
    fn saw_more(&mut self, from: u32, scene: SceneId, choice: Option<usize>, dice: &Enumerator) {
        let story = self.story;
        let mut unseen_from = |t: SceneId| {
            if self.settled[t.index()] {
                return false;
            }
            let unseen = self.passes[t.index()]
                .iter()
                .any(|&s| !self.scene_seen[s as usize] || self.fallback_left[s as usize]);
            self.settled[t.index()] = !unseen;
            unseen
        };
        let unseen = match choice {
            None => unseen_from(story.start()),
            Some(ci) => match &story.scene(scene).choices[ci].target {
                Target::Goto(t) => unseen_from(*t),
                Target::Branches(bs) => bs.iter().any(|b| unseen_from(b.target)),
            },
        };
        if unseen {
            let mut before = GameState::blank(story, 0);
            if from != ROOT {
                self.store.decode(from, &mut before);
            }
            self.track(&before, choice, dice);
        }
    }

    /// Runs a step again on the tracked copy of the story, to see every scene it entered and
    /// every fallback it took.
    fn track(&mut self, before: &GameState, choice: Option<usize>, dice: &Enumerator) {
        let picks: Vec<u32> = dice.picks().collect();
        let mut forced = Forced::new(&picks);
        let tracked = &self.tracked;
        let mut start = before.clone();
        tracked.extend(&mut start);
        let mut after = start.clone();
        match choice {
            None => {
                if let Ok((s, _)) = engine::new_game_with(&tracked.story, 0, &mut forced) {
                    after = s;
                }
            }
            Some(ci) => {
                let _ = engine::choose_with(&tracked.story, &mut after, ci, &mut forced);
            }
        }
        let entered: Vec<usize> = (0..self.story.scenes().len())
            .filter(|&s| {
                let s = SceneId(s as u32);
                tracked.visits(&after, s) > tracked.visits(&start, s)
            })
            .collect();
        let taken: Vec<(SceneId, usize)> = tracked
            .fallbacks
            .iter()
            .zip(tracked.fallback_counts(&after))
            .filter(|&(_, n)| n > 0)
            .map(|(&f, _)| f)
            .collect();
        for s in entered {
            self.see_scene(s);
        }
        for (s, ci) in taken {
            self.choice_seen[s.index()][ci] = true;
            let scene = self.story.scene(s);
            let left = scene
                .choices
                .iter()
                .enumerate()
                .any(|(i, c)| c.fallback && !self.choice_seen[s.index()][i]);
            if !left && self.fallback_left[s.index()] {
                self.fallback_left[s.index()] = false;
                self.fallbacks_left -= 1;
            }
        }
    }

    /// Adds a state of the batch just looked up and not found (`slot` is where the lookup
    /// ended), when there is room.
    fn add(&mut self, row: &[u64], r: &Reached, slot: usize) {
        if self.nodes.len() >= self.max_states {
            self.cut_short
                .get_or_insert_with(|| format!("stopped at {} states (--max-states)", self.max_states));
            return;
        }
        let id = self.store.insert(row, r.hash, slot);
        debug_assert_eq!(id as usize, self.nodes.len());
        self.nodes.push(Node {
            parent: r.parent,
            choice: r.choice,
        });
        // An ending is expanded too, to nothing: it has no choices.
        if let Some(e) = self.story.scene(r.scene).ending {
            self.endings[e.index()].get_or_insert(id);
        }
    }

    fn error(&mut self, e: &StepError, scene: SceneId, node: u32, choice: u32, dice: &Enumerator) {
        let message = e.to_string();
        match self.errors.iter_mut().find(|f| f.message == message) {
            Some(f) => f.times += 1,
            None => self.errors.push(Found {
                scene,
                message,
                times: 1,
                origin: Origin {
                    node,
                    step: Some((choice, dice.picks().collect(), dice.probability())),
                },
            }),
        }
    }

    /// The steps from the start to a node (and one step further).
    fn chain(&mut self, origin: &Origin) -> Vec<Link> {
        let mut chain = Vec::new();
        if let Some((choice, draws, chance)) = &origin.step {
            chain.push(Link {
                choice: *choice,
                draws: draws.to_vec(),
                chance: *chance,
            });
        }
        let mut n = origin.node;
        while n != ROOT {
            let node = self.nodes[n as usize];
            let (draws, chance) = self.step_to(n);
            chain.push(Link {
                choice: node.choice,
                draws,
                chance,
            });
            n = node.parent;
        }
        chain.reverse();
        chain
    }

    /// The random outcomes of the step that first reached node `n` from its parent, and the
    /// odds that this step leads to `n` (all its outcomes that do). The parent's expansion is
    /// made again as the search made it (every combination of outcomes of each choice in
    /// turn, with the same dice, up to the node's choice): the first outcome that reaches `n`
    /// is the one that found it, and the odds add up in the same order as they did then.
    fn step_to(&mut self, n: u32) -> (Vec<u32>, f64) {
        let story = self.story;
        let Node { parent, choice } = self.nodes[n as usize];
        let mut from = GameState::blank(story, 0);
        let mut choices = vec![START as usize];
        if parent != ROOT {
            self.store.decode(parent, &mut from);
            engine::available(story, &from, &mut choices);
        }
        let mut dice = Enumerator::default();
        let mut found: Option<(Vec<u32>, f64)> = None;
        for ci in choices {
            if parent != ROOT {
                dice.set_same(self.same.get(from.scene, ci));
            }
            let mut outcomes = 0;
            loop {
                dice.rewind();
                let reached = if parent == ROOT {
                    engine::new_game_with(story, 0, &mut dice).ok().map(|(s, _)| s)
                } else {
                    let mut s = from.clone();
                    engine::step_with(story, &mut s, ci, &mut dice).ok().map(|()| s)
                };
                if ci == choice as usize
                    && let Some(s) = reached
                    && self.store.find(&s) == Some(n)
                {
                    let p = dice.probability();
                    match &mut found {
                        None => found = Some((dice.picks().collect(), p)),
                        Some((_, chance)) => *chance += p,
                    }
                }
                outcomes += 1;
                // As `more` does, without saying the search was cut short again.
                if !dice.advance() || outcomes >= self.max_outcomes {
                    break;
                }
            }
            if ci == choice as usize {
                break;
            }
        }
        found.unwrap_or_default()
    }

    fn path(&mut self, origin: &Origin) -> Path {
        let chain = self.chain(origin);
        replay_chain(self.story, &chain)
    }

    fn problems(&mut self, found: &[Found]) -> Vec<Problem> {
        found
            .iter()
            .map(|f| Problem {
                scene: self.story.scene(f.scene).id.clone(),
                message: f.message.clone(),
                times: f.times,
                path: self.path(&f.origin),
            })
            .collect()
    }

    fn report(mut self) -> Report {
        let story = self.story;
        let mut endings = Vec::new();
        for (i, node) in self.endings.clone().into_iter().enumerate() {
            if let Some(node) = node {
                let e = story.ending(EndingId(i as u32));
                endings.push(EndingReached {
                    id: e.id.clone(),
                    title: e.title.clone(),
                    path: self.path(&Origin { node, step: None }),
                });
            }
        }
        let mut unreached = Unreached::default();
        for (i, e) in story.endings().iter().enumerate() {
            if self.endings[i].is_none() {
                unreached.endings.push(EndingRef {
                    id: e.id.clone(),
                    title: e.title.clone(),
                });
            }
        }
        for (si, scene) in story.scenes().iter().enumerate() {
            if !self.scene_seen[si] {
                unreached.scenes.push(SceneRef { id: scene.id.clone() });
                continue;
            }
            for (ci, choice) in scene.choices.iter().enumerate() {
                if !self.choice_seen[si][ci] {
                    unreached.choices.push(ChoiceRef {
                        scene: scene.id.clone(),
                        number: ci + 1,
                        text: line_as_written(story, &choice.text),
                        fallback: choice.fallback,
                    });
                }
            }
        }
        let dead_ends = std::mem::take(&mut self.dead_ends);
        let errors = std::mem::take(&mut self.errors);
        Report {
            story: story.title().to_owned(),
            states: self.nodes.len(),
            complete: self.cut_short.is_none(),
            cut_short: self.cut_short.clone(),
            endings,
            unreached,
            dead_ends: self.problems(&dead_ends),
            errors: self.problems(&errors),
        }
    }
}

/// One step of a path as the search keeps it.
struct Link {
    /// The choice's position in its scene ([`START`] for the start).
    choice: u32,
    draws: Vec<u32>,
    chance: f64,
}

/// Plays a chain of steps from the start, with the dice forced, and describes each step as
/// the player sees it. The first link is the start.
fn replay_chain(story: &Story, chain: &[Link]) -> Path {
    // Rounding may leave a certain step at 0.9999...: call that certain.
    let chance = |p: f64| (p < 1.0 - 1e-9).then_some(p);
    let (start_draws, start_chance) = chain.first().map_or((&[][..], 1.0), |l| (&l.draws[..], l.chance));
    let mut dice = Forced::new(start_draws);
    let mut state = match engine::new_game_with(story, 0, &mut dice) {
        Ok((s, _)) => s,
        Err(_) => {
            return Path {
                start: story.scene(story.start()).id.clone(),
                start_chance: chance(start_chance),
                steps: Vec::new(),
            };
        }
    };
    let mut path = Path {
        start: story.scene(state.scene).id.clone(),
        start_chance: chance(start_chance),
        steps: Vec::new(),
    };
    for link in chain.iter().skip(1) {
        let choice = link.choice as usize;
        let (number, text) = shown_as(story, &state, choice).unwrap_or((0, String::new()));
        let mut dice = Forced::new(&link.draws);
        let failed = engine::choose_with(story, &mut state, choice, &mut dice).is_err();
        path.steps.push(Step {
            input: number.to_string(),
            choice: text,
            scene: story.scene(state.scene).id.clone(),
            chance: chance(link.chance),
        });
        if failed {
            break;
        }
    }
    path
}

/// The seeds tried with an ending's shortest path before searching each seed's own game.
const SEEDS_TRIED: u64 = 1_000;
/// The seeds whose own games are searched, and the states searched in each.
const SEEDS_SEARCHED: u64 = 16;
const STATES_PER_SEED: usize = 50_000;

/// A walkthrough that reaches `ending` in the real game: a seed whose dice follow the path,
/// else a shortest way to the ending in the game of some seed. `None` when neither is found.
pub fn walkthrough(story: &Story, ending: &EndingReached) -> Option<Walkthrough> {
    let target = story.ending_by_name(&ending.id)?;
    let make = |seed: u64, inputs: Vec<String>| {
        let mut w = Walkthrough {
            seed,
            inputs,
            expect: Vec::new(),
            reject: Vec::new(),
            ending: Some(ending.id.clone()),
        };
        let played = replay::play(story, &w);
        if played.ending != Some(target) || played.failure.is_some() {
            return None;
        }
        let first = played.screen.split("\n\n").next().unwrap_or_default();
        let first = squash(first);
        if !first.is_empty() {
            w.expect.push(first);
        }
        Some(w)
    };
    let inputs = ending.path.inputs();
    (0..SEEDS_TRIED)
        .find(|&seed| reaches(story, seed, &inputs, target))
        .and_then(|seed| make(seed, inputs.clone()))
        .or_else(|| {
            (0..SEEDS_SEARCHED).find_map(|seed| {
                let inputs = seeded_inputs(story, seed, target, STATES_PER_SEED)?;
                make(seed, inputs)
            })
        })
}

/// Whether typing `inputs` into the game of `seed` ends in `target` (a quick test, before the
/// walkthrough is played in full).
fn reaches(story: &Story, seed: u64, inputs: &[String], target: EndingId) -> bool {
    let Ok((mut state, _)) = engine::new_game(story, seed) else {
        return false;
    };
    for input in inputs {
        let view = engine::view(story, &state);
        let Ok(index) = crate::matching::pick(&view, input.trim()) else {
            return false;
        };
        if engine::choose(story, &mut state, index).is_err() {
            return false;
        }
    }
    engine::ending(story, &state) == Some(target)
}

/// A shortest list of inputs that reaches `target` in the real game of `seed` (its own dice),
/// searching at most `cap` states.
fn seeded_inputs(story: &Story, seed: u64, target: EndingId, cap: usize) -> Option<Vec<String>> {
    let canon = Canon::new(story);
    let (mut start, _) = engine::new_game(story, seed).ok()?;
    canon.apply(&mut start);
    let mut ids: HashMap<GameState, u32> = HashMap::new();
    let mut nodes: Vec<(u32, u32)> = Vec::new(); // (parent, choice)
    let mut queue = VecDeque::new();
    let mut found = None;
    ids.insert(start.clone(), 0);
    nodes.push((ROOT, START));
    queue.push_back((0u32, start.clone()));
    'search: while let Some((id, state)) = queue.pop_front() {
        if engine::ending(story, &state) == Some(target) {
            found = Some(id);
            break;
        }
        if engine::ending(story, &state).is_some() {
            continue;
        }
        for ci in 0..story.scene(state.scene).choices.len() {
            let mut next = state.clone();
            if engine::choose(story, &mut next, ci).is_err() {
                continue;
            }
            canon.apply(&mut next);
            if ids.contains_key(&next) {
                continue;
            }
            if nodes.len() >= cap {
                break 'search;
            }
            let nid = nodes.len() as u32;
            nodes.push((id, ci as u32));
            ids.insert(next.clone(), nid);
            queue.push_back((nid, next));
        }
    }
    let mut choices = Vec::new();
    let mut n = found?;
    while n != ROOT {
        let (parent, choice) = nodes[n as usize];
        if choice != START {
            choices.push(choice as usize);
        }
        n = parent;
    }
    choices.reverse();
    // The choices as the player types them: their numbers on screen.
    let (mut state, _) = engine::new_game(story, seed).ok()?;
    let mut inputs = Vec::new();
    for ci in choices {
        let (number, _) = shown_as(story, &state, ci)?;
        inputs.push(number.to_string());
        engine::choose(story, &mut state, ci).ok()?;
    }
    Some(inputs)
}

/// The report as text, for a person.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = match &report.cut_short {
        None => writeln!(
            out,
            "{}: explored {} (every reachable state).",
            report.story,
            plural(report.states, "state")
        ),
        Some(why) => writeln!(
            out,
            "{}: explored {}, then {why}.\nThe search is incomplete: what is listed as never reached \
             may still be reachable, and more problems may exist.",
            report.story,
            plural(report.states, "state")
        ),
    };
    let total = report.endings.len() + report.unreached.endings.len();
    let _ = writeln!(
        out,
        "\nEndings reached: {} of {total}, each by its shortest path.",
        report.endings.len()
    );
    for e in &report.endings {
        let _ = writeln!(
            out,
            "  `{}` ({}), in {}:",
            e.id,
            e.title,
            plural(e.path.steps.len(), "choice")
        );
        write_path(&mut out, &e.path);
    }
    let u = &report.unreached;
    if u.endings.is_empty() && u.scenes.is_empty() && u.choices.is_empty() {
        let _ = writeln!(out, "\nNever reached: nothing.");
    } else {
        let _ = writeln!(out, "\nNever reached:");
        for e in &u.endings {
            let _ = writeln!(out, "  the ending `{}` ({})", e.id, e.title);
        }
        for s in &u.scenes {
            let _ = writeln!(out, "  the scene `{}`", s.id);
        }
        for c in &u.choices {
            let _ = writeln!(
                out,
                "  the choice {} of scene `{}`, {:?}{}",
                c.number,
                c.scene,
                c.text,
                if c.fallback { " (fallback)" } else { "" },
            );
        }
    }
    for (title, problems) in [
        ("Dead ends", &report.dead_ends),
        ("Runtime errors", &report.errors),
    ] {
        if problems.is_empty() {
            let _ = writeln!(out, "\n{title}: none.");
            continue;
        }
        let _ = writeln!(out, "\n{title}: {}.", problems.len());
        for p in problems {
            let _ = writeln!(
                out,
                "  in scene `{}`: {} (met {}), reproduced by:",
                p.scene,
                p.message,
                plural(p.times, "time")
            );
            write_path(&mut out, &p.path);
        }
    }
    out
}

fn write_path(out: &mut String, path: &Path) {
    if let Some(p) = path.start_chance {
        let _ = writeln!(
            out,
            "      (the start leads to `{}`: {} chance)",
            path.start,
            percent(p)
        );
    }
    if path.steps.is_empty() {
        let _ = writeln!(out, "      (at the start, in `{}`)", path.start);
    }
    // The same step again and again (a loop the path goes round) is written once.
    let mut i = 0;
    while i < path.steps.len() {
        let s = &path.steps[i];
        let same = |t: &Step| t.input == s.input && t.choice == s.choice && t.scene == s.scene;
        let times = path.steps[i..].iter().take_while(|t| same(t)).count();
        let _ = write!(out, "      {}. {}  -> {}", s.input, s.choice, s.scene);
        if let Some(p) = s.chance {
            let _ = write!(out, " ({} chance)", percent(p));
        }
        if times > 1 {
            let _ = write!(out, " (this step {times} times)");
        }
        out.push('\n');
        i += times;
    }
}

/// A probability as a percentage with a few significant digits: `75%`, `0.1%`, `0.00012%`.
fn percent(p: f64) -> String {
    let pct = p * 100.0;
    let digits = if pct >= 1.0 {
        1
    } else if pct > 0.0 {
        (-pct.log10()).ceil() as usize + 1
    } else {
        0
    };
    let s = format!("{pct:.digits$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    };
    format!("{s}%")
}

#[cfg(test)]
mod tests {
    use super::{BATCH, Config, Report, explore_in_batches, percent, render};
    use crate::story::load_story;

    /// Looking states up in batches finds the same states in the same order as looking up the
    /// states of each node expanded at once: the same report, whether the search is complete
    /// or cut short at any point.
    #[test]
    fn batches_change_no_report() {
        for files in [crate::files::embedded_story(), crate::bench::generate(200, 1)] {
            let story = load_story(&files).story.unwrap();
            for max_states in [1, 2, 3, 10, 64, 65, 66, 300, 1_000, 3_000] {
                let config = Config {
                    max_states,
                    ..Config::default()
                };
                let one = explore_in_batches(&story, &config, 1, &mut |_, _| {});
                let many = explore_in_batches(&story, &config, BATCH, &mut |_, _| {});
                assert!(one.states <= max_states);
                assert_eq!(render(&one), render(&many), "max_states {max_states}");
                let json = |r: &Report| serde_json::to_string(r).unwrap();
                assert_eq!(json(&one), json(&many), "max_states {max_states}");
            }
        }
    }

    #[test]
    fn percentages_keep_a_few_significant_digits() {
        assert_eq!(percent(0.75), "75%");
        assert_eq!(percent(1.0 / 3.0), "33.3%");
        assert_eq!(percent(0.001), "0.1%");
        assert_eq!(percent(0.000_012_3), "0.0012%");
    }
}
