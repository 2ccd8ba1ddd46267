//! `interview explore`: the search's report on stdout, its speed on stderr, and with
//! `--walkthroughs DIR` one walkthrough file per ending reached.

use super::{Error, Outcome, StorySource, load};
use crate::files;
use crate::story::Story;
use crate::story::diag::visible;
use crate::tools::explore::{Config, Report, explore, explore_spread, locate_cuts, render, walkthrough};
use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};

/// What the `explore` subcommand was asked.
#[derive(Debug, Clone)]
pub struct Options {
    pub max_states: usize,
    pub json: bool,
    pub walkthroughs: Option<PathBuf>,
    /// Print the speed of the search on stderr (always done on a terminal).
    pub stats: bool,
}

/// Findings on a dead end or a runtime error, or a walkthrough that cannot be written.
pub fn run(source: &StorySource, options: &Options) -> Result<Outcome, Error> {
    let story = load(source)?;
    let terminal = std::io::stderr().is_terminal();
    let mut progress = |states: usize, queue: usize| {
        super::progress_line(
            terminal,
            format_args!("explore: {states} states, {queue} to explore..."),
        );
    };
    let config = Config {
        max_states: options.max_states,
        ..Config::default()
    };
    let started = std::time::Instant::now();
    let mut report = if options.stats {
        explore_spread(&story, &config, &mut progress)
    } else {
        explore(&story, &config, &mut progress)
    };
    if !report.outcome_cuts.is_empty()
        && let Ok(files) = source.read()
    {
        // Where each choice cut off is written (the story keeps no positions).
        locate_cuts(&mut report, &files);
    }
    let secs = started.elapsed().as_secs_f64();
    if terminal && report.states >= 1 << 14 {
        let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
    }
    if terminal || options.stats {
        let rate = report.states as f64 / secs.max(1e-9);
        anstream::eprintln!(
            "explore: {} states in {secs:.3} s ({:.0} states per second)",
            report.states,
            rate
        );
    }
    if options.stats {
        anstream::eprintln!("{}", visible(&busiest_scenes(&report)));
        anstream::eprint!("{}", visible(&spread(&report)));
    }
    let mut found = !report.is_sound();
    if let Some(dir) = &options.walkthroughs {
        // Part of the report: what was written, and what could not be (then exit 1).
        for line in write_walkthroughs(&story, &report, dir) {
            match line {
                Ok(msg) => anstream::eprintln!("{}", visible(&msg)),
                Err(msg) => {
                    anstream::eprintln!("interview explore: {}", visible(&msg));
                    found = true;
                }
            }
        }
    }
    super::print_report(&report, options.json, render);
    Ok(Outcome::findings_if(found))
}

/// How many scenes `--stats` names.
const BUSIEST: usize = 8;

/// `--stats`: the scenes that hold the most states, with their share: where an author looks
/// first when the search grows.
fn busiest_scenes(report: &Report) -> String {
    let total = report.states.max(1) as f64;
    let named: Vec<String> = report
        .scene_states
        .iter()
        .take(BUSIEST)
        .map(|s| {
            format!(
                "{} {} ({:.1}%)",
                s.scene,
                s.states,
                s.states as f64 * 100.0 / total
            )
        })
        .collect();
    format!("explore: most states wait in {}", named.join(", "))
}

/// `--stats`: what keeps apart the states of the busiest scenes, each value with how many
/// times it multiplies them and where it is read: where an author looks to bring the count down.
fn spread(report: &Report) -> String {
    let mut out = String::new();
    for s in &report.spread {
        if s.values.is_empty() {
            continue;
        }
        out += &format!(
            "explore: what keeps the {} states in {} apart:\n",
            s.states, s.scene
        );
        for v in &s.values {
            let times = s.states as f64 / v.without.max(1) as f64;
            let read = if v.read_at.is_empty() {
                String::new()
            } else {
                format!("; read at {}", v.read_at.join(", "))
            };
            out += &format!("  {}: {} values, x{times:.1}{read}\n", v.value, v.distinct);
        }
    }
    out
}

/// Writes `DIR/<ending>.ron` for each ending reached; says what it wrote, or why it could not.
fn write_walkthroughs(story: &Story, report: &Report, dir: &Path) -> Vec<Result<String, String>> {
    if let Err(e) = files::make_dir(dir) {
        return vec![Err(e.to_string())];
    }
    report
        .endings
        .iter()
        .map(|e| {
            let path = dir.join(format!("{}.ron", e.id));
            let Some(w) = walkthrough(story, e) else {
                return Err(format!(
                    "no seed found whose game reaches the ending `{}`: {} not written",
                    e.id,
                    path.display()
                ));
            };
            // Story text in a file a person reads goes through `visible`, as on the screen.
            let comment = format!(
                "The shortest way to the ending `{}` ({}), written by `interview explore`.",
                e.id, e.title
            );
            files::write_atomic(&path, &w.to_ron(&visible(&comment)))
                .map(|()| format!("wrote {}", path.display()))
                .map_err(|err| err.to_string())
        })
        .collect()
}
