//! The step: views of a state, and moving it on by one choice.
//!
//! Both are plain functions of a [`Story`] and a [`GameState`]. Every random draw goes through
//! a [`Dice`]: the state's own generator when playing, an enumerating one in `explore`.

use super::eval::{apply, holds};
use super::render::{Marks, push_line, render_text_marked};
use super::state::{GameState, Rng};
use crate::story::*;
use rand::{Rng as _, RngExt, SeedableRng};
use rand_pcg::Pcg32;

/// Where random outcomes come from.
pub trait Dice {
    /// Picks an index of `weights` with odds proportional to the weights. At least one weight
    /// is positive; an index with weight 0 is never returned.
    fn pick(&mut self, weights: &[u32]) -> usize;

    /// Picks one of `n` texts of a `{shuffle: ..}` (at least one), all equally likely.
    /// `key` tells this showing apart from every other one of the game: the turn and the
    /// text's slot. The tools' dice, which never look at texts, pick the first.
    fn shuffle(&mut self, n: usize, _key: u64) -> usize {
        self.pick(&vec![1; n.max(1)])
    }
}

impl Dice for Rng {
    fn pick(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut r = self.0.random_range(0..total.max(1));
        for (i, &w) in weights.iter().enumerate() {
            if r < u64::from(w) {
                return i;
            }
            r -= u64::from(w);
        }
        weights.iter().rposition(|&w| w > 0).unwrap_or(0)
    }

    /// A side draw that leaves the game's stream where it was: adding, removing or showing a
    /// `{shuffle: ..}` never changes what a later `Chance` or branch rolls, so editing prose
    /// keeps a seed's walkthrough on its route. Seeded by the stream's next value (not taken)
    /// and `key`, as ink seeds each shuffle from the story seed and the sequence's identity
    /// rather than from its main random stream.
    fn shuffle(&mut self, n: usize, key: u64) -> usize {
        let next = self.0.clone().next_u64();
        let mut side = Pcg32::seed_from_u64(next ^ key.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        side.random_range(0..n.max(1) as u64) as usize
    }
}

/// Why a step could not be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    #[error("the game is over")]
    GameOver,
    #[error("there is no choice number {0} here")]
    NoSuchChoice(usize),
    #[error("that choice is not available now")]
    Unavailable(usize),
    #[error("more than {limit} automatic transitions in one step (at scene `{scene}`): the story loops")]
    TooManyTransitions { scene: String, limit: usize },
    #[error("no branch of this random pick is possible now (in scene `{scene}`)")]
    NoBranch { scene: String },
    /// An expression of a `Set` has no value: a division by zero, or an overflow of `i64`.
    #[error("cannot compute `{expr}` (in scene `{scene}`): {why}")]
    Expression {
        scene: String,
        expr: String,
        why: String,
    },
    /// A `return` taken with an empty call stack: no `call` entered the section it is in.
    #[error("the scene `{scene}` returns, but no section was called: nothing to return to")]
    ReturnWithoutCall { scene: String },
    /// A `call` that would nest sections deeper than the limit.
    #[error(
        "the scene `{scene}` calls `{section}` with {limit} sections already open: the limit of nested calls is {limit} (does a section call itself?)"
    )]
    CallTooDeep {
        scene: String,
        section: String,
        limit: usize,
    },
}

/// What a step did, besides changing the state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The reply of the choice taken, rendered after its effects, when it has one (and it
    /// shows something): shown first, before `passed` and the scene.
    pub reply: Option<String>,
    /// The rendered text of scenes that were left at once (by an auto or a fallback), in
    /// order, before the scene the game now stands in.
    pub passed: Vec<String>,
    /// The presentation of `reply` and `passed` (emphasis, pauses), when any of them has some;
    /// `None` for plain texts (most), so a step makes and drops nothing for it. Read it with
    /// [`Outcome::reply_marks`] and [`Outcome::passed_marks`].
    pub marks: Option<Box<OutcomeMarks>>,
    /// The choice stayed in its scene (a reply with nowhere to go): the scene was not entered
    /// again, so its text is not to be shown again, only its choices.
    pub stayed: bool,
}

/// The presentation of an [`Outcome`]'s texts (see [`Marks`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutcomeMarks {
    /// The reply's; empty for a reply without any.
    pub reply: Marks,
    /// Those of the texts of `passed` that have any, by their index in `passed`.
    pub passed: Vec<(usize, Marks)>,
}

impl Outcome {
    /// The presentation of the reply: empty for a reply without any, or no reply.
    pub fn reply_marks(&self) -> &[(usize, Mark)] {
        self.marks.as_deref().map_or(&[], |m| &m.reply)
    }

    /// The presentation of the text `passed[i]`: empty for a text without any.
    pub fn passed_marks(&self, i: usize) -> &[(usize, Mark)] {
        self.marks
            .as_deref()
            .and_then(|m| m.passed.iter().find(|(at, _)| *at == i))
            .map_or(&[], |(_, marks)| marks)
    }
}

/// A choice as the player sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceView {
    /// The choice's position in its scene (what [`choose`] takes).
    pub index: usize,
    pub text: String,
    /// The presentation of `text` (emphasis only: a choice is one line without pauses).
    pub marks: Marks,
    pub available: bool,
    /// Why it is unavailable, when the author says (or the `spent` marking, the choice's own or the story's).
    pub reason: Option<String>,
    /// A once-only choice already taken, kept in its place by its own `spent` or the story's.
    pub spent: bool,
}

/// What the player sees of a state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub scene: SceneId,
    pub text: String,
    /// The presentation of `text` (see [`Marks`]); empty for a text without any.
    pub marks: Marks,
    /// The choices on screen: available ones, and unavailable ones the author shows (locked,
    /// or taken and kept in place by `spent`, the choice's own or the story's).
    pub choices: Vec<ChoiceView>,
    pub ending: Option<EndingId>,
}

impl View {
    /// No available choice and not an ending: the player is stuck.
    pub fn is_dead_end(&self) -> bool {
        self.ending.is_none() && !self.choices.iter().any(|c| c.available)
    }
}

/// Starts a game: enters the start scene (with its autos) using the seed's generator.
pub fn new_game(story: &Story, seed: u64) -> Result<(GameState, Outcome), StepError> {
    let mut state = GameState::blank(story, seed);
    let mut rng = state.rng.clone();
    let out = start_with(story, &mut state, &mut rng);
    state.rng = rng;
    out.map(|o| (state, o))
}

/// Starts a game from a blank state with other dice (for tools).
pub fn new_game_with(
    story: &Story,
    seed: u64,
    dice: &mut impl Dice,
) -> Result<(GameState, Outcome), StepError> {
    let mut state = GameState::blank(story, seed);
    start_with(story, &mut state, dice).map(|o| (state, o))
}

fn start_with(story: &Story, state: &mut GameState, dice: &mut impl Dice) -> Result<Outcome, StepError> {
    let mut out = Outcome::default();
    enter(story, state, story.start(), dice, Some(&mut out), false)?;
    Ok(out)
}

/// The scene on screen: its text and its choices.
pub fn view(story: &Story, state: &GameState) -> View {
    let scene = story.scene(state.scene);
    let mut choices = Vec::with_capacity(scene.choices.len());
    if scene.ending.is_none() {
        for (index, c) in scene.choices.iter().enumerate() {
            // Fallbacks are never shown; a once-only choice already taken is gone for good,
            // or kept in its place, unavailable, as its own `spent` or else the story's says.
            if c.fallback {
                continue;
            }
            if c.once.is_some_and(|slot| state.once_used(slot)) {
                let reason = match c.spent.as_ref().unwrap_or(story.spent()) {
                    Spent::Hide => continue,
                    Spent::Show => "already chosen".to_owned(),
                    Spent::Explain(words) => words.clone(),
                };
                let mut text = String::new();
                push_line(state, &c.text, &mut text, &mut Marks::new());
                choices.push(ChoiceView {
                    index,
                    text,
                    marks: Marks::new(),
                    available: false,
                    reason: Some(reason),
                    spent: true,
                });
                continue;
            }
            let available = choice_available(state, c);
            let reason = match (&c.locked, available) {
                (_, true) | (Locked::Show, false) => None,
                (Locked::Hide, false) => continue,
                (Locked::Explain(why), false) => {
                    // Shown on an unavailable choice, which is drawn plain: no emphasis kept.
                    let mut reason = String::new();
                    push_line(state, why, &mut reason, &mut Marks::new());
                    Some(reason)
                }
            };
            let mut marks = Marks::new();
            let mut text = String::new();
            push_line(state, &c.text, &mut text, &mut marks);
            choices.push(ChoiceView {
                index,
                text,
                marks,
                available,
                reason,
                spent: false,
            });
        }
    }
    let mut marks = Marks::new();
    let mut text = String::new();
    render_text_marked(state, &scene.text, &mut text, &mut marks);
    View {
        scene: state.scene,
        text,
        marks,
        choices,
        ending: scene.ending,
    }
}

/// The positions of the choices the player can take now (available, not fallbacks), into
/// `out` (cleared first). Empty at an ending. Cheaper than [`view`]: nothing is rendered.
pub fn available(story: &Story, state: &GameState, out: &mut Vec<usize>) {
    out.clear();
    let scene = story.scene(state.scene);
    if scene.ending.is_some() {
        return;
    }
    for (i, c) in scene.choices.iter().enumerate() {
        if !c.fallback && choice_available(state, c) {
            out.push(i);
        }
    }
}

/// Whether the game is over.
pub fn ending(story: &Story, state: &GameState) -> Option<EndingId> {
    story.scene(state.scene).ending
}

/// Makes choice `index` of the current scene (its position in the scene, as in
/// [`ChoiceView::index`]), with the state's own generator.
pub fn choose(story: &Story, state: &mut GameState, index: usize) -> Result<Outcome, StepError> {
    let mut rng = state.rng.clone();
    let out = choose_with(story, state, index, &mut rng);
    state.rng = rng;
    out
}

/// [`choose`] with other dice. An unavailable choice is refused before anything changes; a
/// runtime error of the story (a loop, an impossible pick) leaves the state where it stopped.
pub fn choose_with(
    story: &Story,
    state: &mut GameState,
    index: usize,
    dice: &mut impl Dice,
) -> Result<Outcome, StepError> {
    let mut out = Outcome::default();
    choose_into(story, state, index, dice, Some(&mut out))?;
    Ok(out)
}

/// [`choose_with`] without the [`Outcome`]: the texts of the scenes passed are not rendered.
/// For tools that try many steps and only look at the states they lead to.
pub fn step_with(
    story: &Story,
    state: &mut GameState,
    index: usize,
    dice: &mut impl Dice,
) -> Result<(), StepError> {
    choose_into(story, state, index, dice, None)
}

fn choose_into(
    story: &Story,
    state: &mut GameState,
    index: usize,
    dice: &mut impl Dice,
    out: Option<&mut Outcome>,
) -> Result<(), StepError> {
    let scene = story.scene(state.scene);
    if scene.ending.is_some() {
        return Err(StepError::GameOver);
    }
    let choice = match scene.choices.get(index) {
        Some(c) if !c.fallback => c,
        _ => return Err(StepError::NoSuchChoice(index)),
    };
    if !choice_available(state, choice) {
        return Err(StepError::Unavailable(index));
    }
    take(story, state, choice, dice, out)
}

/// Takes a choice: marks once, applies effects, picks the target, renders the reply, enters
/// the target (or stays). The reply and the texts of scenes passed go to `out`, when there is
/// one.
fn take(
    story: &Story,
    state: &mut GameState,
    choice: &Choice,
    dice: &mut impl Dice,
    mut out: Option<&mut Outcome>,
) -> Result<(), StepError> {
    let next = resolve(story, state, &choice.target, dice)?;
    // Saturating: a save may hold any turn, and the count must not overflow on the next step.
    state.turn = state.turn.saturating_add(1);
    if let Some(slot) = choice.once {
        state.mark_once(slot);
    }
    apply(story, state, &choice.effects, dice)?;
    let (next, stay) = land(story, state, next, dice)?;
    advance(state, &choice.reply_alts, dice);
    if let (Some(reply), Some(out)) = (&choice.reply, out.as_deref_mut()) {
        render_reply(state, reply, out);
    }
    enter(story, state, next, dice, out, stay)
}

/// Apart, to keep [`take`] small: the reply of a choice, into `out`.
#[inline(never)]
fn render_reply(state: &GameState, reply: &Text, out: &mut Outcome) {
    let mut text = String::new();
    let mut marks = Marks::new();
    render_text_marked(state, reply, &mut text, &mut marks);
    if !marks.is_empty() {
        out.marks.get_or_insert_default().reply = marks;
    }
    out.reply = (!text.is_empty()).then_some(text);
}

enum Resolved<'s> {
    Scene(SceneId),
    /// Stay in this scene, without entering it again.
    Stay(SceneId),
    Branch(&'s Branch),
    /// Enter a section, keeping a return point.
    Call(SceneId, ReturnPoint),
    /// Go back to the latest return point.
    Return,
}

/// Where a resolved target lands, after the transition's own effects: the scene, and whether
/// the game stays there without entering it again. Applies a branch's effects; pushes or pops
/// the call stack (a return to a scene that called without `goto` stays there, its `Chance`
/// rolls all false: the rolls made belong to the scene entered last).
#[inline(always)]
fn land(
    story: &Story,
    state: &mut GameState,
    next: Resolved<'_>,
    dice: &mut impl Dice,
) -> Result<(SceneId, bool), StepError> {
    match next {
        Resolved::Scene(s) => Ok((s, false)),
        Resolved::Stay(s) => Ok((s, true)),
        Resolved::Branch(b) => {
            apply(story, state, &b.effects, dice)?;
            Ok((b.target, false))
        }
        Resolved::Call(section, then) => call(story, state, section, then),
        Resolved::Return => back(story, state),
    }
}

/// Pushes a return point and enters the section; an error past [`limits::CALL_DEPTH`].
#[cold]
#[inline(never)]
fn call(
    story: &Story,
    state: &mut GameState,
    section: SceneId,
    then: ReturnPoint,
) -> Result<(SceneId, bool), StepError> {
    if state.calls.len() >= limits::CALL_DEPTH {
        return Err(StepError::CallTooDeep {
            scene: story.scene(state.scene).id.clone(),
            section: story.scene(section).id.clone(),
            limit: limits::CALL_DEPTH,
        });
    }
    state.calls.push(then);
    Ok((section, false))
}

/// Pops the latest return point and goes there; an error with an empty stack.
#[cold]
#[inline(never)]
fn back(story: &Story, state: &mut GameState) -> Result<(SceneId, bool), StepError> {
    match state.calls.pop() {
        Some(ReturnPoint::Goto(s)) => Ok((s, false)),
        Some(ReturnPoint::Stay(s)) => {
            // The rolls were the section's: the resumed scene's Chance conditions read false.
            state.rolls.clear();
            state.rolls.resize(story.scene(s).chances.len(), false);
            Ok((s, true))
        }
        None => Err(StepError::ReturnWithoutCall {
            scene: story.scene(state.scene).id.clone(),
        }),
    }
}

/// Picks the target; branch conditions are read before any effect of the transition.
/// Always inlined: its `Result` is as large as a [`StepError`], and inlined, a plain `goto`
/// costs a move (measured: the explore of the benchmark story spent 3% in the call).
#[inline(always)]
fn resolve<'s>(
    story: &Story,
    state: &GameState,
    target: &'s Target,
    dice: &mut impl Dice,
) -> Result<Resolved<'s>, StepError> {
    match target {
        Target::Goto(s) => Ok(Resolved::Scene(*s)),
        Target::Stay(s) => Ok(Resolved::Stay(*s)),
        Target::Branches(branches) => pick_branch(story, state, branches, dice).map(Resolved::Branch),
        Target::Call { section, then } => Ok(Resolved::Call(*section, *then)),
        Target::Return => Ok(Resolved::Return),
    }
}

fn pick_branch<'s>(
    story: &Story,
    state: &GameState,
    branches: &'s [Branch],
    dice: &mut impl Dice,
) -> Result<&'s Branch, StepError> {
    let weights: Vec<u32> = branches
        .iter()
        .map(|b| match &b.condition {
            Some(c) if !holds(state, c) => 0,
            _ => b.weight,
        })
        .collect();
    if weights.iter().all(|&w| w == 0) {
        return Err(StepError::NoBranch {
            scene: story.scene(state.scene).id.clone(),
        });
    }
    Ok(&branches[dice.pick(&weights)])
}

/// Enters `scene` and follows autos and fallbacks until the game waits for the player; the
/// texts of the scenes left at once go to `out`, when there is one. At most
/// [`limits::TRANSITIONS_PER_STEP`] transitions are followed (the limit is inclusive): the
/// scene reached by the last one is entered, and it is an error only if it would move on.
///
/// With `stay`, the game is already in `scene` (a choice stayed there): it is not entered
/// again (no visit, no `on_enter`, no new rolls, no autos, and its text, already on screen,
/// is not passed); only its choices are looked at again, or its fallback taken.
fn enter(
    story: &Story,
    state: &mut GameState,
    mut scene_id: SceneId,
    dice: &mut impl Dice,
    mut out: Option<&mut Outcome>,
    mut stay: bool,
) -> Result<(), StepError> {
    for _ in 0..limits::TRANSITIONS_PER_STEP {
        let stayed = std::mem::take(&mut stay);
        let Arrival::Move {
            effects,
            once,
            target,
        } = arrive(story, state, scene_id, dice, out.as_deref_mut(), stayed)?
        else {
            return Ok(());
        };
        if let Some(out) = out.as_deref_mut()
            && !stayed
        {
            pass(state, &story.scene(scene_id).text, out);
        }
        let next = resolve(story, state, target, dice)?;
        if let Some(slot) = once {
            state.mark_once(slot);
        }
        apply(story, state, effects, dice)?;
        // A `Stay` is never built for an auto or a fallback (the loader refuses a reply
        // there); a return to a scene that called without `goto` resumes it.
        (scene_id, stay) = land(story, state, next, dice)?;
    }
    enter_last(story, state, scene_id, dice, out, stay)
}

/// The scene reached by the last transition allowed: entered, and an error only if it would
/// move on too; the state is then left where the last transition left it, as if never entered.
/// Apart, so that the loop of [`enter`] keeps no copy of the state.
#[cold]
#[inline(never)]
fn enter_last(
    story: &Story,
    state: &mut GameState,
    scene_id: SceneId,
    dice: &mut impl Dice,
    out: Option<&mut Outcome>,
    stay: bool,
) -> Result<(), StepError> {
    let before = state.clone();
    match arrive(story, state, scene_id, dice, out, stay)? {
        Arrival::Wait => Ok(()),
        Arrival::Move { .. } => {
            *state = before;
            Err(too_many_transitions(story, scene_id))
        }
    }
}

/// What a scene does once the game is in it: wait for the player, or move on.
enum Arrival<'s> {
    Wait,
    /// By an auto or a fallback: its effects, its once-only slot, its target.
    Move {
        effects: &'s [Effect],
        once: Option<u32>,
        target: &'s Target,
    },
}

/// Enters `scene_id` (with `stayed`, the game is already there: see [`enter`]) and finds out
/// whether it waits for the player or moves on at once.
#[inline(always)]
fn arrive<'s>(
    story: &'s Story,
    state: &mut GameState,
    scene_id: SceneId,
    dice: &mut impl Dice,
    out: Option<&mut Outcome>,
    stayed: bool,
) -> Result<Arrival<'s>, StepError> {
    let scene = story.scene(scene_id);
    // Already there after a choice that stayed; set after a return that resumes.
    state.scene = scene_id;
    let auto = if stayed {
        None
    } else {
        if let Some(slot) = scene.visit_slot {
            let visits = &mut state.tracked_visits[slot as usize];
            *visits = visits.saturating_add(1);
        }
        apply(story, state, &scene.on_enter, dice)?;
        state.rolls.clear();
        for &p in &scene.chances {
            let hit = dice.pick(&[100 - u32::from(p), u32::from(p)]) == 1;
            state.rolls.push(hit);
        }
        advance(state, &scene.alts, dice);
        if scene.ending.is_some() {
            return Ok(Arrival::Wait);
        }
        scene
            .autos
            .iter()
            .find(|a| opt_holds(state, a.condition.as_ref()))
    };
    if let Some(a) = auto {
        return Ok(Arrival::Move {
            effects: &a.effects,
            once: None,
            target: &a.target,
        });
    }
    if scene
        .choices
        .iter()
        .any(|c| !c.fallback && choice_available(state, c))
    {
        stayed_in(out, stayed);
        return Ok(Arrival::Wait);
    }
    match scene
        .choices
        .iter()
        .find(|c| c.fallback && choice_available(state, c))
    {
        Some(f) => Ok(Arrival::Move {
            effects: &f.effects,
            once: f.once,
            target: &f.target,
        }),
        None => {
            // A dead end: the view shows no available choice.
            stayed_in(out, stayed);
            Ok(Arrival::Wait)
        }
    }
}

/// Counts one more showing of the texts with alternatives `alts` (slot, kind, items), or
/// draws the item of a shuffle. Most scenes and choices have none: no call for them.
#[inline(always)]
fn advance(state: &mut GameState, alts: &[(u32, AltKind, u32)], dice: &mut impl Dice) {
    if !alts.is_empty() {
        advance_each(state, alts, dice);
    }
}

fn advance_each(state: &mut GameState, alts: &[(u32, AltKind, u32)], dice: &mut impl Dice) {
    let turn = u64::from(state.turn) << 32;
    for &(slot, kind, n) in alts {
        let Some(count) = state.texts.get_mut(slot as usize) else {
            continue;
        };
        *count = match kind {
            AltKind::Seq | AltKind::Once => count.saturating_add(1).min(n.saturating_add(1)),
            AltKind::Cycle => *count % n.max(1) + 1,
            AltKind::Shuffle => dice.shuffle(n as usize, turn | u64::from(slot)) as u32,
        };
    }
}

/// Records in `out` that the step stayed in its scene, when it did.
fn stayed_in(out: Option<&mut Outcome>, stayed: bool) {
    if let Some(out) = out {
        out.stayed = stayed;
    }
}

/// Apart, to keep the loop of [`enter`] small.
#[cold]
#[inline(never)]
fn too_many_transitions(story: &Story, scene: SceneId) -> StepError {
    StepError::TooManyTransitions {
        scene: story.scene(scene).id.clone(),
        limit: limits::TRANSITIONS_PER_STEP,
    }
}

/// Apart, to keep the loop of [`enter`] small: the text of a scene left at once.
#[inline(never)]
fn pass(state: &GameState, text: &Text, out: &mut Outcome) {
    let mut marks = Marks::new();
    let mut rendered = String::new();
    render_text_marked(state, text, &mut rendered, &mut marks);
    if !rendered.is_empty() {
        if !marks.is_empty() {
            let at = out.passed.len();
            out.marks.get_or_insert_default().passed.push((at, marks));
        }
        out.passed.push(rendered);
    }
}

fn choice_available(state: &GameState, c: &Choice) -> bool {
    if let Some(slot) = c.once
        && state.once_used(slot)
    {
        return false;
    }
    opt_holds(state, c.condition.as_ref())
}

fn opt_holds(state: &GameState, c: Option<&Condition>) -> bool {
    c.is_none_or(|c| holds(state, c))
}
