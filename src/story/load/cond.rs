//! Conditions, effects and literals: names resolved, types and ranges checked.

use super::*;

impl Builder<'_, '_, '_> {
    pub(super) fn effects(&mut self, raw: &[RawEffect], file: usize, p: &Path<'_, '_>) -> Vec<Effect> {
        let mut out = Vec::with_capacity(raw.len());
        for (k, e) in raw.iter().enumerate() {
            let ep = with(p, Seg::Index(k));
            let name_path = with(&ep, Seg::Index(0));
            match e {
                RawEffect::Set(name, value) => {
                    let Some(id) = self.var_ref(name, file, &name_path, None) else {
                        continue;
                    };
                    if let RawValue::Expr(src) = value {
                        out.extend(self.set_expr(id, src, file, &with(&ep, Seg::Index(1))));
                        continue;
                    }
                    if let Some(v) = self.literal(id, value, file, &with(&ep, Seg::Index(1)), true) {
                        out.push(Effect::Set(id, v));
                    }
                }
                RawEffect::Add(name, n) => {
                    if let Some(id) = self.var_ref(name, file, &name_path, Some(VarKind::Int)) {
                        out.push(Effect::Add(id, *n));
                    }
                }
                RawEffect::Toggle(name) => {
                    if let Some(id) = self.var_ref(name, file, &name_path, Some(VarKind::Bool)) {
                        out.push(Effect::Toggle(id));
                    }
                }
            }
        }
        out
    }

    /// A literal for variable `id`, type-checked (and range-checked for `Set`).
    pub(super) fn literal(
        &mut self,
        id: VarId,
        value: &RawValue,
        file: usize,
        p: &Path<'_, '_>,
        range: bool,
    ) -> Option<Value> {
        let decl = &self.vars[id.index()];
        let (lo, hi) = (decl.min, decl.max);
        // Only an error needs the name (and a copy of it, to report while `self` changes).
        let name = || self.vars[id.index()].name.clone();
        match (decl.initial.kind(), value) {
            (VarKind::Bool, RawValue::Bool(b)) => Some(Value::Bool(*b)),
            (VarKind::Int, RawValue::Int(i)) => {
                if range && (*i < lo || *i > hi) {
                    let message = format!(
                        "the value {i} is out of the range {} of `{}`",
                        range_text(lo, hi),
                        name()
                    );
                    self.cx.error(file, p, message);
                    return None;
                }
                Some(Value::Int(*i))
            }
            // Folded like the values it is set to or compared with.
            (VarKind::Text, RawValue::Text(t)) => Some(Value::Text(fold_arc(t))),
            (kind, v) => {
                let got = match v {
                    RawValue::Bool(_) => "a Bool",
                    RawValue::Int(_) => "an Int",
                    RawValue::Text(_) => "a Text",
                    RawValue::Expr(_) => "an expression",
                };
                let message = format!("`{}` is {kind} but this value is {got}", name());
                self.cx.error(file, p, message);
                None
            }
        }
    }

    pub(super) fn cond(&mut self, raw: &RawCond, file: usize, p: &Path<'_, '_>) -> Condition {
        // On error, a placeholder keeps the walk going; the story is discarded anyway.
        let placeholder = Condition::All(Vec::new());
        match raw {
            RawCond::Flag(name) => self
                .var_ref(name, file, &with(p, Seg::Index(0)), Some(VarKind::Bool))
                .map_or(placeholder, Condition::Flag),
            RawCond::Not(c) => Condition::Not(Box::new(self.cond(c, file, &with(p, Seg::Index(0))))),
            RawCond::All(cs) => Condition::All(
                cs.iter()
                    .enumerate()
                    .map(|(k, c)| self.cond(c, file, &with2(p, Seg::Index(0), Seg::Index(k))))
                    .collect(),
            ),
            RawCond::Any(cs) => Condition::Any(
                cs.iter()
                    .enumerate()
                    .map(|(k, c)| self.cond(c, file, &with2(p, Seg::Index(0), Seg::Index(k))))
                    .collect(),
            ),
            RawCond::Compare(name, op, value) => {
                let Some(id) = self.var_ref(name, file, &with(p, Seg::Index(0)), None) else {
                    return placeholder;
                };
                let Some(op) = self.op(op, file, &with(p, Seg::Index(1))) else {
                    return placeholder;
                };
                let kind = self.vars[id.index()].initial.kind();
                if kind != VarKind::Int && !op.is_equality() {
                    self.cx.error(
                        file,
                        &with(p, Seg::Index(1)),
                        format!("`{name}` is {kind}: compare it with `==` or `!=` only"),
                    );
                    return placeholder;
                }
                if let RawValue::Expr(src) = value {
                    return self
                        .compare_expr(id, op, src, file, &with(p, Seg::Index(2)))
                        .unwrap_or(placeholder);
                }
                match self.literal(id, value, file, &with(p, Seg::Index(2)), false) {
                    Some(v) => {
                        self.compare_range(id, op, &v, file, p);
                        Condition::Compare(id, op, v)
                    }
                    None => placeholder,
                }
            }
            RawCond::Visited(scene) => self
                .scene_ref(scene, file, &with(p, Seg::Index(0)))
                .map_or(placeholder, |s| self.visits(s, Op::Ge, 1)),
            RawCond::Visits(scene, op, n) => {
                let s = self.scene_ref(scene, file, &with(p, Seg::Index(0)));
                let op = self.op(op, file, &with(p, Seg::Index(1)));
                match (s, op) {
                    (Some(s), Some(op)) => self.visits(s, op, *n),
                    _ => placeholder,
                }
            }
            RawCond::Chosen(name) => self
                .counter(name, 1, file, &with(p, Seg::Index(0)))
                .map_or(placeholder, |v| Condition::Compare(v, Op::Ge, Value::Int(1))),
            RawCond::TimesChosen(name, op, n) => {
                let v = self.counter(name, *n, file, &with(p, Seg::Index(0)));
                let op = self.op(op, file, &with(p, Seg::Index(1)));
                match (v, op) {
                    (Some(v), Some(op)) => Condition::Compare(v, op, Value::Int(*n)),
                    _ => placeholder,
                }
            }
            RawCond::Is(name) => self
                .named_ref(name, file, &with(p, Seg::Index(0)))
                .unwrap_or(placeholder),
            RawCond::Chance(percent) => {
                if !(0..=100).contains(percent) {
                    self.cx.error(
                        file,
                        &with(p, Seg::Index(0)),
                        format!("Chance takes a percentage from 0 to 100, not {percent}"),
                    );
                    return placeholder;
                }
                if !self.named_stack.is_empty() {
                    self.cx.at(
                        Severity::Error,
                        file,
                        p,
                        "Chance cannot be part of a named condition".into(),
                        None,
                        Some("each scene rolls its own chances: write `Chance(..)` where the condition is used".into()),
                    );
                    return placeholder;
                }
                if !self.chance_allowed {
                    self.cx.error(
                        file,
                        p,
                        "Chance can only be used in scenes, not in the notebook".into(),
                    );
                    return placeholder;
                }
                self.chances.push(*percent as u8);
                Condition::Chance {
                    slot: (self.chances.len() - 1) as u16,
                    percent: *percent as u8,
                }
            }
        }
    }

    /// Builds every named condition not built yet (those no scene uses are checked too).
    /// Called once the scenes are declared, before any scene is built.
    pub(super) fn build_named(&mut self) {
        for i in 0..self.named.len() {
            if matches!(self.named[i].state, NamedState::Todo) {
                self.build_one_named(i);
            }
        }
    }

    /// Builds named condition `i`, reporting errors at its definition in the manifest.
    fn build_one_named(&mut self, i: usize) -> Option<Condition> {
        self.named[i].state = NamedState::Building;
        self.named_stack.push(i);
        let before = self.cx.diags.iter().filter(|d| d.is_error()).count();
        let (name, raw) = (self.named[i].name.clone(), self.named[i].raw.clone());
        let m = self.manifest_file;
        let built = self.cond(&raw, m, &Path::of(&[Seg::Field("conditions"), Seg::Key(&name)]));
        let ok = self.cx.diags.iter().filter(|d| d.is_error()).count() == before;
        self.named_stack.pop();
        let built = ok.then_some(built);
        self.named[i].state = NamedState::Done(built.clone());
        built
    }

    /// `Is("name")`, at path `p` (of the name): the named condition, built if need be.
    pub(super) fn named_ref(&mut self, name: &str, file: usize, p: &Path<'_, '_>) -> Option<Condition> {
        let Some(&i) = self.named_index.get(name) else {
            let help = self
                .suggest(name, self.named_index.keys().map(String::as_str))
                .or_else(|| Some(format!("name it in `conditions` of {MANIFEST}")));
            self.cx.at(
                Severity::Error,
                file,
                p,
                format!("no condition is named `{name}`"),
                Some("unknown condition".into()),
                help,
            );
            return None;
        };
        self.named[i].used = true;
        match &self.named[i].state {
            NamedState::Done(c) => c.clone(),
            NamedState::Todo => self.build_one_named(i),
            NamedState::Building => {
                let from = self.named_stack.iter().position(|&j| j == i).unwrap_or(0);
                let mut cycle: Vec<String> = self.named_stack[from..]
                    .iter()
                    .map(|&j| format!("`{}`", self.named[j].name))
                    .collect();
                cycle.push(format!("`{name}`"));
                self.cx.error(
                    file,
                    p,
                    format!(
                        "the named conditions use each other in a cycle: {}",
                        cycle.join(" -> ")
                    ),
                );
                None
            }
        }
    }

    /// The hidden variable that counts the choice `scene.id` (made on first use): an `Int`
    /// from 0 named `scene.id` (no story variable can have a `.` in its name), which the
    /// choice adds 1 to when taken (see `load_story`). It stops one past the largest number
    /// it is compared with (`n`, for this use): larger counts compare alike, and a count
    /// that stops keeps saves and `explore`'s states finite.
    fn counter(&mut self, name: &str, n: i64, file: usize, p: &Path<'_, '_>) -> Option<VarId> {
        let cap = n.saturating_add(1).max(1);
        if let Some(&v) = self.counters.get(name) {
            let decl = &mut self.vars[v.index()];
            decl.max = decl.max.max(cap);
            return Some(v);
        }
        if !self.choice_ids.contains_key(name) {
            let help = self
                .suggest(name, self.choice_ids.keys().map(String::as_str))
                .or_else(|| Some("write `scene.id`, and give that choice `id: \"id\"`".into()));
            self.cx.at(
                Severity::Error,
                file,
                p,
                format!("no choice is known as `{name}`"),
                Some("unknown choice".into()),
                help,
            );
            return None;
        }
        let v = VarId(self.vars.len() as u32);
        self.vars.push(VarDecl {
            name: name.to_owned(),
            initial: Value::Int(0),
            min: 0,
            max: cap,
        });
        self.counters.insert(name.to_owned(), v);
        Some(v)
    }

    pub(super) fn visits(&mut self, scene: SceneId, op: Op, n: i64) -> Condition {
        let next = self.tracked.len() as u32;
        let slot = *self.tracked_slots.entry(scene).or_insert(next);
        if slot == next {
            self.tracked.push(scene);
        }
        Condition::Visits { scene, slot, op, n }
    }

    pub(super) fn op(&mut self, op: &str, file: usize, p: &Path<'_, '_>) -> Option<Op> {
        let parsed = Op::parse(op);
        if parsed.is_none() {
            self.cx.error(
                file,
                p,
                format!("`{op}` is not an operator; use one of == != < <= > >="),
            );
        }
        parsed
    }
}

pub(super) fn range_text(lo: i64, hi: i64) -> String {
    match (lo == i64::MIN, hi == i64::MAX) {
        (true, true) => "(unbounded)".into(),
        (false, true) => format!("{lo}.."),
        (true, false) => format!("..={hi}"),
        (false, false) => format!("{lo}..={hi}"),
    }
}
