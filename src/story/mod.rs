//! Stories: the file format, the loader with its diagnostics, and the validated model.
//!
//! `raw` mirrors the files, `load` validates them into a `model::Story` and collects every
//! `diag::Diagnostic`, `span` finds `file:line:col` for them. Nothing here touches the file
//! system: the caller hands in the files' bytes.

pub mod diag;
pub mod fast;
pub mod load;
pub mod model;
pub mod raw;
pub mod span;
mod syntax;

pub use diag::{Diagnostic, Severity};
pub use load::{LoadOptions, Loaded, MANIFEST, SourceFile, limits, load_story, load_story_with};
pub use model::*;
