//! Playing a story: the loop between the player and the engine.

use crate::commands::{StorySource, load_or_report};
use crate::engine::{self, GameState, View};
use crate::story::Story;
use std::io::{BufRead, Write};

/// Plays the story from stdin to stdout; returns the exit code.
pub fn run(source: &StorySource, seed: Option<u64>) -> u8 {
    let (story, _) = match load_or_report(source) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let seed = seed.unwrap_or_else(rand::random);
    let stdin = std::io::stdin();
    let mut out = anstream::stdout().lock();
    let (mut state, outcome) = match engine::new_game(&story, seed) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(out, "error: {e}");
            return 1;
        }
    };
    for text in &outcome.passed {
        let _ = writeln!(out, "{text}\n");
    }
    show(&story, &state, &mut out);
    let mut lines = stdin.lock().lines();
    loop {
        if engine::ending(&story, &state).is_some() {
            return 0;
        }
        let _ = write!(out, "> ");
        let _ = out.flush();
        let Some(Ok(line)) = lines.next() else { return 0 };
        let view = engine::view(&story, &state);
        match pick(&view, line.trim()) {
            Ok(index) => match engine::choose(&story, &mut state, index) {
                Ok(outcome) => {
                    for text in &outcome.passed {
                        let _ = writeln!(out, "\n{text}");
                    }
                    let _ = writeln!(out);
                    show(&story, &state, &mut out);
                }
                Err(e) => {
                    let _ = writeln!(out, "{e}");
                }
            },
            Err(msg) => {
                let _ = writeln!(out, "{msg}");
            }
        }
    }
}

fn show(story: &Story, state: &GameState, out: &mut impl Write) {
    let view = engine::view(story, state);
    let _ = writeln!(out, "{}\n", view.text);
    if let Some(e) = view.ending {
        let _ = writeln!(out, "THE END: {}", story.ending(e).title);
        return;
    }
    for (n, c) in view.choices.iter().enumerate() {
        let _ = match (&c.reason, c.available) {
            (_, true) => writeln!(out, "{}. {}", n + 1, c.text),
            (Some(why), false) => writeln!(out, "{}. ({}) {}", n + 1, why, c.text),
            (None, false) => writeln!(out, "{}. (unavailable) {}", n + 1, c.text),
        };
    }
}

/// The choice a line of input names: its number as shown, or an unambiguous start of its text.
pub fn pick(view: &View, input: &str) -> Result<usize, String> {
    if let Ok(n) = input.parse::<usize>() {
        return match view.choices.get(n.wrapping_sub(1)) {
            Some(c) => Ok(c.index),
            None => Err(format!("choose a number from 1 to {}", view.choices.len())),
        };
    }
    let lower = input.to_lowercase();
    let matches: Vec<_> = view
        .choices
        .iter()
        .filter(|c| !lower.is_empty() && c.text.to_lowercase().starts_with(&lower))
        .collect();
    match matches.as_slice() {
        [one] => Ok(one.index),
        [] => Err("no choice starts like that".into()),
        _ => Err("more than one choice starts like that".into()),
    }
}
