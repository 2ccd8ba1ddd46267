//! Text in, [`Story`] or every diagnostic out.
//!
//! The loader never stops at the first problem: it parses every file, then checks every scene,
//! every reference and the shape of the graph, and returns all errors and warnings at once,
//! each pointing at `file:line:col`.
//!
//! `parse` reads each file (the fast reader, else `ron`) and turns paths into positions;
//! `build` makes the model from the raw values (`cond` for conditions and effects, `text` for
//! text); `checks` looks at the whole story once it is built; `limits` bounds all of it.

mod build;
mod calls;
mod checks;
mod cond;
mod draft;
mod expr;
pub mod limits;
mod parse;
mod present;
mod refs;
mod text;
mod unanswered;

use super::diag::{Diagnostic, Excerpt, Severity};
use super::lex::{LineIndex, line_col, previous_token_end, ron_offset};
use super::model::*;
use super::raw::*;
use super::span::{Seg, SpanIndex, SpanTree};
use build::*;
use calls::*;
use checks::*;
use cond::*;
use hashbrown::HashMap;

/// A text value as the story shows it: trimmed, every run of whitespace (line breaks and tabs
/// included) one space, like any story text. `Text` variables hold their values folded.
pub fn fold_text(s: &str) -> String {
    fold_whitespace(s)
}
use parse::*;
pub use parse::{choice_position, ron_options};
use smallvec::SmallVec;
use std::sync::Arc;
use text::*;

/// The name of the manifest file in a story folder.
pub const MANIFEST: &str = "story.ron";

/// One file of a story folder: its name as shown to the author, and its bytes.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What loading gives: the story if there were no errors, and every diagnostic.
#[derive(Debug)]
pub struct Loaded {
    pub story: Option<Story>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| !d.is_error())
    }
}

/// Loads a story from its files. The manifest is the file named `story.ron` (any folder
/// prefix); the others are scene files, read in the order given (sort them by name).
pub fn load_story(files: &[SourceFile]) -> Loaded {
    load_story_with(files, &LoadOptions::default())
}

/// How much to check beyond what makes a story valid.
#[derive(Debug, Clone, Copy)]
pub struct LoadOptions {
    /// The whole-story warnings (scenes unreachable from the start, variables never read):
    /// what `check` is for; a game about to be played can skip them.
    pub lints: bool,
    /// A draft (`interview --draft`): a `goto` to a missing scene leads to a placeholder and an
    /// ending never used is allowed, both as warnings (see `draft.rs`). Never for `check`.
    pub draft: bool,
    /// The words the game reads as commands before it reads a choice (the REPL's meta-commands,
    /// given by the caller: the story module knows no REPL), for the warning about a choice
    /// that starts with one. The default knows none.
    pub commands: fn(&str) -> Option<CommandWord>,
}

/// A word the game reads as a command before it reads a choice: what the lints need of it.
#[derive(Debug, Clone, Copy)]
pub struct CommandWord {
    /// What the command does, as its help line says it (`show the scene again`).
    pub does: &'static str,
    /// The command takes one more word (a slot name): `save` and `save her` both run it.
    pub takes_word: bool,
}

impl Default for LoadOptions {
    fn default() -> LoadOptions {
        LoadOptions {
            lints: true,
            draft: false,
            commands: |_| None,
        }
    }
}

/// [`load_story`] with options: the same errors always, the whole-story warnings on request.
pub fn load_story_with(files: &[SourceFile], options: &LoadOptions) -> Loaded {
    let mut cx = Cx {
        files: Vec::new(),
        diags: Vec::new(),
        narrow: None,
        narrowed: None,
    };
    let fingerprint = {
        let mut chunks: Vec<&[u8]> = Vec::new();
        for f in files {
            chunks.push(base_name(&f.name).as_bytes());
            chunks.push(&f.bytes);
        }
        stable_hash(&chunks)
    };

    // Read every file into text.
    let mut total = 0usize;
    for f in files.iter().take(limits::FILES) {
        total += f.bytes.len();
        cx.add_file(f);
    }
    if files.len() > limits::FILES {
        cx.error_file(
            0,
            format!(
                "the story has {} files; the limit is {}",
                files.len(),
                limits::FILES
            ),
        );
    }
    if total > limits::STORY_BYTES {
        cx.error_file(
            0,
            format!(
                "the story is {} bytes; the limit is {} bytes (64 MiB)",
                total,
                limits::STORY_BYTES
            ),
        );
    }

    let manifest_idx = cx.files.iter().position(|f| base_name(&f.name) == MANIFEST);
    let manifest: Option<RawManifest> = match manifest_idx {
        Some(i) => cx.parse(i),
        None => {
            cx.diags.push(Diagnostic {
                severity: Severity::Error,
                // Named in the folder of the other files, where the author should put it.
                file: Arc::from(
                    files
                        .first()
                        .and_then(|f| f.name.rsplit_once(['/', '\\']))
                        .map_or_else(|| MANIFEST.to_owned(), |(dir, _)| format!("{dir}/{MANIFEST}")),
                ),
                line: 1,
                col: 1,
                message: format!("the story has no manifest: every story folder needs a `{MANIFEST}`"),
                label: None,
                help: Some("see docs/AUTHORING.md, section \"The manifest\"".into()),
                span: None,
                source: None,
            });
            None
        }
    };

    // Each file's scenes, as read (not copied into one list of all scenes).
    let mut lists: Vec<(usize, Vec<RawScene>)> = Vec::new();
    // Scene ids of files RON rejected, read leniently: references to them are not errors, and
    // the checks that need the whole story are skipped.
    let mut broken_ids: Vec<String> = Vec::new();
    // A scene file that could not be read as text at all (too big, not UTF-8: UTF-16 reads as
    // nothing) may declare any scene: then no reference is reported as unknown.
    let mut ids_unknown = false;
    let mut complete = true;
    for i in 0..cx.files.len() {
        if Some(i) == manifest_idx {
            continue;
        }
        match cx.parse::<Vec<RawScene>>(i) {
            Some(list) => lists.push((i, list)),
            None if cx.files[i].skip => {
                complete = false;
                ids_unknown = true;
            }
            None => {
                complete = false;
                broken_ids.extend(SpanTree::top_level_ids(&cx.files[i].text));
            }
        }
    }

    // Where each scene is written (file, index in the file), by scene number.
    let locs: Vec<(usize, usize)> = lists
        .iter()
        .flat_map(|(file, list)| (0..list.len()).map(|idx| (*file, idx)))
        .collect();

    let Some(manifest) = manifest else {
        return cx.finish(None);
    };
    let m = manifest_idx.unwrap_or(0);
    if locs.len() > limits::SCENES {
        cx.error_file(
            m,
            format!(
                "the story has {} scenes; the limit is {}",
                locs.len(),
                limits::SCENES
            ),
        );
        return cx.finish(None);
    }

    let mut b = Builder::new(&mut cx, m, &manifest);
    b.draft = options.draft.then(|| draft::Draft::new(locs.len()));
    b.declare_scenes(&lists, &locs);
    b.broken_ids = broken_ids.iter().map(String::as_str).collect();
    b.ids_unknown = ids_unknown;
    let start = b.scene_ref(&manifest.start, m, &Path::of(&[Seg::Field("start")]));
    b.declare_choice_ids(&lists);
    b.build_named();
    // The raw scenes are consumed one by one, so raw and validated forms of the whole story
    // never coexist.
    let mut scenes: Vec<Scene> = Vec::with_capacity(locs.len());
    for (file, list) in lists {
        for (idx, raw) in list.into_iter().enumerate() {
            let here = SceneId(scenes.len() as u32);
            if let Some(d) = &mut b.draft {
                d.current = here;
            }
            scenes.push(b.scene(file, idx, here, &raw));
        }
    }
    if let Some(d) = b.draft.take() {
        let made = draft::placeholders(&d, &scenes, &mut b.scene_names);
        scenes.extend(made);
    }
    let notebook = b.notebook(&manifest.notebook);
    let spent = b.spent(
        &manifest.spent,
        b.manifest_file,
        &Path::of(&[Seg::Field("spent")]),
    );
    let once_slots = b.once_slots;
    let tracked = std::mem::take(&mut b.tracked);
    for (slot, s) in tracked.iter().enumerate() {
        scenes[s.index()].visit_slot = Some(slot as u32);
    }
    let unused_conditions: Vec<Arc<str>> = b
        .named
        .iter()
        .filter(|n| !n.used)
        .map(|n| n.name.clone())
        .collect();
    let scene_names = std::mem::take(&mut b.scene_names);
    let text_slots = std::mem::take(&mut b.text_slots);
    // Each counted choice adds 1 to its counter when taken, before its own effects.
    for (key, &var) in &b.counters {
        if let Some(&(scene, j)) = b.choice_ids.get(key)
            && let Some(c) = scenes.get_mut(scene.index()).and_then(|s| s.choices.get_mut(j))
        {
            c.effects.insert(0, Effect::Add(var, 1));
        }
    }
    let Builder { vars, endings, .. } = b;
    let ending_names = endings
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.clone(), EndingId(i as u32)))
        .collect();
    let var_names = vars
        .iter()
        .enumerate()
        .map(|(i, v)| (v.name.clone(), VarId(i as u32)))
        .collect();

    let story = Story {
        id: manifest.id.to_string(),
        title: manifest.title.to_string(),
        author: manifest.author.to_string(),
        version: manifest.version.to_string(),
        about: fold_whitespace(&manifest.about),
        start: start.unwrap_or(SceneId(0)),
        vars,
        scenes,
        endings,
        notebook,
        spent,
        scene_names,
        ending_names,
        var_names,
        once_slots,
        tracked,
        text_slots,
        fingerprint,
    };

    // Checks of the whole graph need every file; the warnings also need every reference
    // resolved, or they would only echo the errors.
    if complete {
        check_graph(&mut cx, &story, &locs, m, options);
        if options.lints && !cx.diags.iter().any(Diagnostic::is_error) && start.is_some() {
            check_calls(&mut cx, &story, &locs);
            lint_unreachable(&mut cx, &story, &locs, &manifest);
            lint_vars(&mut cx, &story, m);
            lint_scenes(&mut cx, &story, &locs, options.commands);
            unanswered::lint_unanswered(&mut cx, &story, &locs);
            lint_too_deep(&mut cx);
            for name in &unused_conditions {
                cx.at(
                    Severity::Warning,
                    m,
                    &[Seg::Field("conditions"), Seg::KeyOf(name)],
                    format!("the condition `{name}` is never used"),
                    None,
                    Some(format!("use it as `Is(\"{name}\")`, or remove it")),
                );
            }
        }
    }

    if cx.diags.iter().any(Diagnostic::is_error) {
        cx.finish(None)
    } else {
        cx.finish(Some(story))
    }
}

fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// Files `ron` read because the fast reader found them nested too deeply (see
/// [`crate::story::fast::MAX_DEPTH`]): valid, but several times slower to load.
fn lint_too_deep(cx: &mut Cx) {
    let deep: Vec<(usize, usize)> = cx
        .files
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.too_deep.map(|at| (i, at)))
        .collect();
    for (file, offset) in deep {
        cx.warn_at_offset(
            file,
            offset,
            format!(
                "values nest more than {} levels deep here, so this file is read by the general RON parser, which loads it several times slower",
                crate::story::fast::MAX_DEPTH
            ),
            "name the inner condition under `conditions:` in story.ron and write `Is(\"name\")` here (each `All(`, `Any(` or `Not(` adds two levels, each `[` one)".into(),
        );
    }
}
