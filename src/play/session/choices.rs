//! Taking a choice, and showing the scene and its choices.

use super::Session;
use super::meta;
use super::undo::Undo;
use crate::engine::{self, GameState, Outcome, View};
use crate::matching::{Found, find_choice};
use crate::play::render::{Block, text_blocks};
use crate::save::SaveError;

impl Session {
    pub(super) fn by_choice(&mut self, typed: &str, blocks: &mut Vec<Block>) {
        let view = engine::view(&self.story, &self.game.state);
        match find_choice(&view, typed) {
            Found::Choice(c) if c.available => self.choose(c.index, blocks),
            found => {
                // `save a b`: a save command with a bad slot rather than an unknown choice.
                let mut words = typed.split_whitespace();
                let first = words.next().unwrap_or_default();
                let takes_slot = meta::find(first).is_some_and(|c| c.args == meta::Args::Slot);
                if matches!(found, Found::Nothing) && takes_slot {
                    let rest = words.collect::<Vec<_>>().join(" ");
                    blocks.push(Block::Problem(SaveError::BadSlot(rest).to_string()));
                    return;
                }
                let mut msg = found.message(&view, typed);
                if matches!(found, Found::Nothing) && meta::find(first).is_none() {
                    msg.push_str(", and no command is called that: `help` lists the commands");
                }
                self.not_a_choice(&msg, blocks);
            }
        }
    }

    fn choose(&mut self, index: usize, blocks: &mut Vec<Block>) {
        let before = self.game.state.clone();
        match self.game.choose(&self.story, index) {
            Ok(outcome) => {
                let len = self.game.trail.len() - 1;
                self.push_undo(Undo::Choice { state: before, len });
                self.unsaved = true;
                self.autosave(blocks);
                self.passed(&outcome, blocks);
                if outcome.stayed {
                    self.choices_again(blocks);
                } else {
                    self.scene(blocks, true);
                }
            }
            Err(e) => blocks.push(Block::Problem(format!(
                "the story went wrong: {e}; nothing changed"
            ))),
        }
    }

    /// The reply of the choice taken, then the texts of the scenes passed.
    pub(super) fn passed(&self, outcome: &Outcome, blocks: &mut Vec<Block>) {
        if let Some(reply) = &outcome.reply {
            text_blocks(reply.clone(), outcome.reply_marks(), blocks);
        }
        for (i, text) in outcome.passed.iter().enumerate() {
            text_blocks(text.clone(), outcome.passed_marks(i), blocks);
        }
    }

    pub(super) fn choice_blocks(view: &engine::View, blocks: &mut Vec<Block>) {
        for (n, c) in view.choices.iter().enumerate() {
            blocks.push(Block::Choice {
                number: n + 1,
                text: c.text.clone(),
                marks: c.marks.clone(),
                available: c.available,
                reason: c.reason.clone(),
            });
        }
    }

    /// The choices of the scene on screen, without its text again (after a reply that stayed).
    fn choices_again(&mut self, blocks: &mut Vec<Block>) {
        let view = engine::view(&self.story, &self.game.state);
        Self::choice_blocks(&view, blocks);
        if view.is_dead_end() {
            blocks.push(Block::Problem(
                "there is nothing to choose here (the story has a dead end): type `undo`, `restart`, `load` or `quit`".into(),
            ));
        }
    }

    /// The scene of a game taken up again (`--continue`, `load`), with what its last choice
    /// showed, so nothing the player last read is lost: the reply and the scenes passed come
    /// before the scene, as they did; a reply that stayed in its scene comes after the scene's
    /// text, before its choices, where it was read.
    ///
    /// The scene's text is the one read on entering it: a stay may have changed what the text
    /// reads since (a phone silenced), and the player never saw it that way.
    pub(super) fn scene_resumed(&mut self, blocks: &mut Vec<Block>, arrived: bool) {
        let (outcome, entered) = match self.game.last_outcome(&self.story) {
            Some(found) => found,
            None => return self.scene(blocks, arrived),
        };
        if !outcome.stayed {
            self.passed(&outcome, blocks);
            return self.show(blocks, arrived, None);
        }
        let start = blocks.len();
        self.show(blocks, arrived, self.as_read(&entered));
        let at = blocks[start..]
            .iter()
            .position(|b| matches!(b, Block::Choice { .. }))
            .map_or(blocks.len(), |i| start + i);
        let mut reply = Vec::new();
        self.passed(&outcome, &mut reply);
        blocks.splice(at..at, reply);
    }

    /// The scene on screen. `arrived`: the game just got here (an ending is recorded).
    /// Shown again (`look`, `undo`, `reload`), its text is the one read on entering it, as
    /// [`Session::scene_resumed`] shows it, so no command reprints a passage in other words.
    pub(super) fn scene(&mut self, blocks: &mut Vec<Block>, arrived: bool) {
        let read = match arrived {
            true => None,
            false => self
                .game
                .last_outcome(&self.story)
                .filter(|(outcome, _)| outcome.stayed)
                .and_then(|(_, entered)| self.as_read(&entered)),
        };
        self.show(blocks, arrived, read)
    }

    /// The scene's view in the state it was entered in, when that is this scene and has text:
    /// the text the player read there before replies that stayed changed the state.
    fn as_read(&self, entered: &GameState) -> Option<View> {
        let was = engine::view(&self.story, entered);
        (was.scene == self.game.state.scene && !was.text.is_empty()).then_some(was)
    }

    /// The scene on screen, its text taken from `read` when given (see [`Session::scene`]).
    fn show(&mut self, blocks: &mut Vec<Block>, arrived: bool, read: Option<View>) {
        let view = engine::view(&self.story, &self.game.state);
        let id = self.story.scene(view.scene).id.clone();
        let (text, marks) = match &read {
            Some(was) => (&was.text, &was.marks),
            None => (&view.text, &view.marks),
        };
        if !text.is_empty() {
            let (_, key) = self.ending_key(&id);
            let text = match arrived && self.brief && self.seen_before.contains(&key) {
                true => text.split("\n\n").next().unwrap_or_default().to_owned(),
                false => text.clone(),
            };
            text_blocks(text, marks, blocks);
        }
        if arrived {
            self.record_seen(&id);
        }
        if let Some(e) = view.ending {
            let ending = self.story.ending(e).clone();
            blocks.push(Block::End(ending.title));
            if arrived {
                self.record_ending(&ending.id, blocks);
            }
            blocks.push(Block::Info(
                "Type `restart` to play again, `undo` to step back, `load` to load a save, or `quit`.".into(),
            ));
            return;
        }
        Self::choice_blocks(&view, blocks);
        if view.is_dead_end() {
            blocks.push(Block::Problem(
                "there is nothing to choose here (the story has a dead end): type `undo`, `restart`, `load` or `quit`".into(),
            ));
        }
    }

    pub(super) fn at_ending(&self) -> bool {
        engine::ending(&self.story, &self.game.state).is_some()
    }
}
