//! `interview check [DIR]`: every problem of a story, each with `file:line:col`.

use super::{Error, Outcome, StorySource, load_files};
use crate::play::session::meta;
use crate::story::diag::visible;
use crate::story::{CommandWord, LoadOptions};
use std::io::Write;

/// What `check` lists after its report.
#[derive(Debug, Clone, Copy, Default)]
pub struct List {
    /// `--tags`: every tag of a scene or a choice, sorted, each with where it is written.
    pub tags: bool,
}

/// Success when there is no error (warnings allowed), findings when there are errors (an
/// entry of the folder that cannot be read is one), an error when the folder cannot be read.
pub fn run(source: &StorySource, list: List) -> Result<Outcome, Error> {
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
    if let (true, Some(story)) = (list.tags, &loaded.story) {
        let _ = write!(out, "{}", tag_list(story));
    }
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

/// `check --tags`: after a blank line, `tags:` then one line per use, sorted by tag then by
/// where it is written: `  TAG  FILE:LINE:COL  scene `id`` or `.. choice "text" in `id``
/// (words cleaned of control characters). `no tags` when the story has none.
pub fn tag_list(story: &crate::story::Story) -> String {
    let mut uses: Vec<(&str, &str, String)> = Vec::new();
    for scene in story.scenes() {
        let id = visible(&scene.id);
        for t in &scene.tags {
            uses.push((&t.name, &t.at, format!("scene `{id}`")));
        }
        for c in &scene.choices {
            for t in &c.tags {
                let text = crate::tools::line_as_written(story, &c.text);
                uses.push((&t.name, &t.at, format!("choice \"{}\" in `{id}`", visible(&text))));
            }
        }
    }
    if uses.is_empty() {
        return "\nno tags\n".into();
    }
    // Stable: each tag's uses in the order of the story's files.
    uses.sort_by(|a, b| a.0.cmp(b.0));
    let wide = uses.iter().map(|u| u.0.len()).max().unwrap_or(0);
    let mut out = String::from("\ntags:\n");
    for (tag, at, what) in uses {
        out.push_str(&format!("  {tag:wide$}  {}  {what}\n", visible(at)));
    }
    out
}
