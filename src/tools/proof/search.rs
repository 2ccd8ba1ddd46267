//! One search of a proof: every state from which the target scene may still be shown, reduced
//! in the form that keeps what one group of its pieces reads, and the paragraphs those pieces
//! show, with the values beside them.

use super::RouteStep;
use super::graph::{Graph, Group, Piece, each_read};
use crate::engine::{self, GameState, Outcome};
use crate::story::{SceneId, Story, Text, Value};
use crate::tools::store::StateStore;
use crate::tools::{Canon, Enumerator, is_story_error, shown_as};
use std::collections::{HashMap, HashSet};

/// For a start state: no parent, no choice.
const ROOT: u32 = u32::MAX;

/// What one search found: each paragraph, the states searched, and whether the search was
/// complete.
pub(super) struct Searched {
    pub(super) paragraphs: Vec<Seen>,
    pub(super) states: usize,
    pub(super) complete: bool,
}

/// Some pieces of the screens that stop in one scene.
#[derive(Debug, Clone)]
pub(super) struct Leaf {
    pub(super) target: SceneId,
    pub(super) group: Group,
}

impl Leaf {
    /// The same scene with no piece and no text read: a search for it finds what leads there.
    pub(super) fn bare(&self) -> Leaf {
        let mut group = self.group.clone();
        group.pieces.clear();
        let off = |v: &mut Vec<bool>| v.iter_mut().for_each(|x| *x = false);
        group.shown.texts.iter_mut().for_each(off);
        off(&mut group.shown.menus);
        group.shown.replies.iter_mut().for_each(off);
        Leaf {
            target: self.target,
            group,
        }
    }
}

/// What a search looks for in one scene.
struct Target {
    pieces: Vec<Piece>,
    /// Each paragraph of the scene's text, alone.
    paras: Vec<Text>,
    /// The variables listed beside each paragraph, by index: those the canonical form keeps in
    /// the scene and those its pieces read.
    kept: Vec<u32>,
}

/// Searches the paragraphs `leaves` show, all in one search.
/// With `quick`, what only scenes past the targets read is forgotten (see `proof_quick`).
pub(super) fn search(
    story: &Story,
    graph: &Graph,
    leaves: &[Leaf],
    max_states: usize,
    quick: bool,
) -> Searched {
    let groups: Vec<Group> = leaves.iter().map(|l| l.group.clone()).collect();
    let shown = Group::together(&groups).shown;
    let leads = graph.leading_to(&leaves.iter().map(|l| l.target).collect::<Vec<_>>());
    let canon = Canon::reading_texts(story, &shown, quick.then_some(leads.as_slice()));
    let mut targets: Vec<Option<Target>> = (0..story.scenes().len()).map(|_| None).collect();
    for leaf in leaves {
        let scene = story.scene(leaf.target);
        let target = targets[leaf.target.index()].get_or_insert_with(|| {
            let keep = canon.keep(leaf.target);
            let kept = keep
                .vars
                .iter()
                .copied()
                .chain(keep.capped.iter().map(|&(v, _)| v));
            Target {
                pieces: Vec::new(),
                paras: scene.text.0.iter().map(|p| Text(vec![p.clone()])).collect(),
                kept: kept.collect(),
            }
        });
        target.pieces.extend_from_slice(&leaf.group.pieces);
        each_read(story, &leaf.group.shown, &mut |r| {
            target.kept.extend(r.var().map(|v| v.0))
        });
        target.kept.sort_unstable();
        target.kept.dedup();
    }
    let max_states = max_states.clamp(1, u32::MAX as usize - 1);
    let mut search = Search {
        story,
        store: StateStore::new(story, &canon, max_states),
        nodes: Vec::new(),
        max_states,
        targets,
        found: Vec::new(),
        index: HashMap::new(),
        seen: HashSet::new(),
        row: Vec::new(),
    };
    let mut complete = search.start();
    let mut state = GameState::blank(story, 0);
    let mut available = Vec::new();
    let mut next = 0u32;
    while complete && (next as usize) < search.nodes.len() {
        search.store.decode(next, &mut state);
        if leads[state.scene.index()] {
            engine::available(story, &state, &mut available);
            for &ci in &available {
                complete &= search.expand(next, &state, ci);
            }
        }
        next += 1;
    }
    Searched {
        paragraphs: search.paragraphs(),
        states: search.nodes.len(),
        complete,
    }
}

/// A paragraph a search found.
pub(super) struct Seen {
    pub(super) target: SceneId,
    pub(super) piece: Piece,
    pub(super) text: String,
    pub(super) steps: usize,
    pub(super) route: Vec<RouteStep>,
    /// Each variable listed beside it (by index), with the values it had when shown.
    pub(super) when: Vec<(u32, Vec<Value>)>,
}

/// A paragraph found, before its route is built.
struct Found {
    text: String,
    target: SceneId,
    piece: Piece,
    steps: usize,
    /// The state the step was made from ([`ROOT`] for the start) and the choice.
    parent: u32,
    choice: u32,
    /// For each kept variable of its target (see [`Target::kept`]), the values it had.
    values: Vec<Vec<Value>>,
}

struct Search<'s> {
    story: &'s Story,
    store: StateStore,
    /// For each state: the state it was first reached from and the choice.
    nodes: Vec<(u32, u32)>,
    max_states: usize,
    /// What is looked for in each scene, by index (`None` for scenes not searched for).
    targets: Vec<Option<Target>>,
    found: Vec<Found>,
    /// Each paragraph's index in `found`, by scene, piece and text.
    index: HashMap<(SceneId, Piece, String), usize>,
    /// The paragraphs (by index) already gathered with a set of values, by a 128-bit hash of
    /// both (the pairs themselves would take more memory than the states).
    seen: HashSet<u128>,
    row: Vec<u64>,
}

impl Search<'_> {
    /// The start states, one per combination of the start's random outcomes. False when the
    /// search is full.
    fn start(&mut self) -> bool {
        let mut dice = Enumerator::default();
        loop {
            dice.rewind();
            if let Ok((state, outcome)) = engine::new_game_with(self.story, 0, &mut dice)
                && !self.reached(ROOT, 0, state, &outcome)
            {
                return false;
            }
            if !dice.advance() {
                return true;
            }
        }
    }

    /// Takes choice `ci` from stored state `id` (decoded in `from`), with every combination of
    /// random outcomes. False when the search is full.
    fn expand(&mut self, id: u32, from: &GameState, ci: usize) -> bool {
        let mut dice = Enumerator::default();
        let mut outcomes = 0;
        loop {
            dice.rewind();
            let mut state = from.clone();
            match engine::choose_with(self.story, &mut state, ci, &mut dice) {
                Ok(outcome) => {
                    if !self.reached(id, ci as u32, state, &outcome) {
                        return false;
                    }
                }
                // Runtime errors are `explore`'s to report; a refused choice cannot happen.
                Err(e) => debug_assert!(is_story_error(&e), "{e}"),
            }
            outcomes += 1;
            if outcomes >= crate::tools::explore::MAX_OUTCOMES_PER_STEP || !dice.advance() {
                return true;
            }
        }
    }

    /// Records what a step showed, and the state it led to. False when the search is full.
    fn reached(&mut self, parent: u32, choice: u32, state: GameState, outcome: &Outcome) -> bool {
        if self.targets[state.scene.index()].is_some() {
            self.gather(parent, choice, &state, outcome);
        }
        self.row.resize(self.store.stride(), 0);
        self.store.pack(&state, &mut self.row);
        let hash = self.store.hash(&self.row);
        if let Err(slot) = self.store.lookup(&self.row, hash) {
            if self.nodes.len() >= self.max_states {
                return false;
            }
            self.store.insert(&self.row, hash, slot);
            self.nodes.push((parent, choice));
        }
        true
    }

    /// Adds what the pieces show in a screen that stops in a target, and the values beside.
    fn gather(&mut self, parent: u32, choice: u32, state: &GameState, outcome: &Outcome) {
        let scene = state.scene;
        let Some(target) = &self.targets[scene.index()] else {
            return;
        };
        let mut shown = Vec::new();
        for &piece in &target.pieces {
            match piece {
                Piece::Incoming => {
                    for text in outcome.reply.iter().chain(&outcome.passed) {
                        shown.extend(text.split("\n\n").map(|t| (piece, t.to_owned())));
                    }
                }
                Piece::Para(i) if !outcome.stayed => {
                    let text = engine::render_text(state, &target.paras[i]);
                    shown.extend(text.split("\n\n").map(|t| (piece, t.to_owned())));
                }
                Piece::Para(_) => {}
                Piece::Menu => shown.extend(menu(self.story, state).into_iter().map(|t| (piece, t))),
            }
        }
        shown.retain(|(_, t)| !t.trim().is_empty());
        // The state as played, not in canonical form: every kept variable is one the state
        // stepped from still held (what the pieces read, or what is read from here on).
        let values: Vec<Value> = target
            .kept
            .iter()
            .map(|&v| state.vars()[v as usize].clone())
            .collect();
        let kept = target.kept.len();
        let at: Vec<usize> = shown
            .into_iter()
            .map(|(piece, text)| self.paragraph(scene, piece, text, kept, parent, choice))
            .collect();
        at.iter().for_each(|&i| self.found[i].steps += 1);
        if !self.seen.insert(fingerprint(&at, &values)) {
            return;
        }
        for &i in &at {
            for (known, value) in self.found[i].values.iter_mut().zip(&values) {
                if !known.contains(value) {
                    known.push(value.clone());
                }
            }
        }
    }

    /// The index of a paragraph, added when new (first shown by `choice` from `parent`; `kept`
    /// variables listed beside it).
    fn paragraph(
        &mut self,
        target: SceneId,
        piece: Piece,
        text: String,
        kept: usize,
        parent: u32,
        choice: u32,
    ) -> usize {
        let key = (target, piece, text);
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        let text = key.2.clone();
        self.index.insert(key, self.found.len());
        self.found.push(Found {
            text,
            target,
            piece,
            steps: 0,
            parent,
            choice,
            values: vec![Vec::new(); kept],
        });
        self.found.len() - 1
    }

    /// The choices from the start to stored state `id` (none for [`ROOT`]).
    fn route_to(&self, mut id: u32, out: &mut Vec<RouteStep>) {
        let mut chain = Vec::new();
        while id != ROOT {
            let (parent, choice) = self.nodes[id as usize];
            chain.push((parent, choice));
            id = parent;
        }
        chain.pop(); // the start state itself: no choice led to it
        for (parent, choice) in chain.into_iter().rev() {
            out.push(self.route_step(parent, choice));
        }
    }

    /// Choice `choice` as shown in stored state `id`.
    fn route_step(&self, id: u32, choice: u32) -> RouteStep {
        let mut state = GameState::blank(self.story, 0);
        self.store.decode(id, &mut state);
        let (number, text) = shown_as(self.story, &state, choice as usize).unwrap_or_default();
        RouteStep {
            scene: self.story.scene(state.scene).id.clone(),
            input: number.to_string(),
            choice: text,
        }
    }

    fn paragraphs(&self) -> Vec<Seen> {
        self.found
            .iter()
            .map(|f| {
                let mut route = Vec::new();
                if f.parent != ROOT {
                    self.route_to(f.parent, &mut route);
                    route.push(self.route_step(f.parent, f.choice));
                }
                let kept = &self.targets[f.target.index()]
                    .as_ref()
                    .map_or(&[][..], |t| &t.kept[..]);
                Seen {
                    target: f.target,
                    piece: f.piece,
                    text: f.text.clone(),
                    steps: f.steps,
                    route,
                    when: kept.iter().copied().zip(f.values.iter().cloned()).collect(),
                }
            })
            .collect()
    }
}

/// The menu of a state, one choice per line as the player reads it (`[choice] Open the door`,
/// a locked one `[locked: why] …`), or for an ending its `THE END: <title>` line. Each line is
/// a paragraph of its own: the choices a hub offers come and go one by one, and every subset
/// of them as one paragraph would bury the lines in their combinations.
pub(super) fn menu(story: &Story, state: &GameState) -> Vec<String> {
    let view = engine::view(story, state);
    if let Some(e) = view.ending {
        return vec![format!("THE END: {}", story.ending(e).title)];
    }
    view.choices
        .iter()
        .map(|c| match (&c.reason, c.available) {
            (_, true) => format!("[choice] {}", c.text),
            (Some(why), false) => format!("[locked: {why}] {}", c.text),
            (None, false) => format!("[locked] {}", c.text),
        })
        .collect()
}

/// A 128-bit hash of paragraphs and values: two 64-bit hashes keyed apart.
fn fingerprint(at: &[usize], values: &[Value]) -> u128 {
    use std::hash::{Hash, Hasher};
    let half = |key: u8| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        key.hash(&mut h);
        at.hash(&mut h);
        for v in values {
            match v {
                Value::Bool(b) => (0u8, *b).hash(&mut h),
                Value::Int(i) => (1u8, *i).hash(&mut h),
                Value::Text(t) => (2u8, t).hash(&mut h),
            }
        }
        h.finish()
    };
    u128::from(half(0)) << 64 | u128::from(half(1))
}
