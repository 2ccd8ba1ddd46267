//! Criterion benches for the targets of docs/PERFORMANCE.md: choice steps, loading, start-up.
//! Run with `cargo bench --bench engine` (add `-- load` etc. to pick a group).

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use interview::bench;
use interview::engine;
use interview::story::{Story, load_story};
use std::hint::black_box;
use std::path::PathBuf;

fn story_n(n: usize) -> Story {
    load_story(&bench::generate(n, 1))
        .story
        .expect("the benchmark story loads")
}

/// The random-playthrough protocol (scene text rendered each step), on the 1,000-scene story.
fn steps(c: &mut Criterion) {
    let s = story_n(1000);
    let plays = 100;
    let steps = bench::play(&s, plays, 42).steps;
    let mut g = c.benchmark_group("steps");
    g.throughput(Throughput::Elements(steps));
    g.bench_function("random_playthroughs_n1000", |b| {
        b.iter(|| black_box(bench::play(&s, plays, 42)))
    });
    g.finish();
}

/// Writes the benchmark story of `n` scenes to a temp folder once.
fn on_disk(n: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("interview-criterion-{n}"));
    if !dir.join("story.ron").exists() {
        std::fs::create_dir_all(&dir).unwrap();
        for f in bench::generate(n, 1) {
            std::fs::write(dir.join(&f.name), &f.bytes).unwrap();
        }
    }
    dir
}

/// Read from disk, parse and validate; 10x the scenes should cost about 10x the time.
fn load(c: &mut Criterion) {
    let mut g = c.benchmark_group("load_from_disk");
    g.sample_size(10);
    for n in [100, 1000, 10_000] {
        let dir = on_disk(n);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(format!("n{n}"), |b| {
            b.iter(|| {
                let files = interview::files::read_story_dir(&dir).unwrap();
                black_box(load_story(&files).story.unwrap())
            })
        });
    }
    g.finish();
}

/// What `interview` does before the first scene is on screen: load the embedded story,
/// start a game, render the view.
fn startup(c: &mut Criterion) {
    c.bench_function("startup_embedded_story", |b| {
        b.iter(|| {
            let story = load_story(&interview::files::embedded_story()).story.unwrap();
            let (state, _) = engine::new_game(&story, 7).unwrap();
            black_box(engine::view(&story, &state))
        })
    });
    let story = load_story(&interview::files::embedded_story()).story.unwrap();
    c.bench_function("new_game_and_view", |b| {
        b.iter_batched(
            || (),
            |_| {
                let (state, _) = engine::new_game(&story, 7).unwrap();
                black_box(engine::view(&story, &state))
            },
            BatchSize::SmallInput,
        )
    });
}

/// The *Interview* game at the end of the film's walkthrough (one step before its ending).
fn film_game(story: &Story) -> interview::save::Game {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/walkthroughs/film.ron"
    ))
    .unwrap();
    let inputs: Vec<String> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix('"'))
        .filter_map(|l| l.split('"').next())
        .filter(|l| l.chars().all(|c| c.is_ascii_digit()) && !l.is_empty())
        .map(str::to_owned)
        .collect();
    let (mut game, _) = interview::save::Game::new(story, 7).unwrap();
    for input in &inputs[..inputs.len() - 1] {
        let view = engine::view(story, &game.state);
        let n: usize = input.parse().unwrap();
        game.choose(story, view.choices[n - 1].index).unwrap();
    }
    game
}

/// Saving and loading the *Interview* story late in a game (the load replays every choice).
fn saves(c: &mut Criterion) {
    let story = load_story(&interview::files::embedded_story()).story.unwrap();
    let game = film_game(&story);
    let text = interview::save::to_text(&story, &game, 0);
    println!(
        "save of the film's game at turn {}: {} bytes",
        game.state.turn(),
        text.len()
    );
    c.bench_function("save_interview_to_text", |b| {
        b.iter(|| black_box(interview::save::to_text(&story, &game, 0)))
    });
    c.bench_function("load_interview_from_text", |b| {
        b.iter(|| black_box(interview::save::from_text(&story, &text).unwrap()))
    });
}

/// `explore` on *Interview* (every reachable state), and on the 1,000-scene benchmark story
/// cut at 200,000 states (its space is far larger): the throughput is states per second.
fn explore(c: &mut Criterion) {
    use interview::tools::explore::{Config, explore};
    let mut g = c.benchmark_group("explore");
    g.sample_size(10);
    let story = load_story(&interview::files::embedded_story()).story.unwrap();
    let states = explore(&story, &Config::default(), &mut |_, _| {}).states;
    g.throughput(Throughput::Elements(states as u64));
    g.bench_function("interview_story", |b| {
        b.iter(|| black_box(explore(&story, &Config::default(), &mut |_, _| {})))
    });
    let bench_story = story_n(1000);
    let config = Config {
        max_states: 200_000,
        ..Config::default()
    };
    g.throughput(Throughput::Elements(200_000));
    g.bench_function("bench_story_n1000_200k_states", |b| {
        b.iter(|| black_box(explore(&bench_story, &config, &mut |_, _| {})))
    });
    g.finish();
}

criterion_group!(benches, steps, load, startup, saves, explore);
criterion_main!(benches);
