//! The core of the REPL, without a terminal: a [`Session`] takes one line of input and returns
//! what to print, as [`Block`]s. The rustyline front end and the piped-stdin loop are thin
//! loops around it, and the completer asks it for the words valid now.
//!
//! The session owns the story, the game, the undo stack and the saves folder; it writes the
//! autosave after every change, the endings found and the transcript. It never prints.

use super::render::{Block, Look, clean, render};
use crate::commands::StorySource;
use crate::engine::{self, Outcome};
use crate::files;
use crate::save::{self, Game, SaveDir, SaveError, Slot};
use crate::story::{Story, load_story};
use std::collections::BTreeSet;

/// Input lines longer than this (in bytes) are refused whole.
pub const MAX_LINE: usize = 4096;
/// How many steps `undo` can go back.
pub const UNDO_LIMIT: usize = 1000;

const TRANSCRIPT: &str = "transcript.txt";
const ENDINGS: &str = "endings.txt";

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
}

/// What to print after an input, and whether the game ends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reply {
    pub blocks: Vec<Block>,
    pub quit: bool,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    Restart,
    Quit,
}

/// A game being played, with everything around it.
pub struct Session {
    story: Story,
    source: StorySource,
    fixed_seed: Option<u64>,
    game: Game,
    undo: Vec<Game>,
    saves: SaveDir,
    pending: Option<Pending>,
    /// Changed since the last save or load.
    unsaved: bool,
    transcript: bool,
    autosave_failed: bool,
}

/// The meta-commands as completion offers them (full names; the abbreviations work too).
const COMMANDS: &[&str] = &[
    "help",
    "look",
    "notes",
    "status",
    "save",
    "load",
    "restore",
    "saves",
    "undo",
    "restart",
    "endings",
    "transcript on",
    "transcript off",
    "reload",
    "about",
    "quit",
];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Command {
    Help,
    Look,
    Notes,
    Save(Option<String>),
    Load(Option<String>),
    Saves,
    Undo,
    Restart,
    Endings,
    Transcript(Option<bool>),
    Reload,
    About,
    Quit,
}

/// A command with the right number of arguments, or `None`. `Err` when the word is a command
/// but the argument is wrong (`transcript maybe`).
fn parse_command(line: &str) -> Option<Result<Command, String>> {
    let mut words = line.split_whitespace();
    let first = words.next()?.to_lowercase();
    let args: Vec<&str> = words.collect();
    let none = |c: Command| args.is_empty().then_some(Ok(c));
    let slot = |f: fn(Option<String>) -> Command| match args.as_slice() {
        [] => Some(Ok(f(None))),
        [one] => Some(Ok(f(Some((*one).to_owned())))),
        _ => None,
    };
    match first.as_str() {
        "help" | "?" => none(Command::Help),
        "look" | "l" => none(Command::Look),
        "notes" | "status" => none(Command::Notes),
        "save" => slot(Command::Save),
        "load" | "restore" => slot(Command::Load),
        "saves" => none(Command::Saves),
        "undo" | "u" => none(Command::Undo),
        "restart" => none(Command::Restart),
        "endings" => none(Command::Endings),
        "reload" => none(Command::Reload),
        "about" => none(Command::About),
        "quit" | "q" => none(Command::Quit),
        "transcript" => match args.as_slice() {
            [] => Some(Ok(Command::Transcript(None))),
            [arg] if arg.eq_ignore_ascii_case("on") => Some(Ok(Command::Transcript(Some(true)))),
            [arg] if arg.eq_ignore_ascii_case("off") => Some(Ok(Command::Transcript(Some(false)))),
            _ => Some(Err("use `transcript on` or `transcript off`".into())),
        },
        _ => None,
    }
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// What a line of input names among the choices on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found<'v> {
    /// One choice (it may be unavailable).
    Choice(&'v engine::ChoiceView),
    /// A number that is no choice's.
    NoNumber,
    /// Text that starts no choice.
    Nothing,
    /// Text that starts several choices: their numbers as shown.
    Several(Vec<usize>),
}

impl Found<'_> {
    /// Why the input is not a choice to take now (a [`Found::Choice`] that is unavailable too).
    pub fn message(&self, view: &engine::View, typed: &str) -> String {
        match self {
            Found::Choice(c) => match &c.reason {
                Some(why) => format!("that choice is not available now: {why}"),
                None => "that choice is not available now".to_owned(),
            },
            Found::NoNumber => format!(
                "there is no choice {}: type a number from 1 to {}",
                quote(typed),
                view.choices.len()
            ),
            Found::Nothing => format!("no choice starts with {}", quote(typed)),
            Found::Several(numbers) => {
                let numbers: Vec<String> = numbers.iter().map(usize::to_string).collect();
                format!(
                    "{} could be choice {}: type more of it, or its number",
                    quote(typed),
                    numbers.join(" or ")
                )
            }
        }
    }
}

/// The choice a line names: its number as shown (1 = the first choice on screen), or an
/// unambiguous start of its text, as [`typed_start`] reads it.
pub fn find_choice<'v>(view: &'v engine::View, typed: &str) -> Found<'v> {
    let typed = typed.trim();
    if is_number(typed) {
        let n = typed.parse::<usize>().unwrap_or(usize::MAX);
        return match view.choices.get(n.wrapping_sub(1)) {
            Some(c) => Found::Choice(c),
            None => Found::NoNumber,
        };
    }
    let matches: Vec<usize> = view
        .choices
        .iter()
        .enumerate()
        .filter(|(_, c)| typed_start(&c.text, typed).is_some())
        .map(|(n, _)| n)
        .collect();
    match matches.as_slice() {
        [] => Found::Nothing,
        [one] => Found::Choice(&view.choices[*one]),
        many => Found::Several(many.iter().map(|n| n + 1).collect()),
    }
}

/// The position in its scene of the available choice a line names (for [`engine::choose`]),
/// or the message the game would give.
pub fn pick(view: &engine::View, typed: &str) -> Result<usize, String> {
    match find_choice(view, typed) {
        Found::Choice(c) if c.available => Ok(c.index),
        found => Err(found.message(view, typed)),
    }
}

/// Whether `typed` is a start of `text` as a player would type it, and if so where it ends in
/// `text` (a byte offset). Case does not matter, nor runs of spaces, nor the quotes and
/// punctuation a text starts with (`just` starts `“Just googling.”`); typographic quotes,
/// apostrophes, dashes and the ellipsis read as their plain forms (`'`, `"`, `-`, `...`) and a
/// run of dashes as one. Text that is only punctuation (`"`, `...`) is compared as it is.
/// `None` when `typed` is empty.
pub fn typed_start(text: &str, typed: &str) -> Option<usize> {
    let typed = plain_form(typed);
    let text = plain_form(text);
    let words = |s: &[(char, usize)]| s.iter().position(|(c, _)| c.is_alphanumeric());
    let (typed, text) = match words(&typed) {
        Some(t) => (&typed[t..], &text[words(&text)?..]),
        None => (&typed[..], &text[..]),
    };
    if typed.is_empty() || typed.len() > text.len() {
        return None;
    }
    let same = typed.iter().zip(text).all(|((a, _), (b, _))| a == b);
    same.then(|| text[typed.len() - 1].1)
}

/// A text in the form [`typed_start`] compares: each character with the byte offset, in `s`,
/// just after the character it comes from.
fn plain_form(s: &str) -> Vec<(char, usize)> {
    let mut out: Vec<(char, usize)> = Vec::with_capacity(s.len());
    for (at, c) in s.char_indices() {
        let end = at + c.len_utf8();
        let plain: &str = match c {
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '\u{2039}' | '\u{203a}' => "'",
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' | '\u{ab}' | '\u{bb}' => "\"",
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{fe58}' | '\u{fe63}' | '\u{ff0d}' => "-",
            '\u{2026}' => "...",
            c if c.is_whitespace() => " ",
            _ => "",
        };
        let lower: Vec<char> = match plain {
            "" => c.to_lowercase().collect(),
            p => p.chars().collect(),
        };
        for p in lower {
            let last = out.last().map(|(l, _)| *l);
            match (p, last) {
                // No space at the start, one for a run of them.
                (' ', None | Some(' ')) => {}
                ('-', Some('-')) => {}
                _ => out.push((p, end)),
            }
        }
    }
    if out.last().is_some_and(|(c, _)| *c == ' ') {
        out.pop();
    }
    out
}

/// Quotes what the player typed in a message (cut when long).
fn quote(s: &str) -> String {
    let cut: String = s.chars().take(60).collect();
    if cut.len() < s.len() {
        format!("\"{cut}...\"")
    } else {
        format!("\"{cut}\"")
    }
}

impl Session {
    /// Starts a game (or resumes the autosave) and returns the first screen. An error is for
    /// the player, a line or two: the story cannot start, or the autosave cannot be resumed
    /// (which file, why, and what to do instead).
    pub fn start(story: Story, source: StorySource, config: &Config) -> Result<(Session, Reply), String> {
        let saves = SaveDir::new(&config.saves);
        let seed = config.seed.unwrap_or_else(rand::random);
        let mut blocks = vec![Block::Heading(story.title().to_owned())];
        let by = match story.author().is_empty() {
            true => String::new(),
            false => format!("By {}. ", story.author()),
        };
        blocks.push(Block::Info(format!("{by}Type `help` for the commands.")));
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
            undo: Vec::new(),
            saves,
            pending: None,
            unsaved: false,
            transcript: false,
            autosave_failed: false,
        };
        session.passed(&outcome, &mut blocks);
        session.scene(&mut blocks, true);
        Ok((session, Reply { blocks, quit: false }))
    }

    pub fn story(&self) -> &Story {
        &self.story
    }

    pub fn game(&self) -> &Game {
        &self.game
    }

    /// Whether the session waits for a yes or no.
    pub fn is_asking(&self) -> bool {
        self.pending.is_some()
    }

    /// Handles one line of input.
    pub fn handle(&mut self, input: Input<'_>) -> Reply {
        let mut reply = Reply::default();
        let echo = match input {
            Input::Line(line) => line.to_owned(),
            Input::TooLong => "(a line that is too long)".to_owned(),
            Input::NotUtf8 => "(a line that is not UTF-8)".to_owned(),
        };
        match input {
            Input::TooLong => {
                self.pending = None;
                let msg = format!("that line is too long (over {MAX_LINE} bytes); nothing was done");
                self.bad_line(&msg, &mut reply.blocks);
            }
            Input::NotUtf8 => {
                self.pending = None;
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
        reply
    }

    /// Ctrl-C at the prompt: forget a pending question.
    pub fn interrupt(&mut self) -> Reply {
        let mut reply = Reply::default();
        if self.pending.take().is_some() {
            reply.blocks.push(Block::Info("Cancelled.".into()));
        }
        reply
    }

    /// The words valid now, for completion: the commands, `load SLOT` for each save, and the
    /// text of each available choice.
    pub fn completions(&self) -> Vec<String> {
        let mut words: Vec<String> = COMMANDS.iter().map(|c| (*c).to_owned()).collect();
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
                self.pending = Some(pending);
                let question = match pending {
                    Pending::Restart => "Restart from the beginning?",
                    Pending::Quit => "Quit without saving?",
                };
                reply
                    .blocks
                    .push(Block::Ask(format!("{question} Please type y or n.")));
                return;
            }
        };
        match (pending, yes) {
            (Pending::Restart, true) => self.restart(&mut reply.blocks),
            (Pending::Quit, true) => reply.quit = true,
            (Pending::Restart, false) => reply.blocks.push(Block::Info("Not restarted.".into())),
            (Pending::Quit, false) => reply.blocks.push(Block::Info("Playing on.".into())),
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
        if is_number(trimmed) {
            self.by_choice(trimmed, blocks);
            return;
        }
        match parse_command(trimmed) {
            Some(Ok(c)) => self.command(c, reply),
            Some(Err(msg)) => blocks.push(Block::Problem(msg)),
            None => self.by_choice(trimmed, blocks),
        }
    }

    /// Says a line could not be read, and shows the choices again (if there are any).
    fn bad_line(&self, msg: &str, blocks: &mut Vec<Block>) {
        blocks.push(Block::Problem(msg.to_owned()));
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

    fn by_choice(&mut self, typed: &str, blocks: &mut Vec<Block>) {
        let view = engine::view(&self.story, &self.game.state);
        match find_choice(&view, typed) {
            Found::Choice(c) if c.available => self.choose(c.index, blocks),
            found => {
                // `save a b`: a save command with a bad slot rather than an unknown choice.
                let mut words = typed.split_whitespace();
                let first = words.next().unwrap_or_default().to_lowercase();
                if matches!(found, Found::Nothing) && matches!(first.as_str(), "save" | "load" | "restore") {
                    let rest = words.collect::<Vec<_>>().join(" ");
                    blocks.push(Block::Problem(SaveError::BadSlot(rest).to_string()));
                    return;
                }
                self.not_a_choice(&found.message(&view, typed), blocks);
            }
        }
    }

    fn choose(&mut self, index: usize, blocks: &mut Vec<Block>) {
        let before = self.game.clone();
        match self.game.choose(&self.story, index) {
            Ok(outcome) => {
                self.push_undo(before);
                self.unsaved = true;
                self.autosave(blocks);
                self.passed(&outcome, blocks);
                self.scene(blocks, true);
            }
            Err(e) => blocks.push(Block::Problem(format!(
                "the story went wrong: {e}; nothing changed"
            ))),
        }
    }

    fn passed(&self, outcome: &Outcome, blocks: &mut Vec<Block>) {
        for text in &outcome.passed {
            blocks.push(Block::Text(text.clone()));
        }
    }

    fn choice_blocks(view: &engine::View, blocks: &mut Vec<Block>) {
        for (n, c) in view.choices.iter().enumerate() {
            blocks.push(Block::Choice {
                number: n + 1,
                text: c.text.clone(),
                available: c.available,
                reason: c.reason.clone(),
            });
        }
    }

    /// The scene on screen. `arrived`: the game just got here (an ending is recorded).
    fn scene(&mut self, blocks: &mut Vec<Block>, arrived: bool) {
        let view = engine::view(&self.story, &self.game.state);
        if !view.text.is_empty() {
            blocks.push(Block::Text(view.text.clone()));
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

    fn at_ending(&self) -> bool {
        engine::ending(&self.story, &self.game.state).is_some()
    }

    fn push_undo(&mut self, game: Game) {
        self.undo.push(game);
        if self.undo.len() > UNDO_LIMIT {
            self.undo.remove(0);
        }
    }

    fn autosave(&mut self, blocks: &mut Vec<Block>) {
        match self.saves.write(&Slot::autosave(), &self.story, &self.game) {
            Ok(()) => self.autosave_failed = false,
            Err(e) => {
                if !self.autosave_failed {
                    blocks.push(Block::Problem(format!("could not autosave: {e}")));
                }
                self.autosave_failed = true;
            }
        }
    }

    fn command(&mut self, command: Command, reply: &mut Reply) {
        let blocks = &mut reply.blocks;
        match command {
            Command::Help => blocks.push(Block::Table(help())),
            Command::Look => self.scene(blocks, false),
            Command::Notes => {
                let text = engine::render_text(&self.game.state, self.story.notebook());
                match text.is_empty() {
                    true => blocks.push(Block::Info("Your notebook is empty.".into())),
                    false => blocks.push(Block::Text(text)),
                }
            }
            Command::Save(slot) => self.save(slot.as_deref().unwrap_or(save::DEFAULT_SLOT), blocks),
            Command::Load(slot) => self.load(slot.as_deref().unwrap_or(save::DEFAULT_SLOT), blocks),
            Command::Saves => self.list_saves(blocks),
            Command::Undo => match self.undo.pop() {
                Some(game) => {
                    self.game = game;
                    self.unsaved = true;
                    self.autosave(blocks);
                    blocks.push(Block::Info(format!(
                        "Taken back: you are at turn {}.",
                        self.game.state.turn()
                    )));
                    self.scene(blocks, false);
                }
                None => blocks.push(Block::Problem("there is nothing to undo".into())),
            },
            Command::Restart => {
                if self.at_ending() || self.game.state.turn() == 0 {
                    self.restart(blocks);
                } else {
                    self.pending = Some(Pending::Restart);
                    blocks.push(Block::Ask(
                        "Restart from the beginning? (`undo` brings this game back) [y/n]".into(),
                    ));
                }
            }
            Command::Endings => self.endings(blocks),
            Command::Transcript(on) => self.set_transcript(on, blocks),
            Command::Reload => self.reload(blocks),
            Command::About => self.about(blocks),
            Command::Quit => reply.quit = self.quit(blocks),
        }
    }

    /// Whether to quit now; asks first when the game in progress is not saved.
    fn quit(&mut self, blocks: &mut Vec<Block>) -> bool {
        if self.unsaved && !self.at_ending() && self.game.state.turn() > 0 {
            self.pending = Some(Pending::Quit);
            blocks.push(Block::Ask(
                "Quit without saving? The autosave keeps your place for `interview --continue`. [y/n]".into(),
            ));
            return false;
        }
        true
    }

    fn restart(&mut self, blocks: &mut Vec<Block>) {
        let seed = self.fixed_seed.unwrap_or_else(rand::random);
        match Game::new(&self.story, seed) {
            Ok((game, outcome)) => {
                let before = std::mem::replace(&mut self.game, game);
                self.push_undo(before);
                self.unsaved = true;
                self.autosave(blocks);
                blocks.push(Block::Info("The story starts again.".into()));
                self.passed(&outcome, blocks);
                self.scene(blocks, true);
            }
            Err(e) => blocks.push(Block::Problem(format!("the story cannot start: {e}"))),
        }
    }

    fn save(&mut self, name: &str, blocks: &mut Vec<Block>) {
        let slot = match Slot::parse_for_saving(name) {
            Ok(s) => s,
            Err(e) => return blocks.push(Block::Problem(e.to_string())),
        };
        match self.saves.write(&slot, &self.story, &self.game) {
            Ok(()) => {
                self.unsaved = false;
                blocks.push(Block::Info(format!("Saved in slot `{slot}`.")));
            }
            Err(e) => blocks.push(Block::Problem(format!("could not save: {e}"))),
        }
    }

    fn load(&mut self, name: &str, blocks: &mut Vec<Block>) {
        let slot = match Slot::parse(name) {
            Ok(s) => s,
            Err(e) => return blocks.push(Block::Problem(e.to_string())),
        };
        match self.saves.load(&slot, &self.story) {
            Ok(loaded) => {
                let before = std::mem::replace(&mut self.game, loaded.game);
                self.push_undo(before);
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

    fn list_saves(&self, blocks: &mut Vec<Block>) {
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

    fn found_endings(&self) -> Result<BTreeSet<(String, String)>, SaveError> {
        let bytes = save::read_regular(&self.saves.own_file(ENDINGS), 1024 * 1024)?.unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        Ok(text
            .lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(s, e)| (s.trim().to_owned(), e.trim().to_owned()))
            .collect())
    }

    fn record_ending(&mut self, ending: &str, blocks: &mut Vec<Block>) {
        let mut found = match self.found_endings() {
            Ok(f) => f,
            Err(e) => return blocks.push(Block::Problem(format!("could not record this ending: {e}"))),
        };
        if !found.insert((self.story.id().to_owned(), ending.to_owned())) {
            return;
        }
        let text: String = found.iter().map(|(s, e)| format!("{s} {e}\n")).collect();
        if let Err(e) = save::write_atomic(&self.saves.own_file(ENDINGS), text.as_bytes()) {
            blocks.push(Block::Problem(format!("could not record this ending: {e}")));
        }
    }

    fn endings(&self, blocks: &mut Vec<Block>) {
        let found = match self.found_endings() {
            Ok(f) => f,
            Err(e) => return blocks.push(Block::Problem(format!("cannot read the endings found: {e}"))),
        };
        let all = self.story.endings();
        let mine: Vec<&str> = all
            .iter()
            .filter(|e| found.contains(&(self.story.id().to_owned(), e.id.clone())))
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

    fn log(&mut self, text: &str, blocks: &mut Vec<Block>) {
        if let Err(e) = save::append_regular(&self.saves.own_file(TRANSCRIPT), text.as_bytes()) {
            self.transcript = false;
            blocks.push(Block::Problem(format!("the transcript stopped: {e}")));
        }
    }

    fn set_transcript(&mut self, on: Option<bool>, blocks: &mut Vec<Block>) {
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
                    self.story.title(),
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

    fn about(&self, blocks: &mut Vec<Block>) {
        let s = &self.story;
        let mut head = s.title().to_owned();
        if !s.version().is_empty() {
            head.push_str(&format!(", version {}", s.version()));
        }
        if !s.author().is_empty() {
            head.push_str(&format!(", by {}", s.author()));
        }
        blocks.push(Block::Heading(head));
        if !s.about().trim().is_empty() {
            blocks.push(Block::Text(fold(s.about())));
        }
        blocks.push(Block::Info(format!(
            "Seed {} (`interview --seed {}` plays this game again). Saves go to {}. Interview {}.",
            self.game.seed,
            self.game.seed,
            self.saves.dir().display(),
            env!("CARGO_PKG_VERSION")
        )));
    }

    fn reload(&mut self, blocks: &mut Vec<Block>) {
        let StorySource::Dir(dir) = self.source.clone() else {
            blocks.push(Block::Problem(
                "`reload` re-reads a story folder given with `--scenes DIR`; the built-in story cannot change"
                    .into(),
            ));
            return;
        };
        let files = match files::read_story_dir(&dir) {
            Ok(f) => f,
            Err(e) => {
                return blocks.push(Block::Problem(format!(
                    "cannot reload: {e}; still playing the story as it was"
                )));
            }
        };
        let loaded = load_story(&files);
        let Some(story) = loaded.story else {
            let errors: Vec<String> = loaded.errors().map(|d| d.headline()).collect();
            blocks.push(Block::Problem(format!(
                "cannot reload: {} has {} error{}; still playing the story as it was",
                dir.display(),
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            )));
            blocks.push(Block::Table(errors.into_iter().take(20).collect()));
            return;
        };
        if story.fingerprint() == self.story.fingerprint() {
            blocks.push(Block::Info(format!("{} has not changed.", dir.display())));
            return;
        }
        let (game, warnings) = match save::carry_over(&self.story, &self.game, &story) {
            Ok(g) => g,
            Err(e) => {
                return blocks.push(Block::Problem(format!(
                    "cannot reload: {e}; still playing the story as it was"
                )));
            }
        };
        // Carry the undo stack over too, newest first, as far back as it fits.
        let mut undo = Vec::new();
        for old in self.undo.iter().rev() {
            match save::carry_over(&self.story, old, &story) {
                Ok((g, _)) => undo.push(g),
                Err(_) => break,
            }
        }
        undo.reverse();
        self.undo = undo;
        self.story = story;
        self.game = game;
        self.autosave(blocks);
        let mut text = format!("Reloaded {}.", dir.display());
        for w in &warnings {
            text.push_str(&format!(" Note: {w}."));
        }
        blocks.push(Block::Info(text));
        self.scene(blocks, false);
    }
}

/// Folds text as the story format does for scene text: a blank line starts a paragraph, other
/// line breaks and runs of spaces become one space.
fn fold(text: &str) -> String {
    let mut paras: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines().chain(std::iter::once("")) {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paras.push(current.join(" "));
                current.clear();
            }
        } else {
            current.extend(line.split_whitespace());
        }
    }
    paras.join("\n\n")
}

fn help() -> Vec<String> {
    [
        "Type a choice's number, or the start of its text. Commands:",
        "  look, l              show the scene again",
        "  notes, status        your notebook",
        "  save [slot]          save the game (slot: letters, digits, - and _; default `default`)",
        "  load [slot]          load a saved game (also `restore`)",
        "  saves                list the saved games",
        "  undo, u              take back the last step",
        "  restart              start the story again",
        "  endings              the endings you have found",
        "  transcript on|off    copy the session to a text file in the saves folder",
        "  reload               re-read the story folder (--scenes) and play on",
        "  about                about this story and this game",
        "  help, ?              this list",
        "  quit, q              leave the game",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_with_their_arguments() {
        assert_eq!(parse_command("L"), Some(Ok(Command::Look)));
        assert_eq!(parse_command("look at the sea"), None);
        assert_eq!(parse_command("SAVE a"), Some(Ok(Command::Save(Some("a".into())))));
        assert_eq!(parse_command("save a b"), None);
        assert_eq!(parse_command("restore"), Some(Ok(Command::Load(None))));
        assert_eq!(
            parse_command("transcript ON"),
            Some(Ok(Command::Transcript(Some(true))))
        );
        assert!(matches!(parse_command("transcript maybe"), Some(Err(_))));
        assert_eq!(parse_command("climb"), None);
    }

    #[test]
    fn fold_joins_lines_and_keeps_paragraphs() {
        assert_eq!(fold("One\n    two  three\n\n  Four.\n"), "One two three\n\nFour.");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn input_from_bytes() {
        assert_eq!(Input::from_bytes(b"look"), Input::Line("look"));
        assert_eq!(Input::from_bytes(b"\xff\xfe"), Input::NotUtf8);
        assert_eq!(Input::from_bytes(&[b'a'; MAX_LINE + 1]), Input::TooLong);
    }
}
