//! Loads one story folder once and prints how many diagnostics it has: the smallest program
//! around `load_story_with`, for profilers (see docs/PERFORMANCE.md). Without `--lints` it loads
//! as `play` and `bench` do; with it, as `check` does.
//!
//! ```sh
//! cargo build --release --example load_story
//! valgrind --tool=callgrind ./target/release/examples/load_story /tmp/bench-10000
//! ```

use interview::story::{LoadOptions, load_story_with};

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let lints = args.iter().any(|a| a == "--lints");
    let Some(dir) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: load_story DIR [--lints]");
        return std::process::ExitCode::from(2);
    };
    let files = match interview::files::read_story_dir(std::path::Path::new(dir)) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("load_story: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let loaded = load_story_with(
        &files,
        &LoadOptions {
            lints,
            ..LoadOptions::default()
        },
    );
    println!(
        "{} scenes, {} diagnostics",
        loaded.story.as_ref().map_or(0, |s| s.scenes().len()),
        loaded.diagnostics.len()
    );
    std::process::ExitCode::SUCCESS
}
