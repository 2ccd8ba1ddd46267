//! `interview graph`: the scene graph as Graphviz dot or Mermaid.

use super::{Error, Outcome, StorySource, load};
use crate::story::diag::visible;
use crate::tools::graph::{Format, render};
use std::io::Write as _;

pub fn run(source: &StorySource, format: Format) -> Result<Outcome, Error> {
    let story = load(source)?;
    // Story text is shown harmlessly: no control character reaches the terminal or the file.
    let _ = write!(anstream::stdout().lock(), "{}", visible(&render(&story, format)));
    Ok(Outcome::Success)
}
