//! The `interview` binary: parses the command line and dispatches. Everything else lives in
//! the library.

use clap::{Parser, Subcommand};
use interview::commands::{self, StorySource};
use std::path::PathBuf;
use std::process::ExitCode;

/// Interview: a choice-based interactive-fiction game and engine for the terminal.
#[derive(Parser)]
#[command(name = "interview", version, about)]
struct Cli {
    /// Play (or check) the story in this folder instead of the built-in one.
    #[arg(long, value_name = "DIR", global = true)]
    scenes: Option<PathBuf>,
    /// Seed for the game's randomness: same seed, same choices, same game.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Check a story folder and report every problem with file:line:col.
    Check {
        /// The story folder (default: --scenes, or ./scenes, or the built-in story).
        dir: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Some(Command::Check { dir }) => {
            let source = match dir.or(cli.scenes) {
                Some(d) => StorySource::Dir(d),
                None if std::path::Path::new("scenes").is_dir() => StorySource::Dir("scenes".into()),
                None => StorySource::Embedded,
            };
            commands::check::run(&source)
        }
        None => {
            let source = cli.scenes.map_or(StorySource::Embedded, StorySource::Dir);
            interview::play::run(&source, cli.seed)
        }
    };
    ExitCode::from(code)
}
