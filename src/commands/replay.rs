//! `interview replay FILE...`: walkthrough files (or folders of them) played against the story.

use super::{Error, Outcome, StorySource, load};
use crate::files;
use crate::story::diag::visible;
use crate::story::{Story, limits};
use crate::tools::plural;
use crate::tools::replay::{Passed, Walkthrough, check};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Findings when a walkthrough fails (or cannot be read); a usage error when a path named is
/// neither a file nor a folder of walkthroughs.
pub fn run(source: &StorySource, paths: &[PathBuf]) -> Result<Outcome, Error> {
    let files = files::ron_files(paths).map_err(|source| Error::Usage {
        command: "interview replay",
        source,
    })?;
    let story = load(source)?;
    let mut out = anstream::stdout().lock();
    let mut failed = 0usize;
    for file in &files {
        let line = match replay_file(&story, file) {
            Ok(p) => {
                let ending = p.ending.map_or(String::new(), |e| format!(", ending `{e}`"));
                format!(
                    "ok      {} ({}{ending})",
                    file.display(),
                    plural(p.inputs, "input")
                )
            }
            Err(why) => {
                failed += 1;
                format!("FAILED  {}\n    {why}", file.display())
            }
        };
        let _ = writeln!(out, "{}", visible(&line));
    }
    let _ = writeln!(out, "replay: {} passed, {failed} failed", files.len() - failed);
    Ok(Outcome::findings_if(failed > 0))
}

fn replay_file(story: &Story, file: &Path) -> Result<Passed, String> {
    let text = files::read_text(file, limits::FILE_BYTES).map_err(|e| e.why())?;
    let w = Walkthrough::parse(&text).map_err(|e| format!("{}:{e}", file.display()))?;
    check(story, &w).map_err(|f| f.to_string())
}
