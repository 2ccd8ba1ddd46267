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
    /// A load or a restart: the game it replaced.
    Whole(Game),
}

impl Undo {
    /// The same entry for the story `to` (after `reload`), or `None` when it no longer fits.
    fn carried(self, from: &Story, to: &Story) -> Option<Undo> {
        Some(match self {
            Undo::Choice { state, len } => Undo::Choice {
                state: save::carry_state(from, &state, to).ok()?.0,
                len,
            },
            Undo::Whole(game) => Undo::Whole(save::carry_over(from, &game, to).ok()?.0),
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

    /// `undo`: takes back the last choice, load or restart.
    pub(super) fn undo(&mut self, blocks: &mut Vec<Block>) {
        let Some(entry) = self.undo.pop_back() else {
            return blocks.push(Block::Problem("there is nothing to undo".into()));
        };
        match entry {
            Undo::Choice { state, len } => {
                self.game.state = state;
                self.game.trail.truncate(len);
                self.choices_text.truncate(len);
            }
            Undo::Whole(game) => {
                self.replace_game(game);
            }
        }
        self.unsaved = true;
        self.autosave(blocks);
        blocks.push(Block::Info(format!(
            "Taken back: you are at turn {}.",
            self.game.state.turn()
        )));
        self.scene(blocks, false);
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
                    None => *entry = Undo::Whole(Game::at(state.clone(), seed)),
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
                self.push_undo(Undo::Whole(before));
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
