//! `interview proof`: the proofing copy of a story. Every paragraph a player can be shown in
//! each scene, once, with what the game holds whenever it is shown and a shortest way to it.
//!
//! A screen is what one step shows: the reply of the choice taken, the texts of scenes passed
//! on the way, the text of the scene the game stops in and its menu. The search is
//! `explore`'s (breadth first, random outcomes enumerated), run once per scene over states
//! reduced in the form that keeps whatever that scene's screens can read (see
//! `Canon::reading_texts`): two steps that show different words there never merge. Each
//! different paragraph of those screens is listed once, with the value of every variable the
//! game can still read there, gathered over every step that shows it: a line that assumes what
//! the player may not have done shows up as a variable with more than one value beside it.
//!
//! The idea is Twine's proofing formats (a story printed passage by passage for an editor),
//! taken further for branching text: each paragraph comes with the states it is read in.
//! Text alternatives (`{seq: ..}`, `{cycle: ..}`, `{once: ..}`, `{shuffle: ..}`) are shown as
//! on first sight.

use crate::engine::{self, GameState, Outcome};
use crate::story::{SceneId, Story, Value, VarId};
use crate::tools::store::StateStore;
use crate::tools::{Canon, Enumerator, Shown, is_story_error, plural, shown_as};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// How far to search, and what to print.
#[derive(Debug, Clone)]
pub struct Config {
    /// Stop each scene's search after this many distinct states (the proof then says it is
    /// incomplete).
    pub max_states: usize,
    /// The scenes whose passages are wanted (a screen belongs to the scene it stops in);
    /// empty for every scene.
    pub scenes: Vec<SceneId>,
}

/// The paragraphs of the passages asked for.
#[derive(Debug, Clone, Serialize)]
pub struct Proof {
    /// The story's title.
    pub story: String,
    /// Distinct states searched, over every scene's search.
    pub states: usize,
    /// True when every search reached every reachable state (else paragraphs may be missing).
    pub complete: bool,
    /// The passages, by scene in the story's order; scenes never shown are left out.
    pub passages: Vec<Passage>,
}

/// What the player can be shown on stopping in one scene.
#[derive(Debug, Clone, Serialize)]
pub struct Passage {
    pub scene: String,
    /// How many different screens stop there.
    pub screens: usize,
    /// Every different paragraph of those screens, in the order first shown (breadth first:
    /// the first has the shortest route).
    pub paragraphs: Vec<Paragraph>,
}

/// One paragraph a passage can show (a menu counts as one paragraph).
#[derive(Debug, Clone, Serialize)]
pub struct Paragraph {
    pub text: String,
    /// How many of the steps searched show it (states merged as above count once).
    pub steps: usize,
    /// A shortest route whose last step shows it.
    pub route: Vec<RouteStep>,
    /// Each variable the game can still read in the scene (a choice id's count included), with
    /// every value it has when this paragraph is shown, in increasing order.
    pub when: Vec<Known>,
}

/// A variable and the values it has when a paragraph is shown.
#[derive(Debug, Clone, Serialize)]
pub struct Known {
    pub name: String,
    pub values: Vec<String>,
    /// Its one value is its initial one (then the text output leaves it out).
    pub initial: bool,
}

/// A choice on a route.
#[derive(Debug, Clone, Serialize)]
pub struct RouteStep {
    /// The scene where the choice is made.
    pub scene: String,
    /// What the player types: the choice's number on screen.
    pub input: String,
    /// The choice's text on screen.
    pub choice: String,
}

/// For a start state: no parent, no choice.
const ROOT: u32 = u32::MAX;

/// Searches `story` and collects every paragraph of the passages `config` asks for: one
/// search per scene, each keeping only what that scene's screens can read (see the module doc).
pub fn proof(story: &Story, config: &Config) -> Proof {
    let graph = Graph::new(story);
    let mut targets: Vec<SceneId> = if config.scenes.is_empty() {
        story.scene_ids().collect()
    } else {
        config.scenes.clone()
    };
    targets.sort_unstable();
    targets.dedup();
    let (mut states, mut complete) = (0, true);
    let mut passages = Vec::new();
    for target in targets {
        let (passage, searched, done) = passage(story, &graph, target, config.max_states);
        states += searched;
        complete &= done;
        if !passage.paragraphs.is_empty() {
            passages.push(passage);
        }
    }
    Proof {
        story: story.title().to_owned(),
        states,
        complete,
        passages,
    }
}

/// The scene graph, for choosing what one search keeps and where it goes.
struct Graph {
    /// For each scene, the scenes each of its choices may lead to (the section it calls
    /// included, and every return point after a `return`), by choice; then its autos'.
    choices: Vec<Vec<Vec<SceneId>>>,
    autos: Vec<Vec<SceneId>>,
    /// For each scene, the scenes entering it may pass on to without a choice shown (autos
    /// and fallbacks, followed on), itself included.
    passes: Vec<Vec<SceneId>>,
}

impl Graph {
    fn new(story: &Story) -> Graph {
        let mut returns = Vec::new();
        story.return_points(&mut |p| returns.push(p.scene()));
        let leads = |target: &crate::story::Target| {
            let mut out = Vec::new();
            target.scenes(&mut |s| out.push(s));
            if let Some((section, _)) = target.call() {
                out.push(section);
            }
            if target.is_return() {
                out.extend(returns.iter().copied());
            }
            out
        };
        let choices: Vec<Vec<Vec<SceneId>>> = story
            .scenes()
            .iter()
            .map(|s| s.choices.iter().map(|c| leads(&c.target)).collect())
            .collect();
        let autos: Vec<Vec<SceneId>> = story
            .scenes()
            .iter()
            .map(|s| s.autos.iter().flat_map(|a| leads(&a.target)).collect())
            .collect();
        let passes = (0..story.scenes().len())
            .map(|i| {
                let mut seen = vec![SceneId(i as u32)];
                let mut at = 0;
                while at < seen.len() {
                    let s = seen[at].index();
                    at += 1;
                    let scene = &story.scenes()[s];
                    let fallbacks = scene
                        .choices
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| c.fallback)
                        .flat_map(|(c, _)| choices[s][c].iter());
                    for &u in autos[s].iter().chain(fallbacks) {
                        if !seen.contains(&u) {
                            seen.push(u);
                        }
                    }
                }
                seen
            })
            .collect();
        Graph {
            choices,
            autos,
            passes,
        }
    }

    /// The texts a screen that stops in `target` may show: the texts of the scenes passed on
    /// the way (and its own), its menu, the replies of choices that may lead there.
    fn shown(&self, target: SceneId) -> Shown {
        let n = self.passes.len();
        let passes_to = |s: SceneId| self.passes[s.index()].contains(&target);
        let mut menus = vec![false; n];
        menus[target.index()] = true;
        Shown {
            texts: (0..n).map(|i| passes_to(SceneId(i as u32))).collect(),
            menus,
            replies: (0..n)
                .map(|i| {
                    let stays = passes_to(SceneId(i as u32));
                    let choices = &self.choices[i];
                    choices
                        .iter()
                        .map(|to| to.is_empty() && stays || to.iter().any(|&u| passes_to(u)))
                        .collect()
                })
                .collect(),
        }
    }

    /// The scenes from which `target` may still be shown: those with a way to it.
    fn leading_to(&self, target: SceneId) -> Vec<bool> {
        let n = self.passes.len();
        let mut into: Vec<Vec<usize>> = vec![Vec::new(); n];
        for s in 0..n {
            let outs = self.choices[s].iter().flatten().chain(&self.autos[s]);
            outs.for_each(|u| into[u.index()].push(s));
        }
        let mut reach = vec![false; n];
        reach[target.index()] = true;
        let mut stack = vec![target.index()];
        while let Some(u) = stack.pop() {
            for &s in &into[u] {
                if !reach[s] {
                    reach[s] = true;
                    stack.push(s);
                }
            }
        }
        reach
    }
}

/// The passage that stops in `target`, the states searched, and whether the search was
/// complete.
fn passage(story: &Story, graph: &Graph, target: SceneId, max_states: usize) -> (Passage, usize, bool) {
    let shown = graph.shown(target);
    let canon = Canon::reading_texts(story, &shown);
    let keep = canon.keep(target);
    let mut kept: Vec<u32> = keep
        .vars
        .iter()
        .copied()
        .chain(keep.capped.iter().map(|&(v, _)| v))
        .collect();
    read_by(story, &shown, &mut |v| kept.push(v.0));
    kept.sort_unstable();
    kept.dedup();
    let max_states = max_states.clamp(1, u32::MAX as usize - 1);
    let mut search = Search {
        story,
        store: StateStore::new(story, &canon, max_states),
        nodes: Vec::new(),
        max_states,
        target,
        kept,
        paragraphs: Vec::new(),
        index: HashMap::new(),
        screens: HashMap::new(),
        seen: HashSet::new(),
        row: Vec::new(),
    };
    let leads = graph.leading_to(target);
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
    let passage = Passage {
        scene: story.scene(target).id.clone(),
        screens: search.screens.len(),
        paragraphs: search.paragraphs(),
    };
    (passage, search.nodes.len(), complete)
}

/// Calls `f` on every variable the texts of `shown` read: their conditions' and those they show.
fn read_by(story: &Story, shown: &Shown, f: &mut impl FnMut(VarId)) {
    let leaves = |c: &crate::story::Condition, f: &mut dyn FnMut(VarId)| {
        c.reads(&mut |r| r.var().into_iter().for_each(&mut *f))
    };
    for (i, scene) in story.scenes().iter().enumerate() {
        let texts = shown.texts[i].then_some(&scene.text);
        let replies = scene
            .choices
            .iter()
            .enumerate()
            .filter(|(c, _)| shown.replies[i][*c]);
        for text in texts
            .into_iter()
            .chain(replies.filter_map(|(_, c)| c.reply.as_ref()))
        {
            text.each_condition(&mut |c| leaves(c, f));
            text.vars(f);
        }
        for line in scene.choices.iter().filter(|_| shown.menus[i]).map(|c| &c.text) {
            line.each_condition(&mut |c| leaves(c, f));
            line.vars(f);
        }
    }
}

/// A paragraph found, before its route is built.
struct Found {
    text: String,
    steps: usize,
    /// The state the step was made from ([`ROOT`] for the start) and the choice.
    parent: u32,
    choice: u32,
    /// For each kept variable (see [`Search::kept`]), the values it had when shown.
    values: Vec<Vec<Value>>,
}

struct Search<'s> {
    story: &'s Story,
    store: StateStore,
    /// For each state: the state it was first reached from and the choice.
    nodes: Vec<(u32, u32)>,
    max_states: usize,
    /// The scene whose passage is searched for.
    target: SceneId,
    /// The variables listed beside each paragraph, by index: those the canonical form keeps in
    /// `target` and those its screens' texts read.
    kept: Vec<u32>,
    paragraphs: Vec<Found>,
    /// Each paragraph's index in `paragraphs`.
    index: HashMap<String, usize>,
    /// Each different screen, and the indices of its paragraphs.
    screens: HashMap<String, Box<[usize]>>,
    /// The screens (by their first paragraph's list) already gathered with a set of values.
    seen: HashSet<(usize, Vec<Value>)>,
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
        if state.scene == self.target {
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

    /// Adds a screen that stops in the target: its paragraphs, and the values beside them.
    fn gather(&mut self, parent: u32, choice: u32, state: &GameState, outcome: &Outcome) {
        let text = screen(self.story, state, outcome);
        let paragraphs = match self.screens.get(&text) {
            Some(p) => p.clone(),
            None => {
                let p: Box<[usize]> = text
                    .split("\n\n")
                    .map(|p| self.paragraph(p, parent, choice))
                    .collect();
                self.screens.insert(text, p.clone());
                p
            }
        };
        paragraphs.iter().for_each(|&i| self.paragraphs[i].steps += 1);
        // The state as played, not in canonical form: every kept variable is one the state
        // stepped from still held (what the screen reads, or what is read from here on).
        let values: Vec<Value> = self
            .kept
            .iter()
            .map(|&v| state.vars()[v as usize].clone())
            .collect();
        let first = paragraphs.first().copied().unwrap_or(usize::MAX);
        if !self.seen.insert((first, values.clone())) && paragraphs.len() == 1 {
            return;
        }
        for &i in paragraphs.iter() {
            for (known, value) in self.paragraphs[i].values.iter_mut().zip(&values) {
                if !known.contains(value) {
                    known.push(value.clone());
                }
            }
        }
    }

    /// The index of a paragraph, added when new (first shown by `choice` from `parent`).
    fn paragraph(&mut self, text: &str, parent: u32, choice: u32) -> usize {
        if let Some(&i) = self.index.get(text) {
            return i;
        }
        self.index.insert(text.to_owned(), self.paragraphs.len());
        self.paragraphs.push(Found {
            text: text.to_owned(),
            steps: 0,
            parent,
            choice,
            values: vec![Vec::new(); self.kept.len()],
        });
        self.paragraphs.len() - 1
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

    fn paragraphs(&self) -> Vec<Paragraph> {
        self.paragraphs
            .iter()
            .map(|f| {
                let mut route = Vec::new();
                if f.parent != ROOT {
                    self.route_to(f.parent, &mut route);
                    route.push(self.route_step(f.parent, f.choice));
                }
                let when = self
                    .kept
                    .iter()
                    .zip(&f.values)
                    .map(|(&v, values)| {
                        let mut values = values.clone();
                        values.sort_by(compare);
                        let decl = &self.story.vars()[v as usize];
                        Known {
                            name: decl.name.clone(),
                            initial: values.len() == 1 && values[0] == decl.initial,
                            values: values.iter().map(Value::to_string).collect(),
                        }
                    })
                    .collect();
                Paragraph {
                    text: f.text.clone(),
                    steps: f.steps,
                    route,
                    when,
                }
            })
            .collect()
    }
}

/// Values in increasing order: false before true, numbers by size, texts alphabetically.
fn compare(a: &Value, b: &Value) -> std::cmp::Ordering {
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Text(x), Value::Text(y)) => x.cmp(y),
        // One variable has one kind.
        (Value::Bool(_) | Value::Int(_) | Value::Text(_), _) => std::cmp::Ordering::Equal,
    }
}

/// What a step shows, as the player reads it (see [`Version::text`]).
fn screen(story: &Story, state: &GameState, outcome: &Outcome) -> String {
    let view = engine::view(story, state);
    let mut parts: Vec<String> = Vec::new();
    parts.extend(outcome.reply.iter().cloned());
    parts.extend(outcome.passed.iter().cloned());
    if !outcome.stayed {
        parts.push(view.text.clone());
    }
    let menu: Vec<String> = view
        .choices
        .iter()
        .enumerate()
        .map(|(n, c)| match (&c.reason, c.available) {
            (_, true) => format!("{}. {}", n + 1, c.text),
            (Some(why), false) => format!("{}. ({why}) {}", n + 1, c.text),
            (None, false) => format!("{}. (unavailable) {}", n + 1, c.text),
        })
        .collect();
    if !menu.is_empty() {
        parts.push(menu.join("\n"));
    }
    if let Some(e) = view.ending {
        parts.push(format!("THE END: {}", story.ending(e).title));
    }
    parts.retain(|p| !p.trim().is_empty());
    parts.join("\n\n")
}

/// The proof as text: for each passage, each paragraph with the values beside it and a route.
pub fn render(proof: &Proof) -> String {
    let mut out = String::new();
    let total: usize = proof.passages.iter().map(|p| p.paragraphs.len()).sum();
    out.push_str(&format!(
        "{}: {} in {} (searched {} states{}).\n",
        proof.story,
        plural(total, "paragraph"),
        plural(proof.passages.len(), "scene"),
        proof.states,
        if proof.complete {
            ", every reachable one"
        } else {
            "; cut short at --max-states: some paragraphs may be missing"
        },
    ));
    for p in &proof.passages {
        out.push_str(&format!(
            "\n##### {}: {} in {}\n",
            p.scene,
            plural(p.paragraphs.len(), "paragraph"),
            plural(p.screens, "different screen"),
        ));
        for (i, para) in p.paragraphs.iter().enumerate() {
            out.push_str(&format!(
                "\n=== {} ¶{} of {} (shown by {}) ===\n",
                p.scene,
                i + 1,
                p.paragraphs.len(),
                plural(para.steps, "step"),
            ));
            render_route(&para.route, &mut out);
            let (varies, always): (Vec<&Known>, Vec<&Known>) = para
                .when
                .iter()
                .filter(|k| !k.initial)
                .partition(|k| k.values.len() > 1);
            let list = |ks: &[&Known]| {
                ks.iter()
                    .map(|k| format!("{} = {}", k.name, k.values.join(" | ")))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            if !varies.is_empty() {
                out.push_str(&format!("Varies: {}\n", list(&varies)));
            }
            if !always.is_empty() {
                // Variables still at their initial value are left out.
                out.push_str(&format!("Always: {}\n", list(&always)));
            }
            out.push('\n');
            out.push_str(&para.text);
            out.push('\n');
        }
    }
    out
}

/// A route as the inputs to type, then its last few choices as shown.
fn render_route(route: &[RouteStep], out: &mut String) {
    const SHOWN: usize = 3;
    if route.is_empty() {
        out.push_str("Route: the start of the game.\n");
        return;
    }
    let inputs: Vec<&str> = route.iter().map(|s| s.input.as_str()).collect();
    out.push_str(&format!(
        "Route ({}): {}\n",
        plural(route.len(), "choice"),
        inputs.join(" ")
    ));
    if route.len() > SHOWN {
        out.push_str("    ...\n");
    }
    for s in &route[route.len().saturating_sub(SHOWN)..] {
        out.push_str(&format!("    {}: {}. {}\n", s.scene, s.input, s.choice));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Dice, Rng};
    use crate::story::load_story;

    /// A player's dice, but texts of a `{shuffle: ..}` show their first item, as in the proof.
    struct FirstText(Rng);

    impl Dice for FirstText {
        fn pick(&mut self, weights: &[u32]) -> usize {
            self.0.pick(weights)
        }
        fn shuffle(&mut self, _n: usize) -> usize {
            0
        }
    }

    /// Random games of the built-in story never show a paragraph the proof of that scene
    /// lacks: the reduction keeps apart every two states whose texts differ there. (Texts with
    /// alternatives are shown as on first sight in both.)
    #[test]
    fn random_games_show_nothing_the_proof_misses() {
        let story = load_story(&crate::files::embedded_story()).story.unwrap();
        for scene in ["loft_arrival", "restaurant_table"] {
            let target = story.scene_by_name(scene).unwrap();
            let config = Config {
                max_states: 1_000_000,
                scenes: vec![target],
            };
            let p = proof(&story, &config);
            assert!(p.complete);
            let known: HashSet<&str> = p
                .passages
                .iter()
                .flat_map(|p| &p.paragraphs)
                .map(|p| p.text.as_str())
                .collect();
            let mut seen = 0;
            for seed in 0..300 {
                let mut dice = FirstText(Rng::from_seed(seed));
                let (mut state, _) = engine::new_game(&story, seed).unwrap();
                let mut available = Vec::new();
                for _ in 0..300 {
                    engine::available(&story, &state, &mut available);
                    if available.is_empty() {
                        break;
                    }
                    let index = available[dice.0.pick(&vec![1; available.len()])];
                    state.texts.iter_mut().for_each(|n| *n = 0);
                    let outcome = engine::choose_with(&story, &mut state, index, &mut dice).unwrap();
                    if state.scene == target {
                        for p in screen(&story, &state, &outcome).split("\n\n") {
                            assert!(known.contains(p), "`{scene}` showed, seed {seed}:\n{p}");
                            seen += 1;
                        }
                    }
                }
            }
            assert!(seen > 0, "no random game reached `{scene}`");
        }
    }
}
