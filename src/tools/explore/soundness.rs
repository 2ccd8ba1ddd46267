//! The soundness cross-check: the search with state reduction (see `tools::canon`) and the
//! search over whole states must agree on every finding: the endings reached and the length
//! of their shortest paths, the scenes and choices never reached, the dead ends and runtime
//! errors and the length of the shortest path to each. A reduction that merges states that
//! differ in what the rest of the game can read shows up here as a finding missed, or found
//! by a longer path.

use super::search::{BATCH, explore_in_batches};
use super::{Config, Report};
use crate::story::Story;
use crate::tools::Canon;
use std::collections::BTreeMap;

/// Where the two searches disagree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the reduced search and the search over whole states disagree:\n{}", .differences.join("\n"))]
pub struct Mismatch {
    /// One line per finding that differs: `finding: reduced … whole …`.
    pub differences: Vec<String>,
}

/// What a cross-check compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compared {
    /// States found with the reduction and without.
    pub reduced_states: usize,
    pub whole_states: usize,
    /// Both searches were complete: every finding was compared both ways.
    pub complete: bool,
    /// Only the search over whole states was cut short (at `config.max_states`): what it found
    /// (by breadth-first search, each at its shortest distance) was checked against the
    /// reduced search, and what the reduced search never reached was checked not found.
    pub bounded: bool,
}

/// Runs both searches on `story` within `config`'s limits and compares their findings.
pub fn cross_check(story: &Story, config: &Config) -> Result<Compared, Mismatch> {
    cross_check_with(story, config, &Canon::new(story))
}

/// [`cross_check`] with a given reduction (a wrong one, in the tests).
pub(crate) fn cross_check_with(
    story: &Story,
    config: &Config,
    reduced: &Canon,
) -> Result<Compared, Mismatch> {
    let reduced = explore_in_batches(story, config, reduced, BATCH, false, &mut |_, _| {});
    let whole = explore_in_batches(story, config, &Canon::whole(story), BATCH, false, &mut |_, _| {});
    let compared = Compared {
        reduced_states: reduced.states,
        whole_states: whole.states,
        complete: reduced.complete && whole.complete,
        bounded: reduced.complete && !whole.complete,
    };
    if !compared.complete && !compared.bounded {
        return Ok(compared);
    }
    let (a, b) = (findings(story, &reduced), findings(story, &whole));
    let mut differences = Vec::new();
    for key in a
        .keys()
        .chain(b.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let (x, y) = (a.get(key), b.get(key));
        // A search cut short has not reached everything: only what it found counts, and what
        // the reduced search never reached must not be among it.
        let never = key.ends_with(NEVER);
        let one_sided = compared.bounded && if never { x.is_none() } else { y.is_none() };
        if x != y && !one_sided {
            let show = |v: Option<&usize>| v.map_or("absent".to_owned(), |n| format!("at {n} steps"));
            differences.push(format!("{key}: reduced {}, whole {}", show(x), show(y)));
        }
    }
    if reduced.states > whole.states {
        differences.push(format!(
            "the reduced search found more states ({}) than the whole one ({})",
            reduced.states, whole.states
        ));
    }
    if differences.is_empty() {
        Ok(compared)
    } else {
        Err(Mismatch { differences })
    }
}

const NEVER: &str = "never reached";

/// Every finding of a report with the length of its shortest path (0 for what is never
/// reached): what two searches of one story are compared by. The choices of a scene never
/// reached count as never reached too (a report lists only the scene), so that a search cut
/// short before a scene agrees with one that reached the scene but not all its choices.
fn findings(story: &Story, r: &Report) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for e in &r.endings {
        out.insert(format!("ending `{}` reached", e.id), e.path.steps.len());
    }
    for e in &r.unreached.endings {
        out.insert(format!("ending `{}` {NEVER}", e.id), 0);
    }
    for s in &r.unreached.scenes {
        out.insert(format!("scene `{}` {NEVER}", s.id), 0);
        if let Some(scene) = story.scene_by_name(&s.id) {
            for n in 1..=story.scene(scene).choices.len() {
                out.insert(format!("choice {n} of `{}` {NEVER}", s.id), 0);
            }
        }
    }
    for c in &r.unreached.choices {
        out.insert(format!("choice {} of `{}` {NEVER}", c.number, c.scene), 0);
    }
    for d in &r.dead_ends {
        out.insert(format!("dead end in `{}`", d.scene), d.path.steps.len());
    }
    for e in &r.errors {
        out.insert(format!("error `{}`", e.message), e.path.steps.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::story::{SourceFile, VarId, load_story};

    fn config(max_states: usize) -> Config {
        Config {
            max_states,
            ..Config::default()
        }
    }

    fn example() -> Story {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/example");
        let files = crate::files::read_story_dir(&dir).unwrap();
        load_story(&files).story.unwrap()
    }

    fn checked(name: &str, files: &[SourceFile], max_states: usize) {
        let story = load_story(files).story.unwrap();
        let compared = cross_check(&story, &config(max_states)).unwrap_or_else(|m| panic!("{name}: {m}"));
        assert!(compared.complete, "{name}: {compared:?}");
        assert!(compared.reduced_states <= compared.whole_states);
    }

    #[test]
    fn the_reduction_agrees_with_whole_states_on_the_built_in_story() {
        // Its whole states are millions: the reduced search (about 666,000 states) is
        // compared with the first 900,000 of them.
        let story = load_story(&crate::files::embedded_story()).story.unwrap();
        let compared = cross_check(&story, &config(900_000)).unwrap_or_else(|m| panic!("{m}"));
        assert!(compared.bounded, "{compared:?}");
    }

    #[test]
    fn the_reduction_agrees_with_whole_states_on_the_example() {
        let story = example();
        let compared = cross_check(&story, &config(200_000)).unwrap();
        assert!(compared.complete, "{compared:?}");
    }

    #[test]
    fn the_reduction_agrees_with_whole_states_on_the_benchmark_story() {
        for (n, seed) in [(12, 1), (16, 2), (20, 3)] {
            checked(&format!("bench {n}"), &crate::bench::generate(n, seed), 200_000);
        }
    }

    /// A reduction that forgets a variable the game still reads is caught: for every variable
    /// of the example that some condition reads, forgetting it changes a finding.
    #[test]
    fn a_wrong_reduction_is_caught() {
        let story = example();
        let mut caught = 0;
        for (i, v) in story.vars().iter().enumerate() {
            let wrong = Canon::forgetting(&story, VarId(i as u32));
            match cross_check_with(&story, &config(200_000), &wrong) {
                Err(m) => {
                    caught += 1;
                    assert!(!m.differences.is_empty(), "{}", v.name);
                }
                Ok(c) => assert!(c.complete, "{}", v.name),
            }
        }
        assert!(caught > 0, "no wrong reduction of the example was caught");
    }
}
