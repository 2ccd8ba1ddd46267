//! Traversals of the model. Each is one `match` without a `_ =>` arm, so a new variant of a
//! format enum makes the compiler point here; code elsewhere walks a story through these, never
//! by matching the format enums itself.
//!
//! - [`Condition::each`] (every condition, nested ones included) and [`Condition::reads`]
//!   (every leaf: [`Read`]: a flag, a comparison, a visit count, a chance roll);
//! - [`Effect::write`] (the variable and how: [`Write`]), [`Effect::var`], [`Effect::overwrites`];
//! - [`Target::branches`], [`Target::scenes`], [`Target::always_possible`], [`Target::is_random`];
//! - [`Line::vars`], [`Line::literals`], [`Para::condition`], [`Para::lines`],
//!   [`Text::each_condition`], [`Text::vars`];
//! - [`Scene::transitions`] (choices and autos alike: [`Transition`], [`Via`]),
//!   [`Scene::certain_exit`], [`Scene::targets`], [`Scene::auto_targets`], [`Scene::forwards`],
//!   [`Scene::shown_vars`] (what the player is shown on entering reads);
//!   [`Condition::negated`], [`Condition::conjuncts`], [`Condition::leaf`];
//! - [`Scene::walk`] / [`Story::walk`] (everything, as [`Part`]s), [`Story::each_prose`],
//!   [`Story::each_condition`], [`Story::each_effect`].

use super::*;

/// One thing a condition reads from the state (a leaf of [`Condition`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read<'a> {
    /// A `Bool` variable read as a flag (`Flag`).
    Flag(VarId),
    /// A variable compared with a literal of its own type (`Compare`).
    Compare(VarId, Op, &'a Value),
    /// The visit count of `scene`, kept by the state in visit slot `slot` (`Visits`).
    Visits {
        scene: SceneId,
        slot: u32,
        op: Op,
        n: i64,
    },
    /// The chance roll number `slot` of the current scene, rolled on entry with `percent`
    /// odds (`Chance`).
    Roll { slot: u16, percent: u8 },
    /// A variable compared with an expression (`Compare(.., Expr(..))`): every variable of
    /// the expression is read too (see [`Expr::vars`]).
    CompareExpr(VarId, Op, &'a Expression),
}

impl Read<'_> {
    /// The variable read, if the leaf reads one.
    pub fn var(&self) -> Option<VarId> {
        match self {
            Read::Flag(v) | Read::Compare(v, _, _) | Read::CompareExpr(v, _, _) => Some(*v),
            Read::Visits { .. } | Read::Roll { .. } => None,
        }
    }
}

impl Condition {
    /// Calls `f` on this condition and every condition nested in it, parents first.
    pub fn each<'a>(&'a self, f: &mut impl FnMut(&'a Condition)) {
        f(self);
        match self {
            Condition::Not(c) => c.each(f),
            Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| c.each(f)),
            Condition::Flag(_)
            | Condition::Compare(..)
            | Condition::Visits { .. }
            | Condition::Chance { .. }
            | Condition::CompareExpr(..) => {}
        }
    }

    /// The condition this one negates, if it is a `Not`.
    pub fn negated(&self) -> Option<&Condition> {
        match self {
            Condition::Not(c) => Some(c),
            Condition::Flag(_)
            | Condition::All(_)
            | Condition::Any(_)
            | Condition::Compare(..)
            | Condition::Visits { .. }
            | Condition::Chance { .. }
            | Condition::CompareExpr(..) => None,
        }
    }

    /// What this condition reads when it is a single leaf (not `Not`, `All` or `Any`).
    pub fn leaf(&self) -> Option<Read<'_>> {
        match self {
            Condition::Flag(_)
            | Condition::Compare(..)
            | Condition::Visits { .. }
            | Condition::Chance { .. }
            | Condition::CompareExpr(..) => {
                let mut out = None;
                self.reads(&mut |r| out = Some(r));
                out
            }
            Condition::Not(_) | Condition::All(_) | Condition::Any(_) => None,
        }
    }

    /// The conditions that must all hold for this one to hold: the items of an `All`, else
    /// this condition alone.
    pub fn conjuncts(&self) -> &[Condition] {
        match self {
            Condition::All(cs) => cs,
            Condition::Flag(_)
            | Condition::Not(_)
            | Condition::Any(_)
            | Condition::Compare(..)
            | Condition::Visits { .. }
            | Condition::Chance { .. }
            | Condition::CompareExpr(..) => std::slice::from_ref(self),
        }
    }

    /// Calls `f` on every leaf this condition reads: variables, visit counts, chance rolls, in
    /// the order written.
    pub fn reads<'a>(&'a self, f: &mut impl FnMut(Read<'a>)) {
        match self {
            Condition::Flag(v) => f(Read::Flag(*v)),
            Condition::Compare(v, op, value) => f(Read::Compare(*v, *op, value)),
            Condition::Visits { scene, slot, op, n } => f(Read::Visits {
                scene: *scene,
                slot: *slot,
                op: *op,
                n: *n,
            }),
            Condition::Chance { slot, percent } => f(Read::Roll {
                slot: *slot,
                percent: *percent,
            }),
            Condition::CompareExpr(v, op, e) => f(Read::CompareExpr(*v, *op, e)),
            Condition::Not(c) => c.reads(f),
            Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| c.reads(f)),
        }
    }
}

/// How an [`Effect`] writes its variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write<'a> {
    /// Overwrites it with a literal of its type (`Set`): the old value is lost.
    Set(&'a Value),
    /// Adds to an `Int`, clamped to its range (`Add`): the new value depends on the old one.
    Add(i64),
    /// Flips a `Bool` (`Toggle`): the new value depends on the old one.
    Toggle,
    /// Overwrites an `Int` with the value of an expression, clamped to its range (`Set` with
    /// `Expr(..)`): the new value depends on the variables the expression reads (the old
    /// value among them, when it names its own variable) and may be random.
    Expr(&'a Expression),
}

impl Effect {
    /// The variable this effect writes, and how.
    pub fn write(&self) -> (VarId, Write<'_>) {
        match self {
            Effect::Set(v, value) => (*v, Write::Set(value)),
            Effect::Add(v, d) => (*v, Write::Add(*d)),
            Effect::Toggle(v) => (*v, Write::Toggle),
            Effect::SetExpr(v, e) => (*v, Write::Expr(e)),
        }
    }

    /// The variable this effect writes.
    pub fn var(&self) -> VarId {
        self.write().0
    }

    /// Whether the value after the effect is independent of the value before (a `Set`; a
    /// `Set` with an expression too, apart from what [`Effect::reads`] names).
    pub fn overwrites(&self) -> bool {
        match self.write().1 {
            Write::Set(_) | Write::Expr(_) => true,
            Write::Add(_) | Write::Toggle => false,
        }
    }

    /// Calls `f` on every variable this effect reads to compute its value: those of an
    /// expression (the effect's own variable among them when named); nothing for a literal
    /// `Set` or an `Add` (which only moves the value it finds).
    pub fn reads(&self, f: &mut impl FnMut(VarId)) {
        match self.write().1 {
            Write::Expr(e) => e.root.vars(f),
            Write::Set(_) | Write::Add(_) | Write::Toggle => {}
        }
    }

    /// Whether applying this effect draws a random number (`random(..)` in an expression).
    pub fn is_random(&self) -> bool {
        match self.write().1 {
            Write::Expr(e) => e.root.is_random(),
            Write::Set(_) | Write::Add(_) | Write::Toggle => false,
        }
    }
}

impl Target {
    /// The random branches of this target; empty for a plain `Goto`.
    pub fn branches(&self) -> &[Branch] {
        match self {
            Target::Goto(_) | Target::Stay(_) | Target::Call { .. } | Target::Return => &[],
            Target::Branches(bs) => bs,
        }
    }

    /// Calls `f` on every scene this target may lead to whatever the state: the `Goto` (or
    /// the scene a `Stay` stays in, or the section a `Call` enters), or each branch without a
    /// condition and with a weight above 0. Nothing for a `Return` (where it leads depends on
    /// the call stack).
    pub fn always_possible(&self, f: &mut impl FnMut(SceneId)) {
        match self {
            Target::Goto(s) | Target::Stay(s) | Target::Call { section: s, .. } => f(*s),
            Target::Return => {}
            Target::Branches(bs) => bs
                .iter()
                .filter(|b| b.condition.is_none() && b.weight > 0)
                .for_each(|b| f(b.target)),
        }
    }

    /// Whether taking this target draws a random number (it has weighted branches).
    pub fn is_random(&self) -> bool {
        !self.branches().is_empty()
    }

    /// Calls `f` on every scene this target may lead to, in the order written (a scene named
    /// by two branches comes twice; a `Stay` leads to its own scene, without entering it). A
    /// `Call` leads to its section, then (once the section returns) to its return point's
    /// scene; a `Return` names no scene (see [`Story::return_points`] for where it may lead).
    pub fn scenes(&self, f: &mut impl FnMut(SceneId)) {
        match self {
            Target::Goto(s) | Target::Stay(s) => f(*s),
            Target::Branches(bs) => bs.iter().for_each(|b| f(b.target)),
            Target::Call { section, then } => {
                f(*section);
                f(then.scene());
            }
            Target::Return => {}
        }
    }

    /// Whether this target stays in its scene (a choice with a reply and nowhere to go).
    pub fn is_stay(&self) -> bool {
        match self {
            Target::Stay(_) => true,
            Target::Goto(_) | Target::Branches(_) | Target::Call { .. } | Target::Return => false,
        }
    }

    /// The section this target calls and where it comes back to, for a `Call`.
    pub fn call(&self) -> Option<(SceneId, ReturnPoint)> {
        match self {
            Target::Call { section, then } => Some((*section, *then)),
            Target::Goto(_) | Target::Stay(_) | Target::Branches(_) | Target::Return => None,
        }
    }

    /// Whether this target returns from a section (`return: true`).
    pub fn is_return(&self) -> bool {
        match self {
            Target::Return => true,
            Target::Goto(_) | Target::Stay(_) | Target::Branches(_) | Target::Call { .. } => false,
        }
    }

    /// The scenes this target may lead to, as a list (see [`Target::scenes`]).
    pub fn scene_list(&self) -> SmallVecScenes {
        let mut out = SmallVecScenes::new();
        self.scenes(&mut |s| out.push(s));
        out
    }
}

/// A short list of scenes, inline up to four.
pub type SmallVecScenes = smallvec::SmallVec<[SceneId; 4]>;

impl Line {
    /// Calls `f` on every variable shown in this line (`{name}`).
    pub fn vars(&self, f: &mut impl FnMut(VarId)) {
        for p in &self.0 {
            match p {
                Piece::Lit(_) | Piece::If(..) | Piece::Alt { .. } | Piece::Mark(_) => {}
                Piece::Var(v) => f(*v),
            }
        }
    }

    /// Calls `f` on every condition of this line (`{if name: ..}`), nested ones included.
    pub fn each_condition<'a>(&'a self, f: &mut impl FnMut(&'a Condition)) {
        for p in &self.0 {
            match p {
                Piece::Lit(_) | Piece::Var(_) | Piece::Alt { .. } | Piece::Mark(_) => {}
                Piece::If(c, _, _) => c.each(f),
            }
        }
    }
}

impl Line {
    /// Calls `f` on every piece of literal text this line may show: plain text, both sides of
    /// an `{if ..}`, every item of an alternative (variables' values are not in the story).
    pub fn literals<'a>(&'a self, f: &mut impl FnMut(&'a str)) {
        for p in &self.0 {
            match p {
                Piece::Lit(s) => f(s),
                Piece::Var(_) | Piece::Mark(_) => {}
                Piece::If(_, yes, no) => {
                    f(yes);
                    f(no);
                }
                Piece::Alt { items, .. } => items.iter().for_each(|i| f(i)),
            }
        }
    }
}

impl Para {
    /// The condition of a conditional paragraph.
    pub fn condition(&self) -> Option<&Condition> {
        match self {
            Para::Always(_) => None,
            Para::If(c, _, _) => Some(c),
        }
    }

    /// Calls `f` on each line this paragraph may show (both sides of an `IfElse`).
    pub fn lines<'a>(&'a self, f: &mut impl FnMut(&'a Line)) {
        match self {
            Para::Always(l) => f(l),
            Para::If(_, yes, no) => {
                f(yes);
                if let Some(l) = no {
                    f(l);
                }
            }
        }
    }
}

/// Where a transition of a scene comes from (see [`Scene::transitions`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// An ordinary choice, by its index in `choices`.
    Choice(usize),
    /// A fallback choice, by its index in `choices`: taken without being shown when no
    /// ordinary choice is available.
    Fallback(usize),
    /// An automatic transition, by its index in `autos`.
    Auto(usize),
}

/// A way out of a scene: a choice or an auto, seen alike.
#[derive(Debug, Clone, Copy)]
pub struct Transition<'a> {
    pub via: Via,
    pub condition: Option<&'a Condition>,
    /// Applied before the target's branch effects.
    pub effects: &'a [Effect],
    pub target: &'a Target,
    /// The once-only slot marked when taken (choices only).
    pub once: Option<u32>,
}

impl<'a> Transition<'a> {
    /// Calls `f` on every condition of this transition (its own, then each branch's), nested
    /// conditions included.
    pub fn each_condition(&self, f: &mut impl FnMut(&'a Condition)) {
        self.condition.iter().for_each(|c| c.each(f));
        for b in self.target.branches() {
            b.condition.iter().for_each(|c| c.each(f));
        }
    }

    /// Calls `f` on every effect of this transition: its own, then each branch's.
    pub fn each_effect(&self, f: &mut impl FnMut(&'a Effect)) {
        self.effects.iter().for_each(&mut *f);
        for b in self.target.branches() {
            b.effects.iter().for_each(&mut *f);
        }
    }
}

impl Choice {
    /// Calls `f` on each line the menu may show of this choice: its text, then the reason it
    /// is locked when the author gives one. Every reader of what a menu shows (conditions,
    /// variables, words) goes through here, so a new line of a choice reaches them all.
    pub fn menu_lines<'a>(&'a self, f: &mut impl FnMut(&'a Line)) {
        f(&self.text);
        match &self.locked {
            Locked::Hide | Locked::Show => {}
            Locked::Explain(why) => f(why),
        }
    }

    /// This choice as a [`Transition`], `index` being its place in the scene's `choices`.
    pub fn transition(&self, index: usize) -> Transition<'_> {
        Transition {
            via: if self.fallback {
                Via::Fallback(index)
            } else {
                Via::Choice(index)
            },
            condition: self.condition.as_ref(),
            effects: &self.effects,
            target: &self.target,
            once: self.once,
        }
    }
}

impl Auto {
    /// This auto as a [`Transition`], `index` being its place in the scene's `autos`.
    pub fn transition(&self, index: usize) -> Transition<'_> {
        Transition {
            via: Via::Auto(index),
            condition: self.condition.as_ref(),
            effects: &self.effects,
            target: &self.target,
            once: None,
        }
    }
}

impl Text {
    /// Calls `f` on every condition of the text (of paragraphs and inside lines), nested ones
    /// included.
    pub fn each_condition<'a>(&'a self, f: &mut impl FnMut(&'a Condition)) {
        for p in &self.0 {
            p.condition().iter().for_each(|c| c.each(f));
            match p {
                Para::Always(l) => l.each_condition(f),
                Para::If(_, yes, no) => {
                    yes.each_condition(f);
                    no.iter().for_each(|l| l.each_condition(f));
                }
            }
        }
    }

    /// Calls `f` on every variable the text may show.
    pub fn vars(&self, f: &mut impl FnMut(VarId)) {
        self.0.iter().for_each(|p| p.lines(&mut |l| l.vars(f)));
    }
}

/// Something a scene (or the notebook) holds, as visited by [`Scene::walk`] / [`Story::walk`].
#[derive(Debug, Clone, Copy)]
pub enum Part<'a> {
    /// A condition, nested ones included (parents first): of a paragraph, a choice, an auto
    /// or a branch.
    Condition(&'a Condition),
    /// An effect: on entering, of a choice, an auto or a branch.
    Effect(&'a Effect),
    /// A variable shown in text (`{name}` in a paragraph or a choice's text).
    Shown(VarId),
    /// A scene some transition may lead to.
    Target(SceneId),
    /// The ending this scene is.
    Ending(EndingId),
}

impl Scene {
    /// Every way out of this scene: choices (fallbacks included) in order, then autos.
    pub fn transitions(&self) -> impl Iterator<Item = Transition<'_>> + '_ {
        let choices = self.choices.iter().enumerate().map(|(i, c)| c.transition(i));
        choices.chain(self.autos.iter().enumerate().map(|(i, a)| a.transition(i)))
    }

    /// Calls `f` on everything this scene holds (see [`Part`]): its text, its effects on
    /// entering, then each transition (condition, choice text and reply, effects, branches,
    /// targets), and its ending.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(Part<'a>)) {
        // Destructured so a new field is seen here.
        let Scene {
            id: _,
            // Labels for tools: nothing the engine reads.
            tags: _,
            title: _,
            text,
            on_enter,
            choices,
            autos: _,
            ending,
            visit_slot: _,
            chances: _,
            alts: _,
        } = self;
        walk_text(text, f);
        on_enter.iter().for_each(|e| f(Part::Effect(e)));
        for (t, choice) in self
            .transitions()
            .zip(choices.iter().map(Some).chain(std::iter::repeat(None)))
        {
            if let Some(c) = t.condition {
                walk_condition(c, f);
            }
            if let Some(choice) = choice {
                choice.menu_lines(&mut |l| {
                    l.vars(&mut |v| f(Part::Shown(v)));
                    l.each_condition(&mut |c| f(Part::Condition(c)));
                });
                if let Some(reply) = &choice.reply {
                    walk_text(reply, f);
                }
            }
            t.effects.iter().for_each(|e| f(Part::Effect(e)));
            for b in t.target.branches() {
                if let Some(c) = &b.condition {
                    walk_condition(c, f);
                }
                b.effects.iter().for_each(|e| f(Part::Effect(e)));
            }
            t.target.scenes(&mut |s| f(Part::Target(s)));
        }
        if let Some(e) = ending {
            f(Part::Ending(*e));
        }
    }

    /// Calls `f` on every scene a transition of this scene may lead to (choices, fallbacks and
    /// autos; repeats included).
    pub fn targets(&self, f: &mut impl FnMut(SceneId)) {
        self.transitions().for_each(|t| t.target.scenes(f));
    }

    /// The transition taken on entering this scene whatever the state, if there is one: the
    /// first auto when it has no condition; or, in a scene without autos whose choices are
    /// all fallbacks, the first fallback when it has no condition and is not once-only.
    pub fn certain_exit(&self) -> Option<Transition<'_>> {
        if self.ending.is_some() {
            return None;
        }
        match self.autos.first() {
            Some(a) => a.condition.is_none().then(|| a.transition(0)),
            None => {
                let first = self.choices.first()?;
                let only_fallbacks = self.choices.iter().all(|c| c.fallback);
                (only_fallbacks && first.condition.is_none() && first.once.is_none())
                    .then(|| first.transition(0))
            }
        }
    }

    /// Calls `f` on every variable that what the player is shown on entering this scene may
    /// depend on: the variables its text reads and shows, those that decide which choices are
    /// offered (the condition of every choice, fallbacks included, since whether a fallback is
    /// taken depends on them) and what they say, and those that decide where an automatic
    /// transition or a fallback leads (their conditions and their branches' conditions).
    /// Visit counts and chance rolls are not variables and are left out.
    pub fn shown_vars(&self, f: &mut impl FnMut(VarId)) {
        // Nested conditions come one by one (parents first): the leaves of each, duplicates
        // included, which callers gather into a set.
        fn leaves(c: &Condition, f: &mut impl FnMut(VarId)) {
            c.reads(&mut |r| r.var().into_iter().for_each(&mut *f));
        }
        self.text.each_condition(&mut |c| leaves(c, f));
        self.text.vars(f);
        for (i, c) in self.choices.iter().enumerate() {
            c.condition.iter().for_each(|c| leaves(c, f));
            c.menu_lines(&mut |l| {
                l.each_condition(&mut |c| leaves(c, f));
                l.vars(f);
            });
            if c.fallback {
                c.transition(i).each_condition(&mut |c| leaves(c, f));
            }
        }
        for (i, a) in self.autos.iter().enumerate() {
            a.transition(i).each_condition(&mut |c| leaves(c, f));
        }
    }

    /// Calls `f` on every scene this scene may pass the player on to without a choice shown:
    /// the targets of its automatic transitions and of its fallbacks.
    pub fn forwards(&self, f: &mut impl FnMut(SceneId)) {
        for t in self.transitions() {
            match t.via {
                Via::Auto(_) | Via::Fallback(_) => t.target.scenes(f),
                Via::Choice(_) => {}
            }
        }
    }

    /// Calls `f` on every scene an automatic transition of this scene may lead to.
    pub fn auto_targets(&self, f: &mut impl FnMut(SceneId)) {
        self.autos.iter().for_each(|a| a.target.scenes(f));
    }
}

fn walk_condition<'a>(c: &'a Condition, f: &mut impl FnMut(Part<'a>)) {
    c.each(&mut |c| f(Part::Condition(c)));
}

fn walk_text<'a>(text: &'a Text, f: &mut impl FnMut(Part<'a>)) {
    for p in &text.0 {
        if let Some(c) = p.condition() {
            walk_condition(c, f);
        }
        p.lines(&mut |l| l.vars(&mut |v| f(Part::Shown(v))));
        match p {
            Para::Always(l) => l.each_condition(&mut |c| f(Part::Condition(c))),
            Para::If(_, yes, no) => {
                yes.each_condition(&mut |c| f(Part::Condition(c)));
                if let Some(no) = no {
                    no.each_condition(&mut |c| f(Part::Condition(c)));
                }
            }
        }
    }
}

impl Story {
    /// Every return point some call of the story keeps (where a `Return` may lead), in the
    /// order written, repeats included.
    pub fn return_points(&self, f: &mut impl FnMut(ReturnPoint)) {
        for scene in &self.scenes {
            for t in scene.transitions() {
                if let Some((_, then)) = t.target.call() {
                    f(then);
                }
            }
        }
    }

    /// Whether some choice or auto of the story calls a section.
    pub fn has_calls(&self) -> bool {
        let mut any = false;
        self.return_points(&mut |_| any = true);
        any
    }

    /// Calls `f` on everything the story holds: each scene in order (see [`Scene::walk`]), then
    /// the notebook's text.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(Part<'a>)) {
        self.scenes.iter().for_each(|s| s.walk(f));
        walk_text(&self.notebook, f);
    }

    /// Calls `f` on every piece of prose the story may show, as written: each scene's text,
    /// its choices' texts, replies and explanations of locked choices, then the notebook, then
    /// the endings' titles (see [`Line::literals`]; scene titles, shown only in saves' lists,
    /// are left out).
    pub fn each_prose<'a>(&'a self, f: &mut impl FnMut(&'a str)) {
        let text = |t: &'a Text, f: &mut dyn FnMut(&'a str)| {
            t.0.iter()
                .for_each(|p| p.lines(&mut |l| l.literals(&mut |s| f(s))))
        };
        for scene in &self.scenes {
            text(&scene.text, f);
            for c in &scene.choices {
                c.menu_lines(&mut |l| l.literals(f));
                c.reply.iter().for_each(|r| text(r, f));
            }
        }
        text(&self.notebook, f);
        self.endings.iter().for_each(|e| f(&e.title));
    }

    /// Calls `f` on every condition of the story, nested ones included.
    pub fn each_condition<'a>(&'a self, f: &mut impl FnMut(&'a Condition)) {
        self.walk(&mut |p| match p {
            Part::Condition(c) => f(c),
            Part::Effect(_) | Part::Shown(_) | Part::Target(_) | Part::Ending(_) => {}
        });
    }

    /// Calls `f` on every effect of the story.
    pub fn each_effect<'a>(&'a self, f: &mut impl FnMut(&'a Effect)) {
        self.walk(&mut |p| match p {
            Part::Effect(e) => f(e),
            Part::Condition(_) | Part::Shown(_) | Part::Target(_) | Part::Ending(_) => {}
        });
    }
}
