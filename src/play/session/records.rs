//! The records kept in the saves folder besides saves: the endings found and the transcript.

use super::{ENDINGS, SEEN, Session, TRANSCRIPT};
use crate::play::render::Block;
use crate::save::{self, SaveDir, SaveError};
use crate::story::diag::visible;
use std::collections::{BTreeSet, HashSet};

/// The largest record file read (the endings found, the input history).
pub(crate) const RECORD_LIMIT: u64 = 1024 * 1024;

/// Reads a record file of the saves folder (`endings.txt`, `history.txt`). One over
/// [`RECORD_LIMIT`] is set aside as `NAME.old` and a fresh record begins: then the bytes are
/// empty and the note says which file, which limit and where it went.
pub(crate) fn read_record(
    saves: &SaveDir,
    name: &str,
    what: &str,
) -> Result<(Vec<u8>, Option<String>), SaveError> {
    let path = saves.own_file(name);
    match save::read_regular(&path, RECORD_LIMIT) {
        Ok(bytes) => Ok((bytes.unwrap_or_default(), None)),
        Err(SaveError::TooBig(_)) => {
            let old = save::set_aside(&path)?;
            let note = format!(
                "{} is over {}, the limit of {what}: it was set aside as {} and a new one begun",
                path.display(),
                save::size(RECORD_LIMIT),
                old.display()
            );
            Ok((Vec::new(), Some(note)))
        }
        Err(e) => Err(e),
    }
}

impl Session {
    /// The endings found, as (story id, ending id) made visible (the file is one a person may
    /// print); the note of [`read_record`] goes into `blocks`.
    fn found_endings(&self, blocks: &mut Vec<Block>) -> Result<BTreeSet<(String, String)>, SaveError> {
        let (bytes, note) = read_record(&self.saves, ENDINGS, "the record of endings found")?;
        if let Some(note) = note {
            blocks.push(Block::Problem(note));
        }
        let text = String::from_utf8_lossy(&bytes);
        Ok(text
            .lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(s, e)| (s.trim().to_owned(), e.trim().to_owned()))
            .collect())
    }

    pub(super) fn ending_key(&self, ending: &str) -> (String, String) {
        let id = |s: &str| visible(&s.replace(char::is_whitespace, "_")).into_owned();
        (id(self.story.id()), id(ending))
    }

    pub(super) fn record_ending(&mut self, ending: &str, blocks: &mut Vec<Block>) {
        let mut found = match self.found_endings(blocks) {
            Ok(f) => f,
            Err(e) => return blocks.push(Block::Problem(format!("could not record this ending: {e}"))),
        };
        if !found.insert(self.ending_key(ending)) {
            return;
        }
        let mut text: String = found.iter().map(|(s, e)| format!("{s} {e}\n")).collect();
        if text.len() as u64 > RECORD_LIMIT {
            // Full: this ending begins a new record, the old one is kept aside.
            let path = self.saves.own_file(ENDINGS);
            match save::set_aside(&path) {
                Ok(old) => blocks.push(Block::Problem(format!(
                    "{} would pass {}, the limit of the record of endings found: it was set aside as {} \
                     and a new one begun",
                    path.display(),
                    save::size(RECORD_LIMIT),
                    old.display()
                ))),
                Err(e) => return blocks.push(Block::Problem(format!("could not record this ending: {e}"))),
            }
            let (story, ending) = self.ending_key(ending);
            text = format!("{story} {ending}\n");
        }
        if let Err(e) = save::write_atomic(&self.saves.own_file(ENDINGS), text.as_bytes()) {
            blocks.push(Block::Problem(format!("could not record this ending: {e}")));
        }
    }

    pub(super) fn endings(&self, blocks: &mut Vec<Block>) {
        let found = match self.found_endings(blocks) {
            Ok(f) => f,
            Err(e) => return blocks.push(Block::Problem(format!("cannot read the endings found: {e}"))),
        };
        let all = self.story.endings();
        let mine: Vec<&str> = all
            .iter()
            .filter(|e| found.contains(&self.ending_key(&e.id)))
            .map(|e| e.title.as_str())
            .collect();
        if mine.is_empty() {
            blocks.push(Block::Info(format!(
                "You have found none of the {} endings yet.",
                all.len()
            )));
            return;
        }
        blocks.push(Block::Info(format!(
            "You have found {} of the {} endings:",
            mine.len(),
            all.len()
        )));
        blocks.push(Block::Table(mine.iter().map(|t| format!("  {t}")).collect()));
    }

    /// The scenes of this story read in earlier games (from `seen.txt`; nothing when it cannot
    /// be read). The record holds each scene once, so it stays small; one over the limit is
    /// set aside and begun again.
    pub(super) fn read_seen(&self) -> HashSet<String> {
        let Ok((bytes, _)) = read_record(&self.saves, SEEN, "the record of scenes read") else {
            return HashSet::new();
        };
        let (story, _) = self.ending_key("");
        String::from_utf8_lossy(&bytes)
            .lines()
            .filter_map(|l| l.split_once(' '))
            .filter(|(s, _)| s.trim() == story)
            .map(|(_, scene)| scene.trim().to_owned())
            .collect()
    }

    /// Records a scene as read, once (a record that cannot be written is not needed to play).
    pub(super) fn record_seen(&mut self, scene: &str) {
        let (story, scene) = self.ending_key(scene);
        if self.seen_before.contains(&scene) || !self.seen_now.insert(scene.clone()) {
            return;
        }
        let _ = save::append_regular(
            &self.saves.own_file(SEEN),
            format!("{story} {scene}\n").as_bytes(),
        );
    }

    /// `brief` and `verbose`.
    pub(super) fn set_brief(&mut self, brief: bool, blocks: &mut Vec<Block>) {
        self.brief = brief;
        blocks.push(Block::Info(
            match brief {
                true => {
                    "Brief: a scene you read in an earlier game shows its first paragraph only \
                         (`look` shows it all; `verbose` goes back)."
                }
                false => "Verbose: every scene is shown in full.",
            }
            .into(),
        ));
    }

    pub(super) fn log(&mut self, text: &str, blocks: &mut Vec<Block>) {
        if let Err(e) = save::append_regular(&self.saves.own_file(TRANSCRIPT), text.as_bytes()) {
            self.transcript = false;
            blocks.push(Block::Problem(format!("the transcript stopped: {e}")));
        }
    }

    pub(super) fn set_transcript(&mut self, on: Option<bool>, blocks: &mut Vec<Block>) {
        let path = self.saves.own_file(TRANSCRIPT);
        match (on, self.transcript) {
            (None, true) | (Some(true), true) => blocks.push(Block::Info(format!(
                "The transcript is on: everything is copied to {}.",
                path.display()
            ))),
            (None, false) | (Some(false), false) => blocks.push(Block::Info(
                "The transcript is off. `transcript on` starts it.".into(),
            )),
            (Some(true), false) => {
                let header = format!(
                    "=== {}, seed {}, transcript started {} ===\n\n",
                    save::format::one_line(self.story.title()),
                    self.game.seed,
                    save::format_date(save::now_unix())
                );
                self.transcript = true;
                self.log(&header, blocks);
                if self.transcript {
                    blocks.push(Block::Info(format!(
                        "The transcript is on: everything is copied to {}.",
                        path.display()
                    )));
                }
            }
            (Some(false), true) => {
                self.transcript = false;
                blocks.push(Block::Info(format!(
                    "The transcript is off ({}).",
                    path.display()
                )));
            }
        }
    }
}
