//! The shared benchmark story, in our format, and its random-playthrough protocol.
//!
//! `../shared/bench/gen_story.py` defines a synthetic branching story of N scenes and a
//! protocol of seeded random playthroughs; the ink runtimes run the same story and protocol.
//! This module builds that exact story as RON files ([`generate`]) and plays the protocol on our
//! engine ([`play`]); equal checksums with the reference prove we do the same work as the peers.
//! Pure: the caller writes the files or times the calls.

use crate::engine;
use crate::story::{SourceFile, Story};
use std::fmt::Write;

/// The PRNG of the model: xorshift32 with the generator's seeding.
#[derive(Debug, Clone)]
pub struct XorShift32(u32);

impl XorShift32 {
    pub fn new(seed: u64) -> XorShift32 {
        let x = (seed.wrapping_mul(2_654_435_761).wrapping_add(12_345) & 0xFFFF_FFFF) as u32;
        XorShift32(if x == 0 { 1 } else { x })
    }

    pub fn next_u32(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }

    pub fn below(&mut self, n: u32) -> u32 {
        self.next_u32() % n
    }
}

const FLAGS: u32 = 10;
const END_RATE: u32 = 40;
const JUMP: u32 = 5;
/// Scenes per generated file (each file stays well under the 4 MiB limit).
const SCENES_PER_FILE: usize = 1000;
const WORDS: [&str; 64] = [
    "the", "old", "door", "river", "lantern", "quiet", "stone", "wind", "you", "see", "a", "path", "into",
    "forest", "beneath", "tower", "light", "dark", "whisper", "echo", "across", "bridge", "cold", "warm",
    "shadow", "gate", "key", "map", "north", "south", "east", "west", "slowly", "softly", "distant", "bell",
    "rings", "and", "then", "silence", "falls", "over", "market", "square", "where", "merchant", "waits",
    "with", "coin", "letter", "sealed", "red", "wax", "candle", "flickers", "near", "window", "rain", "taps",
    "glass", "your", "hand", "feels", "steady",
];

fn cap(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The benchmark story of `n` scenes (n >= 2) as story files: `story.ron` and scene files.
pub fn generate(n: usize, seed: u64) -> Vec<SourceFile> {
    assert!(n >= 2, "the benchmark story needs at least 2 scenes");
    let mut rng = XorShift32::new(seed);
    let mut files = Vec::new();
    let mut manifest = String::from(
        "Story(\n    id: \"bench\",\n    title: \"Benchmark\",\n    start: \"k_0\",\n    variables: {\n        \"count\": Int(value: 0),\n",
    );
    for f in 0..FLAGS {
        let _ = writeln!(manifest, "        \"flag_{f}\": Bool(false),");
    }
    manifest.push_str("    },\n    endings: { \"end\": \"The End\" },\n)\n");
    files.push(SourceFile {
        name: "story.ron".into(),
        bytes: manifest.into_bytes(),
    });

    let mut out = String::from("[\n");
    for i in 0..n {
        let e = rng.below(END_RATE);
        let is_end = i == n - 1 || (i > 0 && e == 0);
        let w = 70 + rng.below(21);
        let _ = write!(out, "Scene(id: \"k_{i}\", text: \"");
        let mut cap_next = true;
        for j in 1..=w {
            let word = WORDS[rng.below(64) as usize];
            if j > 1 {
                out.push(' ');
            }
            if cap_next {
                out.push_str(&cap(word));
            } else {
                out.push_str(word);
            }
            cap_next = false;
            if j % 10 == 0 || j == w {
                out.push('.');
                cap_next = true;
            }
        }
        out.push('"');
        if is_end {
            out.push_str(", ending: \"end\"),\n");
        } else {
            out.push_str(", choices: [\n");
            let c = 2 + rng.below(3);
            for j in 0..c {
                let target = (i + 1 + rng.below(JUMP) as usize).min(n - 1);
                let cond = if j > 0 {
                    match rng.below(6) {
                        3 => format!(", if: Flag(\"flag_{}\")", rng.below(FLAGS)),
                        4 => format!(", if: Not(Flag(\"flag_{}\"))", rng.below(FLAGS)),
                        5 => format!(", if: Compare(\"count\", \">=\", {})", 1 + rng.below(10)),
                        _ => String::new(),
                    }
                } else {
                    String::new()
                };
                let effect = match rng.below(8) {
                    3 | 4 => ", effects: [Add(\"count\", 1)]".to_string(),
                    5 | 6 => format!(", effects: [Set(\"flag_{}\", true)]", rng.below(FLAGS)),
                    7 => format!(", effects: [Set(\"flag_{}\", false)]", rng.below(FLAGS)),
                    _ => String::new(),
                };
                let nl = 2 + rng.below(4);
                let words: Vec<&str> = (0..nl).map(|_| WORDS[rng.below(64) as usize]).collect();
                let text = std::iter::once(cap(words[0]))
                    .chain(words[1..].iter().map(|w| w.to_string()))
                    .collect::<Vec<_>>()
                    .join(" ");
                let _ = writeln!(
                    out,
                    "    Choice(text: \"{text}\", goto: \"k_{target}\"{cond}{effect}),"
                );
            }
            out.push_str("]),\n");
        }
        if (i + 1) % SCENES_PER_FILE == 0 || i == n - 1 {
            out.push_str("]\n");
            let name = format!("scenes_{:05}.ron", i / SCENES_PER_FILE);
            files.push(SourceFile {
                name,
                bytes: std::mem::take(&mut out).into_bytes(),
            });
            out.push_str("[\n");
        }
    }
    files
}

/// The checksums of the protocol, as the reference prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Checksums {
    pub plays: u64,
    pub steps: u64,
    pub chars: u64,
    pub count_sum: i64,
    pub max_steps: u64,
}

/// Runs `plays` random playthroughs (the model's protocol): render each scene's text, pick
/// `below(available)` with the model's PRNG seeded by `play_seed`, until an ending.
pub fn play(story: &Story, plays: u64, play_seed: u64) -> Checksums {
    let count = story
        .var_by_name("count")
        .expect("the benchmark story declares `count`");
    let mut rng = XorShift32::new(play_seed);
    let mut sums = Checksums {
        plays,
        ..Checksums::default()
    };
    let mut text = String::new();
    let mut avail = Vec::new();
    for _ in 0..plays {
        let (mut state, _) = engine::new_game(story, 0).expect("the benchmark story starts");
        let mut steps = 0;
        loop {
            engine::render_text_into(&state, &story.scene(state.scene()).text, &mut text);
            sums.chars += text.len() as u64 + 1;
            engine::available(story, &state, &mut avail);
            if avail.is_empty() {
                break;
            }
            let pick = avail[rng.below(avail.len() as u32) as usize];
            engine::choose(story, &mut state, pick).expect("an available choice is taken");
            steps += 1;
        }
        sums.steps += steps;
        sums.max_steps = sums.max_steps.max(steps);
        if let crate::story::Value::Int(c) = state.var(count) {
            sums.count_sum += c;
        }
    }
    sums
}
