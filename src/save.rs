//! Saved games: the save format, carrying a game over to an edited story, and the saves folder.
//!
//! A save is a RON file a person can read: a format version, the story's id, title and
//! fingerprint, the engine version, the seed, the game state *by names* (scene ids, variable
//! names, once-only choices as scene id and choice index) and the choices made, so it can be
//! verified by replaying them from the seed. Names, not indices, let a save outlive an edit of
//! its story: [`restore`] maps a state onto a story and says exactly what no longer fits. The
//! REPL's `reload` uses the same function through [`carry_over`].
//!
//! Reading a save parses and checks all of it before anything else is touched. The file side
//! ([`SaveDir`], [`read_regular`], [`write_atomic`], [`append_regular`]) writes atomically
//! (atomic-write-file: temporary file, fsync, rename, fsync of the folder) and never follows
//! or overwrites a symbolic link or anything that is not a regular file.

use crate::engine::{self, GameState, Outcome, Rng, StepError};
use crate::story::{Story, Value, VarKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::Metadata;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The save format this version writes.
pub const FORMAT: u32 = 1;
/// The oldest save format this version reads.
pub const OLDEST_FORMAT: u32 = 1;
/// A file larger than this is not read as a save.
pub const MAX_SAVE_BYTES: u64 = 16 * 1024 * 1024;
/// The slot the game saves into after every choice (`interview --continue` resumes it).
pub const AUTOSAVE: &str = "autosave";
/// The slot `save` and `load` use when no slot is named.
pub const DEFAULT_SLOT: &str = "default";
/// Device names that some systems refuse as file names, whatever the extension.
const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
    "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Why a save could not be written, read or used.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{0:?} is not a slot name: use 1 to 32 letters, digits, `-` or `_`")]
    BadSlot(String),
    #[error("`{0}` is a device name on some systems and cannot be a slot name; pick another")]
    ReservedSlot(String),
    #[error("`autosave` is the game's own slot; save under another name")]
    AutosaveSlot,
    #[error("there is no save in slot `{0}`")]
    NoSave(String),
    #[error("{0}: not a regular file (a link, a folder or a device); it is left alone")]
    NotRegular(PathBuf),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{0}: the file is over {MAX_SAVE_BYTES} bytes, too large for a save")]
    TooBig(PathBuf),
    #[error("this is not a save file: {0}")]
    Syntax(String),
    #[error(
        "this save is format {found}, newer than the format this interview reads ({FORMAT}): update interview to load it"
    )]
    Newer { found: u32 },
    #[error(
        "this save is format {found}, older than the formats this interview reads ({OLDEST_FORMAT} to {FORMAT})"
    )]
    Older { found: u32 },
    #[error("this save is from the story \"{save_title}\" (`{save_id}`), not from \"{title}\" (`{id}`)")]
    OtherStory {
        save_id: String,
        save_title: String,
        id: String,
        title: String,
    },
    #[error("the story has changed and this game no longer fits it: {}", .0.join("; "))]
    NoLongerFits(Vec<String>),
    #[error("the story's id changed from `{from}` to `{to}`, so it is another story")]
    IdChanged { from: String, to: String },
    #[error("this save is damaged: {}", .0.join("; "))]
    Damaged(Vec<String>),
    /// Why the save in a file cannot be used, with the file's path.
    #[error("{}: {source}", path.display())]
    InFile { path: PathBuf, source: Box<SaveError> },
}

impl SaveError {
    /// Whether the file is damaged: not a save at all, or one whose content is impossible
    /// for the very story it was saved from.
    pub fn is_damaged(&self) -> bool {
        match self {
            SaveError::Syntax(_) | SaveError::TooBig(_) | SaveError::Damaged(_) => true,
            SaveError::InFile { source, .. } => source.is_damaged(),
            _ => false,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Slot names

/// A valid slot name: 1 to 32 ASCII letters, digits, `-` or `_`, not a device name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot(String);

impl Slot {
    /// Checks a name as the player typed it. Nothing is ever rewritten: a bad name is refused.
    pub fn parse(name: &str) -> Result<Slot, SaveError> {
        let ok_chars = name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if name.is_empty() || name.len() > 32 || !ok_chars {
            return Err(SaveError::BadSlot(name.to_owned()));
        }
        if RESERVED.contains(&name.to_ascii_lowercase().as_str()) {
            return Err(SaveError::ReservedSlot(name.to_owned()));
        }
        Ok(Slot(name.to_owned()))
    }

    /// A slot the player may write to: any valid slot but the autosave.
    pub fn parse_for_saving(name: &str) -> Result<Slot, SaveError> {
        let slot = Slot::parse(name)?;
        if slot.is_autosave() {
            return Err(SaveError::AutosaveSlot);
        }
        Ok(slot)
    }

    pub fn autosave() -> Slot {
        Slot(AUTOSAVE.to_owned())
    }

    pub fn is_autosave(&self) -> bool {
        self.0 == AUTOSAVE
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn file_name(&self) -> String {
        format!("{}.ron", self.0)
    }
}

impl std::fmt::Display for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

// ---------------------------------------------------------------------------------------------
// A game: what a save holds besides the story

/// One choice made: the scene it was made in and the choice's position in that scene.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename = "Choice")]
pub struct Step(pub String, pub usize);

/// A game in progress: the engine's state, the seed it started from and the choices made since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Game {
    pub state: GameState,
    pub seed: u64,
    /// The choices made since the start, in order.
    pub trail: Vec<Step>,
    /// Whether replaying `trail` from `seed` gives `state` (false once the story was edited
    /// under the game: then the old choices no longer describe it).
    pub replayable: bool,
}

impl Game {
    /// Starts a game from the story's start scene.
    pub fn new(story: &Story, seed: u64) -> Result<(Game, Outcome), StepError> {
        let (state, outcome) = engine::new_game(story, seed)?;
        let game = Game {
            state,
            seed,
            trail: Vec::new(),
            replayable: true,
        };
        Ok((game, outcome))
    }

    /// Makes choice `index` of the current scene (as in [`engine::ChoiceView::index`]). On an
    /// error the game is left exactly as it was.
    pub fn choose(&mut self, story: &Story, index: usize) -> Result<Outcome, StepError> {
        let mut state = self.state.clone();
        let outcome = engine::choose(story, &mut state, index)?;
        let scene = story.scene(self.state.scene).id.clone();
        self.state = state;
        self.trail.push(Step(scene, index));
        Ok(outcome)
    }

    /// Plays `trail` from `seed`; says where it stops fitting the story.
    pub fn replay(story: &Story, seed: u64, trail: &[Step]) -> Result<Game, String> {
        let (mut game, _) = Game::new(story, seed).map_err(|e| e.to_string())?;
        for (n, Step(scene, index)) in trail.iter().enumerate() {
            let here = &story.scene(game.state.scene).id;
            if here != scene {
                return Err(format!(
                    "choice {} was made in scene `{scene}`, but the replay is in `{here}`",
                    n + 1
                ));
            }
            game.choose(story, *index)
                .map_err(|e| format!("choice {}: {e}", n + 1))?;
        }
        Ok(game)
    }
}

// ---------------------------------------------------------------------------------------------
// The state by names

/// A variable's value as written in a save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SavedValue {
    Bool(bool),
    Int(i64),
    Text(String),
}

impl SavedValue {
    fn from_value(v: &Value) -> SavedValue {
        match v {
            Value::Bool(b) => SavedValue::Bool(*b),
            Value::Int(i) => SavedValue::Int(*i),
            Value::Text(t) => SavedValue::Text(t.to_string()),
        }
    }

    fn kind(&self) -> VarKind {
        match self {
            SavedValue::Bool(_) => VarKind::Bool,
            SavedValue::Int(_) => VarKind::Int,
            SavedValue::Text(_) => VarKind::Text,
        }
    }

    fn into_value(self) -> Value {
        match self {
            SavedValue::Bool(b) => Value::Bool(b),
            SavedValue::Int(i) => Value::Int(i),
            SavedValue::Text(t) => Value::Text(t.into()),
        }
    }
}

/// A [`GameState`] with every index replaced by a name, so it can be mapped onto an edited
/// story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "State")]
pub struct SavedState {
    /// The scene the game stands in.
    pub scene: String,
    /// The number of choices made.
    pub turn: u32,
    pub vars: BTreeMap<String, SavedValue>,
    /// Visits by scene, for the scenes the story counts (those some condition reads).
    pub visits: BTreeMap<String, u32>,
    /// The once-only choices already taken: scene id and the choice's position in it.
    pub once: Vec<Step>,
    /// The `Chance` rolls of the current scene, made when it was entered.
    pub rolls: Vec<bool>,
    pub rng: Rng,
}

/// The state by names.
pub fn capture(story: &Story, state: &GameState) -> SavedState {
    let vars = story
        .vars()
        .iter()
        .zip(&state.vars)
        .map(|(decl, v)| (decl.name.clone(), SavedValue::from_value(v)))
        .collect();
    let visits = story
        .tracked_scenes()
        .iter()
        .zip(&state.tracked_visits)
        .map(|(s, n)| (story.scene(*s).id.clone(), *n))
        .collect();
    let mut once = Vec::new();
    for scene in story.scenes() {
        for (index, choice) in scene.choices.iter().enumerate() {
            if let Some(slot) = choice.once
                && state.once_used(slot)
            {
                once.push(Step(scene.id.clone(), index));
            }
        }
    }
    SavedState {
        scene: story.scene(state.scene).id.clone(),
        turn: state.turn,
        vars,
        visits,
        once,
        rolls: state.rolls.clone(),
        rng: state.rng.clone(),
    }
}

/// A state mapped onto a story, with what had to be dropped or filled in on the way.
#[derive(Debug, Clone)]
pub struct Restored {
    pub state: GameState,
    /// Harmless differences (only an edited story gives any), one sentence each.
    pub warnings: Vec<String>,
}

/// Maps a state by names onto `story`. It fails, naming every reason, when the scene or a
/// variable is gone, or a variable's type or range no longer fits its value; things that do
/// not matter as much (visits of a removed scene, a once-only choice that no longer exists, a
/// new variable, a changed number of chances) are fixed up and named in the warnings.
pub fn restore(story: &Story, saved: &SavedState) -> Result<Restored, Vec<String>> {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let scene = story.scene_by_name(&saved.scene);
    if scene.is_none() {
        problems.push(format!("scene `{}` is no longer in the story", saved.scene));
    }
    let mut vars: Vec<Value> = story.vars().iter().map(|v| v.initial.clone()).collect();
    for (name, value) in &saved.vars {
        let Some(id) = story.var_by_name(name) else {
            problems.push(format!("variable `{name}` is no longer in the story"));
            continue;
        };
        let decl = story.var(id);
        if decl.initial.kind() != value.kind() {
            problems.push(format!(
                "variable `{name}` is now {}, but the save holds {}",
                decl.initial.kind(),
                value.kind()
            ));
            continue;
        }
        if let SavedValue::Int(i) = value
            && (*i < decl.min || *i > decl.max)
        {
            problems.push(format!(
                "variable `{name}` is {i}, outside its range {}..={}",
                decl.min, decl.max
            ));
            continue;
        }
        vars[id.index()] = value.clone().into_value();
    }
    for decl in story.vars() {
        if !saved.vars.contains_key(&decl.name) {
            warnings.push(format!(
                "the new variable `{}` starts at {}",
                decl.name, decl.initial
            ));
        }
    }
    let Some(scene) = scene else {
        return Err(problems);
    };
    if !problems.is_empty() {
        return Err(problems);
    }

    let mut visits = vec![0u32; story.tracked_scenes().len()];
    for (name, n) in &saved.visits {
        match story.scene_by_name(name) {
            Some(id) => {
                if let Some(slot) = story.scene(id).visit_slot {
                    visits[slot as usize] = *n;
                }
            }
            None => warnings.push(format!("the visits to the removed scene `{name}` are forgotten")),
        }
    }
    for id in story.tracked_scenes() {
        let name = &story.scene(*id).id;
        if !saved.visits.contains_key(name) {
            warnings.push(format!(
                "the visits to scene `{name}` were not counted before; they start at 0"
            ));
        }
    }
    let mut state = GameState {
        scene,
        vars,
        tracked_visits: visits,
        once_used: vec![0; (story.once_slots() as usize).div_ceil(64)],
        rolls: Vec::new(),
        rng: saved.rng.clone(),
        turn: saved.turn,
    };
    for Step(scene_name, index) in &saved.once {
        let slot = story
            .scene_by_name(scene_name)
            .and_then(|id| story.scene(id).choices.get(*index))
            .and_then(|c| c.once);
        match slot {
            Some(slot) => state.mark_once(slot),
            None => warnings.push(format!(
                "the once-only choice {} of scene `{scene_name}` is no longer there; it is forgotten",
                index.saturating_add(1)
            )),
        }
    }
    let wanted = story.scene(scene).chances.len();
    state.rolls = saved.rolls.clone();
    if state.rolls.len() != wanted {
        warnings.push(format!(
            "scene `{}` now has {wanted} chance roll(s) instead of {}; the missing ones count as failed",
            saved.scene,
            saved.rolls.len()
        ));
        state.rolls.resize(wanted, false);
    }
    Ok(Restored { state, warnings })
}

/// Moves a game from one version of a story to another (the REPL's `reload`): refused when the
/// story's id changed or the state no longer fits, with every reason.
pub fn carry_over(from: &Story, game: &Game, to: &Story) -> Result<(Game, Vec<String>), SaveError> {
    if from.id() != to.id() {
        return Err(SaveError::IdChanged {
            from: from.id().to_owned(),
            to: to.id().to_owned(),
        });
    }
    let saved = capture(from, &game.state);
    let restored = restore(to, &saved).map_err(SaveError::NoLongerFits)?;
    let same = from.fingerprint() == to.fingerprint();
    let game = Game {
        state: restored.state,
        seed: game.seed,
        trail: game.trail.clone(),
        replayable: game.replayable && same,
    };
    Ok((game, restored.warnings))
}

// ---------------------------------------------------------------------------------------------
// The file format

/// Which story a save belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Story")]
pub struct StoryStamp {
    pub id: String,
    pub title: String,
    /// [`Story::fingerprint`]: equal when the story's files are the same, byte for byte.
    pub fingerprint: u64,
}

/// A save file, as written.
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
    pub choices: Vec<Step>,
    pub replayable: bool,
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

/// Writes a game as the text of a save file.
pub fn to_text(story: &Story, game: &Game, saved_at: u64) -> String {
    let file = SaveFile {
        format: FORMAT,
        story: StoryStamp {
            id: story.id().to_owned(),
            title: story.title().to_owned(),
            fingerprint: story.fingerprint(),
        },
        engine: env!("CARGO_PKG_VERSION").to_owned(),
        saved_at,
        scene_title: story.scene(game.state.scene).title.clone(),
        seed: game.seed,
        state: capture(story, &game.state),
        choices: game.trail.clone(),
        replayable: game.replayable,
    };
    let config = ron::ser::PrettyConfig::new()
        .struct_names(true)
        .compact_arrays(false)
        .escape_strings(true);
    let body = ron::ser::to_string_pretty(&file, config).expect("a save always serializes");
    format!(
        "// An Interview save: \"{}\", {}, turn {}. Load it with `load SLOT` in the game.\n{body}\n",
        story.title().replace(['\n', '\r'], " "),
        file.scene_title.replace(['\n', '\r'], " "),
        game.state.turn
    )
}

/// Parses a save without a story: its format is checked, nothing else.
pub fn parse(text: &str) -> Result<SaveFile, SaveError> {
    let options = ron::Options::default().with_recursion_limit(32);
    let header: Header = options
        .from_str(text)
        .map_err(|e| SaveError::Syntax(e.to_string()))?;
    if header.format > FORMAT {
        return Err(SaveError::Newer { found: header.format });
    }
    if header.format < OLDEST_FORMAT {
        return Err(SaveError::Older { found: header.format });
    }
    options
        .from_str(text)
        .map_err(|e| SaveError::Syntax(e.to_string()))
}

fn as_text(bytes: &[u8]) -> Result<&str, SaveError> {
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
    let restored = restore(story, &file.state).map_err(|problems| match same {
        true => SaveError::Damaged(problems),
        false => SaveError::NoLongerFits(problems),
    })?;
    let mut warnings = restored.warnings;
    if !same {
        warnings.insert(0, "the story has changed since this save".to_owned());
    }
    let replayable = file.replayable && same;
    if replayable {
        let checks = Game::replay(story, file.seed, &file.choices);
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
            trail: file.choices,
            replayable: replayable && warnings.is_empty(),
        },
        warnings,
        saved_at: file.saved_at,
    })
}

// ---------------------------------------------------------------------------------------------
// Files

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SaveError + '_ {
    move |source| SaveError::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(unix)]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &Metadata, _: &Metadata) -> bool {
    true
}

/// Reads a regular file of at most `limit` bytes. `Ok(None)` when there is no such file; a
/// link, a folder or a device is refused without being opened, and a file swapped for another
/// between the check and the opening is refused too.
pub fn read_regular(path: &Path, limit: u64) -> Result<Option<Vec<u8>>, SaveError> {
    let before = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err(path)(e)),
    };
    if !before.file_type().is_file() {
        return Err(SaveError::NotRegular(path.to_path_buf()));
    }
    let file = std::fs::File::open(path).map_err(io_err(path))?;
    let after = file.metadata().map_err(io_err(path))?;
    if !after.file_type().is_file() || !same_file(&before, &after) {
        return Err(SaveError::NotRegular(path.to_path_buf()));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(io_err(path))?;
    if bytes.len() as u64 > limit {
        return Err(SaveError::TooBig(path.to_path_buf()));
    }
    Ok(Some(bytes))
}

/// Refuses a path that exists and is not a regular file.
fn check_replaceable(path: &Path) -> Result<(), SaveError> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if !m.file_type().is_file() => Err(SaveError::NotRegular(path.to_path_buf())),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_err(path)(e)),
    }
}

/// Replaces a file atomically: the old content or the new one stays, whatever happens. Creates
/// the folder when needed; refuses to replace a link or anything not a regular file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    }
    check_replaceable(path)?;
    let mut file = atomic_write_file::AtomicWriteFile::open(path).map_err(io_err(path))?;
    file.write_all(bytes).map_err(io_err(path))?;
    file.commit().map_err(io_err(path))
}

/// Appends to a regular file, creating it (and its folder) when needed; a link or anything not
/// a regular file is refused.
pub fn append_regular(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    }
    check_replaceable(path)?;
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(io_err(path))?;
    let after = file.metadata().map_err(io_err(path))?;
    let now = std::fs::symlink_metadata(path).map_err(io_err(path))?;
    if !after.file_type().is_file() || !same_file(&now, &after) {
        return Err(SaveError::NotRegular(path.to_path_buf()));
    }
    file.write_all(bytes).map_err(io_err(path))
}

/// One row of the list of saves.
#[derive(Debug, Clone)]
pub struct Listed {
    pub slot: Slot,
    /// The save's summary, or why it cannot be read.
    pub save: Result<SaveFile, String>,
}

/// The saves folder: one `SLOT.ron` file per slot, plus the game's own files (history,
/// endings, transcript), whose names can never be a slot's.
#[derive(Debug, Clone)]
pub struct SaveDir {
    dir: PathBuf,
}

impl SaveDir {
    pub fn new(dir: impl Into<PathBuf>) -> SaveDir {
        SaveDir { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where a slot's file is.
    pub fn slot_path(&self, slot: &Slot) -> PathBuf {
        self.dir.join(slot.file_name())
    }

    /// A file of the game's own (`history.txt`, `endings.txt`, `transcript.txt`).
    pub fn own_file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Saves a game into a slot, atomically.
    pub fn write(&self, slot: &Slot, story: &Story, game: &Game) -> Result<(), SaveError> {
        let text = to_text(story, game, now_unix());
        write_atomic(&self.slot_path(slot), text.as_bytes())
    }

    /// The bytes of a slot's save.
    pub fn read(&self, slot: &Slot) -> Result<Vec<u8>, SaveError> {
        let path = self.slot_path(slot);
        read_regular(&path, MAX_SAVE_BYTES)?.ok_or_else(|| SaveError::NoSave(slot.0.clone()))
    }

    /// Reads a slot's save for `story`, checked completely. Every error names the file.
    pub fn load(&self, slot: &Slot, story: &Story) -> Result<LoadedSave, SaveError> {
        from_bytes(story, &self.read(slot)?).map_err(|e| SaveError::InFile {
            path: self.slot_path(slot),
            source: Box::new(e),
        })
    }

    /// The names of the slots in the folder (regular `SLOT.ron` files), sorted; nothing is read.
    pub fn list_slots(&self) -> Result<Vec<Slot>, SaveError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io_err(&self.dir)(e)),
        };
        let mut slots = Vec::new();
        for entry in entries {
            let entry = entry.map_err(io_err(&self.dir))?;
            let name = entry.file_name();
            let Some(stem) = name.to_str().and_then(|n| n.strip_suffix(".ron")) else {
                continue;
            };
            if let Ok(slot) = Slot::parse(stem)
                && entry.file_type().is_ok_and(|t| t.is_file())
            {
                slots.push(slot);
            }
        }
        slots.sort();
        Ok(slots)
    }

    /// Every slot in the folder, newest first; files that are not a slot's (temporary files,
    /// the game's own files, links, anything not a regular file) are left out.
    pub fn list(&self) -> Result<Vec<Listed>, SaveError> {
        let mut rows = Vec::new();
        for slot in self.list_slots()? {
            let save = self
                .read(&slot)
                .and_then(|b| parse(as_text(&b)?))
                .map_err(|e| e.to_string());
            rows.push(Listed { slot, save });
        }
        rows.sort_by(|a, b| {
            let time = |l: &Listed| l.save.as_ref().map_or(0, |s| s.saved_at);
            time(b).cmp(&time(a)).then_with(|| a.slot.cmp(&b.slot))
        });
        Ok(rows)
    }
}

// ---------------------------------------------------------------------------------------------
// Time

/// Seconds since 1970-01-01 UTC: `SOURCE_DATE_EPOCH` when set (reproducible output), else the
/// clock.
pub fn now_unix() -> u64 {
    if let Some(t) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse().ok())
    {
        return t;
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `YYYY-MM-DD HH:MM UTC`.
pub fn format_date(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_names() {
        for good in ["a", "save-1", "My_Game", &"x".repeat(32), "con1", "autosave"] {
            assert!(Slot::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "../x",
            "/etc/passwd",
            "a.b",
            "a b",
            "é",
            "a\0b",
            &"x".repeat(33),
        ] {
            assert!(matches!(Slot::parse(bad), Err(SaveError::BadSlot(_))), "{bad:?}");
        }
        for reserved in ["con", "CON", "Nul", "lpt1", "com9"] {
            assert!(matches!(Slot::parse(reserved), Err(SaveError::ReservedSlot(_))));
        }
        assert!(matches!(
            Slot::parse_for_saving("autosave"),
            Err(SaveError::AutosaveSlot)
        ));
    }

    #[test]
    fn dates() {
        assert_eq!(format_date(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_date(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(format_date(1_700_000_000), "2023-11-14 22:13 UTC");
    }
}
