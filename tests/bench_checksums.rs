//! The benchmark story built in our format plays exactly like the reference model: the
//! checksums of `gen_story.py --ref-play` (steps, characters, count sum) are reproduced.

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
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_story.py");
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
