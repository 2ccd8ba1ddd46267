//! `interview randomtest`: many seeded random playthroughs, counting what they hit.
//!
//! Run `i` plays the game of a seed drawn from the test's seed, picking uniformly among the
//! available choices with a generator of its own (also drawn from the test's seed), so the
//! whole test, and each run in it, is the same for the same seed. A run fails on a runtime
//! error of the story or a dead end; the shortest failing run is reported as a walkthrough
//! (its game seed and inputs) that reproduces it.

use super::repeats::{FirstGame, GameWords, Repeat, Repeats};
use super::{Tracked, line_as_written, plural};
use crate::engine::{self, GameState};
use crate::story::{SceneId, Story};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg32;
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Debug, Clone)]
pub struct Config {
    pub runs: u32,
    pub seed: u64,
    /// A run that has made this many choices without ending stops, counted as unfinished.
    pub max_steps: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub story: String,
    pub runs: u32,
    pub seed: u64,
    pub max_steps: u32,
    /// Every ending, in the manifest's order, with the runs that reached it.
    pub endings: Vec<Hits>,
    /// Runs stopped by `max_steps`.
    pub unfinished: u32,
    /// Runs that failed.
    pub failed: u32,
    /// Every scene, with the times it was entered.
    pub scenes: Vec<Hits>,
    /// Every choice, with the times it was taken.
    pub choices: Vec<ChoiceHits>,
    /// The failing run with the fewest inputs (the first such run on a tie).
    pub shortest_failure: Option<FailedRun>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hits {
    pub id: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChoiceHits {
    pub scene: String,
    /// Its position in its scene as written, from 1.
    pub number: usize,
    pub text: String,
    pub fallback: bool,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct FailedRun {
    /// The run's number, from 1.
    pub run: u32,
    /// The game seed: `interview --seed N` with `inputs` typed in plays the same run.
    pub seed: u64,
    pub inputs: Vec<String>,
    /// The scene where it failed.
    pub scene: String,
    pub problem: String,
}

enum End {
    Ending(usize),
    Unfinished,
    Failed { scene: SceneId, problem: String },
}

/// Plays `config.runs` random games.
pub fn randomtest(story: &Story, config: &Config) -> Report {
    run_games(story, config, None).0
}

/// [`randomtest`], and the phrases of `words` words or more (within [`super::repeats::WORDS`])
/// that a game showed twice or more (see [`super::repeats`]): the same games, the same
/// report, and the repeats found in them, the most games first.
pub fn randomtest_repeats(story: &Story, config: &Config, words: usize) -> (Report, Vec<Repeat>) {
    let words = words.clamp(*super::repeats::WORDS.start(), *super::repeats::WORDS.end());
    let (report, repeats) = run_games(story, config, Some(Repeats::new(words)));
    let Some(repeats) = repeats else {
        return (report, Vec::new());
    };
    // Each phrase's first game, played again to list its inputs (they are not kept while the
    // test runs, as for a failing run).
    let tracked = Tracked::new(story);
    let wanted = repeats.first_runs();
    let mut seeds = Pcg32::seed_from_u64(config.seed);
    let mut games = std::collections::HashMap::new();
    for run in 1..=wanted.last().copied().unwrap_or(0) {
        let (seed, player_seed): (u64, u64) = (seeds.random(), seeds.random());
        if wanted.binary_search(&run).is_err() {
            continue;
        }
        let mut inputs = Vec::new();
        play_one(
            &tracked.story,
            seed,
            player_seed,
            config.max_steps,
            &mut |_, _, number| inputs.push(number.to_string()),
            &mut |_| {},
        );
        games.insert(run, FirstGame { run, seed, inputs });
    }
    (report, repeats.finish(story, &games).1)
}

fn run_games(story: &Story, config: &Config, mut repeats: Option<Repeats>) -> (Report, Option<Repeats>) {
    let mut words = GameWords::default();
    let tracked = Tracked::new(story);
    let game = &tracked.story;
    let mut seeds = Pcg32::seed_from_u64(config.seed);
    let mut endings = vec![0u64; story.endings().len()];
    let mut scenes = vec![0u64; story.scenes().len()];
    let mut choices: Vec<Vec<u64>> = story.scenes().iter().map(|s| vec![0; s.choices.len()]).collect();
    let (mut unfinished, mut failed) = (0u32, 0u32);
    let mut shortest: Option<FailedRun> = None;
    for run in 1..=config.runs {
        let seed: u64 = seeds.random();
        let player_seed: u64 = seeds.random();
        // The inputs are not kept (a run of 10^8 steps would hold gigabytes): a failing run is
        // played again, the same, to list them.
        let (end, state, steps) = play_one(
            game,
            seed,
            player_seed,
            config.max_steps,
            &mut |scene, index, _| {
                choices[scene][index] += 1;
            },
            &mut |text| {
                if repeats.is_some() {
                    words.show(text);
                }
            },
        );
        if let Some(r) = &mut repeats {
            r.add(&words);
            words.clear();
        }
        if let Some(state) = &state {
            for (s, n) in scenes.iter_mut().enumerate() {
                *n += u64::from(tracked.visits(state, SceneId(s as u32)));
            }
            for (&(s, c), n) in tracked.fallbacks.iter().zip(tracked.fallback_counts(state)) {
                choices[s.index()][c] += n;
            }
        }
        match end {
            End::Ending(e) => endings[e] += 1,
            End::Unfinished => unfinished += 1,
            End::Failed { scene, problem } => {
                failed += 1;
                if shortest.as_ref().is_none_or(|s| steps < s.inputs.len()) {
                    let mut inputs = Vec::with_capacity(steps);
                    play_one(
                        game,
                        seed,
                        player_seed,
                        config.max_steps,
                        &mut |_, _, number| inputs.push(number.to_string()),
                        &mut |_| {},
                    );
                    shortest = Some(FailedRun {
                        run,
                        seed,
                        inputs,
                        scene: story.scene(scene).id.clone(),
                        problem,
                    });
                }
            }
        }
    }
    let report = Report {
        story: story.title().to_owned(),
        runs: config.runs,
        seed: config.seed,
        max_steps: config.max_steps,
        endings: story
            .endings()
            .iter()
            .zip(endings)
            .map(|(e, count)| Hits {
                id: e.id.clone(),
                count,
            })
            .collect(),
        unfinished,
        failed,
        scenes: story
            .scenes()
            .iter()
            .zip(scenes)
            .map(|(s, count)| Hits {
                id: s.id.clone(),
                count,
            })
            .collect(),
        choices: story
            .scenes()
            .iter()
            .zip(&choices)
            .flat_map(|(s, counts)| {
                s.choices
                    .iter()
                    .zip(counts)
                    .enumerate()
                    .map(|(i, (c, &count))| ChoiceHits {
                        scene: s.id.clone(),
                        number: i + 1,
                        text: line_as_written(story, &c.text),
                        fallback: c.fallback,
                        count,
                    })
            })
            .collect(),
        shortest_failure: shortest,
    };
    (report, repeats)
}

/// One random game: the game of `seed`, the player's picks drawn from `player_seed`; each
/// choice taken is passed to `taken` (its scene, its index there, its number on screen), and
/// each text the player is shown to `shown`, in order: a scene's text on entering it, a
/// reply, the texts of scenes passed through.
/// Returns how it ended, its last state (none when it could not start) and the choices made.
fn play_one(
    story: &Story,
    seed: u64,
    player_seed: u64,
    max_steps: u32,
    taken: &mut impl FnMut(usize, usize, usize),
    shown: &mut impl FnMut(&str),
) -> (End, Option<GameState>, usize) {
    let mut player = Pcg32::seed_from_u64(player_seed);
    let mut steps = 0usize;
    let mut state = match engine::new_game(story, seed) {
        Ok((s, start)) => {
            // Scenes the start passed through were shown before the first scene.
            start.passed.iter().for_each(|t| shown(t));
            s
        }
        Err(e) => {
            let end = End::Failed {
                scene: story.start(),
                problem: e.to_string(),
            };
            return (end, None, 0);
        }
    };
    let mut entered = true;
    loop {
        let view = engine::view(story, &state);
        if entered {
            shown(&view.text);
        }
        if let Some(e) = view.ending {
            return (End::Ending(e.index()), Some(state), steps);
        }
        let available: Vec<(usize, usize)> = view
            .choices
            .iter()
            .enumerate()
            .filter(|(_, c)| c.available)
            .map(|(n, c)| (n + 1, c.index))
            .collect();
        if available.is_empty() {
            let end = End::Failed {
                scene: state.scene,
                problem: "a dead end: no available choice, and not an ending".into(),
            };
            return (end, Some(state), steps);
        }
        if steps >= max_steps as usize {
            return (End::Unfinished, Some(state), steps);
        }
        let (number, index) = available[player.random_range(0..available.len())];
        steps += 1;
        taken(state.scene.index(), index, number);
        match engine::choose(story, &mut state, index) {
            Ok(outcome) => {
                outcome.reply.iter().for_each(|r| shown(r));
                outcome.passed.iter().for_each(|t| shown(t));
                entered = !outcome.stayed;
            }
            Err(e) => {
                let end = End::Failed {
                    scene: state.scene,
                    problem: e.to_string(),
                };
                return (end, Some(state), steps);
            }
        }
    }
}

/// The report as text, for a person.
pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let pct = |n: u64| {
        if r.runs == 0 {
            0.0
        } else {
            n as f64 * 100.0 / f64::from(r.runs)
        }
    };
    let _ = writeln!(
        out,
        "{}: {}, seed {}, at most {} each.",
        r.story,
        plural(r.runs as usize, "random run"),
        r.seed,
        plural(r.max_steps as usize, "choice")
    );
    let _ = writeln!(out, "\nEndings (runs that reached each):");
    for e in &r.endings {
        let _ = writeln!(out, "  {:>8} {:>6.1}%  {}", e.count, pct(e.count), e.id);
    }
    if r.unfinished > 0 {
        let _ = writeln!(
            out,
            "  {:>8} {:>6.1}%  (unfinished after {})",
            r.unfinished,
            pct(u64::from(r.unfinished)),
            plural(r.max_steps as usize, "choice")
        );
    }
    if r.failed > 0 {
        let _ = writeln!(
            out,
            "  {:>8} {:>6.1}%  (failed)",
            r.failed,
            pct(u64::from(r.failed))
        );
    }
    let _ = writeln!(out, "\nScenes (times entered):");
    for s in &r.scenes {
        let _ = writeln!(out, "  {:>8}  {}", s.count, s.id);
    }
    let _ = writeln!(out, "\nChoices (times taken):");
    for c in &r.choices {
        let fallback = if c.fallback { " (fallback)" } else { "" };
        let _ = writeln!(
            out,
            "  {:>8}  {} #{}: {}{fallback}",
            c.count, c.scene, c.number, c.text
        );
    }
    let never = |n: u64| n == 0;
    let missed = r.endings.iter().filter(|e| never(e.count)).count()
        + r.scenes.iter().filter(|s| never(s.count)).count()
        + r.choices.iter().filter(|c| never(c.count)).count();
    if missed > 0 {
        let _ = writeln!(
            out,
            "\nNever hit: {} (endings, scenes or choices at 0 above).",
            missed
        );
    }
    match &r.shortest_failure {
        None => {
            let _ = writeln!(out, "\nFailed runs: none.");
        }
        Some(f) => {
            let inputs: Vec<String> = f.inputs.iter().map(|i| format!("{i:?}")).collect();
            let _ = writeln!(
                out,
                "\nFailed runs: {}. The shortest, run {}, in scene `{}`: {}\n  \
                 Walkthrough(seed: {}, inputs: [{}])",
                r.failed,
                f.run,
                f.scene,
                f.problem,
                f.seed,
                inputs.join(", ")
            );
        }
    }
    out
}
