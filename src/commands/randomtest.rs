//! `interview randomtest`: seeded random games and what they hit.

use super::{Error, Outcome, StorySource, load};
use crate::tools::randomtest::{Config, randomtest, render};

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
    super::print_report(&report, options.json, render);
    Ok(Outcome::findings_if(report.failed > 0))
}
