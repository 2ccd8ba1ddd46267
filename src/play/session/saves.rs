//! `save`, `load`, `saves` and the autosave.

use super::Session;
use super::undo::{Took, Undo};
use crate::engine::Game;
use crate::play::render::{Block, clean, pad, width};
use crate::save::{self, Slot};

impl Session {
    pub(super) fn autosave(&mut self, blocks: &mut Vec<Block>) {
        if self.old_autosave.is_some() && !self.keep_old_autosave(blocks) {
            return;
        }
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

    /// Before a new game's first autosave: the unfinished game the autosave held is copied
    /// to a slot `unfinished`, `unfinished-2`, ..., and a notice says which. The slot is one
    /// that already holds the same game (story, seed and start) cut shorter, which the copy
    /// replaces, else a free one; when a slot already holds this game or a longer run of it,
    /// nothing is copied. So piped replays that grow one input at a time keep one slot, not
    /// one per run, and no choice is lost. When it cannot be copied, the autosave is not
    /// written (and the next move tries again).
    fn keep_old_autosave(&mut self, blocks: &mut Vec<Block>) -> bool {
        let Some(old) = self.old_autosave.clone() else {
            return true;
        };
        let copied = match self.saves.read(&Slot::autosave()) {
            Ok(bytes) => match self.unfinished_slot_for(&bytes) {
                Some(Keep::Copy(slot)) => save::write_atomic(&self.saves.slot_path(&slot), &bytes)
                    .map(|()| Keep::Copy(slot))
                    .map_err(|e| e.to_string()),
                Some(keep) => Ok(keep),
                None => Err("no free slot".to_owned()),
            },
            // Gone since the start: nothing to keep.
            Err(save::SaveError::NoSave(_)) => Ok(Keep::Gone),
            Err(e) => Err(e.to_string()),
        };
        match copied {
            Ok(keep) => {
                self.old_autosave = None;
                match keep {
                    Keep::Copy(slot) => self.notices.push(format!(
                        "the unfinished game that was in the autosave ({}) is kept in slot `{slot}`: \
                         `load {slot}` brings it back",
                        old.summary
                    )),
                    Keep::Held(slot) => self.notices.push(format!(
                        "the unfinished game that was in the autosave ({}) is already in slot \
                         `{slot}`: `load {slot}` brings it back",
                        old.summary
                    )),
                    Keep::Gone => {}
                }
                true
            }
            Err(e) => {
                blocks.push(Block::Problem(format!(
                    "could not keep the unfinished game in the autosave as a slot ({e}); this game \
                     is not autosaved until it can be"
                )));
                false
            }
        }
    }

    /// Where the autosave's `bytes` go among the `unfinished` slots (see
    /// [`Session::keep_old_autosave`]): a slot holding a shorter run of the same game, else
    /// the first free name; `None` when all 999 names are taken by other games.
    fn unfinished_slot_for(&self, bytes: &[u8]) -> Option<Keep> {
        let read = |slot: &Slot| {
            let bytes = self.saves.read(slot).ok()?;
            save::format::as_text(&bytes).and_then(save::parse).ok()
        };
        if let Ok(game) = save::format::as_text(bytes).and_then(save::parse) {
            let held = self.saves.list_slots().unwrap_or_default();
            for slot in held.iter().filter(|s| is_unfinished(s)) {
                let Some(held) = read(slot) else { continue };
                if held.story != game.story || held.seed != game.seed || held.from != game.from {
                    continue;
                }
                if held.choices.starts_with(&game.choices) {
                    return Some(Keep::Held(slot.clone()));
                }
                if game.choices.starts_with(&held.choices) {
                    return Some(Keep::Copy(slot.clone()));
                }
            }
        }
        (1..1000)
            .filter_map(|n| Slot::parse_for_saving(&unfinished_name(n)).ok())
            .find(|slot| std::fs::symlink_metadata(self.saves.slot_path(slot)).is_err())
            .map(Keep::Copy)
    }

    pub(super) fn save(&mut self, name: &str, blocks: &mut Vec<Block>) {
        let slot = match Slot::parse_for_saving(name) {
            Ok(s) => s,
            Err(e) => return blocks.push(Block::Problem(e.to_string())),
        };
        if self.front == super::Front::Terminal && !self.is_mine(&slot) {
            let other = self.saves.list().ok().and_then(|rows| {
                let row = rows
                    .into_iter()
                    .find(|r| r.slot.as_str().eq_ignore_ascii_case(slot.as_str()))?;
                Some(match row.save {
                    Ok(s) => format!(
                        "\u{201c}{}\u{201d}, turn {}, saved {}",
                        clean(&s.scene_title),
                        s.state.turn,
                        save::format_date(s.saved_at)
                    ),
                    Err(_) => "a save that cannot be read".to_owned(),
                })
            });
            if let Some(other) = other {
                blocks.push(Block::Ask(format!(
                    "Slot `{slot}` holds another game ({other}). Save over it? [y/n]"
                )));
                self.pending = Some(super::Pending::Overwrite(slot));
                return;
            }
        }
        self.save_to(slot, blocks);
    }

    /// Whether this session saved or loaded `slot` (any case).
    fn is_mine(&self, slot: &Slot) -> bool {
        self.mine.iter().any(|m| m.eq_ignore_ascii_case(slot.as_str()))
    }

    fn claim(&mut self, slot: &Slot) {
        if !self.is_mine(slot) {
            self.mine.push(slot.as_str().to_owned());
        }
    }

    pub(super) fn save_to(&mut self, slot: Slot, blocks: &mut Vec<Block>) {
        match self
            .saves
            .write_with(&slot, &self.story, &self.game, &mut self.choices_text)
        {
            Ok(shorter) => {
                self.play_on_with(shorter, blocks);
                self.unsaved = false;
                blocks.push(Block::Info(format!("Saved in slot `{slot}`.")));
                self.claim(&slot);
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
                self.claim(&slot);
                let before = self.replace_game(loaded.game);
                self.push_undo(Undo::Whole(before, Took::Load(slot.as_str().to_owned())));
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
                self.scene_resumed(blocks, false);
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
                cells.map(|r| width(&r[i])).max().unwrap_or(0)
            })
            .collect();
        let line = |r: &[String; 5]| {
            let cells: Vec<String> = (0..5).map(|i| pad(&r[i], widths[i], i == 3)).collect();
            cells.join("  ").trim_end().to_owned()
        };
        let mut lines = vec![line(&header)];
        let mut readable = readable.iter();
        for row in &rows {
            match &row.save {
                Ok(_) => lines.extend(readable.next().map(line)),
                Err(why) => lines.push(format!(
                    "{}  (unreadable: {why})",
                    pad(row.slot.as_str(), widths[0], false)
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

/// What became of the unfinished game in the autosave.
enum Keep {
    /// Copied to this slot (free, or holding a shorter run of the same game).
    Copy(Slot),
    /// This slot already holds it, or a longer run of it.
    Held(Slot),
    /// The autosave was gone: nothing to keep.
    Gone,
}

/// The name of the `n`th slot for unfinished games: `unfinished`, `unfinished-2`, ...
fn unfinished_name(n: u32) -> String {
    match n {
        1 => "unfinished".to_owned(),
        n => format!("unfinished-{n}"),
    }
}

/// Whether `slot` is one of the names [`unfinished_name`] gives.
fn is_unfinished(slot: &Slot) -> bool {
    let name = slot.as_str().to_ascii_lowercase();
    name == "unfinished"
        || name
            .strip_prefix("unfinished-")
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|n| (2..1000).contains(&n) && unfinished_name(n) == name)
}
