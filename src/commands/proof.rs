//! `interview proof`: every version of each passage, with a route to it (see `tools::proof`).

use super::{Error, Outcome, StorySource, load, print_report};
use crate::story::Story;
use crate::tools::proof::{Config, proof, proof_quick, render};
use std::io::{IsTerminal, Write as _};

/// What the `proof` subcommand was asked.
#[derive(Debug, Clone)]
pub struct Options {
    /// Scene ids as typed; empty for every scene.
    pub scenes: Vec<String>,
    pub max_states: usize,
    pub json: bool,
    /// Keep only what is read on the way to the scenes (see `tools::proof::proof_quick`).
    pub quick: bool,
    /// Random games to play after the search (see `tools::proof::Config::sample`).
    pub sample: u32,
}

/// Prints the proof. An unknown scene id is a usage error (exit 2), with the nearest id.
pub fn run(source: &StorySource, options: &Options) -> Result<Outcome, Error> {
    let story = load(source)?;
    let scenes = options
        .scenes
        .iter()
        .map(|name| {
            story.scene_by_name(name).ok_or_else(|| Error::Invalid {
                command: "interview proof",
                message: unknown_scene(&story, name),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let config = Config {
        max_states: options.max_states,
        scenes,
        sample: options.sample,
    };
    // Progress on a terminal only, as `explore`'s: a whole story can take minutes.
    let terminal = std::io::stderr().is_terminal();
    let mut progress = |searches: usize, states: usize| {
        super::progress_line(
            terminal,
            format_args!("proof: {searches} searches, {states} states..."),
        );
    };
    let proof = if options.quick {
        proof_quick(&story, &config, &mut progress)
    } else {
        proof(&story, &config, &mut progress)
    };
    if terminal {
        let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
    }
    print_report(&proof, options.json, render);
    Ok(Outcome::Success)
}

/// `no scene `x` in the story`, with the nearest scene id when one is close.
fn unknown_scene(story: &Story, name: &str) -> String {
    let nearest = story
        .scenes()
        .iter()
        .map(|s| (strsim::levenshtein(name, &s.id), s.id.as_str()))
        .filter(|&(d, id)| d <= (id.len() / 3).max(2))
        .min();
    match nearest {
        Some((_, id)) => format!("no scene `{name}` in the story: did you mean `{id}`?"),
        None => format!("no scene `{name}` in the story"),
    }
}
