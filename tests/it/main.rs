//! Every integration test of `interview`, in one test binary: each test binary links the whole
//! crate, so one binary instead of twenty saves most of the build (`cargo test` on two cores).
//!
//! # Adding tests
//!
//! - **A new area**: write `tests/it/AREA.rs` (start it with a `//!` line saying what it covers),
//!   add `mod AREA;` below, and `use crate::support::{...}` for the binary, folders and stories.
//!   Do not add a new top-level `tests/NAME.rs`: that would be another binary linking the crate.
//! - **Data-driven tests** go through one helper per area, so a new case is one call:
//!   `check(fixture, code, headlines)` (and `check_start`, `check_temp`) in `check.rs`,
//!   `check(scenes, Expect)` in `fast_reader.rs`, the `corpus!` list in `hostile_corpus.rs`,
//!   `story(scenes)` and `play(story, seed, inputs)` in `engine.rs`, `run` and `play` in
//!   `repl.rs`, `explore_cli` and `planted` in `tools_explore.rs`, `replay` and `failure` in
//!   `tools_replay.rs`, `randomtest_cli` and `graph` in the other tools' modules.
//! - Helpers more than one area needs go into [`support`]: [`support::interview`] (the binary,
//!   run from the project's root without colour), [`support::at_root`], [`support::cmd`],
//!   [`support::bin`] (its path, for expectrl and `std::process::Command`), [`support::path`],
//!   [`support::temp_dir`], [`support::file`], [`support::load`] (a story folder),
//!   [`support::example`] (the example story, loaded once) and [`support::assert_shows`].
//!
//! # Where things live
//!
//! - Fixtures: `tests/fixtures/` (`check/` one folder per diagnostic, `malformed/` the hostile
//!   corpus, each with its `check.snap`, `play/` small stories for the REPL and saves, `tools/`
//!   for explore, randomtest, graph and replay, `hostile/` the escape-sequence story), and the
//!   story's walkthroughs in `tests/walkthroughs/`. Paths are relative to the project's root
//!   ([`support::ROOT`]), where the tests and the binary run.
//! - Snapshots (insta): `tests/it/snapshots/it__AREA__TEST.snap` (insta names them after the
//!   module path); the corpus's snapshots are `tests/fixtures/malformed/*/check.snap`. Run with
//!   `INSTA_UPDATE=no` to make a missing snapshot fail instead of being written.
//! - Proptest regressions: `tests/proptest-regressions/AREA.txt`. Proptest finds the crate's
//!   root folder (the one holding `main.rs`, here `tests/it/`) and keeps a module's failures in
//!   `proptest-regressions/` beside that folder; commit them there.
//! - `tests/hostile/harness.rs` is the hostile-input harness, a module here ([`harness`]) and
//!   included by path by the fuzz targets (`fuzz/fuzz_targets/*.rs`): keep it free of proptest
//!   and of this crate's `support`.

#[path = "../hostile/harness.rs"]
mod harness;
mod support;

mod authoring_docs;
mod bench_checksums;
mod check;
mod check_unanswered;
mod draft;
mod engine;
mod fast_reader;
mod format2;
mod format2_calls;
mod format2_expr;
mod format2_present;
mod hostile_corpus;
mod hostile_limits;
mod hostile_props;
mod hostile_terminal;
mod layout;
mod play_hostile;
mod pty;
mod repl;
mod repl_frotz;
mod save;
mod save_crash;
mod story;
mod story_hostile;
mod story_metrics;
mod story_walk;
mod syntax_errors;
mod tools_docs;
mod tools_explore;
mod tools_graph;
mod tools_hostile;
mod tools_proof;
mod tools_randomtest;
mod tools_replay;
mod tools_soundness;
