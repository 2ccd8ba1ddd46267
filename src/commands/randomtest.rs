//! `interview randomtest`: seeded random games and what they hit.

use super::{Error, Outcome, StorySource, load};
use crate::story::diag::visible;
use crate::tools::randomtest::{Config, randomtest, render};
use std::io::Write as _;

/// What the `randomtest` subcommand was asked.
#[derive(Debug, Clone)]
pub struct Options {
    pub config: Config,
    pub json: bool,
}

/// Findings when a run failed.
pub fn run(source: &StorySource, options: &Options) -> Result<Outcome, Error> {
    let story = load(source)?;
    let report = randomtest(&story, &options.config);
    let mut out = anstream::stdout().lock();
    if options.json {
        let json = serde_json::to_string_pretty(&report).unwrap_or_default();
        let _ = writeln!(out, "{}", visible(&json));
    } else {
        let _ = write!(out, "{}", visible(&render(&report)));
    }
    Ok(Outcome::findings_if(report.failed > 0))
}
