//! The undo stack, and `restart` (which `undo` takes back).
//!
//! An entry for a choice holds the state before it and how many choices the game had then,
//! not a copy of them: the game's list of choices only grows by one at the end between two
//! entries, so taking a choice back cuts it to that length. Memory grows with the moves, not
//! with their square. A load or a restart replaces the whole game: its entry keeps the game
//! it replaced (moved, not copied).

use super::{Session, UNDO_LIMIT};
use crate::engine::{Game, GameState};
use crate::play::render::Block;
use crate::save;
use crate::story::Story;

/// One step `undo` can take back.
#[derive(Debug, Clone)]
pub(super) enum Undo {
    /// A choice: the state before it, and the number of choices made before it.
    Choice { state: GameState, len: usize },
    /// A load or a restart: the game it replaced, and which it was.
    Whole(Game, Took),
}

/// What an undo entry takes back, as `undo` says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Took {
    Choice,
    Load(String),
    Restart,
}

impl Took {
    fn describe(&self, count: usize) -> String {
        match (self, count) {
            (Took::Choice, 1) => "your last choice".into(),
            (Took::Choice, n) => format!("your last {n} choices"),
            (Took::Load(slot), 1) => format!("the load of slot `{slot}`"),
            (Took::Load(slot), n) => format!("the load of slot `{slot}` ({n} times)"),
            (Took::Restart, 1) => "the restart".into(),
            (Took::Restart, n) => format!("{n} restarts"),
        }
    }
}

impl Undo {
    /// The same entry for the story `to` (after `reload`), or `None` when it no longer fits.
    fn carried(self, from: &Story, to: &Story) -> Option<Undo> {
        Some(match self {
            Undo::Choice { state, len } => Undo::Choice {
                state: save::carry_state(from, &state, to).ok()?.0,
                len,
            },
            Undo::Whole(game, took) => Undo::Whole(save::carry_over(from, &game, to).ok()?.0, took),
        })
    }
}

impl Session {
    pub(super) fn push_undo(&mut self, entry: Undo) {
        self.undo.push_back(entry);
        if self.undo.len() > UNDO_LIMIT {
            self.undo.pop_front();
        }
    }

    /// `undo` (`undo N`): takes back the last choice, load or restart (the last N of them),
    /// and says what it took back.
    pub(super) fn undo(&mut self, count: Option<usize>, blocks: &mut Vec<Block>) {
        let count = count.unwrap_or(1);
        if count == 0 {
            return blocks.push(Block::Problem("`undo 0` takes nothing back".into()));
        }
        if self.undo.is_empty() {
            return blocks.push(Block::Problem("there is nothing to undo".into()));
        }
        // What was taken back, runs of the same kind counted: (kind, how many).
        let mut took: Vec<(Took, usize)> = Vec::new();
        for _ in 0..count {
            let Some(entry) = self.undo.pop_back() else {
                break;
            };
            let kind = match entry {
                Undo::Choice { state, len } => {
                    self.game.state = state;
                    self.game.trail.truncate(len);
                    self.choices_text.truncate(len);
                    Took::Choice
                }
                Undo::Whole(game, kind) => {
                    self.replace_game(game);
                    kind
                }
            };
            match took.last_mut() {
                Some((last, n)) if *last == kind => *n += 1,
                _ => took.push((kind, 1)),
            }
        }
        self.unsaved = true;
        self.autosave(blocks);
        let what: Vec<String> = took.iter().map(|(k, n)| k.describe(*n)).collect();
        let mut text = format!(
            "Taken back: {} (you are at turn {}).",
            what.join(", "),
            self.game.state.turn()
        );
        let done: usize = took.iter().map(|(_, n)| n).sum();
        if done < count {
            text.push_str(" There was nothing more to undo.");
        }
        blocks.push(Block::Info(text));
        // As a load does: what the step now last taken showed, then the scene as read.
        self.scene_resumed(blocks, false);
    }

    /// Plays on with `shorter`, the same game keeping only its last choices (its save had
    /// grown to the size limit). The undo entries of choices it no longer holds become entries
    /// of their state alone.
    pub(super) fn shorten(&mut self, shorter: Game) {
        let dropped = self.game.trail.len() - shorter.trail.len();
        let seed = self.game.seed;
        for entry in self.undo.iter_mut() {
            if let Undo::Choice { state, len } = entry {
                match len.checked_sub(dropped) {
                    Some(kept) => *len = kept,
                    None => *entry = Undo::Whole(Game::at(state.clone(), seed), Took::Choice),
                }
            }
        }
        self.replace_game(shorter);
    }

    /// The undo stack for the story `to` (after `reload`), newest first, as far back as it fits.
    pub(super) fn carry_undo(&mut self, to: &Story) {
        let mut kept = Vec::new();
        while let Some(entry) = self.undo.pop_back() {
            match entry.carried(&self.story, to) {
                Some(e) => kept.push(e),
                None => break,
            }
        }
        self.undo = kept.into_iter().rev().collect();
    }

    /// Puts another game in place of this one (a load, a restart, an undo of them); returns
    /// the one replaced.
    pub(super) fn replace_game(&mut self, game: Game) -> Game {
        self.choices_text.clear();
        std::mem::replace(&mut self.game, game)
    }

    pub(super) fn restart(&mut self, blocks: &mut Vec<Block>) {
        let seed = self.fixed_seed.unwrap_or_else(rand::random);
        match Game::new(&self.story, seed) {
            Ok((game, outcome)) => {
                let before = self.replace_game(game);
                self.push_undo(Undo::Whole(before, Took::Restart));
                self.unsaved = true;
                self.autosave(blocks);
                blocks.push(Block::Info("The story starts again.".into()));
                self.passed(&outcome, blocks);
                self.scene(blocks, true);
            }
            Err(e) => blocks.push(Block::Problem(format!("the story cannot start: {e}"))),
        }
    }
}
