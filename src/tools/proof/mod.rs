//! `interview proof`: the proofing copy of a story. Every paragraph a player can be shown in
//! each scene, once, with what the game holds whenever it is shown and a shortest way to it.
//!
//! A screen is what one step shows: the reply of the choice taken, the texts of scenes passed
//! on the way, the text of the scene the game stops in and its menu. The search is
//! `explore`'s (breadth first, random outcomes enumerated) over states reduced in the form
//! that keeps whatever the texts searched for can read (see `Canon::reading_texts`), so two
//! steps that show different words there never merge. Keeping what every text of a scene
//! reads at once would multiply the states past any search (an ending reads half the story),
//! so a scene's texts are split into pieces (what leads in; each paragraph of its text; its
//! menu) and pieces that read the same values are searched together (`graph.rs`), one search
//! per group (`search.rs`). Each different paragraph is listed once, with the value of every
//! variable the game can still read there (or the paragraph reads), gathered over every step
//! that shows it: a line that assumes what the player may not have done shows up as a variable
//! with more than one value beside it.
//!
//! The idea is Twine's proofing formats (a story printed passage by passage for an editor),
//! taken further for branching text: each paragraph comes with the states it is read in.
//! Text alternatives (`{seq: ..}`, `{cycle: ..}`, `{once: ..}`) are shown as on first sight,
//! a `{shuffle: ..}` by its first item (the tools' dice draw no text).
//!
//! A scene deep in a long story can lie past any search (the street and the endings of the
//! built-in story, after a million states). `--sample GAMES` then adds what random games show
//! there ([`Config::sample`]): each paragraph the search did not reach, with the route of the
//! first game that showed it and no values beside it (a sample proves nothing about the
//! routes it did not take).

mod graph;
mod search;

use crate::engine::{self, Dice, GameState, Outcome, Rng};
use crate::story::{SceneId, Story, Value};
use crate::tools::plural;
use graph::{Graph, Piece};
use search::Leaf;
use serde::Serialize;

/// How far to search, and what to print.
#[derive(Debug, Clone)]
pub struct Config {
    /// Stop each scene's search after this many distinct states (the proof then says it is
    /// incomplete).
    pub max_states: usize,
    /// The scenes whose passages are wanted (a screen belongs to the scene it stops in);
    /// empty for every scene.
    pub scenes: Vec<SceneId>,
    /// Random games to play after the search (game `i` plays with seed `i`), adding the
    /// paragraphs they show in those scenes that the search did not reach; 0 for none.
    pub sample: u32,
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
    /// Scenes asked for that never wait for a choice (an `Auto` with no condition moves on at
    /// once): their text is proofed in the passages of the scenes listed, where it is read.
    /// Left out of the JSON when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub passed_through: Vec<PassedThrough>,
    /// The random games played after the search ([`Config::sample`]); left out of the JSON
    /// when none were.
    #[serde(skip_serializing_if = "is_zero")]
    pub sampled_games: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A scene asked for that never waits, and the scenes whose passages show its text.
#[derive(Debug, Clone, Serialize)]
pub struct PassedThrough {
    pub scene: String,
    pub shown_in: Vec<String>,
}

/// What the player can be shown on stopping in one scene.
#[derive(Debug, Clone, Serialize)]
pub struct Passage {
    pub scene: String,
    /// Every different paragraph of those screens: what leads in (replies, scenes passed),
    /// then the scene's own paragraphs as written, then its menus; each part in the order
    /// first shown (breadth first: the first has the shortest route).
    pub paragraphs: Vec<Paragraph>,
}

/// One paragraph a passage can show (each choice of a menu counts as one, `[choice] …`).
#[derive(Debug, Clone, Serialize)]
pub struct Paragraph {
    pub text: String,
    /// How many of the steps searched show it (states merged as above count once).
    pub steps: usize,
    /// A shortest route whose last step shows it.
    pub route: Vec<RouteStep>,
    /// Each variable the game can still read in the scene (a choice id's count included), with
    /// every value it has when this paragraph is shown, in increasing order. Empty for a
    /// paragraph only a random game found.
    pub when: Vec<Known>,
    /// Found by a random game, not by the search (see [`Config::sample`]): `route` is that
    /// game's, `steps` the times the sampled games showed it. Left out of the JSON when false.
    #[serde(skip_serializing_if = "is_false")]
    pub sampled: bool,
    /// For a sampled paragraph, the game seed: `interview --seed SEED` with `route` typed in
    /// plays that game again, random outcomes and all. Left out of the JSON when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
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

/// Searches `story` and collects every paragraph of the passages `config` asks for. Every
/// piece of every scene asked for is first searched for at once; a search cut short at
/// `max_states` is split in two halves, each searched again, down to one group of pieces
/// that read the same values (see `Graph::groups`): a story whose texts read little is proofed
/// in one search, one whose texts read much in as many as it needs.
///
/// `progress` is called after each search with the searches made and the states searched so far.
pub fn proof(story: &Story, config: &Config, progress: &mut dyn FnMut(usize, usize)) -> Proof {
    proof_with(story, config, false, progress)
}

/// [`proof`], keeping only what the passages asked for and the conditions on the way to them
/// read, not what the game reads after them (`interview proof --quick`): far fewer states (a
/// scene deep in a long story in seconds, where [`proof`] may not finish), the same paragraphs
/// and routes, but beside each paragraph only the variables it reads or that decide the way
/// to it: a variable read only later, which a line may still assume, is not listed.
pub fn proof_quick(story: &Story, config: &Config, progress: &mut dyn FnMut(usize, usize)) -> Proof {
    proof_with(story, config, true, progress)
}

fn proof_with(story: &Story, config: &Config, quick: bool, progress: &mut dyn FnMut(usize, usize)) -> Proof {
    let graph = Graph::new(story);
    // A screen belongs to the scene it stops in: a scene that always moves on is searched for
    // in the scenes it leads to without a menu (its text is what leads into theirs).
    let passes = crate::tools::pass_closures(story);
    let waits = |s: SceneId| !always_passes(story.scene(s));
    let mut passed_through = Vec::new();
    let mut targets: Vec<SceneId> = Vec::new();
    let asked: Vec<SceneId> = if config.scenes.is_empty() {
        story.scene_ids().collect()
    } else {
        config.scenes.clone()
    };
    for &scene in &asked {
        if waits(scene) {
            targets.push(scene);
            continue;
        }
        let shown_in: Vec<SceneId> = passes[scene.index()]
            .iter()
            .copied()
            .filter(|&s| waits(s))
            .collect();
        if !config.scenes.is_empty() {
            passed_through.push(PassedThrough {
                scene: story.scene(scene).id.clone(),
                shown_in: shown_in.iter().map(|&s| story.scene(s).id.clone()).collect(),
            });
        }
        targets.extend(shown_in);
    }
    targets.sort_unstable();
    targets.dedup();
    let leaves: Vec<Leaf> = targets
        .iter()
        .flat_map(|&target| {
            let groups = graph.groups(story, target);
            groups.into_iter().map(move |group| Leaf { target, group })
        })
        .collect();
    let mut found = Found {
        quick,
        ..Found::default()
    };
    found.search(story, &graph, &leaves, config.max_states, progress);
    let mut passages = Vec::new();
    for &target in &targets {
        let mut merged: Vec<search::Seen> = Vec::new();
        for seen in found.paragraphs.extract_if(.., |s| s.target == target) {
            match merged
                .iter_mut()
                .find(|m| m.piece == seen.piece && m.text == seen.text)
            {
                Some(m) => merge(m, seen),
                None => merged.push(seen),
            }
        }
        let order = |p: &Piece| match *p {
            Piece::Incoming => 0,
            Piece::Para(i) => 1 + i,
            Piece::Menu => usize::MAX,
        };
        merged.sort_by_key(|s| order(&s.piece));
        passages.push(Passage {
            scene: story.scene(target).id.clone(),
            paragraphs: merged.into_iter().map(|s| paragraph(story, s)).collect(),
        });
    }
    sample(story, &targets, config.sample, &mut passages);
    passages.retain(|p| !p.paragraphs.is_empty());
    Proof {
        story: story.title().to_owned(),
        states: found.states,
        complete: found.complete,
        passages,
        passed_through,
        sampled_games: config.sample,
    }
}

/// The most choices one sampled game makes before it is given up.
const SAMPLE_STEPS: usize = 1_000;

/// Plays `games` random games (game `i` with seed `i`, its player picking uniformly among
/// the available choices with dice of its own) and adds to `passages` (one per scene of
/// `targets`, in that order) every paragraph they show on stopping in a target that is not
/// listed there yet, with the seed and route of the first game that showed it. Random outcomes
/// are the game's own, as in `interview --seed i`; texts with alternatives are shown as on
/// first sight, as in the search (a `{shuffle: ..}` draw leaves the game's dice where they were).
fn sample(story: &Story, targets: &[SceneId], games: u32, passages: &mut [Passage]) {
    let mut available = Vec::new();
    for seed in 0..u64::from(games) {
        let mut player = Rng::from_seed(seed ^ 0x9e37_79b9_7f4a_7c15);
        let Ok((mut state, _)) = engine::new_game(story, seed) else {
            return;
        };
        let mut route: Vec<RouteStep> = Vec::new();
        for _ in 0..SAMPLE_STEPS {
            engine::available(story, &state, &mut available);
            if available.is_empty() || engine::ending(story, &state).is_some() {
                break;
            }
            let index = available[player.pick(&vec![1; available.len()])];
            let view = engine::view(story, &state);
            let Some(number) = view.choices.iter().position(|c| c.index == index) else {
                break;
            };
            route.push(RouteStep {
                scene: story.scene(state.scene).id.clone(),
                input: (number + 1).to_string(),
                choice: view.choices[number].text.clone(),
            });
            state.texts.iter_mut().for_each(|n| *n = 0);
            let mut dice = FirstText(state.rng.clone());
            let chosen = engine::choose_with(story, &mut state, index, &mut dice);
            state.rng = dice.0;
            let Ok(outcome) = chosen else {
                break;
            };
            let Some(at) = targets.iter().position(|&t| t == state.scene) else {
                continue;
            };
            for text in screen(story, &state, &outcome) {
                let paragraphs = &mut passages[at].paragraphs;
                match paragraphs.iter_mut().find(|p| p.text == text) {
                    Some(p) if p.sampled => p.steps += 1,
                    Some(_) => {}
                    None => paragraphs.push(Paragraph {
                        text,
                        steps: 1,
                        route: route.clone(),
                        when: Vec::new(),
                        sampled: true,
                        seed: Some(seed),
                    }),
                }
            }
        }
    }
}

/// A player's dice, but texts of a `{shuffle: ..}` show their first item, as in the search.
struct FirstText(Rng);

impl Dice for FirstText {
    fn pick(&mut self, weights: &[u32]) -> usize {
        self.0.pick(weights)
    }
    fn shuffle(&mut self, _n: usize, _key: u64) -> usize {
        0
    }
}

/// The paragraphs of a screen, as a player reads it: the reply and the scenes passed, the
/// text of the scene it stops in (unless the choice stayed), then the menu.
fn screen(story: &Story, state: &GameState, outcome: &Outcome) -> Vec<String> {
    let mut texts: Vec<String> = outcome.reply.iter().chain(&outcome.passed).cloned().collect();
    if !outcome.stayed {
        texts.push(engine::view(story, state).text);
    }
    texts.extend(search::menu(story, state));
    let paragraphs = texts.iter().flat_map(|t| t.split("\n\n")).map(str::to_owned);
    paragraphs.filter(|p| !p.trim().is_empty()).collect()
}

/// Whether a scene always moves on without waiting for a choice: one of its autos has no
/// condition (the first true one is taken). An ending always waits.
fn always_passes(scene: &crate::story::Scene) -> bool {
    scene.ending.is_none() && scene.autos.iter().any(|a| a.condition.is_none())
}

/// What the searches of a proof found, together.
struct Found {
    paragraphs: Vec<search::Seen>,
    states: usize,
    searches: usize,
    complete: bool,
    /// Keep only what is read on the way to the scenes searched for (see [`proof_quick`]).
    quick: bool,
}

impl Default for Found {
    fn default() -> Found {
        Found {
            paragraphs: Vec::new(),
            states: 0,
            searches: 0,
            complete: true,
            quick: false,
        }
    }
}

impl Found {
    /// Searches for `leaves` at once, and again in halves while a search is cut short and
    /// halves can help: not when the states that lead to these scenes are too many even with
    /// no text read (then what was found is kept, and the proof is incomplete).
    fn search(
        &mut self,
        story: &Story,
        graph: &Graph,
        leaves: &[Leaf],
        max_states: usize,
        progress: &mut dyn FnMut(usize, usize),
    ) {
        let mut run = |me: &mut Found, leaves: &[Leaf]| {
            let found = search::search(story, graph, leaves, max_states, me.quick);
            me.states += found.states;
            me.searches += 1;
            progress(me.searches, me.states);
            found
        };
        let found = run(self, leaves);
        let split = !found.complete && leaves.len() > 1 && {
            let bare: Vec<Leaf> = leaves.iter().map(Leaf::bare).collect();
            run(self, &bare).complete
        };
        if split {
            let (a, b) = leaves.split_at(leaves.len() / 2);
            self.search(story, graph, a, max_states, progress);
            self.search(story, graph, b, max_states, progress);
        } else {
            self.complete &= found.complete;
            self.paragraphs.extend(found.paragraphs);
        }
    }
}

/// Adds what another search saw of the same paragraph: its values, its steps, a shorter route.
fn merge(into: &mut search::Seen, seen: search::Seen) {
    into.steps += seen.steps;
    if seen.route.len() < into.route.len() {
        into.route = seen.route;
    }
    for (var, values) in seen.when {
        match into.when.iter_mut().find(|(v, _)| *v == var) {
            Some((_, known)) => values.into_iter().for_each(|x| {
                if !known.contains(&x) {
                    known.push(x);
                }
            }),
            None => into.when.push((var, values)),
        }
    }
}

/// A paragraph as reported: its variables by name, in the story's order, values sorted.
fn paragraph(story: &Story, mut seen: search::Seen) -> Paragraph {
    seen.when.sort_by_key(|(v, _)| *v);
    let when = seen
        .when
        .into_iter()
        .map(|(v, mut values)| {
            values.sort_by(compare);
            let decl = &story.vars()[v as usize];
            Known {
                name: decl.name.clone(),
                initial: values.len() == 1 && values[0] == decl.initial,
                values: values.iter().map(Value::to_string).collect(),
            }
        })
        .collect();
    Paragraph {
        text: seen.text,
        steps: seen.steps,
        route: seen.route,
        when,
        sampled: false,
        seed: None,
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
        match (proof.complete, proof.sampled_games) {
            (true, _) => ", every reachable one".to_owned(),
            (false, 0) => "; cut short at --max-states: some paragraphs may be missing \
                           (`--sample 2000` adds what random games show)"
                .to_owned(),
            (false, games) => format!(
                "; cut short at --max-states, then {} played: some paragraphs may be missing",
                plural(games as usize, "random game")
            ),
        },
    ));
    for p in &proof.passed_through {
        let ids: Vec<String> = p.shown_in.iter().map(|s| format!("`{s}`")).collect();
        out.push_str(&format!(
            "`{}` never waits for a choice: its text is in the passages that stop in {}.\n",
            p.scene,
            ids.join(", ")
        ));
    }
    for p in &proof.passages {
        out.push_str(&format!(
            "\n##### {}: {}\n",
            p.scene,
            plural(p.paragraphs.len(), "paragraph")
        ));
        for (i, para) in p.paragraphs.iter().enumerate() {
            let shown = match para.sampled {
                true => format!("found by random play, shown {}", plural(para.steps, "time")),
                false => format!("shown by {}", plural(para.steps, "step")),
            };
            out.push_str(&format!(
                "\n=== {} ¶{} of {} ({shown}) ===\n",
                p.scene,
                i + 1,
                p.paragraphs.len(),
            ));
            if let Some(seed) = para.seed {
                out.push_str(&format!(
                    "Game seed: {seed} (interview --seed {seed}, then the route)\n"
                ));
            }
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
    use crate::story::load_story;
    use std::collections::HashSet;

    /// Random games of the built-in story never show a paragraph the proof of that scene
    /// lacks: the reductions keep apart every two states whose texts differ there. (Texts
    /// with alternatives are shown as on first sight in both.)
    #[test]
    fn random_games_show_nothing_the_proof_misses() {
        let story = load_story(&crate::files::embedded_story()).story.unwrap();
        // Each scene in full, and the later ones also as `--quick` proofs them.
        let scenes = [
            ("restaurant_table", false),
            ("restaurant_civil", false),
            ("loft_turn", false),
            ("loft_turn", true),
            ("loft_sparring", true),
        ];
        for (scene, quick) in scenes {
            let target = story.scene_by_name(scene).unwrap();
            let config = Config {
                max_states: 1_000_000,
                scenes: vec![target],
                sample: 0,
            };
            let p = proof_with(&story, &config, quick, &mut |_, _| {});
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
                        for p in screen(&story, &state, &outcome) {
                            assert!(known.contains(p.as_str()), "`{scene}` showed, seed {seed}:\n{p}");
                            seen += 1;
                        }
                    }
                }
            }
            assert!(seen > 0, "no random game reached `{scene}`");
        }
    }
}
