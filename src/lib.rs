//! Interview: a choice-based interactive-fiction engine driven by RON scene files.
//!
//! - [`story`]: the file format, the loader and its diagnostics, the validated [`story::Story`].
//! - [`engine`]: the game state and the step function; pure, deterministic, no I/O.
//! - [`files`]: reading story folders (and the story embedded in the binary), walkthrough
//!   files, and writing files whole.
//! - [`matching`]: what a player typed, matched to the choices on screen.
//! - [`commands`]: one function per subcommand of the binary, returning `Result<Outcome, Error>`.
//! - [`play`]: playing a story in the terminal.
//! - [`save`]: the save format, saves folder and carrying a game over to an edited story.
//! - [`bench`]: the shared benchmark story and its playthrough protocol.
//! - [`tools`]: authoring tools: explore, randomtest, graph, replay.
//!
//! See `ARCHITECTURE.md` for the bird's-eye view.

pub mod bench;
pub mod commands;
pub mod engine;
pub mod files;
pub mod matching;
pub mod play;
pub mod save;
pub mod story;
pub mod tools;
