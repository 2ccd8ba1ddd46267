//! The benchmark story built in our format plays exactly like the reference model: the
//! checksums of `gen_story.py --ref-play` (steps, characters, count sum) are reproduced.

use crate::support;
use interview::bench;
use interview::story::load_story;

fn checksums(n: usize, plays: u64) -> bench::Checksums {
    let files = bench::generate(n, 1);
    let loaded = load_story(&files);
    let errors: Vec<String> = loaded.errors().map(|d| d.headline()).collect();
    let story = loaded
        .story
        .unwrap_or_else(|| panic!("the benchmark story loads: {errors:#?}"));
    bench::play(&story, plays, 42)
}

/// `python3 gen_story.py 100 --ref-play 1000` prints
/// {"plays": 1000, "seed": 42, "steps": 23428, "chars": 11405194, "count_sum": 6111, "max_steps": 44}
#[test]
fn n100_matches_the_reference_checksums() {
    let got = checksums(100, 1000);
    let want = bench::Checksums {
        plays: 1000,
        steps: 23428,
        chars: 11_405_194,
        count_sum: 6111,
        max_steps: 44,
    };
    assert_eq!(got, want);
}

/// When the shared generator is at hand, compare with it live as well (other N, other plays).
#[test]
fn matches_the_live_reference_when_available() {
    let script = support::root().join("../shared/bench/gen_story.py");
    if !script.exists() {
        eprintln!("skipped: {} not found", script.display());
        return;
    }
    let Ok(out) = std::process::Command::new("python3")
        .arg(&script)
        .args(["300", "--ref-play", "200"])
        .output()
    else {
        eprintln!("skipped: python3 not found");
        return;
    };
    let reference = String::from_utf8(out.stdout).unwrap();
    let got = checksums(300, 200);
    let ours = format!(
        "{{\"plays\": {}, \"seed\": 42, \"steps\": {}, \"chars\": {}, \"count_sum\": {}, \"max_steps\": {}}}",
        got.plays, got.steps, got.chars, got.count_sum, got.max_steps
    );
    assert_eq!(ours, reference.trim());
}

/// `interview bench` as a user runs it: one JSON line with the reference checksums, and load
/// figures measured both in fresh processes (`bench load`) and in-process. No time is asserted,
/// only that each figure is there and plausible.
#[test]
fn the_bench_command_prints_one_json_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = support::cmd()
        .args(["bench", "--n", "100", "--plays", "1000", "--dir"])
        .arg(dir.path().join("missing"))
        .output()
        .unwrap();
    assert!(!out.status.success(), "a missing folder is an error");

    let story = dir.path().join("story");
    support::cmd()
        .args(["bench", "gen", "100"])
        .arg(&story)
        .assert()
        .success();
    let out = support::cmd()
        .args(["bench", "--plays", "1000", "--dir"])
        .arg(&story)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["n"], 100);
    assert_eq!(v["steps"], 23428);
    assert_eq!(v["chars"], 11_405_194);
    assert_eq!(v["count_sum"], 6111);
    assert_eq!(v["max_steps"], 44);
    for key in [
        "load_ms_median",
        "load_ms_warm_median",
        "steps_per_sec",
        "ns_per_step",
    ] {
        assert!(v[key].as_f64().is_some_and(|x| x > 0.0), "{key} in {text}");
    }
    let before = v["peak_rss_kib_before_load"].as_u64();
    let after = v["peak_rss_kib_after_load"].as_u64();
    if let (Some(before), Some(after)) = (before, after) {
        assert!(after >= before, "{text}");
    }

    // The fresh-process measurement on its own.
    let out = support::cmd()
        .args(["bench", "load"])
        .arg(&story)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["load_ms"].as_f64().is_some_and(|x| x > 0.0), "{v}");
}
