//! Loads one story folder once and prints how many diagnostics it has: the smallest program
//! around `load_story`, for profilers (see docs/PERFORMANCE.md):
//!
//! ```sh
//! cargo build --release --example load_story
//! valgrind --tool=callgrind ./target/release/examples/load_story /tmp/bench-10000
//! ```

fn main() -> std::process::ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: load_story DIR");
        return std::process::ExitCode::from(2);
    };
    let files = match interview::files::read_story_dir(std::path::Path::new(&dir)) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("load_story: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let loaded = interview::story::load_story(&files);
    println!(
        "{} scenes, {} diagnostics",
        loaded.story.as_ref().map_or(0, |s| s.scenes().len()),
        loaded.diagnostics.len()
    );
    std::process::ExitCode::SUCCESS
}
