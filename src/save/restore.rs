//! The state by names: [`capture`] writes a [`GameState`] with names instead of indices,
//! [`restore`] maps it back onto a story (the same one, or an edited one, saying exactly what
//! no longer fits), and [`carry_over`] moves a game to an edited story (the REPL's `reload`).

use super::SaveError;
use crate::engine::{Game, GameState, Rng};
use crate::story::{ReturnPoint, Story, Value, VarKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
            // Folded as the story folds its values (a save from before may hold a tab).
            SavedValue::Text(t) => Value::Text(crate::story::fold_text(&t).into()),
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
    #[serde(deserialize_with = "unique_keys")]
    pub vars: BTreeMap<String, SavedValue>,
    /// Visits by scene, for the scenes the story counts (those some condition reads).
    #[serde(deserialize_with = "unique_keys")]
    pub visits: BTreeMap<String, u32>,
    /// The once-only choices already taken: by scene id and the choice's key (its `id`, or
    /// its text), so that a choice added above another does not move the mark.
    pub once: Vec<OnceTaken>,
    /// The `Chance` rolls of the current scene, made when it was entered.
    pub rolls: Vec<bool>,
    pub rng: Rng,
    /// How often each text with alternatives (`{seq: ..}`) was shown, by its name (`scene#n`,
    /// the n-th alternative written in that scene), or the item a shuffle drew; only those
    /// that are not 0, and left out of the file when there are none.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "unique_keys"
    )]
    pub texts: BTreeMap<String, u32>,
    /// The call stack (sections entered by `call:` and not yet returned from), outermost
    /// first, by scene id; left out of the file when empty (saves from before calls have none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<SavedCall>,
}

/// Where a section comes back to, as a save names it (see [`ReturnPoint`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SavedCall {
    /// The scene entered on return (the call had a `goto`).
    Goto(String),
    /// The calling scene, resumed on return (the call had no `goto`).
    Stay(String),
}

impl SavedCall {
    fn from_point(story: &Story, point: ReturnPoint) -> SavedCall {
        match point {
            ReturnPoint::Goto(s) => SavedCall::Goto(story.scene(s).id.clone()),
            ReturnPoint::Stay(s) => SavedCall::Stay(story.scene(s).id.clone()),
        }
    }

    /// The return point on `story`, or why not.
    fn to_point(&self, story: &Story) -> Result<ReturnPoint, String> {
        let (name, point): (&String, fn(_) -> _) = match self {
            SavedCall::Goto(name) => (name, ReturnPoint::Goto),
            SavedCall::Stay(name) => (name, ReturnPoint::Stay),
        };
        story.scene_by_name(name).map(point).ok_or_else(|| {
            format!("the call stack returns to scene `{name}`, which is no longer in the story")
        })
    }
}

/// A once-only choice taken, as a save names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OnceTaken {
    /// The scene and the choice's key ([`crate::story::Choice::key`]): what saves write.
    Key(String, String),
    /// The scene and the choice's position in it: what saves written before keys hold.
    Choice(String, usize),
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
        for choice in &scene.choices {
            if let Some(slot) = choice.once
                && state.once_used(slot)
            {
                once.push(OnceTaken::Key(scene.id.clone(), choice.key.clone()));
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
        texts: story
            .text_slots()
            .iter()
            .zip(&state.texts)
            .filter(|&(_, &n)| n != 0)
            .map(|(key, &n)| (key.clone(), n))
            .collect(),
        calls: state
            .calls
            .iter()
            .map(|&p| SavedCall::from_point(story, p))
            .collect(),
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
            // A choice count (`scene.id`) no condition reads any more changes nothing.
            if name.contains('.') {
                warnings.push(format!(
                    "the choice `{name}` is no longer counted; its count is forgotten"
                ));
            } else {
                problems.push(format!("variable `{name}` is no longer in the story"));
            }
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
        // A choice count past its new end compares as its end does.
        if let (SavedValue::Int(i), true) = (value, name.contains('.')) {
            vars[id.index()] = Value::Int((*i).clamp(decl.min, decl.max));
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
            warnings.push(if decl.name.contains('.') {
                format!(
                    "the choice `{}` was not counted before; its count starts at 0",
                    decl.name
                )
            } else {
                format!("the new variable `{}` starts at {}", decl.name, decl.initial)
            });
        }
    }
    if saved.calls.len() > crate::story::limits::CALL_DEPTH {
        problems.push(format!(
            "the call stack holds {} sections; the limit is {}",
            saved.calls.len(),
            crate::story::limits::CALL_DEPTH
        ));
    }
    let mut calls = Vec::new();
    for c in saved.calls.iter().take(crate::story::limits::CALL_DEPTH) {
        match c.to_point(story) {
            Ok(p) => calls.push(p),
            Err(e) => problems.push(e),
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
        texts: vec![0; story.text_slots().len()],
        calls,
    };
    // Only texts read these: one that no longer exists is dropped without a word.
    for (slot, key) in story.text_slots().iter().enumerate() {
        if let Some(&n) = saved.texts.get(key) {
            state.texts[slot] = n;
        }
    }
    for taken in &saved.once {
        let (scene_name, choice) = match taken {
            OnceTaken::Key(scene, key) => (
                scene,
                story.scene_by_name(scene).and_then(|id| {
                    story
                        .scene(id)
                        .choices
                        .iter()
                        .find(|c| c.once.is_some() && c.key == *key)
                }),
            ),
            OnceTaken::Choice(scene, index) => (
                scene,
                story
                    .scene_by_name(scene)
                    .and_then(|id| story.scene(id).choices.get(*index)),
            ),
        };
        match choice.and_then(|c| c.once) {
            Some(slot) => state.mark_once(slot),
            None => warnings.push(match taken {
                OnceTaken::Key(_, key) => format!(
                    "the once-only choice \"{key}\" of scene `{scene_name}` is no longer there; it is forgotten"
                ),
                OnceTaken::Choice(_, index) => format!(
                    "the once-only choice {} of scene `{scene_name}` is no longer there; it is forgotten",
                    index.saturating_add(1)
                ),
            }),
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
    let (state, warnings) = carry_state(from, &game.state, to)?;
    let same = from.fingerprint() == to.fingerprint();
    // The state the choices start from comes along while it still fits; the choices are only
    // checked against the story they were made in.
    let start = match &game.from {
        Some(s) => carry_state(from, s, to).ok().map(|(s, _)| Box::new(s)),
        None => None,
    };
    let game = Game {
        state,
        seed: game.seed,
        from: start,
        trail: game.trail.clone(),
        replayable: game.replayable && same,
    };
    Ok((game, warnings))
}

/// [`carry_over`] for a state alone.
pub fn carry_state(
    from: &Story,
    state: &GameState,
    to: &Story,
) -> Result<(GameState, Vec<String>), SaveError> {
    if from.id() != to.id() {
        return Err(SaveError::IdChanged {
            from: from.id().to_owned(),
            to: to.id().to_owned(),
        });
    }
    let restored = restore(to, &capture(from, state)).map_err(SaveError::NoLongerFits)?;
    Ok((restored.state, restored.warnings))
}

/// A map whose keys are all different: a save that names a variable or a scene twice is
/// refused, naming the key, rather than read with one of the two values.
fn unique_keys<'de, D, V>(de: D) -> Result<BTreeMap<String, V>, D::Error>
where
    D: serde::Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct Unique<V>(std::marker::PhantomData<V>);
    impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Unique<V> {
        type Value = BTreeMap<String, V>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((key, value)) = map.next_entry::<String, V>()? {
                if out.contains_key(&key) {
                    return Err(serde::de::Error::custom(format!(
                        "the key {:?} appears twice",
                        crate::story::diag::visible(&key)
                    )));
                }
                out.insert(key, value);
            }
            Ok(out)
        }
    }
    de.deserialize_map(Unique(std::marker::PhantomData))
}
