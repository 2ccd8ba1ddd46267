//! `interview bench`: the benchmark figures and checksums as one JSON line, so anyone can
//! re-run the comparison with the ink runtimes (see docs/PERFORMANCE.md).

use crate::bench;
use crate::files;
use crate::story::{LoadOptions, load_story_with};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What to measure.
#[derive(Debug, Clone)]
pub struct BenchConfig {
    /// Scenes of the generated story (ignored with `dir`).
    pub n: usize,
    /// Random playthroughs.
    pub plays: u64,
    pub seed: u64,
    pub play_seed: u64,
    /// A story folder made by `interview bench gen` (otherwise one is generated in a temp dir).
    pub dir: Option<PathBuf>,
    /// Also compute the warnings of `check` while loading (a game does not).
    pub lints: bool,
}

/// Writes the benchmark story of `n` scenes into `dir`.
pub fn generate(n: usize, seed: u64, dir: &Path) -> u8 {
    if n < 2 {
        eprintln!("interview bench gen: the benchmark story needs at least 2 scenes");
        return 2;
    }
    match write_story(n, seed, dir) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("interview bench gen: {}: {e}", dir.display());
            1
        }
    }
}

fn write_story(n: usize, seed: u64, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for f in bench::generate(n, seed) {
        std::fs::write(dir.join(&f.name), &f.bytes)?;
    }
    Ok(())
}

/// Loads the story from disk (median of 5), plays the protocol, prints one JSON line.
pub fn run(cfg: &BenchConfig) -> u8 {
    let dir = match &cfg.dir {
        Some(d) => d.clone(),
        None => {
            if cfg.n < 2 {
                eprintln!("interview bench: the benchmark story needs at least 2 scenes");
                return 2;
            }
            let d = std::env::temp_dir().join(format!("interview-bench-{}-{}", cfg.n, cfg.seed));
            if let Err(e) = write_story(cfg.n, cfg.seed, &d) {
                eprintln!("interview bench: {}: {e}", d.display());
                return 1;
            }
            d
        }
    };
    let rss_before = peak_rss_kib();
    let mut load_times = Vec::new();
    let mut story = None;
    let mut rss_after_load = None;
    for _ in 0..5 {
        // Drop the previous story first: the peak is that of one load.
        drop(story.take());
        let t = Instant::now();
        let loaded = match files::read_story_dir(&dir) {
            Ok(f) => load_story_with(&f, &LoadOptions { lints: cfg.lints }),
            Err(e) => {
                eprintln!("interview bench: {e}");
                return 2;
            }
        };
        load_times.push(t.elapsed().as_secs_f64() * 1000.0);
        rss_after_load = rss_after_load.or_else(peak_rss_kib);
        match loaded.story {
            Some(s) => story = Some(s),
            None => {
                eprintln!(
                    "interview bench: {} is not a valid story; run `interview check` on it",
                    dir.display()
                );
                return 1;
            }
        }
    }
    let Some(story) = story else { return 1 };
    load_times.sort_by(f64::total_cmp);

    let t = Instant::now();
    let sums = bench::play(&story, cfg.plays, cfg.play_seed);
    let secs = t.elapsed().as_secs_f64();

    let line = serde_json::json!({
        "engine": "interview",
        "n": story.scenes().len(),
        "plays": sums.plays,
        "seed": cfg.play_seed,
        "steps": sums.steps,
        "chars": sums.chars,
        "count_sum": sums.count_sum,
        "max_steps": sums.max_steps,
        "load_ms_median": (load_times[2] * 1000.0).round() / 1000.0,
        "load_with_lints": cfg.lints,
        "steps_per_sec": (sums.steps as f64 / secs).round(),
        "ns_per_step": (secs * 1e9 / sums.steps.max(1) as f64 * 10.0).round() / 10.0,
        "peak_rss_kib_before_load": rss_before,
        "peak_rss_kib_after_load": rss_after_load,
    });
    println!("{line}");
    0
}

/// The process's peak resident set size (Linux `VmHWM`), when the system tells.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
