//! The scene graph as one proof needs it: which texts a screen that stops in a scene may
//! show, grouped by what they read, and the scenes from which it may still be shown.

use crate::story::{Condition, Read, SceneId, Story, Text};
use crate::tools::{Shown, pass_closures, targets};
use std::collections::HashMap;

/// A part of the screens that stop in a scene.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Piece {
    /// The reply of the choice taken and the texts of scenes passed on the way.
    Incoming,
    /// One paragraph of the scene's own text (by its index as written).
    Para(usize),
    /// The menu (or, in an ending, its `THE END` line).
    Menu,
}

/// Pieces that read the same values, searched together: the texts whose reads count.
#[derive(Debug, Clone)]
pub(super) struct Group {
    pub(super) shown: Shown,
    pub(super) pieces: Vec<Piece>,
}

impl Group {
    /// Every piece of `groups` in one group.
    pub(super) fn together(groups: &[Group]) -> Group {
        let mut all = groups[0].clone();
        for g in &groups[1..] {
            union(&mut all.shown, &g.shown);
            all.pieces.extend_from_slice(&g.pieces);
        }
        all
    }
}

/// The scene graph, for choosing what one search keeps and where it goes.
pub(super) struct Graph {
    /// For each scene, the scenes each of its choices may lead to (the section it calls
    /// included, and every return point after a `return`), by choice; then its autos'.
    choices: Vec<Vec<Vec<SceneId>>>,
    autos: Vec<Vec<SceneId>>,
    /// For each scene, the scenes entering it may pass on to without a choice shown (autos
    /// and fallbacks, followed on), itself included.
    passes: Vec<Box<[SceneId]>>,
}

impl Graph {
    pub(super) fn new(story: &Story) -> Graph {
        let choices: Vec<Vec<Vec<SceneId>>> = story
            .scenes()
            .iter()
            .map(|s| s.choices.iter().map(|c| targets(story, &c.target)).collect())
            .collect();
        let autos: Vec<Vec<SceneId>> = story
            .scenes()
            .iter()
            .map(|s| s.autos.iter().flat_map(|a| targets(story, &a.target)).collect())
            .collect();
        Graph {
            choices,
            autos,
            passes: pass_closures(story),
        }
    }

    /// The pieces of the screens that stop in `target`, grouped by the values they read (a
    /// search keeps only those: one per group, not one for every text at once, whose reads
    /// multiplied would be more states than any search can hold). In order: what leads in,
    /// the scene's paragraphs, its menu.
    pub(super) fn groups(&self, story: &Story, target: SceneId) -> Vec<Group> {
        let n = self.passes.len();
        let scene = story.scene(target);
        let passes_to = |s: usize| s != target.index() && self.passes[s].contains(&target);
        let leads_in = |s: usize, to: &[SceneId]| {
            // A reply with nowhere to go stays in its scene.
            let stays = s == target.index() || passes_to(s);
            to.is_empty() && stays || to.iter().any(|&u| u == target || passes_to(u.index()))
        };
        let none = |story: &Story| Shown {
            texts: story
                .scenes()
                .iter()
                .map(|s| vec![false; s.text.0.len()])
                .collect(),
            menus: vec![false; n],
            replies: story
                .scenes()
                .iter()
                .map(|s| vec![false; s.choices.len()])
                .collect(),
        };
        let mut pieces: Vec<(Piece, Shown)> = Vec::new();
        let mut incoming = none(story);
        let mut any = false;
        for (s, sc) in story.scenes().iter().enumerate() {
            if passes_to(s) {
                incoming.texts[s].iter_mut().for_each(|t| *t = true);
                any = true;
            }
            for (c, choice) in sc.choices.iter().enumerate() {
                if choice.reply.is_some() && leads_in(s, &self.choices[s][c]) {
                    incoming.replies[s][c] = true;
                    any = true;
                }
            }
        }
        if any {
            pieces.push((Piece::Incoming, incoming));
        }
        for i in 0..scene.text.0.len() {
            let mut shown = none(story);
            shown.texts[target.index()][i] = true;
            pieces.push((Piece::Para(i), shown));
        }
        let mut shown = none(story);
        shown.menus[target.index()] = true;
        pieces.push((Piece::Menu, shown));
        // Grouped by what they read, in the order of their first piece.
        let mut groups: Vec<Group> = Vec::new();
        let mut by_reads: HashMap<Vec<u64>, usize> = HashMap::new();
        for (piece, shown) in pieces {
            let g = *by_reads.entry(reads_of(story, &shown)).or_insert_with(|| {
                groups.push(Group {
                    shown: none(story),
                    pieces: Vec::new(),
                });
                groups.len() - 1
            });
            union(&mut groups[g].shown, &shown);
            groups[g].pieces.push(piece);
        }
        groups
    }

    /// The scenes from which one of `targets` may still be shown: those with a way to it.
    pub(super) fn leading_to(&self, targets: &[SceneId]) -> Vec<bool> {
        let n = self.passes.len();
        let mut into: Vec<Vec<usize>> = vec![Vec::new(); n];
        for s in 0..n {
            let outs = self.choices[s].iter().flatten().chain(&self.autos[s]);
            outs.for_each(|u| into[u.index()].push(s));
        }
        let mut reach = vec![false; n];
        let mut stack: Vec<usize> = targets.iter().map(|t| t.index()).collect();
        stack.iter().for_each(|&t| reach[t] = true);
        while let Some(u) = stack.pop() {
            for &s in &into[u] {
                if !reach[s] {
                    reach[s] = true;
                    stack.push(s);
                }
            }
        }
        reach
    }
}

/// Marks in `into` every text `from` marks.
fn union(into: &mut Shown, from: &Shown) {
    let or = |a: &mut Vec<bool>, b: &Vec<bool>| a.iter_mut().zip(b).for_each(|(x, y)| *x |= *y);
    into.texts.iter_mut().zip(&from.texts).for_each(|(a, b)| or(a, b));
    or(&mut into.menus, &from.menus);
    into.replies
        .iter_mut()
        .zip(&from.replies)
        .for_each(|(a, b)| or(a, b));
}

/// Calls `f` on every value the texts `shown` marks read: each condition's leaves, and each
/// variable shown (as a `Read::Flag`, which names it).
pub(super) fn each_read(story: &Story, shown: &Shown, f: &mut impl FnMut(Read<'_>)) {
    let condition = |c: &Condition, f: &mut dyn FnMut(Read<'_>)| c.reads(&mut |r| f(r));
    let text = |t: &Text, on: &mut dyn FnMut(usize) -> bool, f: &mut dyn FnMut(Read<'_>)| {
        for (_, para) in t.0.iter().enumerate().filter(|(i, _)| on(*i)) {
            para.condition().iter().for_each(|c| condition(c, f));
            para.lines(&mut |l| {
                l.each_condition(&mut |c| condition(c, f));
                l.vars(&mut |v| f(Read::Flag(v)));
            });
        }
    };
    for (s, scene) in story.scenes().iter().enumerate() {
        text(&scene.text, &mut |i| shown.texts[s][i], f);
        for (c, choice) in scene.choices.iter().enumerate() {
            if shown.menus[s] {
                choice.text.each_condition(&mut |c| condition(c, f));
                choice.text.vars(&mut |v| f(Read::Flag(v)));
            }
            if let Some(reply) = choice.reply.as_ref().filter(|_| shown.replies[s][c]) {
                text(reply, &mut |_| true, f);
            }
        }
    }
}

/// What the texts `shown` marks read, as a sorted key: variables by index, visit slots after.
fn reads_of(story: &Story, shown: &Shown) -> Vec<u64> {
    let mut key = Vec::new();
    each_read(story, shown, &mut |r| match r {
        Read::Visits { slot, .. } => key.push(1 << 32 | u64::from(slot)),
        Read::Roll { .. } => {}
        Read::Flag(_) | Read::Compare(..) | Read::CompareExpr(..) => {
            r.var().into_iter().for_each(|v| key.push(u64::from(v.0)));
            if let Read::CompareExpr(_, _, e) = r {
                e.root.vars(&mut |v| key.push(u64::from(v.0)));
            }
        }
    });
    key.sort_unstable();
    key.dedup();
    key
}
