//! `interview` without a subcommand: play the story, in the terminal or from a pipe.

use super::{Error, Outcome, StorySource, load};
use crate::play::{self, Options, Session, front};
use std::io::IsTerminal;

/// Success at the end of the game or the input; an error when the story cannot be loaded or
/// the game cannot start.
pub fn run(source: &StorySource, options: &Options) -> Result<Outcome, Error> {
    let story = load(source)?;
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let config = options.config();
    let (session, intro) =
        Session::start_for(story, source.clone(), &config, front(interactive)).map_err(Error::CannotStart)?;
    let code = match interactive {
        true => play::terminal::run(session, intro, options),
        false => play::piped(session, intro, options),
    };
    Ok(Outcome::findings_if(code != 0))
}
