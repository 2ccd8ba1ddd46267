//! An ending's path as a walkthrough that reaches it when typed into the real game.

use super::EndingReached;
use super::search::{ROOT, START};
use crate::tools::replay::{self, Walkthrough};
use crate::tools::{Canon, shown_as, squash};
use crate::engine::{self, GameState};
use crate::story::{EndingId, Story};
use std::collections::{HashMap, VecDeque};

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
