//! `save`, `load`, `saves` and the autosave.

use super::Session;
use super::undo::Undo;
use crate::engine::Game;
use crate::play::render::{Block, clean};
use crate::save::{self, Slot};

impl Session {
    pub(super) fn autosave(&mut self, blocks: &mut Vec<Block>) {
        match self
            .saves
            .write_with(&Slot::autosave(), &self.story, &self.game, &mut self.choices_text)
        {
            Ok(shorter) => {
                self.autosave_failed = false;
                self.autosaved = true;
                self.play_on_with(shorter, blocks);
            }
            Err(e) => {
                if !self.autosave_failed {
                    blocks.push(Block::Problem(format!("could not autosave: {e}")));
                }
                self.autosave_failed = true;
            }
        }
    }

    pub(super) fn save(&mut self, name: &str, blocks: &mut Vec<Block>) {
        let slot = match Slot::parse_for_saving(name) {
            Ok(s) => s,
            Err(e) => return blocks.push(Block::Problem(e.to_string())),
        };
        match self
            .saves
            .write_with(&slot, &self.story, &self.game, &mut self.choices_text)
        {
            Ok(shorter) => {
                self.play_on_with(shorter, blocks);
                self.unsaved = false;
                blocks.push(Block::Info(format!("Saved in slot `{slot}`.")));
            }
            Err(e) => blocks.push(Block::Problem(format!("could not save: {e}"))),
        }
    }

    pub(super) fn load(&mut self, name: &str, blocks: &mut Vec<Block>) {
        let slot = match Slot::parse(name) {
            Ok(s) => s,
            Err(e) => return blocks.push(Block::Problem(e.to_string())),
        };
        match self.saves.load(&slot, &self.story) {
            Ok(loaded) => {
                let before = self.replace_game(loaded.game);
                self.push_undo(Undo::Whole(before));
                self.unsaved = false;
                let mut text = format!(
                    "Loaded slot `{name}`, saved {} at turn {}.",
                    save::format_date(loaded.saved_at),
                    self.game.state.turn()
                );
                for w in &loaded.warnings {
                    text.push_str(&format!(" Note: {w}."));
                }
                blocks.push(Block::Info(text));
                self.autosave(blocks);
                self.scene(blocks, false);
            }
            Err(e) => {
                let damaged = e.is_damaged();
                blocks.push(Block::Problem(format!("cannot load: {e}")));
                if damaged {
                    blocks.push(Block::Info(
                        "The file is damaged; it is left as it is. You can play on, or load another \
                         save: `saves` lists them."
                            .into(),
                    ));
                }
            }
        }
    }

    pub(super) fn list_saves(&self, blocks: &mut Vec<Block>) {
        let rows = match self.saves.list() {
            Ok(r) => r,
            Err(e) => return blocks.push(Block::Problem(format!("cannot list the saves: {e}"))),
        };
        if rows.is_empty() {
            blocks.push(Block::Info(format!(
                "There are no saves in {} yet.",
                self.saves.dir().display()
            )));
            return;
        }
        let header = ["slot", "story", "scene", "turn", "saved"].map(String::from);
        let readable: Vec<[String; 5]> = rows
            .iter()
            .filter_map(|row| {
                let s = row.save.as_ref().ok()?;
                Some([
                    row.slot.to_string(),
                    clean(&s.story.title).into_owned(),
                    clean(&s.scene_title).into_owned(),
                    s.state.turn.to_string(),
                    save::format_date(s.saved_at),
                ])
            })
            .collect();
        let widths: Vec<usize> = (0..5)
            .map(|i| {
                let cells = std::iter::once(&header).chain(&readable);
                cells.map(|r| r[i].chars().count()).max().unwrap_or(0)
            })
            .collect();
        let line = |r: &[String; 5]| {
            let cells: Vec<String> = (0..5)
                .map(|i| match i {
                    3 => format!("{:>w$}", r[i], w = widths[i]),
                    _ => format!("{:<w$}", r[i], w = widths[i]),
                })
                .collect();
            cells.join("  ").trim_end().to_owned()
        };
        let mut lines = vec![line(&header)];
        let mut readable = readable.iter();
        for row in &rows {
            match &row.save {
                Ok(_) => lines.extend(readable.next().map(line)),
                Err(why) => lines.push(format!(
                    "{:<w$}  (unreadable: {why})",
                    row.slot.to_string(),
                    w = widths[0]
                )),
            }
        }
        blocks.push(Block::Table(lines));
    }

    /// After a save that had to keep only the last choices of a long game: plays on with that
    /// shorter game, and says so.
    fn play_on_with(&mut self, shorter: Option<Game>, blocks: &mut Vec<Block>) {
        if let Some(shorter) = shorter {
            let kept = shorter.trail.len();
            self.shorten(shorter);
            blocks.push(Block::Info(format!(
                "Your game has grown long: its saves now keep your last {kept} choices and the \
                 state they start from ({} at most).",
                save::size(self.saves.limit())
            )));
        }
    }
}
