//! The saves folder and the file helpers every file of the game goes through: reads of
//! bounded size, atomic writes (atomic-write-file: temporary file, fsync, rename, fsync of the
//! folder), appends, and never a link or anything that is not a regular file followed or
//! replaced.

use super::format::{ChoicesText, LoadedSave, SaveFile, as_text, from_bytes, parse, to_text_within};
use super::{MAX_SAVE_BYTES, SaveError, Slot, now_unix};
use crate::engine::Game;
use crate::story::Story;
use std::fs::Metadata;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

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
/// endings, transcript), whose names can never be a slot's. Slot names compare without case:
/// `Night` finds `night.ron`.
#[derive(Debug, Clone)]
pub struct SaveDir {
    dir: PathBuf,
    /// The largest save written or read: [`MAX_SAVE_BYTES`] but in tests.
    limit: u64,
}

impl SaveDir {
    pub fn new(dir: impl Into<PathBuf>) -> SaveDir {
        SaveDir {
            dir: dir.into(),
            limit: MAX_SAVE_BYTES,
        }
    }

    /// The same folder with another size limit for saves, shared by writing and reading (for
    /// tests: a game at the limit without playing 700,000 moves).
    pub fn with_limit(mut self, limit: u64) -> SaveDir {
        self.limit = limit;
        self
    }

    pub fn limit(&self) -> u64 {
        self.limit
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where a slot's file is: the file of that slot in any case when there is one, else
    /// `SLOT.ron` as the slot was written.
    pub fn slot_path(&self, slot: &Slot) -> PathBuf {
        let exact = self.dir.join(slot.file_name());
        if std::fs::symlink_metadata(&exact).is_ok() {
            return exact;
        }
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return exact;
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .filter(|e| {
                let name = e.file_name();
                let stem = name.to_str().and_then(|n| n.strip_suffix(".ron"));
                stem.is_some_and(|s| s.eq_ignore_ascii_case(slot.as_str()))
            })
            .map(|e| e.path())
            .collect();
        found.sort();
        found.into_iter().next().unwrap_or(exact)
    }

    /// A file of the game's own (`history.txt`, `endings.txt`, `transcript.txt`).
    pub fn own_file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Saves a game into a slot, atomically. A game whose save would pass the size limit is
    /// saved with its state and its last choices only; that shorter game is returned, for the
    /// caller to play on with (its future is the same).
    pub fn write(&self, slot: &Slot, story: &Story, game: &Game) -> Result<Option<Game>, SaveError> {
        self.write_with(slot, story, game, &mut ChoicesText::default())
    }

    /// [`SaveDir::write`] with the text of the choices kept from the last save of this game.
    pub fn write_with(
        &self,
        slot: &Slot,
        story: &Story,
        game: &Game,
        choices: &mut ChoicesText,
    ) -> Result<Option<Game>, SaveError> {
        let path = self.slot_path(slot);
        let (text, shorter) =
            to_text_within(story, game, now_unix(), self.limit, choices).map_err(|e| SaveError::InFile {
                path: path.clone(),
                source: Box::new(e),
            })?;
        write_atomic(&path, text.as_bytes())?;
        Ok(shorter)
    }

    /// The bytes of a slot's save.
    pub fn read(&self, slot: &Slot) -> Result<Vec<u8>, SaveError> {
        let path = self.slot_path(slot);
        match read_regular(&path, self.limit) {
            Ok(Some(bytes)) => Ok(bytes),
            Ok(None) => Err(SaveError::NoSave(slot.as_str().to_owned())),
            Err(SaveError::TooBig(path)) => Err(SaveError::SaveTooBig {
                path,
                limit: self.limit,
            }),
            Err(e) => Err(e),
        }
    }

    /// Reads a slot's save for `story`, checked completely. Every error names the file.
    pub fn load(&self, slot: &Slot, story: &Story) -> Result<LoadedSave, SaveError> {
        from_bytes(story, &self.read(slot)?).map_err(|e| SaveError::InFile {
            path: self.slot_path(slot),
            source: Box::new(e),
        })
    }

    /// The names of the slots in the folder (regular `SLOT.ron` files), sorted, one per slot
    /// whatever the case of its file's name; nothing is read.
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
        slots.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        slots.dedup();
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

    /// Removes the temporary files that a game killed in the middle of a write left behind:
    /// only regular files named as atomic-write-file names them for one of our own files,
    /// `.NAME.XXXXXX` (six letters or digits), where NAME is a slot's file or one of
    /// `own_files`. Returns the files removed; a folder that cannot be read is left alone.
    pub fn remove_leftovers(&self, own_files: &[&str]) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut removed = Vec::new();
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if !is_leftover(name, own_files) || !entry.file_type().is_ok_and(|t| t.is_file()) {
                continue;
            }
            if std::fs::remove_file(entry.path()).is_ok() {
                removed.push(entry.path());
            }
        }
        removed
    }
}

/// Whether a file name is one of atomic-write-file's temporary names for one of our files.
fn is_leftover(name: &str, own_files: &[&str]) -> bool {
    let Some(rest) = name.strip_prefix('.') else {
        return false;
    };
    let Some((target, suffix)) = rest.rsplit_once('.') else {
        return false;
    };
    let random = suffix.len() == 6 && suffix.bytes().all(|b| b.is_ascii_alphanumeric());
    let ours = own_files.contains(&target)
        || target
            .strip_suffix(".ron")
            .is_some_and(|stem| Slot::parse(stem).is_ok());
    random && ours
}

/// Moves a file aside as `NAME.old` (replacing an older one) so a fresh one can begin; says
/// where it went.
pub fn set_aside(path: &Path) -> Result<PathBuf, SaveError> {
    let mut old = path.as_os_str().to_owned();
    old.push(".old");
    let old = PathBuf::from(old);
    check_replaceable(&old)?;
    std::fs::rename(path, &old).map_err(io_err(path))?;
    Ok(old)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_are_only_our_temporary_names() {
        let own = ["endings.txt", "history.txt"];
        for yes in [".autosave.ron.a1B2c3", ".x.ron.000000", ".endings.txt.Zz9Zz9"] {
            assert!(is_leftover(yes, &own), "{yes}");
        }
        for no in [
            "autosave.ron",
            ".autosave.ron",
            ".autosave.ron.a1B2c",
            ".autosave.ron.a1B2c34",
            ".autosave.ron.a-B2c3",
            ".notes.txt.a1B2c3",
            ".a.b.ron.a1B2c3",
            ".bashrc",
            "..ron.abcdef",
        ] {
            assert!(!is_leftover(no, &own), "{no}");
        }
    }
}
