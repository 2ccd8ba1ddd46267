//! Drafts (`interview --draft`, issue 15): a story still being written plays where it safely
//! can. With [`LoadOptions::draft`], exactly two errors become warnings:
//!
//! - a `goto` (of a choice, an auto or a branch) to a scene that does not exist leads to a
//!   placeholder scene instead, saying the scene is not written yet, with one choice back to
//!   the scene the transition left (one placeholder per missing scene and scene it is left
//!   from, so the way back is always right);
//! - an ending declared but used by no scene is left alone.
//!
//! Every other error still refuses the story, and `check` never loads a draft.

use super::*;

/// The placeholders a draft needs, made while the scenes are built.
pub(super) struct Draft {
    /// The number of the scene being built (a placeholder's way back).
    pub(super) current: SceneId,
    /// Scenes written in the files: placeholders are numbered after them.
    pub(super) written: usize,
    /// Each placeholder: the missing scene's id and the scene it is reached from.
    pub(super) placeholders: Vec<(String, SceneId)>,
}

impl Draft {
    pub(super) fn new(written: usize) -> Draft {
        Draft {
            current: SceneId(0),
            written,
            placeholders: Vec::new(),
        }
    }
}

impl Builder<'_, '_, '_> {
    /// The scene a `goto` names: [`Builder::scene_ref`], except in a draft, where a missing
    /// scene is a warning and the transition leads to a placeholder.
    pub(super) fn goto_ref(&mut self, name: &str, file: usize, path: &Path<'_, '_>) -> Option<SceneId> {
        if self.draft.is_none() {
            return self.scene_ref(name, file, path);
        }
        let missing =
            !self.scene_names.contains_key(name) && !self.ids_unknown && !self.broken_ids.contains(name);
        let Some(draft) = self.draft.as_mut().filter(|_| missing) else {
            return self.scene_ref(name, file, path);
        };
        let from = draft.current;
        let k = match draft
            .placeholders
            .iter()
            .position(|(n, f)| n == name && *f == from)
        {
            Some(k) => k,
            None => {
                draft.placeholders.push((name.to_owned(), from));
                draft.placeholders.len() - 1
            }
        };
        let id = SceneId((draft.written + k) as u32);
        let help = self.suggest(name, self.scene_names.keys().map(String::as_str));
        self.cx.at(
            Severity::Warning,
            file,
            path,
            format!("no scene has the id `{name}`: the draft shows a placeholder"),
            Some("not written yet".into()),
            help,
        );
        Some(id)
    }
}

/// The placeholder scenes of a draft, in the order of their numbers, and their names (the
/// missing id itself for the first, `id (from scene)` for others of the same id).
pub(super) fn placeholders(
    draft: &Draft,
    scenes: &[Scene],
    names: &mut HashMap<String, SceneId>,
) -> Vec<Scene> {
    let mut out = Vec::with_capacity(draft.placeholders.len());
    for (k, (missing, from)) in draft.placeholders.iter().enumerate() {
        let number = SceneId((draft.written + k) as u32);
        let from_id = &scenes[from.index()].id;
        let id = if names.contains_key(missing.as_str()) {
            format!("{missing} (from {from_id})")
        } else {
            missing.clone()
        };
        names.insert(id.clone(), number);
        let lit = |s: String| Line(smallvec::smallvec![Piece::Lit(s)]);
        out.push(Scene {
            tags: Vec::new(),
            id,
            title: format!("{missing} (not written yet)"),
            text: Text(vec![Para::Always(lit(format!(
                "Scene `{missing}` is not written yet. (This is a draft.)"
            )))]),
            on_enter: Vec::new(),
            choices: vec![Choice {
                tags: Vec::new(),
                key: format!("Go back to `{from_id}`"),
                text: lit(format!("Go back to `{from_id}`")),
                target: Target::Goto(*from),
                condition: None,
                effects: Vec::new(),
                once: None,
                fallback: false,
                locked: Locked::Hide,
                spent: None,
                reply: None,
                reply_alts: Vec::new(),
            }],
            autos: Vec::new(),
            ending: None,
            visit_slot: None,
            chances: Vec::new(),
            alts: Vec::new(),
        });
    }
    out
}
