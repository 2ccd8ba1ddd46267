//! `interview` without a subcommand: play the story, in the terminal or from a pipe.

use super::{Error, Outcome, StorySource, load_with_options};
use crate::play::{self, Block, Options, Session, front};
use crate::story::LoadOptions;
use std::io::IsTerminal;

/// Success at the end of the game or the input; an error when the story cannot be loaded or
/// the game cannot start. A `draft` plays around a missing scene or an unused ending
/// (see `story::load::draft`) and says so in a banner.
pub fn run(source: &StorySource, options: &Options, draft: bool) -> Result<Outcome, Error> {
    let load = LoadOptions {
        lints: false,
        draft,
        ..LoadOptions::default()
    };
    let (story, loaded) = load_with_options(source, &load)?;
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let config = options.config();
    let (session, mut intro) =
        Session::start_for(story, source.clone(), &config, front(interactive)).map_err(Error::CannotStart)?;
    if draft {
        intro
            .blocks
            .insert(1.min(intro.blocks.len()), Block::Info(draft_banner(&loaded)));
    }
    let code = match interactive {
        true => play::terminal::run(session, intro, options),
        false => play::piped(session, intro, options),
    };
    Ok(Outcome::findings_if(code != 0))
}

/// The banner of a draft: what it plays around.
fn draft_banner(loaded: &crate::story::Loaded) -> String {
    // Only the errors a draft turns into warnings (see `story::load::draft`), not the others.
    let n = loaded
        .warnings()
        .filter(|d| {
            d.message.ends_with(": the draft shows a placeholder")
                || (d.message.starts_with("the ending ") && d.message.contains("` is never used"))
        })
        .count();
    match n {
        0 => "DRAFT: this story has no problems a draft plays around.".to_owned(),
        _ => format!(
            "DRAFT: {n} problem{} played around (a missing scene shows a placeholder, an unused \
             ending is ignored); `interview check` lists them.",
            if n == 1 { "" } else { "s" }
        ),
    }
}
