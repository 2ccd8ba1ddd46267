//! The report of a search: each problem's path found again (the dice forced, replayed as
//! the player sees it), and the report as text.

use super::search::{Found, Node, Origin, ROOT, START, Search};
use super::{
    ChoiceRef, EndingReached, EndingRef, OutcomeCut, Path, Problem, Report, SceneRef, SceneStates, Step,
    Unreached,
};
use crate::engine::{self, GameState};
use crate::story::{EndingId, Story};
use crate::tools::{Enumerator, Forced, line_as_written, plural, shown_as};
use std::fmt::Write as _;

impl Search<'_> {
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
                // As `more` does, without recording the cut again.
                if !dice.advance() {
                    break;
                }
                if outcomes >= self.max_outcomes {
                    dice = Enumerator::default();
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

    /// Every scene where states wait, with how many, most first; a stable sort keeps the
    /// story's order among equals.
    fn scene_states(&self) -> Vec<SceneStates> {
        let mut counts: Vec<SceneStates> = self
            .story
            .scenes()
            .iter()
            .zip(&self.scene_states)
            .filter(|(_, n)| **n > 0)
            .map(|(scene, n)| SceneStates {
                scene: scene.id.clone(),
                states: *n as usize,
            })
            .collect();
        counts.sort_by_key(|s| std::cmp::Reverse(s.states));
        counts
    }

    pub(super) fn report(mut self) -> Report {
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
        let outcome_cuts: Vec<OutcomeCut> = self
            .outcome_cuts
            .iter()
            .map(|&(scene, choice, times)| {
                let s = story.scene(scene);
                OutcomeCut {
                    scene: s.id.clone(),
                    number: choice.map(|c| c + 1),
                    text: choice.map(|c| line_as_written(story, &s.choices[c].text)),
                    at: None,
                    limit: self.max_outcomes,
                    times,
                }
            })
            .collect();
        let dead_ends = std::mem::take(&mut self.dead_ends);
        let errors = std::mem::take(&mut self.errors);
        Report {
            story: story.title().to_owned(),
            states: self.nodes.len(),
            complete: self.cut_short.is_none() && outcome_cuts.is_empty(),
            cut_short: self.cut_short.clone(),
            outcome_cuts,
            endings,
            unreached,
            dead_ends: self.problems(&dead_ends),
            errors: self.problems(&errors),
            scene_states: self.scene_states(),
            spread: Vec::new(),
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

/// The report as text, for a person.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = match &report.cut_short {
        None if report.outcome_cuts.is_empty() => writeln!(
            out,
            "{}: explored {} (every reachable state).",
            report.story,
            plural(report.states, "state")
        ),
        None => writeln!(
            out,
            "{}: explored {}.",
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
    write_outcome_cuts(&mut out, report);
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

/// The steps cut off at the limit of random outcomes, after the first line (nothing when
/// there are none, so the report of a story that never meets the limit is as it was).
fn write_outcome_cuts(out: &mut String, report: &Report) {
    let Some(first) = report.outcome_cuts.first() else {
        return;
    };
    let _ = writeln!(
        out,
        "Cut off: {} had more than {} combinations of random outcomes (the limit per step); only \
         the first {} of each were explored.\nThe rest of the story was explored as usual; what is \
         listed as never reached may still be reachable through the outcomes left out:",
        plural(report.outcome_cuts.len(), "step"),
        first.limit,
        first.limit
    );
    for c in &report.outcome_cuts {
        let at = c.at.as_deref().map(|a| format!(" ({a})")).unwrap_or_default();
        let times = if c.times > 1 {
            format!(", met {}", plural(c.times, "time"))
        } else {
            String::new()
        };
        let _ = match (c.number, &c.text) {
            (Some(n), Some(text)) => writeln!(
                out,
                "  the choice {n} of scene `{}`, {text:?}{at}{times}",
                c.scene
            ),
            _ => writeln!(out, "  the start of the game, entering `{}`{times}", c.scene),
        };
    }
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
pub(super) fn percent(p: f64) -> String {
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
