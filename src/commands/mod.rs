//! One function per subcommand, called by `main.rs`: each reads what it needs through
//! [`crate::files`], calls the library (the tools return data), prints its output and returns
//! `Result<Outcome, Error>`. No function here prints an error or picks an exit code: `main`
//! prints the [`Error`] once and asks it for its [`Error::code`].

pub mod bench;
pub mod check;
pub mod explore;
pub mod graph;
pub mod play;
pub mod proof;
pub mod randomtest;
pub mod replay;

pub use crate::files::StorySource;

use crate::files::{FileError, StoryFiles};
use crate::story::diag::visible;
use crate::story::{LoadOptions, Loaded, Story, load_story_with};
use std::fmt;

/// How a subcommand that ran to its end went: its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: the subcommand ran and reports what it found wrong (errors in a story, a dead
    /// end, a failed run or walkthrough): output, not an error.
    Findings,
}

impl Outcome {
    /// `Findings` when `found` is true.
    pub fn findings_if(found: bool) -> Outcome {
        if found {
            Outcome::Findings
        } else {
            Outcome::Success
        }
    }

    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Findings => 1,
        }
    }
}

/// Why a subcommand stopped. Each kind knows its exit code ([`Error::code`]); its `Display` is
/// the whole message for stderr (outside text in it already made visible).
#[derive(Debug)]
pub enum Error {
    /// The command line is wrong (clap's own errors, help and version included): clap's code.
    /// `plain` is the same message rendered without styles, as the text the user typed.
    Cli { error: clap::Error, plain: String },
    /// A file or folder named on the command line cannot be used: exit 2.
    Usage {
        command: &'static str,
        source: FileError,
    },
    /// A number or a value that makes no sense (`bench --n 1`): exit 2.
    Invalid { command: &'static str, message: String },
    /// The story folder cannot be read at all: exit 2.
    Folder {
        command: &'static str,
        source: FileError,
    },
    /// The story has errors (every diagnostic, rendered, and the summary line): exit 1.
    Story { report: String },
    /// The game cannot start (the autosave does not fit the story, …): exit 1.
    CannotStart(String),
    /// Something failed along the way (writing the benchmark story, rerunning this program):
    /// exit 1.
    Failed { command: &'static str, message: String },
}

impl Error {
    pub fn code(&self) -> u8 {
        match self {
            Error::Cli { error, .. } => u8::try_from(error.exit_code()).unwrap_or(2),
            Error::Usage { .. } | Error::Invalid { .. } | Error::Folder { .. } => 2,
            Error::Story { .. } | Error::CannotStart(_) | Error::Failed { .. } => 1,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // clap's message with what the user typed made visible (clap quotes it raw).
            Error::Cli { plain, .. } => f.write_str(&visible(plain.trim_end())),
            Error::Usage { command, source } | Error::Folder { command, source } => {
                write!(f, "{command}: {}", visible(&source.to_string()))
            }
            Error::Invalid { command, message } | Error::Failed { command, message } => {
                write!(f, "{command}: {}", visible(message))
            }
            Error::Story { report } => f.write_str(report),
            Error::CannotStart(msg) => {
                let lines: Vec<String> = msg
                    .lines()
                    .map(|l| format!("interview: {}", visible(l)))
                    .collect();
                f.write_str(&lines.join("\n"))
            }
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// Whether the message reads the same made visible (so clap may print it itself, coloured).
    pub fn is_plain(&self) -> bool {
        match self {
            Error::Cli { plain, .. } => visible(plain) == plain.as_str(),
            _ => false,
        }
    }
}

/// Reads and loads a story as playing and the tools need it (no warnings): the story, or why
/// not. `command` names the subcommand in a message (`interview`, `interview check`).
pub fn load(source: &StorySource) -> Result<Story, Error> {
    load_with(source).map(|(story, _)| story)
}

/// [`load`], with the loader's diagnostics too.
pub fn load_with(source: &StorySource) -> Result<(Story, Loaded), Error> {
    // Playing and the tools need a valid story; the warnings are `check`'s business.
    load_with_options(
        source,
        &LoadOptions {
            lints: false,
            ..LoadOptions::default()
        },
    )
}

/// [`load_with`] with the loader's options (a draft, for `interview --draft`).
pub fn load_with_options(source: &StorySource, options: &LoadOptions) -> Result<(Story, Loaded), Error> {
    let read = source.read_all().map_err(|source| Error::Folder {
        command: "interview",
        source,
    })?;
    let mut loaded = load_files(&read, options);
    match loaded.story.take() {
        Some(story) => Ok((story, loaded)),
        None => {
            let mut report = String::new();
            for d in &loaded.diagnostics {
                report.push_str(&d.render(true));
                report.push('\n');
            }
            let n = loaded.errors().count();
            report.push_str(&format!(
                "interview: {} has {n} error{}; run `interview check` for details",
                source.describe(),
                if n == 1 { "" } else { "s" }
            ));
            Err(Error::Story { report })
        }
    }
}

/// Loads the files read, the problems of reading them first among the diagnostics (and no
/// story when there is one). A story whose reading stopped at its size limit is not loaded:
/// its errors would be echoes of the files missing.
pub fn load_files(read: &StoryFiles, options: &LoadOptions) -> Loaded {
    let mut loaded = if read.complete {
        load_story_with(&read.files, options)
    } else {
        Loaded {
            story: None,
            diagnostics: Vec::new(),
        }
    };
    if !read.problems.is_empty() {
        // A file skipped (`*.RON`, a sub-folder) is a warning; one that cannot be read is not.
        if read.problems.iter().any(|d| d.is_error()) {
            loaded.story = None;
        }
        loaded.diagnostics.splice(0..0, read.problems.iter().cloned());
    }
    loaded
}

/// Rewrites the progress line of a long tool on stderr (`\r`, then `line`), when stderr is a
/// terminal: piped or redirected, nothing is written.
pub(crate) fn progress_line(terminal: bool, line: std::fmt::Arguments) {
    use std::io::Write as _;
    if terminal {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{line}");
        let _ = err.flush();
    }
}

/// Prints a tool's report on standard output: as pretty JSON with `json`, else as `text`
/// renders it; either way made `visible` (story text may hold escapes).
pub(crate) fn print_report<R: serde::Serialize>(report: &R, json: bool, text: impl FnOnce(&R) -> String) {
    use std::io::Write as _;
    let mut out = anstream::stdout().lock();
    if json {
        let json = serde_json::to_string_pretty(report).unwrap_or_default();
        let _ = writeln!(out, "{}", visible(&json));
    } else {
        let _ = write!(out, "{}", visible(&text(report)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::FileError;

    #[test]
    fn each_error_knows_its_exit_code_and_shows_outside_text_visibly() {
        let folder = Error::Folder {
            command: "interview check",
            source: FileError::NoSuchFolder("a\u{1b}]52;c;x\u{7}\u{9b}".into()),
        };
        assert_eq!(folder.code(), 2);
        assert_eq!(
            folder.to_string(),
            "interview check: a^[]52;c;x^G<U+009B>: no such folder"
        );
        let usage = Error::Usage {
            command: "interview replay",
            source: FileError::NoSuchFile("w\u{202e}.ron".into()),
        };
        assert_eq!(
            (usage.code(), usage.to_string().as_str()),
            (2, "interview replay: w<U+202E>.ron: no such file")
        );
        let story = Error::Story {
            report: "x.ron:1:1: error: bad\ninterview: x has 1 error".into(),
        };
        assert_eq!(story.code(), 1);
        let start = Error::CannotStart("one\ntwo \u{1b}[2J".into());
        assert_eq!(
            (start.code(), start.to_string().as_str()),
            (1, "interview: one\ninterview: two ^[[2J")
        );
        let failed = Error::Failed {
            command: "interview bench",
            message: "no".into(),
        };
        assert_eq!(failed.code(), 1);
        let invalid = Error::Invalid {
            command: "interview bench gen",
            message: "n".into(),
        };
        assert_eq!(invalid.code(), 2);
        assert_eq!((Outcome::Success.code(), Outcome::Findings.code()), (0, 1));
    }
}
