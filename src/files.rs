//! The edge where stories come from: a folder on disk, or the copy embedded in the binary.
//!
//! This module (with `save`'s file functions and the REPL's history and transcript) is where
//! the program touches the file system; the story and engine modules never do.

use crate::story::{SourceFile, limits};
use std::io::Read;
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// Why a story folder could not be read at all (distinct from problems in its files).
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    #[error("{0}: no such folder")]
    NotFound(PathBuf),
    #[error("{0}: not a folder")]
    NotADir(PathBuf),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
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

/// Reads every `*.ron` file of a folder, sorted by name. Files over the size limit are read
/// only up to one byte past it, so the loader can report them without holding them.
pub fn read_story_dir(dir: &Path) -> Result<Vec<SourceFile>, FolderError> {
    let meta = std::fs::metadata(dir).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => FolderError::NotFound(dir.to_path_buf()),
        _ => FolderError::Io {
            path: dir.to_path_buf(),
            source: e,
        },
    })?;
    if !meta.is_dir() {
        return Err(FolderError::NotADir(dir.to_path_buf()));
    }
    let io = |e| FolderError::Io {
        path: dir.to_path_buf(),
        source: e,
    };
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !name.ends_with(".ron") || name.starts_with('.') {
            continue;
        }
        if entry.path().is_file() {
            names.push(name.to_owned());
            if names.len() > limits::FILES {
                break;
            }
        }
    }
    names.sort();
    let mut files = Vec::with_capacity(names.len());
    for name in names {
        let path = dir.join(&name);
        let file = std::fs::File::open(&path).map_err(|e| FolderError::Io {
            path: path.clone(),
            source: e,
        })?;
        // Sized up front: growing by doubling would hold up to twice the story in memory.
        let len = file
            .metadata()
            .map_or(0, |m| m.len())
            .min(limits::FILE_BYTES as u64 + 1);
        let mut bytes = Vec::with_capacity(len as usize + 1);
        file.take(limits::FILE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| FolderError::Io {
                path: path.clone(),
                source: e,
            })?;
        files.push(SourceFile {
            name: display_name(dir, &name),
            bytes,
        });
    }
    Ok(files)
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
