//! `interview bench`: the benchmark figures and checksums as one JSON line, so anyone can
//! re-run the comparison with the ink runtimes (see docs/PERFORMANCE.md).

use super::{Error, Outcome};
use crate::bench;
use crate::files;
use crate::story::LoadOptions;
use std::path::{Path, PathBuf};
use std::time::Instant;

const COMMAND: &str = "interview bench";

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
pub fn generate(n: usize, seed: u64, dir: &Path) -> Result<Outcome, Error> {
    const COMMAND: &str = "interview bench gen";
    if n < 2 {
        return Err(Error::Invalid {
            command: COMMAND,
            message: "the benchmark story needs at least 2 scenes".into(),
        });
    }
    write_story(n, seed, dir).map_err(|e| Error::Failed {
        command: COMMAND,
        message: format!("{}: {e}", dir.display()),
    })?;
    Ok(Outcome::Success)
}

fn write_story(n: usize, seed: u64, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for f in bench::generate(n, seed) {
        std::fs::write(dir.join(&f.name), &f.bytes)?;
    }
    Ok(())
}

/// How many times each load is measured (the median is reported).
const LOADS: usize = 5;

/// Loads the story from disk, plays the protocol, prints one JSON line.
///
/// Loads are timed two ways. `load_ms_median`: each load in a fresh process (this program,
/// `bench load DIR`), from reading the files to the validated story, as a player who starts
/// the game waits for it; its memory is touched for the first time, as then. `load_ms_warm_median`:
/// repeated loads in this process, the way criterion measures them, where the allocator reuses
/// the memory of the previous load (cheaper for a story that fits in the allocator's cache of
/// freed memory, so the two grow differently with the story's size; see docs/PERFORMANCE.md).
pub fn run(cfg: &BenchConfig) -> Result<Outcome, Error> {
    let failed = |message: String| Error::Failed { command: COMMAND, message };
    let dir = match &cfg.dir {
        Some(d) => d.clone(),
        None => {
            if cfg.n < 2 {
                return Err(Error::Invalid {
                    command: COMMAND,
                    message: "the benchmark story needs at least 2 scenes".into(),
                });
            }
            let d = std::env::temp_dir().join(format!("interview-bench-{}-{}", cfg.n, cfg.seed));
            write_story(cfg.n, cfg.seed, &d).map_err(|e| failed(format!("{}: {e}", d.display())))?;
            d
        }
    };

    let mut fresh = Vec::new();
    for _ in 0..LOADS {
        fresh.push(load_in_fresh_process(&dir, cfg.lints).map_err(failed)?);
    }
    fresh.sort_by(|a, b| a.ms.total_cmp(&b.ms));
    let median = &fresh[LOADS / 2];

    let mut warm_times = Vec::new();
    let mut story = None;
    for _ in 0..LOADS {
        drop(story.take());
        let (ms, loaded) = timed_load(&dir, cfg.lints)?;
        warm_times.push(ms);
        story = Some(loaded);
    }
    let Some(story) = story else {
        return Err(failed("no load was measured".into()));
    };
    warm_times.sort_by(f64::total_cmp);

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
        "load_ms_median": round3(median.ms),
        "load_ms_warm_median": round3(warm_times[LOADS / 2]),
        "load_with_lints": cfg.lints,
        "steps_per_sec": (sums.steps as f64 / secs).round(),
        "ns_per_step": (secs * 1e9 / sums.steps.max(1) as f64 * 10.0).round() / 10.0,
        "peak_rss_kib_before_load": median.rss_before_kib,
        "peak_rss_kib_after_load": fresh.iter().filter_map(|m| m.rss_after_kib).max(),
    });
    println!("{line}");
    Ok(Outcome::Success)
}

/// `bench load DIR`: one load, timed, with the process's peak memory before and after, as one
/// JSON line for [`run`].
pub fn load_once(dir: &Path, lints: bool) -> Result<Outcome, Error> {
    let rss_before = peak_rss_kib();
    let (ms, story) = timed_load(dir, lints)?;
    let rss_after = peak_rss_kib();
    let line = serde_json::json!({
        "load_ms": ms,
        "rss_before_kib": rss_before,
        "rss_after_kib": rss_after,
    });
    println!("{line}");
    // The process ends here: freeing the story would only cost time.
    std::mem::forget(story);
    Ok(Outcome::Success)
}

/// Reads and loads the story folder; the time in milliseconds, or why not.
fn timed_load(dir: &Path, lints: bool) -> Result<(f64, crate::story::Story), Error> {
    let t = Instant::now();
    let read = files::read_story(dir).map_err(|source| Error::Folder {
        command: COMMAND,
        source,
    })?;
    let loaded = super::load_files(&read, &LoadOptions { lints });
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    match loaded.story {
        Some(s) => Ok((ms, s)),
        None => Err(Error::Failed {
            command: COMMAND,
            message: format!("{} is not a valid story; run `interview check` on it", dir.display()),
        }),
    }
}

/// One load measured in a fresh process.
struct FreshLoad {
    ms: f64,
    rss_before_kib: Option<u64>,
    rss_after_kib: Option<u64>,
}

fn load_in_fresh_process(dir: &Path, lints: bool) -> Result<FreshLoad, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program to rerun it: {e}"))?;
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("bench").arg("load").arg(dir);
    if lints {
        cmd.arg("--lints");
    }
    let out = cmd
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot rerun this program: {e}"))?;
    if !out.status.success() {
        return Err(format!("loading {} failed", dir.display()));
    }
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("unexpected output of `bench load`: {e}"))?;
    let ms = v["load_ms"]
        .as_f64()
        .ok_or_else(|| "unexpected output of `bench load`: no load_ms".to_string())?;
    Ok(FreshLoad {
        ms,
        rss_before_kib: v["rss_before_kib"].as_u64(),
        rss_after_kib: v["rss_after_kib"].as_u64(),
    })
}

fn round3(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

/// The process's peak resident set size (Linux `VmHWM`), when the system tells.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
