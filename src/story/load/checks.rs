//! Checks of the whole story once it is built: endings never used, automatic transitions
//! that loop or chain past the limit (errors), scenes unreachable from the start and variables
//! never read (warnings). Each is linear in the story's size.

use super::*;
use std::fmt::Write as _;

/// Variable usage, for the "set but never read" warning.
#[derive(Default, Clone, Copy)]
pub(super) struct Usage {
    pub(super) read: bool,
    pub(super) written: bool,
}

pub(super) fn check_graph(
    cx: &mut Cx,
    story: &Story,
    locs: &[(usize, usize)],
    m: usize,
    options: &LoadOptions,
) {
    check_auto_chains(cx, story, locs);
    let n = story.scenes.len();
    // Every declared ending is used by some scene.
    let mut used = vec![false; story.endings.len()];
    for s in &story.scenes {
        s.ending.iter().for_each(|e| used[e.index()] = true);
    }
    for (i, e) in story.endings.iter().enumerate() {
        if !used[i] {
            // A draft may declare its endings before it writes them.
            let severity = if options.draft {
                Severity::Warning
            } else {
                Severity::Error
            };
            cx.at(
                severity,
                m,
                &[Seg::Field("endings"), Seg::KeyOf(&e.id)],
                format!(
                    "the ending `{}` is never used: no scene has `ending: \"{}\"`",
                    e.id, e.id
                ),
                None,
                None,
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
        // A `return` leads out too (back to where the section was called from).
        let leaves = comp.iter().any(|&s| {
            auto_edges[s.index()].iter().any(|&t| !member(t))
                || story.scene(s).autos.iter().any(|a| a.target.is_return())
        });
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
            if let Read::CompareExpr(_, _, e) = r {
                e.root.vars(&mut |v| used[v.index()].read = true);
            }
        }),
        Part::Effect(e) => {
            let (v, how) = e.write();
            used[v.index()].written = true;
            match how {
                Write::Toggle => used[v.index()].read = true,
                Write::Set(_) | Write::Add(_) | Write::Expr(_) => {}
            }
            e.reads(&mut |r| used[r.index()].read = true);
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

/// Scenes and choices that load but trip the player (warnings, issue 15): a scene with no
/// text, a choice with no text, two choices that read the same as typed and can be on screen
/// together, a choice whose first word is a command of the game or a number. Needs every
/// choice kept, so it runs only on a story without errors (like the other lints).
pub(super) fn lint_scenes(
    cx: &mut Cx,
    story: &Story,
    locs: &[(usize, usize)],
    commands: fn(&str) -> Option<CommandWord>,
) {
    // Scenes written in the files (a draft's placeholders come after them).
    for (scene, &(file, idx)) in story.scenes.iter().zip(locs) {
        // A scene left at once by an automatic transition may well have nothing to say.
        let passes_through = scene.autos.iter().any(|a| a.condition.is_none());
        if scene.text.0.is_empty() && !passes_through {
            let text = [Seg::Index(idx), Seg::Field("text")];
            let written = cx.files[file].tree().map(|t| {
                let f = &cx.files[file].text;
                t.find(f, &text) != t.find(f, &text[..1])
            });
            let path: &[Seg] = if written == Some(true) {
                &text
            } else {
                &[Seg::Index(idx), Seg::Field("id")]
            };
            cx.at(
                Severity::Warning,
                file,
                path,
                format!("the scene `{}` has no text", scene.id),
                None,
                Some("the player sees only its choices: give it `text: \"...\"`".into()),
            );
        }
        let texts: Vec<std::borrow::Cow<str>> =
            scene.choices.iter().map(|c| template(story, &c.text)).collect();
        // Choices alike as typed have the same letters and digits: only those with the same
        // hash of them are compared as typed (a scene may have 200 choices).
        let mut alike: Vec<(u64, usize, Option<OnScreen>)> = Vec::new();
        for (j, c) in scene.choices.iter().enumerate() {
            let path = [
                Seg::Index(idx),
                Seg::Field("choices"),
                Seg::Index(j),
                Seg::Field("text"),
            ];
            if c.fallback {
                // Never shown, so never typed.
                continue;
            }
            if c.text.0.iter().all(|p| empty_piece(story, p)) {
                let message = if c.text.is_empty() {
                    "this choice has no text: it shows as a bare number".to_owned()
                } else {
                    format!(
                        "this choice's text `{}` is empty while its variables hold their first value",
                        texts[j]
                    )
                };
                cx.at(
                    Severity::Warning,
                    file,
                    &path,
                    message,
                    None,
                    Some("write what the player does, as they would type it".into()),
                );
                continue;
            }
            // Compared with at most 64 earlier choices of the same letters: bounded work
            // whatever a hostile scene holds.
            // When each is on screen is worked out only for choices with a twin in letters.
            let key = letters_hash(&texts[j]);
            let mut screen = None;
            let mut twin = None;
            for (_, k, s) in alike.iter_mut().filter(|(h, _, _)| *h == key).take(64) {
                let mine = screen.get_or_insert_with(|| on_screen(c));
                let theirs = s.get_or_insert_with(|| on_screen(&scene.choices[*k]));
                if together(theirs, mine) && same_as_typed(&texts[*k], &texts[j]) {
                    twin = Some(*k);
                    break;
                }
            }
            alike.push((key, j, screen));
            if let Some(k) = twin {
                let first = [
                    Seg::Index(idx),
                    Seg::Field("choices"),
                    Seg::Index(k),
                    Seg::Field("text"),
                ];
                let at = cx.position(file, &first);
                cx.at(
                    Severity::Warning,
                    file,
                    &path,
                    format!(
                        "the choices {} and {} of the scene `{}` read the same as typed: `{}` (the first at {at})",
                        k + 1,
                        j + 1,
                        scene.id,
                        texts[j]
                    ),
                    Some("same text".into()),
                    Some(
                        "the player can tell them apart only by number: word them differently, \
                         or give them conditions that never hold together"
                            .into(),
                    ),
                );
            }
            let Some(Piece::Lit(lit)) = c.text.0.first() else {
                continue;
            };
            let word = first_word(lit);
            if let Some(command) = (!word.is_empty()).then(|| commands(word)).flatten() {
                let word = word.to_lowercase();
                // What it does, without the details of its arguments.
                let does = command.does.split(" (").next().unwrap_or(command.does);
                let typing = if command.takes_word {
                    format!("`{word}`, or `{word}` and one word more,")
                } else {
                    format!("`{word}`")
                };
                cx.at(
                    Severity::Warning,
                    file,
                    &path,
                    format!(
                        "the choice `{}` starts with `{word}`, a command of the game: typing {typing} will {does}",
                        texts[j],
                    ),
                    Some("a command word".into()),
                    Some(
                        "the player must type more of it, or its number: start it with another word \
                         (`help` in the game lists the commands)"
                            .into(),
                    ),
                );
            } else if !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit()) {
                cx.at(
                    Severity::Warning,
                    file,
                    &path,
                    format!(
                        "the choice `{}` starts with a number: typing `{word}` picks choice {word} instead",
                        texts[j]
                    ),
                    Some("a number".into()),
                    Some("the player must type more of it or its number; write the number in words".into()),
                );
            }
        }
    }
}

/// A line as written, `{name}` for a variable: what two choices are compared by.
pub(super) fn template<'s>(story: &Story, line: &'s Line) -> std::borrow::Cow<'s, str> {
    // Most choices are one piece of text: borrowed, not copied.
    if let [Piece::Lit(s)] = &line.0[..] {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::new();
    for piece in &line.0 {
        match piece {
            Piece::Lit(s) => out.push_str(s),
            Piece::Var(v) => {
                out.push('{');
                out.push_str(&story.vars[v.index()].name);
                out.push('}');
            }
            // The condition as data: two choices alike but for it are not twins.
            Piece::If(cond, yes, no) => {
                let _ = write!(out, "{{if {cond:?}: {yes} | {no}}}");
            }
            Piece::Alt { kind, items, .. } => {
                let _ = write!(out, "{{{kind:?}: {}}}", items.join(" | "));
            }
            // Emphasis does not tell two choices apart.
            Piece::Mark(_) => {}
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A hash of the letters and digits of a text, in lower case: texts alike as typed have the
/// same (see [`same_as_typed`]).
fn letters_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .for_each(|c| c.hash(&mut h));
    h.finish()
}

/// A piece that shows nothing: blank text, or a text variable whose first value is blank.
fn empty_piece(story: &Story, piece: &Piece) -> bool {
    match piece {
        Piece::Lit(s) => s.trim().is_empty(),
        Piece::Var(v) => matches!(&story.vars[v.index()].initial, Value::Text(t) if t.trim().is_empty()),
        Piece::If(_, yes, no) => yes.trim().is_empty() && no.trim().is_empty(),
        Piece::Alt { items, .. } => items.iter().all(|i| i.trim().is_empty()),
        Piece::Mark(_) => true,
    }
}

/// When a choice is on screen, as far as is sure without playing.
#[derive(Clone, PartialEq)]
enum OnScreen {
    /// Whatever the state: no condition, or shown locked.
    Always,
    /// While this condition holds (as written out).
    When(String),
    /// Under a `Chance`, whose rolls differ from choice to choice.
    Unsure,
}

fn on_screen(c: &Choice) -> OnScreen {
    match &c.condition {
        Some(cond) if matches!(c.locked, Locked::Hide) => {
            let written = format!("{cond:?}");
            if written.contains("Chance") {
                OnScreen::Unsure
            } else {
                OnScreen::When(written)
            }
        }
        _ => OnScreen::Always,
    }
}

/// Whether two choices of a scene can be on screen at once: each shown whatever the state, or
/// both under the same condition.
fn together(a: &OnScreen, b: &OnScreen) -> bool {
    match (a, b) {
        (OnScreen::Always, OnScreen::Always) => true,
        (OnScreen::When(x), OnScreen::When(y)) => x == y,
        _ => false,
    }
}

/// The first word of a choice's text as a player types it: after any leading quotes or
/// punctuation, up to the first character that is not a letter or a digit.
fn first_word(text: &str) -> &str {
    let start = text.find(char::is_alphanumeric).unwrap_or(text.len());
    let rest = &text[start..];
    &rest[..rest.find(|c: char| !c.is_alphanumeric()).unwrap_or(rest.len())]
}

/// Whether two choice texts read the same as a player types them (case, runs of spaces,
/// leading quotes and typographic forms aside, as [`crate::story::typing::typed_start`] compares),
/// trailing punctuation ignored: `Go on` and `go on.` cannot be told apart by typing `go on`.
fn same_as_typed(a: &str, b: &str) -> bool {
    let trim = |s: &'_ str| -> String {
        let t = s.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '}');
        if t.is_empty() { s.to_owned() } else { t.to_owned() }
    };
    let (a, b) = (trim(a), trim(b));
    crate::story::typing::typed_start(&a, &b).is_some() && crate::story::typing::typed_start(&b, &a).is_some()
}

impl Builder<'_, '_, '_> {
    /// A comparison of an `Int` variable that its declared range decides (`>= 50` with
    /// `max: 9`): a warning, since the condition is then the same in every game.
    pub(super) fn compare_range(&mut self, var: VarId, op: Op, value: &Value, file: usize, p: &Path<'_, '_>) {
        let Value::Int(n) = *value else { return };
        let decl = &self.vars[var.index()];
        let (lo, hi) = (decl.min, decl.max);
        if lo == i64::MIN && hi == i64::MAX {
            return;
        }
        let (never, always) = match op {
            Op::Eq => (n < lo || n > hi, lo == n && hi == n),
            Op::Ne => (lo == n && hi == n, n < lo || n > hi),
            Op::Lt => (lo >= n, hi < n),
            Op::Le => (lo > n, hi <= n),
            Op::Gt => (hi <= n, lo > n),
            Op::Ge => (hi < n, lo >= n),
        };
        if !never && !always {
            return;
        }
        let name = decl.name.clone();
        let range = range_text(lo, hi);
        let message = format!(
            "`{name} {} {n}` {}: `{name}` stays within {range}",
            op_text(op),
            if never { "can never hold" } else { "always holds" },
        );
        let help = if never {
            "the condition is false in every game: check the number, or the variable's `min` and `max`"
        } else {
            "the condition is true in every game: check the number, or the variable's `min` and `max`"
        };
        self.cx
            .at(Severity::Warning, file, p, message, None, Some(help.into()));
    }
}

fn op_text(op: Op) -> &'static str {
    match op {
        Op::Eq => "==",
        Op::Ne => "!=",
        Op::Lt => "<",
        Op::Le => "<=",
        Op::Gt => ">",
        Op::Ge => ">=",
    }
}
