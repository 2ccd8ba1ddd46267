//! `interview check [DIR]`: every problem of a story, each with `file:line:col`.

use super::StorySource;
use crate::story::load_story;
use std::io::Write;

/// Exit 0 when there is no error (warnings allowed), 1 when there are errors, 2 when the
/// folder cannot be read.
pub fn run(source: &StorySource) -> u8 {
    let files = match source.read() {
        Ok(f) => f,
        Err(e) => {
            anstream::eprintln!("interview check: {}", crate::story::diag::visible(&e.to_string()));
            return 2;
        }
    };
    if files.is_empty()
        && let StorySource::Dir(dir) = source
    {
        let manifest = dir.join(crate::story::MANIFEST);
        println!(
            "{}:1:1: error: the folder has no story files: a story is a `story.ron` and scene files (`*.ron`)",
            crate::play::render::clean(&manifest.display().to_string())
        );
        println!(
            "{}: 1 error, 0 warnings",
            crate::play::render::clean(&source.describe())
        );
        return 1;
    }
    let loaded = load_story(&files);
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
    u8::from(errors > 0)
}
