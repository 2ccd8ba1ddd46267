//! The breadth-first search of every reachable state: states packed into `tools::store`
//! rows, looked up in batches, random outcomes enumerated.

use super::{Config, Report};
use crate::engine::{self, GameState, StepError};
use crate::story::{Effect, SceneId, Story, Target};
use crate::tools::store::StateStore;
use crate::tools::{
    Canon, Enumerator, Forced, SameBranches, Tracked, is_story_error, pass_closures, targets,
};

pub(super) const ROOT: u32 = u32::MAX;
pub(super) const START: u32 = u32::MAX;

/// A state found by the search: how it was first reached. The random outcomes of that step
/// and its odds are not kept (most states have none, and memory per state is what limits the
/// search): [`Search::step_to`] finds them again for the few states on a reported path.
#[derive(Clone, Copy)]
pub(super) struct Node {
    /// The node expanded when this one was found, or [`ROOT`] for a start state.
    pub(super) parent: u32,
    /// The choice's position in the parent's scene, or [`START`] for a start state.
    pub(super) choice: u32,
}

/// Where a problem was first met: a state, or a step from a state.
pub(super) struct Origin {
    pub(super) node: u32,
    /// The choice, the random outcomes and their odds.
    pub(super) step: Option<(u32, Box<[u32]>, f64)>,
}

/// How many states reached by steps a [`Batch`] gathers before they are looked up.
pub(super) const BATCH: usize = 64;

/// States reached by steps, packed, waiting to be looked up together. The table of states is
/// far larger than the caches, so a lookup waits on memory; one lookup at a time, every state
/// waits in turn. A batch first reads the table slots of all its states one after the other,
/// then the stored rows they point to, so the memory fetches them together; the lookups proper
/// then find them in the cache. The lookups are made in the order the states were reached, so
/// the search finds the same states in the same order as one lookup at a time.
#[derive(Default)]
pub(super) struct Batch {
    /// The packed rows, one after the other.
    pub(super) rows: Vec<u64>,
    pub(super) reached: Vec<Reached>,
}

/// How a state of a [`Batch`] was reached.
#[derive(Clone, Copy)]
pub(super) struct Reached {
    pub(super) hash: u64,
    pub(super) parent: u32,
    pub(super) choice: u32,
    pub(super) scene: SceneId,
}

pub(super) struct Found {
    pub(super) scene: SceneId,
    pub(super) message: String,
    pub(super) times: usize,
    pub(super) origin: Origin,
}

/// The search in progress.
pub(super) struct Search<'s> {
    /// The equal branches of each choice, tried once.
    pub(super) same: SameBranches,
    pub(super) story: &'s Story,
    pub(super) tracked: Tracked,
    pub(super) max_states: usize,
    pub(super) max_outcomes: usize,
    /// Every state found, packed; node `i` is stored state `i`.
    pub(super) store: StateStore,
    pub(super) nodes: Vec<Node>,
    /// Breadth first: nodes are expanded in the order they were found, so the queue is every
    /// node from this one on.
    pub(super) next: u32,
    /// For each scene, the scenes a step that enters it may pass through (autos and
    /// fallbacks, followed on), itself included.
    pub(super) passes: Vec<Box<[SceneId]>>,
    /// Scenes whose `passes` are all seen, with every fallback among them taken: a step into
    /// one has nothing new to show (this only ever becomes true).
    pub(super) settled: Vec<bool>,
    /// For each scene, the variables a step from there may write.
    pub(super) writes: Vec<Box<[u32]>>,
    pub(super) scene_seen: Vec<bool>,
    pub(super) scenes_left: usize,
    pub(super) choice_seen: Vec<Vec<bool>>,
    /// Scenes with a fallback not yet seen taken.
    pub(super) fallback_left: Vec<bool>,
    pub(super) fallbacks_left: usize,
    pub(super) endings: Vec<Option<u32>>,
    /// How many of the states found wait in each scene.
    pub(super) scene_states: Vec<u32>,
    pub(super) dead_ends: Vec<Found>,
    pub(super) errors: Vec<Found>,
    pub(super) cut_short: Option<String>,
    /// The steps whose random outcomes passed the limit (only the first ones were explored):
    /// the scene and choice (`None` for the start of the game), and how many times.
    pub(super) outcome_cuts: Vec<(SceneId, Option<usize>, usize)>,
    pub(super) batch: Batch,
}

/// Explores `story`. `progress` is called now and then with the number of states found and
/// the number waiting to be explored.
pub fn explore(story: &Story, config: &Config, progress: &mut dyn FnMut(usize, usize)) -> Report {
    let canon = canon(story, config);
    explore_in_batches(story, config, &canon, BATCH, false, progress)
}

/// [`explore`], and then what keeps apart the states of the busiest scenes
/// ([`Report::spread`], for `explore --stats`): one more pass over every state found for
/// each of those scenes.
pub fn explore_spread(story: &Story, config: &Config, progress: &mut dyn FnMut(usize, usize)) -> Report {
    let canon = canon(story, config);
    explore_in_batches(story, config, &canon, BATCH, true, progress)
}

fn canon(story: &Story, config: &Config) -> Canon {
    if config.whole_states {
        Canon::whole(story)
    } else {
        Canon::new(story)
    }
}

/// [`explore`], looking states up in batches of about `batch` (see [`Batch`]).
pub(super) fn explore_in_batches(
    story: &Story,
    config: &Config,
    canon: &Canon,
    batch: usize,
    spread: bool,
    progress: &mut dyn FnMut(usize, usize),
) -> Report {
    let mut search = Search::new(story, config, canon);
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
                || search.next as usize >= search.nodes.len()
                || search.nodes.len() + reached >= search.max_states
            {
                break;
            }
        }
        search.settle();
    }
    let spread = if spread {
        super::spread::spread(story, canon, &search.store, &search.scene_states)
    } else {
        Vec::new()
    };
    let mut report = search.report();
    report.spread = spread;
    report
}

/// The variables each effect writes, into `out`.
fn written(effects: &[Effect], out: &mut Vec<u32>) {
    out.extend(effects.iter().map(|e| e.var().0));
}

/// The variables a transition writes before it enters its target: its own effects and its
/// branches'.
fn transition_writes(effects: &[Effect], target: &Target, out: &mut Vec<u32>) {
    written(effects, out);
    target.branches().iter().for_each(|b| written(&b.effects, out));
}

/// For each scene, the variables a step from there may write: its choices' effects, and
/// everything entering their targets may do (effects on entering, autos and fallbacks, in
/// every scene the step may pass through: see [`pass_closures`]).
fn step_writes(story: &Story, passes: &[Box<[SceneId]>]) -> Vec<Box<[u32]>> {
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
                for t in targets(story, &c.target) {
                    for &u in passes[t.index()].iter() {
                        if stamp[u.index()] != s + 1 {
                            stamp[u.index()] = s + 1;
                            out.extend_from_slice(&entering[u.index()]);
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
    fn new(story: &'s Story, config: &Config, canon: &Canon) -> Search<'s> {
        let n = story.scenes().len();
        let fallback_left: Vec<bool> = story
            .scenes()
            .iter()
            .map(|s| s.choices.iter().any(|c| c.fallback))
            .collect();
        let fallbacks_left = fallback_left.iter().filter(|&&b| b).count();
        let passes = pass_closures(story);
        Search {
            story,
            tracked: Tracked::new(story),
            same: SameBranches::new(story),
            // Node ids are u32, with u32::MAX for "none".
            max_states: config.max_states.clamp(1, u32::MAX as usize - 1),
            max_outcomes: config.max_outcomes_per_step.max(1),
            store: StateStore::new(story, canon, config.max_states),
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
            scene_states: vec![0; n],
            dead_ends: Vec::new(),
            errors: Vec::new(),
            cut_short: None,
            outcome_cuts: Vec::new(),
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
            if !self.more(&mut dice, outcomes, blank.scene, None) {
                break;
            }
        }
        self.settle();
    }

    /// Tries every available choice of stored state `id`, decoded in `state`, with every
    /// combination of random outcomes (up to the limit per step), into the batch; each step is
    /// undone after, so `state` is left as it was. `dice` has no draws left from an earlier
    /// use: `more` leaves none.
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
                if !self.more(dice, outcomes, scene, Some(ci)) {
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

    /// Moves the dice to the next combination of outcomes, within the limit per step. A step
    /// past the limit (choice `choice` of `scene`, `None` for the start) is recorded, its other
    /// combinations left unexplored, and the search goes on with the next step.
    fn more(
        &mut self,
        dice: &mut Enumerator,
        outcomes: usize,
        scene: SceneId,
        choice: Option<usize>,
    ) -> bool {
        if !dice.advance() {
            return false;
        }
        if outcomes >= self.max_outcomes {
            // The combinations not run are dropped: the next step starts from none.
            *dice = Enumerator::default();
            match self
                .outcome_cuts
                .iter_mut()
                .find(|(s, c, _)| *s == scene && *c == choice)
            {
                Some((_, _, times)) => *times += 1,
                None => self.outcome_cuts.push((scene, choice, 1)),
            }
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
        for (r, row) in batch.reached.iter().zip(rows) {
            if let Err(slot) = self.store.lookup(row, r.hash) {
                self.add(row, r, slot);
            }
        }
        // Keep the allocations for the next batch.
        self.batch = batch;
        self.batch.rows.clear();
        self.batch.reached.clear();
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
        if let Some(ci) = choice {
            match &self.story.scene(scene).choices[ci].target {
                Target::Goto(t) | Target::Stay(t) if self.settled[t.index()] => return,
                Target::Goto(_)
                | Target::Stay(_)
                | Target::Branches(_)
                | Target::Call { .. }
                | Target::Return => {}
            }
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
                .any(|&s| !self.scene_seen[s.index()] || self.fallback_left[s.index()]);
            self.settled[t.index()] = !unseen;
            unseen
        };
        let unseen = match choice {
            None => unseen_from(story.start()),
            Some(ci) => match &story.scene(scene).choices[ci].target {
                Target::Goto(t) | Target::Stay(t) => unseen_from(*t),
                Target::Branches(bs) => bs.iter().any(|b| unseen_from(b.target)),
                Target::Call { section, then } => unseen_from(*section) | unseen_from(then.scene()),
                // Where it lands depends on the call stack: always looked at.
                Target::Return => true,
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
        self.scene_states[r.scene.index()] += 1;
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
}
