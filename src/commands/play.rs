//! `interview` without a subcommand: play the story, in the terminal or from a pipe.

use super::{Error, Outcome, StorySource, load};
use crate::play::{self, Config, Options, Session};
use std::io::IsTerminal;

/// Success at the end of the game or the input; an error when the story cannot be loaded or
/// the game cannot start.
pub fn run(source: &StorySource, options: &Options) -> Result<Outcome, Error> {
    let story = load(source)?;
    let config = Config {
        seed: options.seed,
        saves: options.saves.clone(),
        resume: options.resume,
    };
    let (session, intro) = Session::start(story, source.clone(), &config).map_err(Error::CannotStart)?;
    let code = if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        play::terminal::run(session, intro, options)
    } else {
        play::piped(session, intro)
    };
    Ok(Outcome::findings_if(code != 0))
}
