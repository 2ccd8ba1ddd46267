//! References by name (scenes, variables, with a "did you mean" on a budget) and targets:
//! a `goto` or the `branches` of a random pick, checked against the limits.

use super::*;

impl Builder<'_, '_, '_> {
    pub(super) fn scene_ref(&mut self, name: &str, file: usize, path: &Path<'_, '_>) -> Option<SceneId> {
        match self.scene_names.get(name) {
            Some(&id) => Some(id),
            None if self.ids_unknown || self.broken_ids.contains(name) => None,
            None => {
                let help = self.suggest(name, self.scene_names.keys().map(String::as_str));
                self.cx.at(
                    Severity::Error,
                    file,
                    path,
                    format!("no scene has the id `{name}`"),
                    Some("unknown scene".into()),
                    help,
                );
                None
            }
        }
    }

    /// A known name close to `name`, for a "did you mean". Comparing every unknown name with
    /// every known one is quadratic, so the work has a budget for the whole story: past it,
    /// no more suggestions (the same ones for the same story, whatever the map's order).
    pub(super) fn suggest<'x>(
        &self,
        name: &str,
        candidates: impl Iterator<Item = &'x str>,
    ) -> Option<String> {
        let mut best: Option<(usize, &str)> = None;
        for c in candidates {
            // Each candidate looked at costs at least one unit, so 100,000 unknown names among
            // 100,000 known ones stop at the budget too.
            match self.suggest_budget.get().checked_sub(1) {
                Some(left) => self.suggest_budget.set(left),
                None => return None,
            }
            let longest = name.len().max(c.len());
            let limit = 2.max(longest / 3);
            // The distance is at least the difference in length: most names stop here.
            if name.len().abs_diff(c.len()) > limit {
                continue;
            }
            let cost = (name.len() + 1) * (c.len() + 1);
            match self.suggest_budget.get().checked_sub(cost) {
                Some(left) => self.suggest_budget.set(left),
                None => {
                    self.suggest_budget.set(0);
                    return None;
                }
            }
            let d = strsim::levenshtein(name, c);
            if d <= limit && d < longest && best.is_none_or(|b| (d, c) < b) {
                best = Some((d, c));
            }
        }
        best.map(|(_, c)| format!("did you mean `{c}`?"))
    }

    pub(super) fn var_ref(
        &mut self,
        name: &str,
        file: usize,
        path: &Path<'_, '_>,
        want: Option<VarKind>,
    ) -> Option<VarId> {
        let Some(&id) = self.var_names.get(name) else {
            let help = self
                .suggest(name, self.var_names.keys().copied())
                .or_else(|| Some(format!("declare it in `variables` of {MANIFEST}")));
            self.cx.at(
                Severity::Error,
                file,
                path,
                format!("the variable `{name}` is not declared"),
                Some("undeclared variable".into()),
                help,
            );
            return None;
        };
        let kind = self.vars[id.index()].initial.kind();
        if let Some(want) = want
            && kind != want
        {
            {
                self.cx.error(
                    file,
                    path,
                    format!("the variable `{name}` is {kind}, but {want} is needed here"),
                );
                return None;
            }
        }
        Some(id)
    }

    pub(super) fn target(
        &mut self,
        goto: Option<&str>,
        branches: Option<&[RawBranch]>,
        file: usize,
        p: &Path<'_, '_>,
    ) -> Option<Target> {
        match (goto, branches) {
            (None, Some([])) => {
                self.cx.error(
                    file,
                    &with(p, Seg::Field("branches")),
                    "`branches` is empty: give it at least one `Branch(weight: 1, goto: \"scene\")`".into(),
                );
                None
            }
            (Some(g), None) => self
                .goto_ref(g, file, &with(p, Seg::Field("goto")))
                .map(Target::Goto),
            (None, Some(branches)) if branches.len() > limits::BRANCHES_PER_TARGET => {
                self.cx.error(
                    file,
                    &with(p, Seg::Field("branches")),
                    format!(
                        "{} branches is too many for one random pick: the limit is {}",
                        branches.len(),
                        limits::BRANCHES_PER_TARGET
                    ),
                );
                None
            }
            (None, Some(branches)) => {
                let mut out = Vec::with_capacity(branches.len());
                let mut ok = true;
                for (k, br) in branches.iter().enumerate() {
                    let bp = with2(p, Seg::Field("branches"), Seg::Index(k));
                    if !(0..=limits::MAX_WEIGHT).contains(&br.weight) {
                        self.cx.error(
                            file,
                            &with(&bp, Seg::Field("weight")),
                            format!(
                                "the weight {} is out of range: a weight is a whole number from 0 to {}",
                                br.weight,
                                limits::MAX_WEIGHT
                            ),
                        );
                        ok = false;
                    } else if br.weight == 0 && branches.iter().any(|b| b.weight > 0) {
                        self.cx.at(
                            Severity::Warning,
                            file,
                            &with(&bp, Seg::Field("weight")),
                            "this branch has weight 0, so it is never picked".into(),
                            None,
                            Some("give it a positive weight, or remove it".into()),
                        );
                    }
                    let target = self.goto_ref(&br.goto, file, &with(&bp, Seg::Field("goto")));
                    let condition = br
                        .condition
                        .as_ref()
                        .map(|c| self.cond(c, file, &with(&bp, Seg::Field("if"))));
                    let effects = self.effects(&br.effects, file, &with(&bp, Seg::Field("effects")));
                    match (target, condition, &br.condition) {
                        (Some(t), Some(c), _) => out.push(Branch {
                            weight: br.weight.clamp(0, limits::MAX_WEIGHT) as u32,
                            target: t,
                            condition: Some(c),
                            effects,
                        }),
                        (Some(t), None, None) => out.push(Branch {
                            weight: br.weight.clamp(0, limits::MAX_WEIGHT) as u32,
                            target: t,
                            condition: None,
                            effects,
                        }),
                        _ => ok = false,
                    }
                }
                if branches.iter().all(|b| b.weight == 0) {
                    self.cx.error(
                        file,
                        &with(p, Seg::Field("branches")),
                        "every branch has weight 0, so none can be picked".into(),
                    );
                    ok = false;
                }
                ok.then_some(Target::Branches(out))
            }
            (Some(_), Some(_)) => {
                self.cx.error(
                    file,
                    &with(p, Seg::Field("branches")),
                    "give either `goto` or `branches`, not both".into(),
                );
                None
            }
            (None, None) => {
                self.cx.error(
                    file,
                    p,
                    "this has nowhere to go: give it `goto: \"scene\"` or `branches`".into(),
                );
                None
            }
        }
    }
}
