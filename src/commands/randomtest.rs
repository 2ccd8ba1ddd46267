//! `interview randomtest`: seeded random games and what they hit.

use super::{Error, Outcome, StorySource, load};
use crate::tools::randomtest::{Config, Report, randomtest, randomtest_repeats, render};
use crate::tools::repeats::{self, Repeat};
use serde::Serialize;

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

/// `randomtest --repeats WORDS`: the report, then the phrases of `WORDS` words or more that a
/// game showed twice or more (all of them in `--json`, as `repeats`; the first 60 as text).
/// Repeats are findings for a person to read, not failures: the exit code is `run`'s.
pub fn run_repeats(source: &StorySource, options: &Options, words: usize) -> Result<Outcome, Error> {
    #[derive(Serialize)]
    struct WithRepeats<'a> {
        #[serde(flatten)]
        report: &'a Report,
        repeat_words: usize,
        repeats: &'a [Repeat],
    }
    let story = load(source)?;
    let (report, list) = randomtest_repeats(&story, &options.config, words);
    let both = WithRepeats {
        report: &report,
        repeat_words: words,
        repeats: &list,
    };
    super::print_report(&both, options.json, |b| {
        let mut text = render(b.report);
        text.push_str(&repeats::render(b.report.runs, words, b.repeats, 60));
        text
    });
    Ok(Outcome::findings_if(report.failed > 0))
}
