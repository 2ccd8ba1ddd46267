//! The file format: a save as RON text, written with a readable comment on top, read back
//! with every check, and older formats upgraded on the way in (the migration seam).
//!
//! Format 2 (this version) adds `from` to format 1: the state the choices start from when a
//! game grew too long for a save and keeps only its last choices. A format-1 save is read as
//! its own type and upgraded ([`migrate_1`]): its choices start at the story's start.
//!
//! A save is never written larger than the reader's limit ([`to_text_within`]): a game near it
//! is saved with its state and a bounded tail of its choices, so it can still be verified.

use super::restore::{SavedState, capture, restore};
use super::{FORMAT, OLDEST_FORMAT, SaveError, Step};
use crate::engine::Game;
use crate::story::Story;
use crate::story::diag::visible;
use serde::{Deserialize, Serialize};

/// Which story a save belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Story")]
pub struct StoryStamp {
    pub id: String,
    pub title: String,
    /// [`Story::fingerprint`]: equal when the story's files are the same, byte for byte.
    pub fingerprint: u64,
}

/// A save file, as written (format 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Save")]
pub struct SaveFile {
    pub format: u32,
    pub story: StoryStamp,
    /// The version of interview that wrote it.
    pub engine: String,
    /// Seconds since 1970-01-01 UTC.
    pub saved_at: u64,
    /// The title of the scene the game stands in, for the list of saves.
    pub scene_title: String,
    pub seed: u64,
    pub state: SavedState,
    /// The state `choices` start from, when the save keeps only the last choices of a long
    /// game; absent when they start at the story's start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<SavedState>,
    pub choices: Vec<Step>,
    pub replayable: bool,
}

/// A format-1 save: format 2 without `from`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename = "Save")]
struct SaveFile1 {
    format: u32,
    story: StoryStamp,
    engine: String,
    saved_at: u64,
    scene_title: String,
    seed: u64,
    state: SavedState,
    choices: Vec<Step>,
    replayable: bool,
}

/// Format 1 to format 2: the choices of a format-1 save always start at the story's start.
fn migrate_1(old: SaveFile1) -> SaveFile {
    SaveFile {
        format: FORMAT,
        story: old.story,
        engine: old.engine,
        saved_at: old.saved_at,
        scene_title: old.scene_title,
        seed: old.seed,
        state: old.state,
        from: None,
        choices: old.choices,
        replayable: old.replayable,
    }
}

/// The first thing read from a save: its format, whatever else it holds.
#[derive(Deserialize)]
#[serde(rename = "Save")]
struct Header {
    format: u32,
}

/// A save read and checked against the story, ready to replace the game in progress.
#[derive(Debug, Clone)]
pub struct LoadedSave {
    pub game: Game,
    /// Why the save loads only with changes, when the story was edited since; one sentence each.
    pub warnings: Vec<String>,
    pub saved_at: u64,
}

/// A [`SaveFile`] as written: the same fields, the choices borrowed from the game rather than
/// copied (an autosave after every move of a long game would copy them every move).
#[derive(Serialize)]
#[serde(rename = "Save")]
struct SaveFileOut<'a> {
    format: u32,
    story: StoryStamp,
    engine: &'static str,
    saved_at: u64,
    scene_title: &'a str,
    seed: u64,
    state: SavedState,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<SavedState>,
    choices: &'a [Step],
    replayable: bool,
}

fn save_file<'a>(story: &'a Story, game: &'a Game, saved_at: u64) -> SaveFileOut<'a> {
    SaveFileOut {
        format: FORMAT,
        story: StoryStamp {
            id: story.id().to_owned(),
            title: story.title().to_owned(),
            fingerprint: story.fingerprint(),
        },
        engine: env!("CARGO_PKG_VERSION"),
        saved_at,
        scene_title: &story.scene(game.state.scene()).title,
        seed: game.seed,
        state: capture(story, &game.state),
        from: game.from.as_ref().map(|s| capture(story, s)),
        choices: &game.trail,
        replayable: game.replayable,
    }
}

/// One line of a file a person reads: story text made visible, on one line.
pub(crate) fn one_line(s: &str) -> String {
    visible(&s.replace(['\n', '\r'], " ")).into_owned()
}

fn ron_config() -> ron::ser::PrettyConfig {
    ron::ser::PrettyConfig::new()
        .struct_names(true)
        .compact_arrays(false)
        .escape_strings(true)
}

/// The text of a game's choices in its save, kept from one save to the next: the autosave
/// after every move of a long game then writes the text of the new choice only, instead of
/// formatting every choice again (which made a long game quadratic in time).
#[derive(Debug, Default, Clone)]
pub struct ChoicesText {
    text: String,
    /// Where the line of each choice ends in `text`.
    ends: Vec<usize>,
    /// The last choice written, to notice a list that was replaced rather than extended.
    last: Option<Step>,
}

impl ChoicesText {
    /// Forgets every choice (the game was replaced: a load, a restart, an undo of them).
    pub fn clear(&mut self) {
        *self = ChoicesText::default();
    }

    /// Keeps the first `len` choices (an undo).
    pub fn truncate(&mut self, len: usize) {
        if len >= self.ends.len() {
            return;
        }
        self.ends.truncate(len);
        self.text.truncate(self.ends.last().copied().unwrap_or(0));
        self.last = None;
    }

    /// Brings the text up to `trail`, which extends the choices written (else all of them are
    /// written again).
    fn update(&mut self, trail: &[Step]) {
        let n = self.ends.len();
        let extends = n <= trail.len() && (n == 0 || self.last.as_ref().is_none_or(|l| *l == trail[n - 1]));
        if !extends {
            self.clear();
        }
        for step in &trail[self.ends.len()..] {
            let one = ron::ser::to_string_pretty(step, ron_config()).expect("a choice always serializes");
            self.text.push_str("        ");
            self.text.push_str(&one);
            self.text.push_str(",\n");
            self.ends.push(self.text.len());
        }
        self.last = trail.last().cloned();
    }
}

/// Writes a game as the text of a save file, whatever its size.
pub fn to_text(story: &Story, game: &Game, saved_at: u64) -> String {
    to_text_with(story, game, saved_at, &mut ChoicesText::default())
}

/// [`to_text`] with the text of the choices kept from the last save of the same game.
pub fn to_text_with(story: &Story, game: &Game, saved_at: u64, choices: &mut ChoicesText) -> String {
    choices.update(&game.trail);
    let mut file = save_file(story, game, saved_at);
    file.choices = &[];
    let body = ron::ser::to_string_pretty(&file, ron_config()).expect("a save always serializes");
    // The one line `    choices: [],` (strings are escaped, so no text holds a line break).
    const EMPTY: &str = "\n    choices: [],\n";
    let body = match game.trail.is_empty() {
        true => body,
        false => body.replacen(EMPTY, &format!("\n    choices: [\n{}    ],\n", choices.text), 1),
    };
    format!(
        "// An Interview save: \"{}\", {}, turn {}. Load it with `load SLOT` in the game.\n{body}\n",
        one_line(story.title()),
        one_line(file.scene_title),
        game.state.turn()
    )
}

/// A save's text of at most `limit` bytes. A game whose save would be larger keeps only its
/// last choices (half as many each time until it fits), and that shorter game is returned
/// too, so the caller plays on with it (and clears `choices`). Refused when even the state
/// alone is too large.
pub fn to_text_within(
    story: &Story,
    game: &Game,
    saved_at: u64,
    limit: u64,
    choices: &mut ChoicesText,
) -> Result<(String, Option<Game>), SaveError> {
    let text = to_text_with(story, game, saved_at, choices);
    if text.len() as u64 <= limit {
        return Ok((text, None));
    }
    let mut keep = game.trail.len();
    loop {
        keep /= 2;
        let shorter = game.rebased(story, keep);
        let text = to_text(story, &shorter, saved_at);
        if text.len() as u64 <= limit {
            return Ok((text, Some(shorter)));
        }
        if keep == 0 {
            return Err(SaveError::StateTooBig { limit });
        }
    }
}

fn syntax(e: ron::error::SpannedError) -> SaveError {
    match e.code {
        ron::Error::ExceededRecursionLimit => SaveError::Syntax(format!(
            "{}: the values are nested more than {NESTING} deep, which no save is",
            e.span.start
        )),
        _ => SaveError::Syntax(e.to_string()),
    }
}

/// How deep the values of a save may nest (a save needs 4).
const NESTING: usize = 32;

/// Parses a save without a story: its format is checked and an older one upgraded, nothing
/// else. A byte-order mark at the start is skipped.
pub fn parse(text: &str) -> Result<SaveFile, SaveError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let options = ron::Options::default().with_recursion_limit(NESTING);
    let header: Header = options.from_str(text).map_err(syntax)?;
    if header.format > FORMAT {
        return Err(SaveError::Newer { found: header.format });
    }
    if header.format < OLDEST_FORMAT {
        return Err(SaveError::Older { found: header.format });
    }
    match header.format {
        1 => options.from_str::<SaveFile1>(text).map(migrate_1).map_err(syntax),
        _ => options.from_str(text).map_err(syntax),
    }
}

pub(crate) fn as_text(bytes: &[u8]) -> Result<&str, SaveError> {
    std::str::from_utf8(bytes).map_err(|e| SaveError::Syntax(format!("the file is not UTF-8 text ({e})")))
}

/// [`from_text`] for the bytes of a file.
pub fn from_bytes(story: &Story, bytes: &[u8]) -> Result<LoadedSave, SaveError> {
    from_text(story, as_text(bytes)?)
}

/// Reads a save for `story`: parsed, checked and mapped completely, or refused with the reason.
/// Nothing else is touched either way.
pub fn from_text(story: &Story, text: &str) -> Result<LoadedSave, SaveError> {
    let file = parse(text)?;
    if file.story.id != story.id() {
        return Err(SaveError::OtherStory {
            save_id: file.story.id,
            save_title: file.story.title,
            id: story.id().to_owned(),
            title: story.title().to_owned(),
        });
    }
    let same = file.story.fingerprint == story.fingerprint();
    let damaged = |problems| match same {
        true => SaveError::Damaged(problems),
        false => SaveError::NoLongerFits(problems),
    };
    let restored = restore(story, &file.state).map_err(damaged)?;
    let mut warnings = restored.warnings;
    // The state the choices start from matters only to check them, which is done only against
    // the story they were made in: for an edited story, one that no longer fits is dropped.
    let from = match &file.from {
        Some(saved) => match restore(story, saved) {
            Ok(start) => Some(Box::new(start.state)),
            Err(problems) if same => {
                let p = problems
                    .into_iter()
                    .map(|p| format!("where its choices start, {p}"));
                return Err(damaged(p.collect()));
            }
            Err(_) => None,
        },
        None => None,
    };
    if !same {
        warnings.insert(0, "the story has changed since this save".to_owned());
    }
    let replayable = file.replayable && same;
    if replayable {
        let checks = Game::replay_from(story, file.seed, from.as_deref(), &file.choices);
        match checks {
            Ok(replayed) if replayed.state == restored.state => {}
            Ok(_) => {
                warnings.push("the saved state does not follow from its choices (edited by hand?)".into())
            }
            Err(why) => warnings.push(format!("the save's choices do not replay: {why}")),
        }
    }
    Ok(LoadedSave {
        game: Game {
            state: restored.state,
            seed: file.seed,
            from,
            trail: file.choices,
            replayable: replayable && warnings.is_empty(),
        },
        warnings,
        saved_at: file.saved_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The save as `ron` writes it whole.
    fn plain(story: &Story, game: &Game, saved_at: u64) -> String {
        let file = save_file(story, game, saved_at);
        let body = ron::ser::to_string_pretty(&file, ron_config()).unwrap();
        let head = to_text(story, game, saved_at);
        format!("{}\n{body}\n", head.lines().next().unwrap())
    }

    #[test]
    fn kept_choices_give_the_text_ron_gives() {
        let files = crate::files::embedded_story();
        let story = crate::story::load_story(&files).story.unwrap();
        let (mut game, _) = Game::new(&story, 9).unwrap();
        let mut kept = ChoicesText::default();
        assert_eq!(to_text_with(&story, &game, 1, &mut kept), plain(&story, &game, 1));
        for n in 0..30 {
            let view = crate::engine::view(&story, &game.state);
            let Some(c) = view.choices.iter().find(|c| c.available) else {
                break;
            };
            game.choose(&story, c.index).unwrap();
            if n % 7 == 6 {
                // An undo of two choices, then the game goes on the same way.
                let len = game.trail.len() - 2;
                kept.truncate(len);
            }
            assert_eq!(to_text_with(&story, &game, 1, &mut kept), plain(&story, &game, 1));
        }
        // A list replaced by another of the same length is noticed.
        let mut other = game.clone();
        other.trail.last_mut().unwrap().1 += 1;
        assert_eq!(
            to_text_with(&story, &other, 1, &mut kept),
            plain(&story, &other, 1)
        );
        // Odd strings are escaped as ron escapes them.
        other.trail.push(Step("a\"b\u{1b}\n\\c".into(), 3));
        other.replayable = false;
        assert_eq!(
            to_text_with(&story, &other, 1, &mut kept),
            plain(&story, &other, 1)
        );
    }
}
