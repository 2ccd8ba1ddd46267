//! `interview replay`: walkthrough files played against a story, without a terminal.
//!
//! A walkthrough is a seed, the player's inputs, texts that must and must not appear, and the
//! ending it must reach. It is played with the engine's own dice (the seed's generator) and
//! the same choice picking as the game ([`crate::matching::pick`]), so a walkthrough that passes
//! here plays the same when its inputs are typed into `interview --seed N`.
//!
//! Texts are matched against everything the run shows (scene texts, texts of scenes passed
//! through, choice texts and reasons, `THE END: title`), with every run of whitespace read as
//! one space, so an expected text may be wrapped freely in the file.

use super::{plural, squash};
use crate::engine::{self, GameState, Outcome, View};
use crate::story::{EndingId, Story, limits};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A walkthrough file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Walkthrough")]
pub struct Walkthrough {
    /// The game seed.
    pub seed: u64,
    /// One line of player input each: a choice number as shown, or the start of its text.
    pub inputs: Vec<String>,
    /// Texts that must appear in the run.
    #[serde(default)]
    pub expect: Vec<String>,
    /// Texts that must not appear in the run.
    #[serde(default)]
    pub reject: Vec<String>,
    /// The id of the ending the run must reach; none for a walkthrough that stops mid-game.
    #[serde(default)]
    pub ending: Option<String>,
}

/// Why a walkthrough file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{col}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl Walkthrough {
    /// Reads a walkthrough from the text of its file.
    pub fn parse(text: &str) -> Result<Walkthrough, ParseError> {
        ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
            .with_recursion_limit(limits::DEPTH)
            .from_str(text)
            .map_err(|e| {
                // RON's messages start with a capital; ours do not.
                let message = e.code.to_string();
                let mut chars = message.chars();
                let message = match chars.next() {
                    Some(first) => first.to_lowercase().chain(chars).collect(),
                    None => message,
                };
                ParseError {
                    line: e.span.start.line,
                    col: e.span.start.col,
                    message,
                }
            })
    }

    /// The walkthrough as the text of a file, under a `//` comment.
    pub fn to_ron(&self, comment: &str) -> String {
        let list = |items: &[String]| {
            let quoted: Vec<String> = items.iter().map(|s| quote(s)).collect();
            format!("[{}]", quoted.join(", "))
        };
        let mut out = String::new();
        for line in comment.lines() {
            out.push_str(&format!("// {line}\n"));
        }
        out.push_str("Walkthrough(\n");
        out.push_str(&format!("    seed: {},\n", self.seed));
        out.push_str(&format!("    inputs: {},\n", list(&self.inputs)));
        out.push_str(&format!("    expect: {},\n", list(&self.expect)));
        out.push_str(&format!("    reject: {},\n", list(&self.reject)));
        if let Some(e) = &self.ending {
            out.push_str(&format!("    ending: {},\n", quote(e)));
        }
        out.push_str(")\n");
        out
    }
}

/// A RON string literal, escaped as little as it can be: `"`, `\\`, control characters and
/// the like are escaped as in Rust ([`str::escape_debug`]); apostrophes are left as they are.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut escaped = s.escape_debug();
    while let Some(c) = escaped.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        // Every `\` starts an escape; `\'` is the one a RON string does not need.
        match escaped.next() {
            Some('\'') => out.push('\''),
            Some(next) => {
                out.push('\\');
                out.push(next);
            }
            None => out.push('\\'),
        }
    }
    out.push('"');
    out
}

/// Where in a run something happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum At {
    /// Before the first input.
    Start,
    /// At input number `n` (from 1).
    Step { n: usize, input: String },
    /// After the last input that was played.
    End { inputs: usize },
}

/// The first way a walkthrough failed, with where and what the run showed there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub at: At,
    /// The scene the game was in.
    pub scene: String,
    pub message: String,
    /// The choices on screen at that point, as shown (`1. Climb on`).
    pub choices: Vec<String>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.at {
            At::Start => write!(f, "at the start, in scene `{}`", self.scene)?,
            At::Step { n, input } => write!(f, "step {n} (input {input:?}), in scene `{}`", self.scene)?,
            At::End { inputs } => write!(
                f,
                "at the end (after {}), in scene `{}`",
                plural(*inputs, "input"),
                self.scene
            )?,
        }
        write!(f, ": {}", self.message)?;
        if !self.choices.is_empty() {
            write!(f, "\n    the choices were: {}", self.choices.join(" | "))?;
        }
        Ok(())
    }
}

/// What a walkthrough's run showed and where it stopped.
#[derive(Debug, Clone)]
pub struct Played {
    /// Everything shown, squashed (see the module doc), screens separated by a space.
    pub transcript: String,
    /// The length of the transcript after the start (index 0) and after each input played.
    pub marks: Vec<usize>,
    /// The scene the run stopped in (its id).
    pub scene: String,
    pub ending: Option<EndingId>,
    /// The text of the last scene shown, as the engine renders it.
    pub screen: String,
    /// An input that could not be played, or an error of the story.
    pub failure: Option<Failure>,
}

/// Plays a walkthrough's inputs from its seed; stops at the first input that cannot be played.
pub fn play(story: &Story, w: &Walkthrough) -> Played {
    let mut played = Played {
        transcript: String::new(),
        marks: Vec::new(),
        scene: story.scene(story.start()).id.clone(),
        ending: None,
        screen: String::new(),
        failure: None,
    };
    let mut state = match engine::new_game(story, w.seed) {
        Ok((state, outcome)) => {
            show(story, &state, &outcome, &mut played);
            state
        }
        Err(e) => {
            played.failure = Some(Failure {
                at: At::Start,
                scene: played.scene.clone(),
                message: e.to_string(),
                choices: Vec::new(),
            });
            return played;
        }
    };
    for (i, input) in w.inputs.iter().enumerate() {
        let view = engine::view(story, &state);
        let scene = story.scene(state.scene()).id.clone();
        let fail = |message: String| Failure {
            at: At::Step {
                n: i + 1,
                input: input.clone(),
            },
            scene: scene.clone(),
            message,
            choices: shown_choices(&view),
        };
        let failure = if let Some(e) = view.ending {
            fail(format!(
                "the game is over (ending `{}`), but inputs remain",
                story.ending(e).id
            ))
        } else if view.is_dead_end() {
            fail("a dead end: no choice is available here".into())
        } else {
            match crate::matching::pick(&view, input.trim()) {
                Err(msg) => fail(msg),
                Ok(index) => match engine::choose(story, &mut state, index) {
                    Err(e) => fail(e.to_string()),
                    Ok(outcome) => {
                        show(story, &state, &outcome, &mut played);
                        continue;
                    }
                },
            }
        };
        played.scene = story.scene(state.scene()).id.clone();
        played.failure = Some(failure);
        return played;
    }
    played
}

/// Adds one screen to the transcript: the reply, the texts passed, the scene (unless the
/// choice stayed in it: its text is on screen already), its choices, the end.
fn show(story: &Story, state: &GameState, outcome: &Outcome, played: &mut Played) {
    let view = engine::view(story, state);
    let mut add = |text: &str| {
        let text = squash(text);
        if !text.is_empty() {
            if !played.transcript.is_empty() {
                played.transcript.push(' ');
            }
            played.transcript.push_str(&text);
        }
    };
    if let Some(reply) = &outcome.reply {
        add(reply);
    }
    for text in &outcome.passed {
        add(text);
    }
    if !outcome.stayed {
        add(&view.text);
    }
    for c in &view.choices {
        add(&c.text);
        if let Some(why) = &c.reason {
            add(why);
        }
    }
    if let Some(e) = view.ending {
        add(&format!("THE END: {}", story.ending(e).title));
    }
    played.marks.push(played.transcript.len());
    played.scene = story.scene(state.scene()).id.clone();
    played.ending = view.ending;
    played.screen = view.text;
}

fn shown_choices(view: &View) -> Vec<String> {
    view.choices
        .iter()
        .enumerate()
        .map(|(n, c)| match (&c.reason, c.available) {
            (_, true) => format!("{}. {}", n + 1, c.text),
            (Some(why), false) => format!("{}. ({why}) {}", n + 1, c.text),
            (None, false) => format!("{}. (unavailable) {}", n + 1, c.text),
        })
        .collect()
}

/// What a walkthrough that passed did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passed {
    pub inputs: usize,
    pub ending: Option<String>,
}

/// Plays a walkthrough and checks it: the first mismatch in the order of the run, or a pass.
pub fn check(story: &Story, w: &Walkthrough) -> Result<Passed, Failure> {
    let start = story.scene(story.start()).id.clone();
    let target = match &w.ending {
        None => None,
        Some(id) => match story.ending_by_name(id) {
            Some(e) => Some(e),
            None => {
                let known: Vec<&str> = story.endings().iter().map(|e| e.id.as_str()).collect();
                return Err(Failure {
                    at: At::Start,
                    scene: start,
                    message: format!(
                        "the walkthrough expects the ending `{id}`, which the story does not have \
                         (its endings: {})",
                        known.join(", ")
                    ),
                    choices: Vec::new(),
                });
            }
        },
    };
    let played = play(story, w);
    let steps_played = played.marks.len().saturating_sub(1);
    let at_step = |k: usize| match k {
        0 => At::Start,
        k => At::Step {
            n: k,
            input: w.inputs.get(k - 1).cloned().unwrap_or_default(),
        },
    };
    // A text that must not appear: the step where it first shows.
    let rejected = w.reject.iter().filter_map(|r| {
        let needle = squash(r);
        if needle.is_empty() {
            return None;
        }
        let end = played.transcript.find(&needle)? + needle.len();
        let step = played.marks.iter().position(|&m| m >= end)?;
        Some((step, needle))
    });
    if let Some((step, needle)) = rejected.min_by_key(|(step, _)| *step) {
        let failed_earlier = played.failure.as_ref().is_some_and(|f| match &f.at {
            At::Start => true,
            At::Step { n, .. } => *n <= step,
            At::End { .. } => false,
        });
        if !failed_earlier {
            return Err(Failure {
                at: at_step(step),
                scene: scene_after(story, w, step).unwrap_or_else(|| played.scene.clone()),
                message: format!("this text must not appear, but it does: {needle:?}"),
                choices: Vec::new(),
            });
        }
    }
    if let Some(f) = played.failure {
        return Err(f);
    }
    let at_end = |message: String| Failure {
        at: At::End { inputs: steps_played },
        scene: played.scene.clone(),
        message,
        choices: Vec::new(),
    };
    for e in &w.expect {
        let needle = squash(e);
        if !played.transcript.contains(&needle) {
            let last: String = squash(&played.screen).chars().take(160).collect();
            return Err(at_end(format!(
                "this text never appeared: {needle:?}\n    the last scene's text: {last:?}"
            )));
        }
    }
    if let Some(target) = target
        && played.ending != Some(target)
    {
        let wanted = &story.ending(target).id;
        let got = match played.ending {
            Some(e) => format!("it reached the ending `{}`", story.ending(e).id),
            None => "the game has not ended".to_owned(),
        };
        return Err(at_end(format!("expected the ending `{wanted}`, but {got}")));
    }
    Ok(Passed {
        inputs: steps_played,
        ending: played.ending.map(|e| story.ending(e).id.clone()),
    })
}

/// The scene the run stands in after `step` inputs (replayed: the transcript keeps no scenes).
fn scene_after(story: &Story, w: &Walkthrough, step: usize) -> Option<String> {
    let short = Walkthrough {
        inputs: w.inputs.iter().take(step).cloned().collect(),
        ..w.clone()
    };
    let played = play(story, &short);
    played.failure.is_none().then_some(played.scene)
}
