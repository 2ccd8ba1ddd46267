//! The unanswered-choice report (issue 16): sibling choices the player cannot tell apart by
//! what follows them. Two choices offered together, without a reply, that lead to the same
//! place and differ only in what they write where nothing shown next reads it, give the player
//! word-for-word the same next passage: the choice is felt as no choice (what ink's writers
//! call a "false choice" when nothing acknowledges it).
//!
//! Static and conservative: a group is reported only when it is sure, from the story alone,
//! that the next shown text is the same whatever the state. What is "shown next" is followed
//! through the model's own walks ([`Scene::shown_vars`], [`Scene::forwards`]). The notebook
//! is not "next": it is shown on request, and a number it shows is still one the passage
//! after the choice does not answer.

use super::*;

/// How many scenes are followed from a target through automatic transitions and fallbacks;
/// beyond, the text shown next is unsure and nothing is reported.
const FOLLOW: usize = 64;

/// How many choices of a scene are compared (the first ones without a reply): bounded work
/// whatever a hostile scene holds.
const COMPARED: usize = 64;

/// What the text shown after a choice may depend on.
struct Seen {
    /// By variable: whether something shown next reads it.
    vars: Vec<bool>,
    /// The scenes shown or passed through next (the target's, and those autos and fallbacks
    /// forward to).
    scenes: Vec<SceneId>,
}

/// Warns once per group of sibling choices whose next shown text is the same in every state,
/// at the first choice of the group, naming the others with their lines.
pub(super) fn lint_unanswered(cx: &mut Cx, story: &Story, locs: &[(usize, usize)]) {
    // Worked out only when two choices are compared.
    let mut entries: Option<Entries> = None;
    // Scenes written in the files (a draft's placeholders come after them).
    for (s, (scene, &(file, idx))) in story.scenes.iter().zip(locs).enumerate() {
        let here = SceneId(s as u32);
        // Shown choices without a reply: a reply answers the choice that has one.
        let open: Vec<usize> = (scene.choices.iter().enumerate())
            .filter(|(_, c)| !c.fallback && c.reply.is_none())
            .map(|(j, _)| j)
            .take(COMPARED)
            .collect();
        if open.len() < 2 {
            continue;
        }
        let places: Vec<String> = open
            .iter()
            .map(|&j| format!("{:?}", scene.choices[j].target))
            .collect();
        // Choices going to the same place see the same next text: worked out once per place,
        // kept at the first choice going there.
        let first: Vec<usize> = (0..open.len())
            .map(|a| places.iter().position(|p| *p == places[a]).unwrap_or(a))
            .collect();
        let mut seen_at: Vec<Option<Option<Seen>>> = (0..open.len()).map(|_| None).collect();
        let mut grouped = vec![false; open.len()];
        for a in 0..open.len() {
            if grouped[a] {
                continue;
            }
            let mut group = vec![a];
            for b in a + 1..open.len() {
                if grouped[b] || first[b] != first[a] {
                    continue;
                }
                let target = &scene.choices[open[a]].target;
                let Some(seen) =
                    seen_at[first[a]].get_or_insert_with(|| seen_next(story, target, locs.len()))
                else {
                    break;
                };
                let (cs, jb) = (&scene.choices, open[b]);
                let entries = entries.get_or_insert_with(|| Entries::new(story));
                if group
                    .iter()
                    .all(|&g| twins(here, &cs[open[g]], &cs[jb], seen, entries))
                {
                    group.push(b);
                }
            }
            if group.len() < 2 {
                continue;
            }
            group.iter().for_each(|&g| grouped[g] = true);
            report(
                cx,
                story,
                scene,
                file,
                idx,
                &group.iter().map(|&g| open[g]).collect::<Vec<_>>(),
            );
        }
    }
}

/// What is shown after taking `target` may depend on; `None` when more than [`FOLLOW`] scenes
/// would have to be followed, or one of them is not written yet (a draft's placeholder: a
/// scene numbered `written` or above).
fn seen_next(story: &Story, target: &Target, written: usize) -> Option<Seen> {
    let mut seen = Seen {
        vars: vec![false; story.vars.len()],
        scenes: Vec::new(),
    };
    // Which branch is taken decides where the player goes.
    for b in target.branches() {
        b.condition
            .iter()
            .for_each(|c| c.reads(&mut |r| r.var().into_iter().for_each(|v| seen.vars[v.index()] = true)));
    }
    let mut todo: Vec<SceneId> = Vec::new();
    target.scenes(&mut |s| todo.push(s));
    while let Some(s) = todo.pop() {
        if seen.scenes.contains(&s) {
            continue;
        }
        if seen.scenes.len() == FOLLOW || s.index() >= written {
            return None;
        }
        seen.scenes.push(s);
        let scene = story.scene(s);
        scene.shown_vars(&mut |v| seen.vars[v.index()] = true);
        scene.forwards(&mut |t| todo.push(t));
    }
    Some(seen)
}

/// Whether two choices of the scene `here`, both without a reply and leading to the same
/// place, give the same next text whatever the state: they can be offered together, and
/// nothing shown next reads what differs between them.
fn twins(here: SceneId, a: &Choice, b: &Choice, seen: &Seen, entries: &Entries) -> bool {
    if exclusive(a.condition.as_ref(), b.condition.as_ref(), entries) {
        return false;
    }
    // A once-only choice is gone when its scene is shown again: the menu tells them apart.
    if (a.once.is_some() || b.once.is_some()) && seen.scenes.contains(&here) {
        return false;
    }
    // What differs between what they write, when something shown next reads it.
    let mut written: Vec<VarId> = Vec::new();
    for c in [a, b] {
        c.transition(0).each_effect(&mut |e| written.push(e.var()));
    }
    !written
        .iter()
        .any(|&v| seen.vars[v.index()] && writes(a, v) != writes(b, v))
}

/// What a choice writes to `v`, in order (its counter of `Chosen(..)` included).
fn writes(c: &Choice, v: VarId) -> Vec<Write<'_>> {
    let mut out = Vec::new();
    c.transition(0).each_effect(&mut |e| {
        if e.var() == v {
            out.push(e.write().1);
        }
    });
    out
}

/// Whether two conditions can never hold together, as far as is plain: one (or one item of
/// an `All`) is `Not` of the other (or of one item of an `All`), as written; a `Visited(..)`
/// item standing for the flags that [`Entries`] says it implies.
fn exclusive(a: Option<&Condition>, b: Option<&Condition>, entries: &Entries) -> bool {
    let (Some(a), Some(b)) = (a, b) else {
        return false;
    };
    let (a, b) = (entries.expand(a), entries.expand(b));
    let negates =
        |x: &Condition, y: &Condition| x.negated().is_some_and(|n| format!("{n:?}") == format!("{y:?}"));
    a.iter().any(|x| b.iter().any(|y| negates(x, y) || negates(y, x)))
}

/// What having visited a scene implies: the flags that every way into it requires and that,
/// once true, stay true (no effect of the story sets them false or toggles them). A flag like
/// `prepared`, set once and required by the only choice that leads to `restaurant_homework`,
/// holds whenever `Visited("restaurant_homework")` does.
pub(super) struct Entries {
    /// By scene: the flags required by every transition into it; `None` for the start scene and
    /// scenes nothing leads to (nothing is implied).
    required: Vec<Option<Vec<VarId>>>,
}

impl Entries {
    pub(super) fn new(story: &Story) -> Entries {
        // Flags only ever set true (and so true from then on).
        let mut lasting = vec![true; story.vars.len()];
        story.each_effect(&mut |e| {
            let (v, w) = e.write();
            lasting[v.index()] &= w == Write::Set(&Value::Bool(true));
        });
        let mut required: Vec<Option<Vec<VarId>>> = vec![None; story.scenes.len()];
        let mut seen = vec![false; story.scenes.len()];
        seen[story.start.index()] = true;
        for scene in &story.scenes {
            // A choice that stays in its scene does not enter it: no way in.
            for t in scene.transitions().filter(|t| !t.target.is_stay()) {
                let mut flags: Vec<VarId> = Vec::new();
                for c in t.condition.map_or(&[][..], Condition::conjuncts) {
                    if let Some(Read::Flag(v)) = c.leaf()
                        && lasting[v.index()]
                    {
                        flags.push(v);
                    }
                }
                t.target.scenes(&mut |s| {
                    let i = s.index();
                    match (&mut required[i], seen[i]) {
                        (Some(have), true) => have.retain(|v| flags.contains(v)),
                        (None, true) => {}
                        (slot, false) => *slot = Some(flags.clone()),
                    }
                    seen[i] = true;
                });
            }
        }
        Entries { required }
    }

    /// The items of `c` (see [`Condition::conjuncts`]), with the flags each `Visited(..)` item
    /// implies.
    fn expand<'c>(&self, c: &'c Condition) -> Vec<std::borrow::Cow<'c, Condition>> {
        let mut out: Vec<std::borrow::Cow<'c, Condition>> = Vec::new();
        for item in c.conjuncts() {
            out.push(std::borrow::Cow::Borrowed(item));
            let Some(Read::Visits { scene, op, n, .. }) = item.leaf() else {
                continue;
            };
            let at_least_once = match op {
                Op::Ge | Op::Eq => n >= 1,
                Op::Gt => n >= 0,
                Op::Lt | Op::Le | Op::Ne => false,
            };
            if at_least_once && let Some(Some(flags)) = self.required.get(scene.index()) {
                out.extend(flags.iter().map(|&v| std::borrow::Cow::Owned(Condition::Flag(v))));
            }
        }
        out
    }
}

fn report(cx: &mut Cx, story: &Story, scene: &Scene, file: usize, idx: usize, group: &[usize]) {
    let path = |j: usize| [Seg::Index(idx), Seg::Field("choices"), Seg::Index(j)];
    let named: Vec<String> = group
        .iter()
        .map(|&j| {
            let f = &cx.files[file];
            let span = f.tree().map(|t| t.find(&f.text, &path(j))).unwrap_or_default();
            let line = f.line_col(span.start).0;
            format!("\"{}\" (line {line})", template(story, &scene.choices[j].text))
        })
        .collect();
    let (last, rest) = named.split_last().unwrap_or((&named[0], &[]));
    cx.at(
        Severity::Warning,
        file,
        &path(group[0]),
        format!(
            "choices {} and {last} lead to the same text whatever the state: the player cannot tell them apart",
            rest.join(", ")
        ),
        Some("same text next".into()),
        Some("give one a reply or make the next scene's text depend on what they set".into()),
    );
}
