//! `interview check [DIR]`: every problem of a story, each with `file:line:col`.

use super::{Error, Outcome, StorySource, load_files};
use crate::play::session::meta;
use crate::story::diag::visible;
use crate::story::{CommandWord, LoadOptions};
use std::io::Write;

/// Success when there is no error (warnings allowed), findings when there are errors (an
/// entry of the folder that cannot be read is one), an error when the folder cannot be read.
pub fn run(source: &StorySource) -> Result<Outcome, Error> {
    let read = source.read_all().map_err(|source| Error::Folder {
        command: "interview check",
        source,
    })?;
    if read.files.is_empty()
        && !read.problems.iter().any(|d| d.is_error())
        && let StorySource::Dir(dir) = source
    {
        // Files skipped (`STORY.RON`, a sub-folder) say why the folder looks empty.
        for d in &read.problems {
            anstream::println!("{}\n", d.render(true));
        }
        let manifest = dir.join(crate::story::MANIFEST);
        println!(
            "{}:1:1: error: the folder has no story files: a story is a `story.ron` and scene files (`*.ron`)",
            visible(&manifest.display().to_string())
        );
        let warnings = read.problems.len();
        let plural = if warnings == 1 { "" } else { "s" };
        println!(
            "{}: 1 error, {warnings} warning{plural}",
            visible(&source.describe())
        );
        return Ok(Outcome::Findings);
    }
    let options = LoadOptions {
        commands: command_word,
        ..LoadOptions::default()
    };
    let loaded = load_files(&read, &options);
    let mut out = anstream::stdout().lock();
    for d in &loaded.diagnostics {
        let _ = writeln!(out, "{}\n", d.render(true));
    }
    let errors = loaded.errors().count();
    let warnings = loaded.warnings().count();
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let summary = match &loaded.story {
        Some(story) => format!(
            "{}: {}, {}, {}, {}",
            source.describe(),
            plural(story.scenes().len(), "scene"),
            plural(story.endings().len(), "ending"),
            plural(errors, "error"),
            plural(warnings, "warning")
        ),
        None => format!(
            "{}: {}, {}",
            source.describe(),
            plural(errors, "error"),
            plural(warnings, "warning")
        ),
    };
    let _ = writeln!(out, "{summary}");
    Ok(Outcome::findings_if(errors > 0))
}

/// The REPL's command that typing `word` runs, as the loader's lint of choice texts needs it:
/// looked up in the game's own table of meta-commands, so a new command is checked at once.
fn command_word(word: &str) -> Option<CommandWord> {
    let command = meta::COMMANDS.iter().find(|c| c.is_named(word))?;
    Some(CommandWord {
        does: command.help,
        takes_word: match command.args {
            meta::Args::Slot => true,
            meta::Args::None | meta::Args::OnOff | meta::Args::Count => false,
        },
    })
}
