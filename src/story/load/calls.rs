//! Sections that return (ink's tunnels, ChoiceScript's `*gosub`, Yarn's `<<detour>>`): the
//! `call:` and `return:` fields of a choice or an auto, and the checks of the whole story
//! about them (a `return` reached with an empty call stack, a call that can never return, a
//! section that may call itself again before it returns).

use super::*;

/// Where a choice or an auto goes, as written: the fields that say it.
#[derive(Clone, Copy)]
pub(super) struct Flow<'x, 'y> {
    goto: Option<&'x str>,
    branches: Option<&'x [RawBranch<'y>]>,
    call: Option<&'x str>,
    returns: bool,
}

impl<'x, 'y> Flow<'x, 'y> {
    pub(super) fn of_choice(c: &'x RawChoice<'y>) -> Flow<'x, 'y> {
        Flow {
            goto: c.goto.as_deref(),
            branches: c.branches.as_deref(),
            call: c.call.as_deref(),
            returns: c.returns,
        }
    }

    pub(super) fn of_auto(a: &'x RawAuto<'y>) -> Flow<'x, 'y> {
        Flow {
            goto: a.goto.as_deref(),
            branches: a.branches.as_deref(),
            call: a.call.as_deref(),
            returns: a.returns,
        }
    }

    /// No field says where to go (a choice with a reply then stays in its scene).
    pub(super) fn nowhere(&self) -> bool {
        self.goto.is_none() && self.branches.is_none() && self.call.is_none() && !self.returns
    }
}

impl Builder<'_, '_, '_> {
    /// The target of a choice or an auto at path `p` of scene `here`: a `call` (with an
    /// optional `goto` to come back to), a `return`, or a `goto`/`branches` (see
    /// [`Builder::target`]). Conflicting fields are reported, and give no target.
    pub(super) fn flow(
        &mut self,
        flow: Flow<'_, '_>,
        here: SceneId,
        file: usize,
        p: &Path<'_, '_>,
    ) -> Option<Target> {
        if flow.returns {
            if flow.goto.is_some() || flow.branches.is_some() || flow.call.is_some() {
                self.cx.at(
                    Severity::Error,
                    file,
                    &with(p, Seg::Field("return")),
                    "`return: true` goes back to where the section was called from, so it cannot \
                     also have `goto`, `branches` or `call`"
                        .into(),
                    Some("return with somewhere to go".into()),
                    Some("remove `return: true`, or the other fields".into()),
                );
                return None;
            }
            return Some(Target::Return);
        }
        let Some(section) = flow.call else {
            return self.target(flow.goto, flow.branches, file, p);
        };
        if flow.branches.is_some() {
            self.cx.at(
                Severity::Error,
                file,
                &with(p, Seg::Field("call")),
                "a call cannot have `branches`: where the game comes back to after the section is \
                 one scene, not a random pick"
                    .into(),
                Some("call with branches".into()),
                Some(
                    "give the call a `goto` to a scene whose `auto` has the `branches`, or make \
                     the random pick in the section"
                        .into(),
                ),
            );
            return None;
        }
        let section = self.scene_ref(section, file, &with(p, Seg::Field("call")));
        let then = match flow.goto {
            Some(g) => Some(ReturnPoint::Goto(self.goto_ref(
                g,
                file,
                &with(p, Seg::Field("goto")),
            )?)),
            None => Some(ReturnPoint::Stay(here)),
        };
        Some(Target::Call {
            section: section?,
            then: then?,
        })
    }
}

/// The field of a transition of scene `idx` that `via` names, as a path.
fn field_path(idx: usize, via: Via, field: &'static str) -> [Seg<'static>; 4] {
    let (list, i) = match via {
        Via::Choice(i) | Via::Fallback(i) => ("choices", i),
        Via::Auto(i) => ("auto", i),
    };
    [
        Seg::Index(idx),
        Seg::Field(list),
        Seg::Index(i),
        Seg::Field(field),
    ]
}

/// The scenes a transition leads to without changing the depth of the call stack: its
/// targets, but for a call only where it comes back to (the section runs one level deeper),
/// and nothing for a return.
fn same_depth(target: &Target, f: &mut impl FnMut(SceneId)) {
    match target.call() {
        Some((_, then)) => f(then.scene()),
        None if target.is_return() => {}
        None => target.scenes(f),
    }
}

/// The checks of sections that return, each linear in the story's size (errors but the last):
///
/// - a `return` in a scene reachable from the start without entering any section (the call
///   stack is empty there): an error at its `return:` field;
/// - a call whose section has no path to a `return` (at its own depth): it can never come back,
///   an error at its `call:` field;
/// - a call on a cycle of the scene graph (calls included): the section may be called again
///   before it returns, so the stack grows until its limit; a warning at its `call:` field.
pub(super) fn check_calls(cx: &mut Cx, story: &Story, locs: &[(usize, usize)]) {
    if !story.has_calls()
        && !story
            .scenes
            .iter()
            .any(|s| s.transitions().any(|t| t.target.is_return()))
    {
        return;
    }
    let n = story.scenes.len();
    let flat: Vec<Vec<SceneId>> = story
        .scenes
        .iter()
        .map(|s| {
            let mut v = Vec::new();
            s.transitions()
                .for_each(|t| same_depth(t.target, &mut |to| v.push(to)));
            v
        })
        .collect();

    // 1. Returns reachable with an empty stack.
    let mut seen = vec![false; n];
    let mut stack = vec![story.start];
    seen[story.start.index()] = true;
    while let Some(s) = stack.pop() {
        for &t in &flat[s.index()] {
            if !seen[t.index()] {
                seen[t.index()] = true;
                stack.push(t);
            }
        }
    }
    for (i, scene) in story.scenes.iter().enumerate().filter(|&(i, _)| seen[i]) {
        for t in scene.transitions().filter(|t| t.target.is_return()) {
            let (file, idx) = locs[i];
            cx.at(
                Severity::Error,
                file,
                &field_path(idx, t.via, "return"),
                format!(
                    "the scene `{}` returns, but it can be reached from the start without any \
                     `call`: there would be nothing to return to",
                    scene.id
                ),
                Some("return outside a section".into()),
                Some("enter this scene with `call: \"...\"`, or give it a `goto` instead".into()),
            );
        }
    }

    // 2. Calls whose section can never return: the scenes that can reach a return at their
    //    own depth, found backwards from the returning scenes.
    let mut back: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (s, to) in flat.iter().enumerate() {
        to.iter().for_each(|t| back[t.index()].push(s as u32));
    }
    let mut returns = vec![false; n];
    let mut stack: Vec<u32> = Vec::new();
    for (i, scene) in story.scenes.iter().enumerate() {
        if scene.transitions().any(|t| t.target.is_return()) {
            returns[i] = true;
            stack.push(i as u32);
        }
    }
    while let Some(s) = stack.pop() {
        for &p in &back[s as usize] {
            if !returns[p as usize] {
                returns[p as usize] = true;
                stack.push(p);
            }
        }
    }
    // 3. Calls on a cycle: the graph of same-depth edges plus each call's edge to its section.
    let mut deep = flat;
    for (i, scene) in story.scenes.iter().enumerate() {
        scene
            .transitions()
            .filter_map(|t| t.target.call())
            .for_each(|(s, _)| deep[i].push(s));
    }
    let mut comp_of = vec![usize::MAX; n];
    for (k, comp) in strongly_connected(n, &deep).iter().enumerate() {
        comp.iter().for_each(|s| comp_of[s.index()] = k);
    }
    for (i, scene) in story.scenes.iter().enumerate() {
        let (file, idx) = locs[i];
        for t in scene.transitions() {
            let Some((section, _)) = t.target.call() else {
                continue;
            };
            let name = &story.scene(section).id;
            if !returns[section.index()] {
                cx.at(
                    Severity::Error,
                    file,
                    &field_path(idx, t.via, "call"),
                    format!(
                        "the section `{name}` called here can never return: no path from it \
                         reaches a choice or an auto with `return: true`"
                    ),
                    Some("call that never returns".into()),
                    Some(format!(
                        "give the section a `return: true`, or write `goto: \"{name}\"` if the \
                         game is not to come back"
                    )),
                );
            } else if comp_of[i] != usize::MAX && comp_of[i] == comp_of[section.index()] {
                cx.at(
                    Severity::Warning,
                    file,
                    &field_path(idx, t.via, "call"),
                    format!(
                        "the section `{name}` can be called here again before it returns: the \
                         call stack is bounded at {} sections, and `explore` reports a game that \
                         goes deeper as an error",
                        limits::CALL_DEPTH
                    ),
                    Some("recursive call".into()),
                    None,
                );
            }
        }
    }
}
