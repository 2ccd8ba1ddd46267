//! Saved games: the save format, carrying a game over to an edited story, and the saves folder.
//!
//! A save is a RON file a person can read: a format version, the story's id, title and
//! fingerprint, the engine version, the seed, the game state *by names* (scene ids, variable
//! names, once-only choices as scene id and choice index) and the choices made, so it can be
//! verified by replaying them. Names, not indices, let a save outlive an edit of its story.
//!
//! - [`format`]: the file format, its versions and the migration of older ones, and the size
//!   limit shared by the writer and the reader.
//! - [`restore`]: the state by names, mapped back onto a story ([`restore()`]), or carried over
//!   to an edited story ([`carry_over`], the REPL's `reload`).
//! - [`dir`]: the saves folder ([`SaveDir`]) and the file helpers ([`read_regular`],
//!   [`write_atomic`], [`append_regular`]): atomic writes, links never followed.
//!
//! Reading a save parses and checks all of it before anything else is touched.

pub mod dir;
pub mod format;
pub mod restore;

pub use crate::engine::{Game, Step};
pub use dir::{Listed, SaveDir, append_regular, read_regular, set_aside, write_atomic};
pub use format::{
    ChoicesText, LoadedSave, SaveFile, StoryStamp, from_bytes, from_text, parse, to_text, to_text_with,
    to_text_within,
};
pub use restore::{
    OnceTaken, Restored, SavedCall, SavedState, SavedValue, capture, carry_over, carry_state, restore,
};

use std::path::PathBuf;

/// The save format this version writes.
pub const FORMAT: u32 = 2;
/// The oldest save format this version reads.
pub const OLDEST_FORMAT: u32 = 1;
/// A save is never written larger than this, and a larger file is not read as a save.
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
    /// A file over the size its reader allows (the reader says which limit and what next).
    #[error("{0}: the file is too large to read")]
    TooBig(PathBuf),
    #[error("{}: the file is over {}, too large for a save", path.display(), size(*limit))]
    SaveTooBig { path: PathBuf, limit: u64 },
    #[error("the game's state alone is over {}, the size limit of a save", size(*limit))]
    StateTooBig { limit: u64 },
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
            SaveError::Syntax(_)
            | SaveError::TooBig(_)
            | SaveError::SaveTooBig { .. }
            | SaveError::Damaged(_) => true,
            SaveError::InFile { source, .. } => source.is_damaged(),
            _ => false,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Slot names

/// A valid slot name: 1 to 32 ASCII letters, digits, `-` or `_`, not a device name. Slots
/// compare without case (`Night` and `night` are one slot), as the files do on the file systems
/// of macOS and Windows; the name keeps the case it was written in.
#[derive(Debug, Clone)]
pub struct Slot(String);

impl PartialEq for Slot {
    fn eq(&self, other: &Slot) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}
impl Eq for Slot {}
impl PartialOrd for Slot {
    fn partial_cmp(&self, other: &Slot) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Slot {
    fn cmp(&self, other: &Slot) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}
impl std::hash::Hash for Slot {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state)
    }
}

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

    /// A slot the player may write to: any valid slot but the autosave, in any case.
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
        self.0.eq_ignore_ascii_case(AUTOSAVE)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name in lower case: what makes two slots the same.
    fn key(&self) -> String {
        self.0.to_ascii_lowercase()
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

/// A size limit as a person reads it: `16 MiB (16777216 bytes)`.
pub fn size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    const KIB: u64 = 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB ({bytes} bytes)", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB ({bytes} bytes)", bytes / KIB)
    } else {
        format!("{bytes} bytes")
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
        for autosave in ["autosave", "Autosave", "AUTOSAVE"] {
            assert!(matches!(
                Slot::parse_for_saving(autosave),
                Err(SaveError::AutosaveSlot)
            ));
        }
        assert_eq!(Slot::parse("Night").unwrap(), Slot::parse("night").unwrap());
        assert_ne!(Slot::parse("Night").unwrap(), Slot::parse("nights").unwrap());
    }

    #[test]
    fn dates() {
        assert_eq!(format_date(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_date(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(format_date(1_700_000_000), "2023-11-14 22:13 UTC");
    }
}
