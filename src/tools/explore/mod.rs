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
//!
//! - `search`: the search proper (states packed in `tools::store`, looked up in batches).
//! - `report`: the report built from the search (paths replayed with the dice forced) and
//!   rendered as text.
//! - `spread`: with `--stats`, what keeps apart the states of the scenes that hold the most.
//! - `soundness`: the cross-check of the reduced search against the search over whole states.
//! - `walkthroughs`: an ending's path as a walkthrough that reaches it in the real game.

mod report;
mod search;
mod soundness;
mod spread;
mod walkthroughs;

pub use report::render;
pub use search::{explore, explore_spread};
pub use soundness::{Mismatch, cross_check};
pub use walkthroughs::walkthrough;

use serde::Serialize;

/// How far to search.
#[derive(Debug, Clone)]
pub struct Config {
    /// Stop after this many distinct states.
    pub max_states: usize,
    /// Stop enumerating a step's random outcomes after this many combinations (and say which
    /// step was cut off; the rest of the story is still explored).
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
/// gives up on the rest of that step: it says which step, and explores the rest of the story.
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
    /// Why the search stopped before the end, when it did (`--max-states`).
    pub cut_short: Option<String>,
    /// Steps with more combinations of random outcomes than the limit: only the first ones
    /// were explored, the rest of the story was. Left out of the JSON when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub outcome_cuts: Vec<OutcomeCut>,
    /// The endings reached, in the manifest's order, each with its shortest path.
    pub endings: Vec<EndingReached>,
    pub unreached: Unreached,
    /// States with no available choice that are not endings, one per scene.
    pub dead_ends: Vec<Problem>,
    /// Runtime errors of the story, one per distinct message.
    pub errors: Vec<Problem>,
    /// Where the states found wait: every scene that holds at least one (a scene the game only
    /// passes through holds none), most states first, scenes with as many in the story's order.
    /// A scene that holds far more states than its neighbours reads variables that keep earlier
    /// choices apart (see `tools::canon`).
    pub scene_states: Vec<SceneStates>,
    /// From [`explore_spread`] only: for the scenes that hold the most states (at most four),
    /// the values that keep them apart. Left out of the JSON when not asked for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub spread: Vec<Spread>,
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

/// How many of the distinct states found wait in one scene.
#[derive(Debug, Clone, Serialize)]
pub struct SceneStates {
    pub scene: String,
    pub states: usize,
}

/// What keeps apart the states waiting in one scene: the values they keep because a
/// condition ahead reads them (see `tools::canon`), those that split the most first.
#[derive(Debug, Clone, Serialize)]
pub struct Spread {
    pub scene: String,
    pub states: usize,
    /// At most five, the one that leaves the fewest states when forgotten first; only values
    /// that differ between the scene's states.
    pub values: Vec<ValueSpread>,
}

/// One value kept by the states of a scene, and how much it multiplies them.
#[derive(Debug, Clone, Serialize)]
pub struct ValueSpread {
    /// As an author writes it: a variable's name, `Chosen("scene.id")`, "the visits to
    /// `scene`", "once-only choice N of `scene`".
    pub value: String,
    /// How many different values it takes among the scene's states.
    pub distinct: usize,
    /// How many of the scene's states would stay different if it were forgotten: the scene's
    /// states divided by this is how many times the value multiplies them.
    pub without: usize,
    /// Where it is read from the scene on, nearest first: "choice N of `scene`" or "auto N
    /// of `scene`", at most three, then "K more". Any of these keeps the value, and the states
    /// it splits, alive back to the scene.
    pub read_at: Vec<String>,
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

/// A step whose combinations of random outcomes passed the limit per step
/// ([`MAX_OUTCOMES_PER_STEP`] by default): a choice, or the start of the game.
#[derive(Debug, Clone, Serialize)]
pub struct OutcomeCut {
    /// The choice's scene (for the start, the start scene).
    pub scene: String,
    /// The choice's position in its scene as written, from 1; `None` for the start.
    pub number: Option<usize>,
    /// Its text as written, `{name}` for a variable; `None` for the start.
    pub text: Option<String>,
    /// Where the choice is written, `file:line:col`, when the caller gave the files (see
    /// [`locate_cuts`]).
    pub at: Option<String>,
    /// The limit it passed.
    pub limit: usize,
    /// How many states the search met it from.
    pub times: usize,
}

/// Fills in where each cut-off choice is written, from the story's files.
pub fn locate_cuts(report: &mut Report, files: &[crate::story::SourceFile]) {
    for c in &mut report.outcome_cuts {
        if let Some(n) = c.number {
            c.at = crate::story::load::choice_position(files, &c.scene, n - 1);
        }
    }
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

#[cfg(test)]
mod tests {
    use super::report::percent;
    use super::search::{BATCH, explore_in_batches};
    use super::{Config, Report, render};
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
                let canon = crate::tools::Canon::new(&story);
                let one = explore_in_batches(&story, &config, &canon, 1, false, &mut |_, _| {});
                let many = explore_in_batches(&story, &config, &canon, BATCH, false, &mut |_, _| {});
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
