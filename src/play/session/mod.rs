//! The core of the REPL, without a terminal: a [`Session`] takes one line of input and returns
//! what to print, as [`Block`]s. The rustyline front end and the piped-stdin loop are thin
//! loops around it, and the completer asks it for the words valid now.
//!
//! The session owns the story, the game, the undo stack and the saves folder; it writes the
//! autosave after every change, the endings found and the transcript. It never prints.
//!
//! One type, split by topic (each file adds an `impl Session` block):
//! - [`meta`]: the table of meta-commands, which feeds the parser, completion and `help`;
//! - `choices`: taking a choice and showing the scene; `undo`: the undo stack and `restart`;
//! - `saves`: `save`, `load`, `saves` and the autosave; `records`: the endings found and the
//!   transcript; `story`: `about` and `reload`.

mod choices;
pub mod meta;
pub(crate) mod records;
mod saves;
mod story;
mod undo;

pub use crate::matching::{Found, find_choice, pick, typed_start};

use super::render::{Block, Look, clean, render};
use crate::engine::{self, Game, Outcome};
use crate::files::StorySource;
use crate::matching::is_number;
use crate::save::{self, ChoicesText, SaveDir, SaveError, Slot};
use crate::story::Story;
use std::collections::VecDeque;
use undo::Undo;

/// Input lines longer than this (in bytes) are refused whole.
pub const MAX_LINE: usize = 4096;
/// How many steps `undo` can go back.
pub const UNDO_LIMIT: usize = 1000;

/// The game's own files in the saves folder.
pub(crate) const TRANSCRIPT: &str = "transcript.txt";
pub(crate) const ENDINGS: &str = "endings.txt";
pub(crate) const HISTORY: &str = "history.txt";
/// The scenes read, across games: `STORY SCENE` a line, each once (for `brief`).
pub(crate) const SEEN: &str = "seen.txt";
const OWN_FILES: &[&str] = &[TRANSCRIPT, ENDINGS, HISTORY, SEEN];

/// One line of input, as it arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input<'a> {
    Line(&'a str),
    /// Over [`MAX_LINE`] bytes.
    TooLong,
    /// Not UTF-8.
    NotUtf8,
}

impl<'a> Input<'a> {
    /// Classifies raw bytes (without the line ending).
    pub fn from_bytes(bytes: &'a [u8]) -> Input<'a> {
        if bytes.len() > MAX_LINE {
            return Input::TooLong;
        }
        match std::str::from_utf8(bytes) {
            Ok(s) => Input::Line(s),
            Err(_) => Input::NotUtf8,
        }
    }

    /// The input as the transcript and `--echo` show it.
    pub fn echo(&self) -> String {
        match self {
            Input::Line(line) => (*line).to_owned(),
            Input::TooLong => "(a line that is too long)".to_owned(),
            Input::NotUtf8 => "(a line that is not UTF-8)".to_owned(),
        }
    }
}

/// What to print after an input, and whether the game ends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reply {
    pub blocks: Vec<Block>,
    pub quit: bool,
    /// Notes about the saves folder that are not part of the game's text: a terminal shows
    /// them, a piped run writes them to stderr so its output stays as it was.
    pub notices: Vec<String>,
}

/// How a session starts.
#[derive(Debug, Clone)]
pub struct Config {
    /// The seed; random when not given (and then `restart` draws a new one).
    pub seed: Option<u64>,
    /// The saves folder.
    pub saves: std::path::PathBuf,
    /// Resume the autosave (`--continue`).
    pub resume: bool,
}

/// Who plays: a player at a terminal is asked before anything is replaced; from a pipe the
/// game goes on as the inputs say (and keeps what it replaces, saying so in a notice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Front {
    Terminal,
    Pipe,
}

/// A question waiting for its yes or no.
#[derive(Debug, Clone)]
enum Pending {
    Restart,
    Quit,
    /// Continue the unfinished game in the autosave (at the start, on a terminal)? The new
    /// game has started already, with what its start printed.
    Continue {
        old: Box<Game>,
        turn: u32,
        passed: Outcome,
    },
    /// Save over a slot that holds another game?
    Overwrite(Slot),
}

impl Pending {
    fn question(&self) -> String {
        match self {
            Pending::Restart => "Restart from the beginning?".into(),
            Pending::Quit => "Quit without saving?".into(),
            Pending::Continue { .. } => "Continue the unfinished game?".into(),
            Pending::Overwrite(slot) => format!("Save over slot `{slot}`?"),
        }
    }
}

/// An unfinished game in the autosave when a new one started: kept as a slot before the new
/// game's first autosave replaces it.
#[derive(Debug, Clone)]
struct OldAutosave {
    /// "“The Hall”, turn 3".
    summary: String,
}

/// A game being played, with everything around it.
pub struct Session {
    story: Story,
    source: StorySource,
    fixed_seed: Option<u64>,
    game: Game,
    undo: VecDeque<Undo>,
    /// The text of the game's choices in its last save, extended at each save.
    choices_text: ChoicesText,
    saves: SaveDir,
    pending: Option<Pending>,
    front: Front,
    /// The autosave to keep as a slot before the first autosave of this game.
    old_autosave: Option<OldAutosave>,
    /// The slots this session saved or loaded: saving over them asks nothing.
    mine: Vec<String>,
    /// Notices for the next reply.
    notices: Vec<String>,
    /// The last input that was not an answer or `again`, for `again`.
    last: Option<String>,
    /// `brief`: a scene read in an earlier game shows its first paragraph only.
    brief: bool,
    /// The scenes of this story read in earlier games, and those recorded since.
    seen_before: std::collections::HashSet<String>,
    seen_now: std::collections::HashSet<String>,
    /// Changed since the last save or load.
    unsaved: bool,
    transcript: bool,
    autosave_failed: bool,
    /// An autosave was written by this session.
    autosaved: bool,
}

impl Session {
    /// Starts a game (or resumes the autosave) and returns the first screen. An error is for
    /// the player, a line or two: the story cannot start, or the autosave cannot be resumed
    /// (which file, why, and what to do instead).
    pub fn start(story: Story, source: StorySource, config: &Config) -> Result<(Session, Reply), String> {
        Session::start_for(story, source, config, Front::Pipe)
    }

    /// [`Session::start`] for a player at a terminal or for a pipe. Without `--continue`,
    /// when the autosave holds an unfinished game, a terminal asks whether to continue it;
    /// either way it is kept as a slot before a new game's first autosave replaces it.
    pub fn start_for(
        story: Story,
        source: StorySource,
        config: &Config,
        front: Front,
    ) -> Result<(Session, Reply), String> {
        let saves = SaveDir::new(&config.saves);
        // Temporary files of a game killed in the middle of a write.
        saves.remove_leftovers(OWN_FILES);
        let seed = config.seed.unwrap_or_else(rand::random);
        let mut blocks = vec![Block::Heading(story.title().to_owned())];
        let by = match story.author().is_empty() {
            true => String::new(),
            false => format!("By {}. ", story.author()),
        };
        // A story with a notebook says so up front: it is the game's status screen (its
        // stats, in Choice of Games' terms), and a player who never types `help` would miss it.
        let commands = match story.notebook().0.is_empty() {
            true => "Type `help` for the commands.",
            false => "Type `notes` for your notebook, `help` for the commands.",
        };
        blocks.push(Block::Info(format!("{by}{commands}")));
        let mut resumed = None;
        if config.resume {
            match saves.load(&Slot::autosave(), &story) {
                Ok(loaded) => resumed = Some(loaded),
                Err(SaveError::NoSave(_)) => blocks.push(Block::Problem(format!(
                    "there is no autosave in {} to continue; a new game starts",
                    saves.dir().display()
                ))),
                Err(e) => {
                    let state = match e.is_damaged() {
                        true => "the file is damaged; it is left as it is",
                        false => "the file is left as it is",
                    };
                    return Err(format!(
                        "cannot continue the autosave: {e}\n{state}: to play, start a new game with \
                         `interview` (without --continue; its autosave replaces the file), or start one \
                         and type `load SLOT` to load another save (`saves` lists them)"
                    ));
                }
            }
        }
        let mut old_autosave = None;
        let mut ask = None;
        if !config.resume {
            match saves.load(&Slot::autosave(), &story) {
                Ok(loaded) => {
                    let state = &loaded.game.state;
                    let ended = engine::ending(&story, state).is_some();
                    if !ended && state.turn() > 0 {
                        let summary = format!(
                            "\u{201c}{}\u{201d}, turn {}",
                            story.scene(state.scene()).title,
                            state.turn()
                        );
                        ask = Some((summary.clone(), loaded.saved_at, loaded.game));
                        old_autosave = Some(OldAutosave { summary });
                    }
                }
                Err(SaveError::NoSave(_)) => {}
                // No file there (the folder cannot be read): nothing to keep.
                Err(_) if std::fs::symlink_metadata(saves.slot_path(&Slot::autosave())).is_err() => {}
                // Another story's game, or a file that cannot be read: kept too.
                Err(_) => {
                    old_autosave = Some(OldAutosave {
                        summary: "a game this story cannot load".into(),
                    })
                }
            }
        }
        let resuming = resumed.is_some();
        let (game, outcome) = match resumed {
            Some(loaded) => {
                let mut text = format!("Continuing your game (turn {}).", loaded.game.state.turn());
                for w in &loaded.warnings {
                    text.push_str(&format!(" Note: {w}."));
                }
                blocks.push(Block::Info(text));
                (loaded.game, Outcome::default())
            }
            None => Game::new(&story, seed).map_err(|e| format!("the story cannot start: {e}"))?,
        };
        let mut session = Session {
            story,
            source,
            fixed_seed: config.seed,
            game,
            undo: VecDeque::new(),
            choices_text: ChoicesText::default(),
            saves,
            pending: None,
            unsaved: false,
            transcript: false,
            autosave_failed: false,
            autosaved: false,
            front,
            old_autosave,
            mine: Vec::new(),
            notices: Vec::new(),
            last: None,
            brief: false,
            seen_before: Default::default(),
            seen_now: Default::default(),
        };
        session.seen_before = session.read_seen();
        if let (Front::Terminal, Some((summary, saved_at, old))) = (front, ask) {
            blocks.push(Block::Ask(format!(
                "There is an unfinished game in the autosave: {summary}, saved {}. Continue it? \
                 (n starts a new game and keeps that one as a slot) [y/n]",
                save::format_date(saved_at)
            )));
            let turn = old.state.turn();
            session.pending = Some(Pending::Continue {
                old: Box::new(old),
                turn,
                passed: outcome,
            });
            return Ok((
                session,
                Reply {
                    blocks,
                    ..Reply::default()
                },
            ));
        }
        match resuming {
            true => session.scene_resumed(&mut blocks, true),
            false => {
                session.passed(&outcome, &mut blocks);
                session.scene(&mut blocks, true);
            }
        }
        Ok((
            session,
            Reply {
                blocks,
                ..Reply::default()
            },
        ))
    }

    pub fn story(&self) -> &Story {
        &self.story
    }

    pub fn game(&self) -> &Game {
        &self.game
    }

    /// Sets the size limit of the saves, for writing and reading alike (for tests: a game
    /// at the limit without 700,000 moves).
    pub fn set_save_limit(&mut self, bytes: u64) {
        self.saves = self.saves.clone().with_limit(bytes);
    }

    /// Whether the session waits for a yes or no.
    pub fn is_asking(&self) -> bool {
        self.pending.is_some()
    }

    /// Handles one line of input.
    pub fn handle(&mut self, input: Input<'_>) -> Reply {
        let mut reply = Reply::default();
        let echo = input.echo();
        match input {
            Input::TooLong => {
                self.forget_question();
                let msg = format!("that line is too long (over {MAX_LINE} bytes); nothing was done");
                self.bad_line(&msg, &mut reply.blocks);
            }
            Input::NotUtf8 => {
                self.forget_question();
                let msg = "that line is not valid text (UTF-8); nothing was done";
                self.bad_line(msg, &mut reply.blocks);
            }
            Input::Line(line) => match self.pending.take() {
                Some(p) => self.answer(p, line, &mut reply),
                None => self.line(line, &mut reply),
            },
        }
        if self.transcript {
            let text = format!("> {}\n\n{}", clean(&echo), render(&reply.blocks, &Look::PLAIN));
            self.log(&text, &mut reply.blocks);
        }
        reply.notices = std::mem::take(&mut self.notices);
        reply
    }

    /// Ctrl-C at the prompt: forget a pending question. (Not the question at the start,
    /// whether to continue the autosave: Ctrl-C there is a no, which loses nothing.)
    pub fn interrupt(&mut self) -> Reply {
        let mut reply = Reply::default();
        match self.pending.take() {
            Some(p @ Pending::Continue { .. }) => self.answer(p, "n", &mut reply),
            Some(_) => reply.blocks.push(Block::Info("Cancelled.".into())),
            None => {}
        }
        reply
    }

    /// A line that cannot be read drops the question asked, but for the one at the start.
    fn forget_question(&mut self) {
        if !matches!(self.pending, Some(Pending::Continue { .. })) {
            self.pending = None;
        }
    }

    /// The words valid now, for completion: the commands, `load SLOT` for each save, and the
    /// text of each available choice.
    pub fn completions(&self) -> Vec<String> {
        let mut words = meta::completions();
        if let Ok(rows) = self.saves.list_slots() {
            for slot in rows {
                words.push(format!("load {slot}"));
                words.push(format!("restore {slot}"));
                if !slot.is_autosave() {
                    words.push(format!("save {slot}"));
                }
            }
        }
        let view = engine::view(&self.story, &self.game.state);
        for c in view.choices.iter().filter(|c| c.available) {
            words.push(clean(&c.text).into_owned());
        }
        words
    }

    /// The answer to a yes/no question: `y`, `yes`, `n` or `no` (any case); anything else
    /// asks again.
    fn answer(&mut self, pending: Pending, line: &str, reply: &mut Reply) {
        let yes = match line.trim().to_lowercase().as_str() {
            "y" | "yes" => true,
            "n" | "no" => false,
            _ => {
                let question = pending.question();
                self.pending = Some(pending);
                reply
                    .blocks
                    .push(Block::Ask(format!("{question} Please type y or n.")));
                return;
            }
        };
        let blocks = &mut reply.blocks;
        match (pending, yes) {
            (Pending::Restart, true) => self.restart(blocks),
            (Pending::Quit, true) => reply.quit = true,
            (Pending::Restart, false) => blocks.push(Block::Info("Not restarted.".into())),
            (Pending::Quit, false) => blocks.push(Block::Info("Playing on.".into())),
            (Pending::Continue { old, turn, .. }, true) => {
                self.old_autosave = None;
                self.replace_game(*old);
                blocks.push(Block::Info(format!("Continuing your game (turn {turn}).")));
                self.scene_resumed(blocks, false);
            }
            (Pending::Continue { passed, .. }, false) => {
                blocks.push(Block::Info(
                    "A new game starts; the unfinished one is kept as a slot at your first move.".into(),
                ));
                self.passed(&passed, blocks);
                self.scene(blocks, true);
            }
            (Pending::Overwrite(slot), true) => self.save_to(slot, blocks),
            (Pending::Overwrite(slot), false) => {
                blocks.push(Block::Info(format!("Not saved; slot `{slot}` is as it was.")))
            }
        }
    }

    fn line(&mut self, line: &str, reply: &mut Reply) {
        let trimmed = line.trim();
        let blocks = &mut reply.blocks;
        if trimmed.is_empty() {
            self.not_a_choice(
                "type a choice's number or the start of its text (`help` lists the commands)",
                blocks,
            );
            return;
        }
        let again = matches!(meta::parse(trimmed), Some(Ok((c, _))) if c.name == "again");
        if !again {
            self.last = Some(trimmed.to_owned());
        }
        if is_number(trimmed) {
            self.by_choice(trimmed, blocks);
            return;
        }
        match meta::parse(trimmed) {
            Some(Ok((command, arg))) => (command.run)(self, arg, reply),
            Some(Err(msg)) => blocks.push(Block::Problem(msg)),
            None => self.by_choice(trimmed, blocks),
        }
    }

    /// Says a line could not be read, and shows the choices again (if there are any).
    fn bad_line(&self, msg: &str, blocks: &mut Vec<Block>) {
        blocks.push(Block::Problem(msg.to_owned()));
        if let Some(p @ Pending::Continue { .. }) = &self.pending {
            // Still at the question of the start: no game on screen yet.
            blocks.push(Block::Ask(format!("{} Please type y or n.", p.question())));
            return;
        }
        let view = engine::view(&self.story, &self.game.state);
        if view.ending.is_none() && !view.is_dead_end() {
            Self::choice_blocks(&view, blocks);
        }
    }

    /// Says the input is no choice, and shows the choices again.
    fn not_a_choice(&self, msg: &str, blocks: &mut Vec<Block>) {
        let view = engine::view(&self.story, &self.game.state);
        if view.ending.is_some() {
            blocks.push(Block::Problem(
                "the story is over: type `restart` to play again, `undo` to step back, `load` to load a save, or `quit`".into(),
            ));
            return;
        }
        if view.is_dead_end() {
            blocks.push(Block::Problem(
                "there is nothing to choose here (the story has a dead end): type `undo`, `restart`, `load` or `quit`".into(),
            ));
            return;
        }
        blocks.push(Block::Problem(msg.to_owned()));
        Self::choice_blocks(&view, blocks);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_from_bytes() {
        assert_eq!(Input::from_bytes(b"look"), Input::Line("look"));
        assert_eq!(Input::from_bytes(b"\xff\xfe"), Input::NotUtf8);
        assert_eq!(Input::from_bytes(&[b'a'; MAX_LINE + 1]), Input::TooLong);
    }
}
