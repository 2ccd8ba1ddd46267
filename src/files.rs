//! The edge where stories and walkthroughs come from and go to: a folder on disk, or the copy
//! of the story embedded in the binary.
//!
//! This module (with `save`'s file functions and the REPL's history and transcript) is where
//! the program touches the file system; the story, engine and tools modules never do. Every
//! read is bounded *before* it happens: a file's size is checked from its metadata, and no read
//! takes more than the limit plus one byte even when the metadata lies.

use crate::story::diag::visible;
use crate::story::{Diagnostic, Severity, SourceFile, limits};
use std::io::{Read, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// Why a file or folder could not be read or written at all (distinct from problems in a
/// story's files, which are [`Diagnostic`]s). Displays as `PATH: why`, the path as given.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{0}: no such folder")]
    NoSuchFolder(PathBuf),
    #[error("{0}: not a folder")]
    NotADir(PathBuf),
    #[error("{0}: no such file")]
    NoSuchFile(PathBuf),
    #[error("{0}: not a file")]
    NotAFile(PathBuf),
    #[error("{0}: no walkthrough (.ron) files in this folder")]
    NoWalkthroughs(PathBuf),
    #[error("{path}: the file is larger than the limit of {limit} bytes ({})", mib(*.limit))]
    TooLarge { path: PathBuf, limit: usize },
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// The old name of [`FileError`], for the callers that still use it.
pub type FolderError = FileError;

impl FileError {
    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> FileError + '_ {
        move |source| FileError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// Why, without the path (for a report that names the file already).
    pub fn why(&self) -> String {
        let full = self.to_string();
        let path = match self {
            FileError::NoSuchFolder(p)
            | FileError::NotADir(p)
            | FileError::NoSuchFile(p)
            | FileError::NotAFile(p)
            | FileError::NoWalkthroughs(p)
            | FileError::TooLarge { path: p, .. }
            | FileError::Io { path: p, .. } => p,
        };
        let prefix = format!("{}: ", path.display());
        full.strip_prefix(&prefix).map_or(full.clone(), str::to_owned)
    }
}

fn mib(bytes: usize) -> String {
    format!("{} MiB", bytes / (1024 * 1024))
}

/// Where a story comes from: a folder, or the copy built into the binary.
#[derive(Debug, Clone)]
pub enum StorySource {
    Dir(PathBuf),
    Embedded,
}

impl StorySource {
    /// The story's files; an entry that cannot be read is left out (see [`StorySource::read_all`]
    /// for what was left out and why).
    pub fn read(&self) -> Result<Vec<SourceFile>, FileError> {
        self.read_all().map(|s| s.files)
    }

    /// The story's files and the problems met reading them.
    pub fn read_all(&self) -> Result<StoryFiles, FileError> {
        match self {
            StorySource::Dir(d) => read_story(d),
            StorySource::Embedded => Ok(StoryFiles {
                files: embedded_story(),
                problems: Vec::new(),
                complete: true,
            }),
        }
    }

    /// The source as shown to a person: a folder's name with its control characters made
    /// visible.
    pub fn describe(&self) -> String {
        match self {
            StorySource::Dir(d) => visible(&d.display().to_string()).into_owned(),
            StorySource::Embedded => "the built-in story".into(),
        }
    }

    pub fn dir(&self) -> Option<&Path> {
        match self {
            StorySource::Dir(d) => Some(d),
            StorySource::Embedded => None,
        }
    }
}

/// A story folder as read: the files, and a diagnostic (`FILE:1:1: error: …`) for each entry
/// named `*.ron` that could not be read (unreadable, a folder, a FIFO, a dangling link or a
/// link loop, a name that is not UTF-8) or for the file at which the story passed its size limit.
/// Files that look like story files but are not read (`*.RON`, `*.Ron`, `*.ron` in a
/// sub-folder) are warnings among the problems: they do not stop the story from loading.
#[derive(Debug, Default)]
pub struct StoryFiles {
    pub files: Vec<SourceFile>,
    pub problems: Vec<Diagnostic>,
    /// False when reading stopped at the story's size limit: the files are only a part of the
    /// story, not worth loading.
    pub complete: bool,
}

/// The embedded default story.
pub fn embedded_story() -> Vec<SourceFile> {
    EMBEDDED
        .iter()
        .map(|(name, bytes)| SourceFile {
            name: format!("scenes/{name}"),
            bytes: bytes.to_vec(),
        })
        .collect()
}

/// Reads every `*.ron` file of a folder, sorted by name: the files only, or the first entry that
/// could not be read as an error. See [`read_story`].
pub fn read_story_dir(dir: &Path) -> Result<Vec<SourceFile>, FileError> {
    let read = read_story(dir)?;
    match read.problems.into_iter().find(Diagnostic::is_error) {
        None => Ok(read.files),
        Some(d) => Err(FileError::Io {
            path: PathBuf::from(d.file.as_ref()),
            source: std::io::Error::other(d.message),
        }),
    }
}

/// A `*.ron` entry of a story folder, before it is read.
enum Entry {
    File { name: String, len: u64 },
    Odd { name: String, why: String },
}

fn problem(file: String, message: String) -> Diagnostic {
    Diagnostic::of_file(Severity::Error, Arc::from(file), message)
}

/// Reads every `*.ron` file of a folder, sorted by name. Each file's size is checked before it
/// is read, and so is the story's running total: a file over the size limit is read only up to
/// one byte past it (so the loader can report it without holding it), and reading stops at the
/// file that takes the story past its limit.
pub fn read_story(dir: &Path) -> Result<StoryFiles, FileError> {
    let meta = std::fs::metadata(dir).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => FileError::NoSuchFolder(dir.to_path_buf()),
        _ => FileError::Io {
            path: dir.to_path_buf(),
            source: e,
        },
    })?;
    if !meta.is_dir() {
        return Err(FileError::NotADir(dir.to_path_buf()));
    }
    let mut entries = Vec::new();
    let mut skipped = Vec::new();
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(FileError::io(dir))? {
        let entry = entry.map_err(FileError::io(dir))?;
        let os_name = entry.file_name();
        let lossy = os_name.to_string_lossy();
        if lossy.starts_with('.') {
            continue;
        }
        if !lossy.ends_with(".ron") {
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if has_ron_extension(&lossy) && !is_dir {
                let fixed = format!("{}.ron", &lossy[..lossy.len() - 4]);
                skipped.push(skipped_file(
                    display_name(dir, &lossy),
                    "this file was skipped: only names ending in lower-case `.ron` are read".into(),
                    format!("rename it `{}`", visible(&fixed)),
                ));
            } else if is_dir && folders.len() < limits::FILES {
                folders.push(entry.path());
            }
            continue;
        }
        let Some(name) = os_name.to_str() else {
            entries.push(Entry::Odd {
                name: lossy.into_owned(),
                why: "the file's name is not UTF-8 text: the file was not read".into(),
            });
            continue;
        };
        let name = name.to_owned();
        // Follows a link, as reading the file would.
        entries.push(match std::fs::metadata(entry.path()) {
            Ok(m) if m.is_file() => Entry::File { name, len: m.len() },
            Ok(m) if m.is_dir() => Entry::Odd {
                name,
                why: "this is a folder, not a story file: it was not read".into(),
            },
            Ok(_) => Entry::Odd {
                name,
                why: "this is not a regular file (a FIFO, a socket or a device): it was not read".into(),
            },
            Err(e) if entry.path().symlink_metadata().is_ok_and(|m| m.is_symlink()) => Entry::Odd {
                name,
                why: match e.kind() {
                    std::io::ErrorKind::NotFound => "a link to nothing: the file was not read".into(),
                    _ => format!("a link that cannot be followed ({e}): the file was not read"),
                },
            },
            Err(e) => Entry::Odd {
                name,
                why: format!("the file cannot be read: {e}"),
            },
        });
        if entries.len() > limits::FILES {
            break;
        }
    }
    entries.sort_by(|a, b| entry_name(a).cmp(entry_name(b)));
    skipped.sort_by(|a, b| a.file.cmp(&b.file));
    folders.sort();
    skipped.extend(nested_story_files(dir, &folders));

    let mut read = StoryFiles {
        files: Vec::with_capacity(entries.len()),
        problems: Vec::new(),
        complete: true,
    };
    let mut total = 0usize;
    for (i, entry) in entries.iter().enumerate() {
        let (name, len) = match entry {
            Entry::Odd { name, why } => {
                read.problems.push(problem(display_name(dir, name), why.clone()));
                continue;
            }
            Entry::File { name, len } => (name, *len),
        };
        let shown = display_name(dir, name);
        let cap = limits::FILE_BYTES as u64 + 1;
        if total as u64 + len.min(cap) > limits::STORY_BYTES as u64 {
            // The whole story's size, from the metadata: reading it would be what the limit
            // is there to prevent.
            let rest: u64 = entries[i..]
                .iter()
                .map(|e| match e {
                    Entry::File { len, .. } => *len,
                    Entry::Odd { .. } => 0,
                })
                .sum();
            read.problems.push(problem(
                shown,
                format!(
                    "the story is {} bytes; the limit is {} bytes (64 MiB): reading stopped at this file",
                    total as u64 + rest,
                    limits::STORY_BYTES
                ),
            ));
            read.complete = false;
            break;
        }
        let path = dir.join(name);
        // At most one byte past the limits, whatever the metadata said.
        let budget = cap.min((limits::STORY_BYTES - total) as u64 + 1);
        match read_bounded(&path, len.min(budget), budget) {
            Ok(bytes) => {
                total += bytes.len();
                let over = total > limits::STORY_BYTES;
                read.files.push(SourceFile {
                    name: shown.clone(),
                    bytes,
                });
                if over {
                    read.problems.push(problem(
                        shown,
                        format!(
                            "the story is more than {0} bytes; the limit is {0} bytes (64 MiB): reading stopped at this file",
                            limits::STORY_BYTES
                        ),
                    ));
                    read.complete = false;
                    break;
                }
            }
            Err(e) => read
                .problems
                .push(problem(shown, format!("the file cannot be read: {e}"))),
        }
    }
    read.problems.extend(skipped);
    Ok(read)
}

/// How much of a file in a sub-folder is read to see whether it is a story file.
const PEEK: u64 = 64 * 1024;

/// Whether a name ends in `.ron` in any case (`.RON`, `.Ron`).
fn has_ron_extension(name: &str) -> bool {
    name.len() > 4
        && name.is_char_boundary(name.len() - 4)
        && name[name.len() - 4..].eq_ignore_ascii_case(".ron")
}

/// A file that looks like a story file but is not read: a warning at its first line.
fn skipped_file(file: String, message: String, help: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Warning,
        help: Some(help),
        ..problem(file, message)
    }
}

/// Story files (`*.ron` in any case holding a `Scene(` or a `Story(`) in the sub-folders of a
/// story folder, one level down: one warning per sub-folder, at its first such file. Saves and
/// walkthroughs kept beside the story are not story files and are not mentioned. Links are not
/// followed, hidden entries are left alone, at most [`limits::FILES`] entries of each
/// sub-folder are looked at and at most [`PEEK`] bytes of each file are read.
fn nested_story_files(dir: &Path, folders: &[PathBuf]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let looks_like_story = |path: &Path| {
        read_bounded(path, PEEK, PEEK).is_ok_and(|b| {
            let text = String::from_utf8_lossy(&b);
            text.contains("Scene(") || text.contains("Story(")
        })
    };
    for folder in folders {
        let Ok(list) = std::fs::read_dir(folder) else {
            continue;
        };
        let mut found: Vec<String> = list
            .take(limits::FILES)
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                !n.starts_with('.') && has_ron_extension(&n) && looks_like_story(&e.path())
            })
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        if found.is_empty() {
            continue;
        }
        found.sort();
        let sub = folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let more = match found.len() - 1 {
            0 => String::new(),
            1 => format!(" (and 1 more file in `{}`)", visible(&sub)),
            n => format!(" (and {n} more files in `{}`)", visible(&sub)),
        };
        out.push(skipped_file(
            display_name(dir, &format!("{sub}/{}", found[0])),
            format!("this file was skipped: files in sub-folders are not read{more}"),
            "a story is the `.ron` files of one folder: move the file up into the story's folder \
             if it belongs to the story"
                .into(),
        ));
    }
    out
}

fn entry_name(e: &Entry) -> &str {
    match e {
        Entry::File { name, .. } | Entry::Odd { name, .. } => name,
    }
}

/// Reads at most `max` bytes of a file, with room made for `expected` up front (growing by
/// doubling would hold up to twice the file).
fn read_bounded(path: &Path, expected: u64, max: u64) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(expected as usize + 1);
    file.take(max).read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn display_name(dir: &Path, name: &str) -> String {
    let d = dir.to_string_lossy();
    let d = d.trim_end_matches('/');
    if d.is_empty() || d == "." {
        name.to_owned()
    } else {
        format!("{d}/{name}")
    }
}

/// Reads a whole text file of at most `limit` bytes: the size is checked before reading, and
/// no more than `limit + 1` bytes are read even if the metadata lies.
pub fn read_text(path: &Path, limit: usize) -> Result<String, FileError> {
    let too_large = || FileError::TooLarge {
        path: path.to_path_buf(),
        limit,
    };
    let size = std::fs::metadata(path).map_err(FileError::io(path))?.len();
    if size > limit as u64 {
        return Err(too_large());
    }
    let bytes = read_bounded(path, size, limit as u64 + 1).map_err(FileError::io(path))?;
    if bytes.len() > limit {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|_| FileError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        ),
    })
}

/// The files named on a command line: files as given, folders as the `*.ron` files in them,
/// by name. A folder with no `*.ron` file, or a path that is neither, is an error.
pub fn ron_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, FileError> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let entries = std::fs::read_dir(p).map_err(FileError::io(p))?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "ron"))
                .collect();
            if found.is_empty() {
                return Err(FileError::NoWalkthroughs(p.clone()));
            }
            found.sort();
            files.extend(found);
        } else if p.is_file() {
            files.push(p.clone());
        } else if p.exists() {
            return Err(FileError::NotAFile(p.clone()));
        } else {
            return Err(FileError::NoSuchFile(p.clone()));
        }
    }
    Ok(files)
}

/// Makes a folder (and its parents) if it does not exist.
pub fn make_dir(dir: &Path) -> Result<(), FileError> {
    std::fs::create_dir_all(dir).map_err(FileError::io(dir))
}

/// Writes a whole file or nothing (a file written half is worse than none): a temporary file,
/// synced and renamed over the path.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), FileError> {
    let write = || -> std::io::Result<()> {
        let mut file = atomic_write_file::AtomicWriteFile::open(path)?;
        file.write_all(text.as_bytes())?;
        file.commit()
    };
    write().map_err(FileError::io(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn why_drops_the_path() {
        let e = FileError::TooLarge {
            path: "w/a.ron".into(),
            limit: limits::FILE_BYTES,
        };
        assert_eq!(
            e.to_string(),
            "w/a.ron: the file is larger than the limit of 4194304 bytes (4 MiB)"
        );
        assert_eq!(
            e.why(),
            "the file is larger than the limit of 4194304 bytes (4 MiB)"
        );
    }
}
