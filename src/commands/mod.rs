//! One function per subcommand, called by `main.rs`. Each returns the process exit code.

pub mod bench;
pub mod check;

use crate::files;
use crate::story::{LoadOptions, Loaded, SourceFile, load_story_with};
use std::path::{Path, PathBuf};

/// Where a story comes from: a folder, or the copy built into the binary.
#[derive(Debug, Clone)]
pub enum StorySource {
    Dir(PathBuf),
    Embedded,
}

impl StorySource {
    pub fn read(&self) -> Result<Vec<SourceFile>, files::FolderError> {
        match self {
            StorySource::Dir(d) => files::read_story_dir(d),
            StorySource::Embedded => Ok(files::embedded_story()),
        }
    }

    /// The source as shown to a person: a folder's name with its control characters made
    /// visible.
    pub fn describe(&self) -> String {
        match self {
            StorySource::Dir(d) => crate::story::diag::visible(&d.display().to_string()).into_owned(),
            StorySource::Embedded => "the built-in story".into(),
        }
    }

    pub fn dir(&self) -> Option<&Path> {
        match self {
            StorySource::Dir(d) => Some(d),
            StorySource::Embedded => None,
        }
    }
}

/// Reads and loads a story; on failure prints why (every diagnostic) and returns the exit code.
pub fn load_or_report(source: &StorySource) -> Result<(crate::story::Story, Loaded), u8> {
    let files = match source.read() {
        Ok(f) => f,
        Err(e) => {
            anstream::eprintln!("interview: {}", crate::story::diag::visible(&e.to_string()));
            return Err(2);
        }
    };
    // Playing and the tools need a valid story; the warnings are `check`'s business.
    let mut loaded = load_story_with(&files, &LoadOptions { lints: false });
    match loaded.story.take() {
        Some(story) => Ok((story, loaded)),
        None => {
            for d in &loaded.diagnostics {
                anstream::eprintln!("{}", d.render(true));
            }
            let n = loaded.errors().count();
            anstream::eprintln!(
                "interview: {} has {n} error{}; run `interview check` for details",
                source.describe(),
                if n == 1 { "" } else { "s" }
            );
            Err(1)
        }
    }
}
