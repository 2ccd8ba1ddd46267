//! Checks of the whole story once it is built: endings never used, automatic transitions
//! that loop or chain past the limit (errors), scenes unreachable from the start and variables
//! never read (warnings). Each is linear in the story's size.

use super::*;

/// Variable usage, for the "set but never read" warning.
#[derive(Default, Clone, Copy)]
pub(super) struct Usage {
    pub(super) read: bool,
    pub(super) written: bool,
}

pub(super) fn check_graph(cx: &mut Cx, story: &Story, locs: &[(usize, usize)], m: usize) {
    check_auto_chains(cx, story, locs);
    let n = story.scenes.len();
    // Every declared ending is used by some scene.
    let mut used = vec![false; story.endings.len()];
    for s in &story.scenes {
        s.ending.iter().for_each(|e| used[e.index()] = true);
    }
    for (i, e) in story.endings.iter().enumerate() {
        if !used[i] {
            cx.error(
                m,
                &[Seg::Field("endings"), Seg::KeyOf(&e.id)],
                format!(
                    "the ending `{}` is never used: no scene has `ending: \"{}\"`",
                    e.id, e.id
                ),
            );
        }
    }

    // Automatic transitions that can loop forever: a strongly connected group of scenes linked
    // by autos, none an ending, none with a way to stop (choices while no auto is certain)
    // and no auto leading out of the group.
    let auto_edges: Vec<Vec<SceneId>> = story
        .scenes
        .iter()
        .map(|s| {
            let mut v = Vec::new();
            s.auto_targets(&mut |t| v.push(t));
            v
        })
        .collect();
    let comps = strongly_connected(n, &auto_edges);
    // The component of each scene: membership in O(1), even in a loop of 100,000 scenes.
    let mut comp_of = vec![usize::MAX; n];
    for (k, comp) in comps.iter().enumerate() {
        for s in comp {
            comp_of[s.index()] = k;
        }
    }
    for (k, comp) in comps.iter().enumerate() {
        let single = comp.len() == 1;
        let member = |s: SceneId| comp_of[s.index()] == k;
        if single && !auto_edges[comp[0].index()].contains(&comp[0]) {
            continue;
        }
        let can_stop = comp.iter().any(|&s| {
            let sc = story.scene(s);
            let certain_auto = sc.autos.iter().any(|a| a.condition.is_none());
            sc.ending.is_some() || (!certain_auto && !sc.choices.is_empty())
        });
        let leaves = comp
            .iter()
            .any(|&s| auto_edges[s.index()].iter().any(|&t| !member(t)));
        if !can_stop && !leaves {
            let mut names: Vec<&str> = comp.iter().map(|&s| story.scene(s).id.as_str()).collect();
            names.sort_unstable();
            let first = comp.iter().min().copied().unwrap_or(SceneId(0));
            let (file, idx) = &locs[first.index()];
            // A loop of thousands of scenes is named by its first ten.
            const SHOWN: usize = 10;
            let mut list: Vec<String> = names.iter().take(SHOWN).map(|n| format!("`{n}`")).collect();
            if names.len() > SHOWN {
                list.push(format!("and {} more", names.len() - SHOWN));
            }
            cx.error(
                *file,
                &[Seg::Index(*idx), Seg::Field("auto")],
                if names.len() == 1 {
                    format!(
                        "automatic transitions loop forever in {} with no way out",
                        list[0]
                    )
                } else {
                    format!(
                        "automatic transitions loop forever between {} with no way out",
                        list.join(", ")
                    )
                },
            );
        }
    }
}

/// Chains of automatic transitions that play would refuse: from some scene, more than
/// [`limits::TRANSITIONS_PER_STEP`] transitions that are taken whatever the state (see
/// [`Scene::certain_exit`]). Chains through conditional autos are left to the run time, and so
/// are loops (reported by [`check_graph`] when they have no way out). Linear: each scene's
/// longest certain chain comes from its successors', in the order Tarjan's algorithm gives the
/// components (successors first); a scene on a cycle counts 0 here.
pub(super) fn check_auto_chains(cx: &mut Cx, story: &Story, locs: &[(usize, usize)]) {
    const LIMIT: usize = limits::TRANSITIONS_PER_STEP;
    let n = story.scenes.len();
    let next: Vec<Vec<SceneId>> = story
        .scenes
        .iter()
        .map(|s| {
            let mut v = Vec::new();
            if let Some(t) = s.certain_exit() {
                t.target.always_possible(&mut |to| v.push(to));
            }
            v
        })
        .collect();
    let mut longest = vec![0usize; n];
    for comp in strongly_connected(n, &next) {
        let [s] = comp[..] else { continue };
        let s = s.index();
        if next[s].iter().any(|t| t.index() == s) {
            continue;
        }
        longest[s] = next[s].iter().map(|t| longest[t.index()] + 1).max().unwrap_or(0);
    }
    // Report each chain once, at its head: a scene no longer chain passes through.
    let mut inner = vec![false; n];
    for s in 0..n {
        if longest[s] > LIMIT {
            next[s].iter().for_each(|t| inner[t.index()] = true);
        }
    }
    for s in (0..n).filter(|&s| longest[s] > LIMIT && !inner[s]) {
        let scene = &story.scenes[s];
        let (file, idx) = locs[s];
        let field = if scene.autos.is_empty() { "choices" } else { "auto" };
        cx.at(
            Severity::Error,
            file,
            &[Seg::Index(idx), Seg::Field(field)],
            format!(
                "entering the scene `{}` starts a chain of {} automatic transitions; the limit in \
                 one step is {LIMIT}",
                scene.id, longest[s]
            ),
            None,
            Some("the game stops with an error on the way: give a scene of the chain a choice".into()),
        );
    }
}

/// Scenes unreachable from the start (ignoring conditions): a warning.
pub(super) fn lint_unreachable(cx: &mut Cx, story: &Story, locs: &[(usize, usize)], manifest: &RawManifest) {
    let n = story.scenes.len();
    if n > 0 {
        let mut seen = vec![false; n];
        let mut stack = vec![story.start];
        seen[story.start.index()] = true;
        while let Some(s) = stack.pop() {
            story.scene(s).targets(&mut |t| {
                if !seen[t.index()] {
                    seen[t.index()] = true;
                    stack.push(t);
                }
            });
        }
        for (i, (file, idx)) in locs.iter().enumerate() {
            if !seen[i] {
                cx.at(
                    Severity::Warning,
                    *file,
                    &[Seg::Index(*idx), Seg::Field("id")],
                    format!(
                        "the scene `{}` cannot be reached from the start scene `{}`",
                        story.scenes[i].id, manifest.start
                    ),
                    Some("unreachable".into()),
                    None,
                );
            }
        }
    }
}

/// Variables set but never read, or never used at all: warnings. A `Toggle` counts as a read
/// (it flips what it finds); an `Add` does not.
pub(super) fn lint_vars(cx: &mut Cx, story: &Story, m: usize) {
    let mut used = vec![Usage::default(); story.vars.len()];
    story.walk(&mut |part| match part {
        Part::Condition(c) => c.reads(&mut |r| {
            r.var().iter().for_each(|v| used[v.index()].read = true);
        }),
        Part::Effect(e) => {
            let (v, how) = e.write();
            used[v.index()].written = true;
            match how {
                Write::Toggle => used[v.index()].read = true,
                Write::Set(_) | Write::Add(_) => {}
            }
        }
        Part::Shown(v) => used[v.index()].read = true,
        Part::Target(_) | Part::Ending(_) => {}
    });
    for (decl, u) in story.vars.iter().zip(&used) {
        let path = [Seg::Field("variables"), Seg::KeyOf(&decl.name)];
        match (u.written, u.read) {
            (true, false) => cx.at(
                Severity::Warning,
                m,
                &path,
                format!("the variable `{}` is set but never read", decl.name),
                None,
                Some("use it in a condition or show it with {name}, or remove it".into()),
            ),
            (false, false) => cx.at(
                Severity::Warning,
                m,
                &path,
                format!("the variable `{}` is never used", decl.name),
                None,
                None,
            ),
            _ => {}
        }
    }
}

/// Tarjan's algorithm, iterative; returns the components.
pub(super) fn strongly_connected(n: usize, edges: &[Vec<SceneId>]) -> Vec<Vec<SceneId>> {
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut out = Vec::new();
    let mut next = 0;
    for root in 0..n {
        if index[root] != usize::MAX || edges[root].is_empty() {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (v, ref mut ei)) = work.last_mut() {
            if *ei == 0 && index[v] == usize::MAX {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(*ei) {
                *ei += 1;
                let w = w.index();
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut comp = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        comp.push(SceneId(w as u32));
                        if w == v {
                            break;
                        }
                    }
                    out.push(comp);
                }
            }
        }
    }
    out
}
