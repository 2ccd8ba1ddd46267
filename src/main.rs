//! The `interview` binary: parses the command line and dispatches. Everything else lives in
//! the library.

use clap::{CommandFactory, Parser, Subcommand};
use interview::commands::{self, Error, Outcome, StorySource};
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
    /// No colour, no decoration, no wrapping: words in a straight stream (for screen readers).
    #[arg(long)]
    plain: bool,
    /// The folder for saves, the autosave, history, endings found and transcripts.
    #[arg(long, value_name = "DIR", default_value = "saves")]
    saves: PathBuf,
    /// Resume the game in the autosave.
    #[arg(long = "continue")]
    resume: bool,
    /// Play a story still being written: a missing scene shows a placeholder, an unused
    /// ending is ignored (`check` stays strict).
    #[arg(long)]
    draft: bool,
    /// Wrap the story's text at N columns (default: the terminal's width, at most 80).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(20..))]
    width: Option<u16>,
    /// With piped input: print each input as `> input` before its reply.
    #[arg(long)]
    echo: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Check a story folder and report every problem with file:line:col.
    Check {
        /// The story folder (default: --scenes, or ./scenes, or the built-in story).
        dir: Option<PathBuf>,
        /// After the check, list every tag of a scene or a choice and where it is written.
        #[arg(long)]
        tags: bool,
    },
    /// Explore every reachable state: endings with their shortest paths, what is never
    /// reached, dead ends and runtime errors. Exit 1 on a dead end or an error.
    Explore {
        /// Stop after this many distinct states.
        #[arg(long, value_name = "N", default_value_t = 1_000_000)]
        max_states: usize,
        /// Print the report as one JSON document.
        #[arg(long)]
        json: bool,
        /// Write one replayable walkthrough file per ending reached into DIR.
        #[arg(long, value_name = "DIR")]
        walkthroughs: Option<PathBuf>,
        /// Print on stderr the search's speed (states per second), also without a terminal, and
        /// the scenes where the most states wait.
        #[arg(long)]
        stats: bool,
    },
    /// Print every version of each passage a player can be shown (reply, scene text and menu),
    /// each with a shortest route to it and the variables its text can read: the proofing copy
    /// for reading each line against every way in.
    Proof {
        /// Only the passages that stop in these scenes (ids; default: every scene).
        scene: Vec<String>,
        /// Stop after this many distinct states (the proof then says it is incomplete).
        #[arg(long, value_name = "N", default_value_t = 1_000_000)]
        max_states: usize,
        /// Print the proof as one JSON document.
        #[arg(long)]
        json: bool,
        /// Keep only what the passages and the choices on the way to them read: far fewer
        /// states (a late scene in seconds), but a variable the game reads only later is not
        /// listed beside the paragraphs.
        #[arg(long)]
        quick: bool,
        /// After the search, play GAMES random games and add the paragraphs they show that it
        /// did not reach (for scenes deep past --max-states), each with its game's route.
        #[arg(long, value_name = "GAMES", default_value_t = 0)]
        sample: u32,
    },
    /// Play N seeded random games and count the endings, scenes and choices they hit.
    Randomtest {
        /// How many games to play.
        #[arg(long, value_name = "N", default_value_t = 1000)]
        runs: u32,
        /// The test's seed (default 0): the same seed gives the same report.
        #[arg(long, value_name = "S")]
        seed: Option<u64>,
        /// Stop a game after this many choices (it counts as unfinished).
        #[arg(long, value_name = "N", default_value_t = 1000)]
        max_steps: u32,
        /// Print the report as one JSON document.
        #[arg(long)]
        json: bool,
        /// Also list the phrases of WORDS words or more (default 5, 3 to 50) that one game
        /// showed twice or more, with where each is written.
        #[arg(long, value_name = "WORDS", num_args = 0..=1, default_missing_value = "5",
              value_parser = clap::value_parser!(u16).range(3..=50))]
        repeats: Option<u16>,
    },
    /// Print the scene graph (`dot -Tsvg` or Mermaid draws it).
    Graph {
        #[arg(long, value_enum, default_value = "dot")]
        format: interview::tools::graph::Format,
    },
    /// Play walkthrough files (or folders of them) against the story; exit 1 on a mismatch.
    Replay {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Benchmark: the shared benchmark story's checksums and timings as one JSON line.
    Bench {
        #[command(subcommand)]
        action: Option<BenchAction>,
        /// Scenes in the generated benchmark story.
        #[arg(long, default_value_t = 1000)]
        n: usize,
        /// Random playthroughs to run.
        #[arg(long, default_value_t = 1000)]
        plays: u64,
        /// Seed of the story generator.
        #[arg(long = "story-seed", default_value_t = 1)]
        story_seed: u64,
        /// Seed of the playthroughs.
        #[arg(long = "play-seed", default_value_t = 42)]
        play_seed: u64,
        /// Use a story folder written by `bench gen` instead of generating one.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Time the load with the warnings of `check` too (a game does not compute them).
        #[arg(long)]
        lints: bool,
    },
}

#[derive(Subcommand)]
enum BenchAction {
    /// Write the benchmark story of N scenes into DIR.
    Gen {
        n: usize,
        dir: PathBuf,
        #[arg(long = "story-seed", default_value_t = 1)]
        story_seed: u64,
    },
    /// Load the story folder DIR once and print the time and memory it took as JSON: what
    /// `bench` runs in a fresh process for each of its load measurements.
    #[command(hide = true)]
    Load {
        dir: PathBuf,
        #[arg(long)]
        lints: bool,
    },
}

/// Errors become exit codes here, and only here: every subcommand returns
/// `Result<Outcome, Error>`, and an error is printed once, on stderr.
fn main() -> ExitCode {
    match run() {
        Ok(outcome) => ExitCode::from(outcome.code()),
        // clap's own output (help, version, a usage error) as clap prints it, colours included,
        // unless it echoes something that must be made visible first.
        Err(Error::Cli { error, .. }) if !error.use_stderr() => {
            let _ = error.print();
            ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(0))
        }
        Err(e @ Error::Cli { .. }) if e.is_plain() => {
            let code = e.code();
            if let Error::Cli { error, .. } = e {
                let _ = error.print();
            }
            ExitCode::from(code)
        }
        Err(e) => {
            anstream::eprintln!("{e}");
            ExitCode::from(e.code())
        }
    }
}

/// The arguments parsed, or clap's error with its message also rendered without styles (the
/// raw text a user typed stays in it, for `visible` to show).
fn parse() -> Result<Cli, Error> {
    Cli::try_parse().map_err(|error| {
        let plain = Cli::command()
            .styles(clap::builder::Styles::plain())
            .try_get_matches()
            .err()
            .map_or_else(|| error.render().to_string(), |e| e.render().ansi().to_string());
        Error::Cli { error, plain }
    })
}

fn run() -> Result<Outcome, Error> {
    let cli = parse()?;
    if cli.draft && cli.command.is_some() {
        return Err(Error::Invalid {
            command: "interview",
            message: "--draft is for playing a story; `check` and the tools stay strict".into(),
        });
    }
    match cli.command {
        Some(Command::Check { dir, tags }) => commands::check::run(
            &default_source(dir.or(cli.scenes)),
            commands::check::List { tags },
        ),
        Some(Command::Explore {
            max_states,
            json,
            walkthroughs,
            stats,
        }) => {
            let options = commands::explore::Options {
                max_states,
                json,
                walkthroughs,
                stats,
            };
            commands::explore::run(&default_source(cli.scenes), &options)
        }
        Some(Command::Proof {
            scene,
            max_states,
            json,
            quick,
            sample,
        }) => commands::proof::run(
            &default_source(cli.scenes),
            &commands::proof::Options {
                scenes: scene,
                max_states,
                json,
                quick,
                sample,
            },
        ),
        Some(Command::Randomtest {
            runs,
            seed,
            max_steps,
            json,
            repeats,
        }) => {
            let config = interview::tools::randomtest::Config {
                runs,
                seed: seed.or(cli.seed).unwrap_or(0),
                max_steps,
            };
            let source = default_source(cli.scenes);
            let options = commands::randomtest::Options { config, json };
            match repeats {
                Some(words) => commands::randomtest::run_repeats(&source, &options, words.into()),
                None => commands::randomtest::run(&source, &options),
            }
        }
        Some(Command::Graph { format }) => commands::graph::run(&default_source(cli.scenes), format),
        Some(Command::Replay { files }) => commands::replay::run(&default_source(cli.scenes), &files),
        Some(Command::Bench {
            action: Some(BenchAction::Gen { n, dir, story_seed }),
            ..
        }) => commands::bench::generate(n, story_seed, &dir),
        Some(Command::Bench {
            action: Some(BenchAction::Load { dir, lints }),
            ..
        }) => commands::bench::load_once(&dir, lints),
        Some(Command::Bench {
            action: None,
            n,
            plays,
            story_seed,
            play_seed,
            dir,
            lints,
        }) => commands::bench::run(&commands::bench::BenchConfig {
            n,
            plays,
            seed: story_seed,
            play_seed,
            dir,
            lints,
        }),
        None => {
            let source = cli.scenes.map_or(StorySource::Embedded, StorySource::Dir);
            let options = interview::play::Options {
                seed: cli.seed,
                plain: cli.plain,
                saves: cli.saves,
                resume: cli.resume,
                width: cli.width.map(usize::from),
                echo: cli.echo,
            };
            commands::play::run(&source, &options, cli.draft)
        }
    }
}

/// The story the authoring tools read: `--scenes DIR`, else `./scenes` when it exists, else the
/// built-in story (as `check` without a folder).
fn default_source(scenes: Option<PathBuf>) -> StorySource {
    match scenes {
        Some(d) => StorySource::Dir(d),
        None if std::path::Path::new("scenes").is_dir() => StorySource::Dir("scenes".into()),
        None => StorySource::Embedded,
    }
}
