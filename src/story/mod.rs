//! Stories: the file format, the loader with its diagnostics, and the validated model.
//!
//! `raw` mirrors the files (read by `fast`, else `ron`), `load` validates them into a
//! `model::Story` and collects every `diag::Diagnostic`, `span` finds where a value is written
//! and `lex` holds the lexical rules they share (whitespace, comments, and `line:col` as an
//! editor counts them). The model owns its traversals (`model::walk`). Nothing here touches the
//! file system: the caller hands in the files' bytes.

pub mod diag;
pub mod fast;
pub mod lex;
pub mod load;
pub mod model;
pub mod raw;
pub mod span;
mod syntax;
pub mod typing;

pub use diag::{Diagnostic, Severity};
pub use load::{
    CommandWord, LoadOptions, Loaded, MANIFEST, SourceFile, fold_text, limits, load_story, load_story_with,
};
pub use model::*;
