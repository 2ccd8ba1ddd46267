//! Building the model from the raw files: the manifest's declarations, scene ids, scenes,
//! choices, autos and replies (references and targets are in `refs.rs`).

use super::*;

/// A path into a raw file, built lazily: a node is its parent and one or two segments more,
/// on the stack, so naming the place of every value the loader checks copies nothing. The
/// segments are written out only when a diagnostic needs the place ([`Site::segs`]). (It was
/// an array of 24 segments copied at each level: 9% of loading a big story.)
#[derive(Clone, Copy)]
pub(super) enum Path<'p, 'r> {
    /// Segments written out.
    Of(&'p [Seg<'r>]),
    /// A parent and one segment more.
    With(&'p Path<'p, 'r>, Seg<'r>),
    /// A parent and two segments more.
    With2(&'p Path<'p, 'r>, Seg<'r>, Seg<'r>),
}

impl<'p, 'r> Path<'p, 'r> {
    pub(super) fn of(segs: &'p [Seg<'r>]) -> Path<'p, 'r> {
        Path::Of(segs)
    }

    fn push_into(&self, out: &mut SmallVec<[Seg<'r>; 16]>) {
        match *self {
            Path::Of(segs) => out.extend_from_slice(segs),
            Path::With(up, s) => {
                up.push_into(out);
                out.push(s);
            }
            Path::With2(up, a, b) => {
                up.push_into(out);
                out.push(a);
                out.push(b);
            }
        }
    }
}

/// A place in a raw file, as diagnostics take it: a [`Path`], or segments written out.
pub(super) trait Site<'r> {
    fn segs(&self) -> SmallVec<[Seg<'r>; 16]>;
}

impl<'r> Site<'r> for Path<'_, 'r> {
    fn segs(&self) -> SmallVec<[Seg<'r>; 16]> {
        let mut out = SmallVec::new();
        self.push_into(&mut out);
        out
    }
}

impl<'r> Site<'r> for [Seg<'r>] {
    fn segs(&self) -> SmallVec<[Seg<'r>; 16]> {
        SmallVec::from_slice(self)
    }
}

impl<'r, const N: usize> Site<'r> for [Seg<'r>; N] {
    fn segs(&self) -> SmallVec<[Seg<'r>; 16]> {
        SmallVec::from_slice(self)
    }
}

pub(super) struct Builder<'c, 'r, 'a> {
    pub(super) cx: &'c mut Cx<'a>,
    pub(super) manifest_file: usize,
    pub(super) vars: Vec<VarDecl>,
    pub(super) var_names: HashMap<&'r str, VarId>,
    pub(super) endings: Vec<Ending>,
    pub(super) ending_names: HashMap<&'r str, EndingId>,
    pub(super) scene_names: HashMap<String, SceneId>,
    pub(super) once_slots: u32,
    /// Chance slots of the scene being built.
    pub(super) chances: Vec<u8>,
    pub(super) chance_allowed: bool,
    /// Scenes whose visits some condition reads, in order of first use: slot -> scene.
    pub(super) tracked: Vec<SceneId>,
    /// Scene ids of files that did not parse.
    pub(super) broken_ids: hashbrown::HashSet<&'r str>,
    /// Some scene file could not be read as text: any scene id may exist.
    pub(super) ids_unknown: bool,
    /// The slot of each scene in `tracked`.
    pub(super) tracked_slots: HashMap<SceneId, u32>,
    /// What is left of the work allowed for "did you mean" suggestions (edit-distance cells).
    pub(super) suggest_budget: std::cell::Cell<usize>,
    /// Loading a draft: the placeholders for missing scenes (see `draft.rs`).
    pub(super) draft: Option<super::draft::Draft>,
    /// The manifest's named conditions, in file order (duplicates left out).
    pub(super) named: Vec<Named>,
    pub(super) named_index: HashMap<String, usize>,
    /// The named conditions being built, innermost last (to name a cycle).
    pub(super) named_stack: Vec<usize>,
    /// The name of each text slot (an alternative in a text), by slot: `scene#n`.
    pub(super) text_slots: Vec<String>,
    /// The scene whose texts are being built (`None`: the notebook, where alternatives are
    /// refused), and how many alternatives it has so far.
    pub(super) alt_scene: Option<(String, u32)>,
    /// The text slots of the texts built since the last take.
    pub(super) alts_here: Vec<(u32, AltKind, u32)>,
    /// Choices with an `id`, by `scene.id`: the scene and the choice's position in it.
    pub(super) choice_ids: HashMap<String, (SceneId, usize)>,
    /// The hidden `Int` variable counting each choice some condition counts, by `scene.id`.
    pub(super) counters: HashMap<String, VarId>,
}

/// A named condition of the manifest, built once (on first use, or after the scenes are
/// declared) and copied into every place that uses it.
pub(super) struct Named {
    /// Its place in the manifest's map (duplicates counted).
    pub(super) pos: usize,
    pub(super) name: Arc<str>,
    /// Its definition, copied out of the file (a few small trees).
    pub(super) raw: Arc<RawCond<'static>>,
    pub(super) state: NamedState,
    pub(super) used: bool,
}

pub(super) enum NamedState {
    Todo,
    Building,
    /// Built; `None` when it has an error (reported at its definition).
    Done(Option<Condition>),
}

/// The edit-distance cells all suggestions of one story may cost: a fraction of a second.
pub(super) const SUGGEST_BUDGET: usize = 20_000_000;

pub(super) fn valid_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

impl<'c, 'r, 'a> Builder<'c, 'r, 'a> {
    pub(super) fn new(cx: &'c mut Cx<'a>, m: usize, manifest: &'r RawManifest) -> Self {
        let mut b = Builder {
            cx,
            manifest_file: m,
            vars: Vec::new(),
            var_names: HashMap::new(),
            endings: Vec::new(),
            ending_names: HashMap::new(),
            scene_names: HashMap::new(),
            once_slots: 0,
            chances: Vec::new(),
            chance_allowed: false,
            tracked: Vec::new(),
            tracked_slots: HashMap::new(),
            suggest_budget: std::cell::Cell::new(SUGGEST_BUDGET),
            broken_ids: Default::default(),
            ids_unknown: false,
            draft: None,
            named: Vec::new(),
            named_index: HashMap::new(),
            named_stack: Vec::new(),
            text_slots: Vec::new(),
            alt_scene: None,
            alts_here: Vec::new(),
            choice_ids: HashMap::new(),
            counters: HashMap::new(),
        };
        if !valid_id(&manifest.id) {
            b.cx.error(
                m,
                &[Seg::Field("id")],
                format!(
                    "the story id `{}` must be 1 to 64 letters, digits or `_`",
                    manifest.id
                ),
            );
        }
        for (n, (name, raw)) in manifest.variables.0.iter().enumerate() {
            let key_path = [Seg::Field("variables"), Seg::KeyOf(name)];
            if let Some(&first) = b.var_names.get(name.as_str()) {
                let at = b.first_key_pos(&[Seg::Field("variables")], first.index());
                b.dup_key(
                    m,
                    &[Seg::Field("variables")],
                    n,
                    format!("the variable `{name}` is declared twice (first at {at})"),
                );
                continue;
            }
            if !valid_id(name) {
                b.cx.error(
                    m,
                    &key_path,
                    format!("the variable name `{name}` must be 1 to 64 letters, digits or `_`"),
                );
            }
            let val_path = [Seg::Field("variables"), Seg::Key(name)];
            let decl = match raw {
                RawVar::Bool(v) => VarDecl {
                    name: name.to_string(),
                    initial: Value::Bool(*v),
                    min: 0,
                    max: 1,
                },
                RawVar::Text(t) => VarDecl {
                    name: name.to_string(),
                    // Folded like any text: a tab or a line break never reaches the screen.
                    initial: Value::Text(fold_arc(t)),
                    min: 0,
                    max: 0,
                },
                RawVar::Int { value, min, max } => {
                    let lo = min.unwrap_or(i64::MIN);
                    let hi = max.unwrap_or(i64::MAX);
                    if lo > hi {
                        b.cx.error(
                            m,
                            &val_path,
                            format!("the variable `{name}` has min {lo} greater than max {hi}"),
                        );
                    } else if *value < lo || *value > hi {
                        let mut p = val_path.to_vec();
                        p.push(Seg::Field("value"));
                        b.cx.error(
                            m,
                            &p[..],
                            format!(
                                "the initial value {value} of `{name}` is out of its range {}",
                                range_text(lo, hi)
                            ),
                        );
                    }
                    VarDecl {
                        name: name.to_string(),
                        initial: Value::Int(*value),
                        min: lo,
                        max: hi,
                    }
                }
            };
            b.var_names.insert(name.as_str(), VarId(b.vars.len() as u32));
            b.vars.push(decl);
        }
        for (n, (id, title)) in manifest.endings.0.iter().enumerate() {
            if b.ending_names.contains_key(id.as_str()) {
                b.dup_key(
                    m,
                    &[Seg::Field("endings")],
                    n,
                    format!("the ending `{id}` is declared twice"),
                );
                continue;
            }
            if !valid_id(id) {
                b.cx.error(
                    m,
                    &[Seg::Field("endings"), Seg::KeyOf(id)],
                    format!("the ending id `{id}` must be 1 to 64 letters, digits or `_`"),
                );
            }
            b.ending_names
                .insert(id.as_str(), EndingId(b.endings.len() as u32));
            b.endings.push(Ending {
                id: id.to_string(),
                title: title.to_string(),
            });
        }
        for (n, (name, raw)) in manifest.conditions.0.iter().enumerate() {
            if let Some(&first) = b.named_index.get(name.as_str()) {
                let at = b.first_key_pos(&[Seg::Field("conditions")], b.named[first].pos);
                b.dup_key(
                    m,
                    &[Seg::Field("conditions")],
                    n,
                    format!("the condition `{name}` is named twice (first at {at})"),
                );
                continue;
            }
            if !valid_id(name) {
                b.cx.error(
                    m,
                    &[Seg::Field("conditions"), Seg::KeyOf(name)],
                    format!("the condition name `{name}` must be 1 to 64 letters, digits or `_`"),
                );
            }
            b.named_index.insert(name.to_string(), b.named.len());
            b.named.push(Named {
                pos: n,
                name: Arc::from(name.as_str()),
                raw: Arc::new(raw.to_owned_cond()),
                state: NamedState::Todo,
                used: false,
            });
        }
        b
    }

    pub(super) fn first_key_pos(&self, map: &[Seg], n: usize) -> String {
        let f = &self.cx.files[self.manifest_file];
        let span = f
            .tree()
            .and_then(|t| t.nth_key(&f.text, map, n))
            .unwrap_or_default();
        let (line, col) = f.line_col(span.start);
        format!("{}:{line}:{col}", f.name)
    }

    pub(super) fn dup_key(&mut self, file: usize, map: &[Seg], n: usize, message: String) {
        let f = &self.cx.files[file];
        let span = f
            .tree()
            .and_then(|t| t.nth_key(&f.text, map, n))
            .unwrap_or_default();
        let (line, col) = f.line_col(span.start);
        self.cx.diags.push(Diagnostic {
            severity: Severity::Error,
            file: f.name.clone(),
            line,
            col,
            message,
            label: None,
            help: None,
            span: Some((span.start, span.end)),
            source: Excerpt::around(&f.text, span.start, span.end, line),
        });
    }

    /// Names the choices that have an `id` as `scene.id` (after [`Builder::declare_scenes`]).
    pub(super) fn declare_choice_ids(&mut self, lists: &[(usize, Vec<RawScene>)]) {
        let mut n = 0u32;
        for (file, list) in lists {
            for (idx, scene) in list.iter().enumerate() {
                let here = SceneId(n);
                n += 1;
                for (j, c) in scene.choices.iter().enumerate() {
                    let Some(id) = &c.id else { continue };
                    let path = [
                        Seg::Index(idx),
                        Seg::Field("choices"),
                        Seg::Index(j),
                        Seg::Field("id"),
                    ];
                    if !valid_id(id) {
                        self.cx.error(
                            *file,
                            &path,
                            format!("the choice id `{id}` must be 1 to 64 letters, digits or `_`"),
                        );
                        continue;
                    }
                    let key = format!("{}.{id}", scene.id);
                    if let Some(&(_, first)) = self.choice_ids.get(&key) {
                        self.cx.error(
                            *file,
                            &path,
                            format!(
                                "the choice id `{id}` is used twice in scene `{}` (first by its choice {})",
                                scene.id,
                                first + 1
                            ),
                        );
                        continue;
                    }
                    self.choice_ids.insert(key, (here, j));
                }
            }
        }
    }

    /// Numbers the scenes in file order (`locs[n]` is where scene `n` is written).
    pub(super) fn declare_scenes(&mut self, lists: &[(usize, Vec<RawScene>)], locs: &[(usize, usize)]) {
        self.scene_names.reserve(locs.len());
        let scenes = lists.iter().flat_map(|(_, list)| list);
        for (n, (s, &(file, idx))) in scenes.zip(locs).enumerate() {
            let path = [Seg::Index(idx), Seg::Field("id")];
            if !valid_id(&s.id) {
                self.cx.error(
                    file,
                    &path,
                    format!("the scene id `{}` must be 1 to 64 letters, digits or `_`", s.id),
                );
            }
            if let Some(&first) = self.scene_names.get(s.id.as_str()) {
                let (ff, fi) = locs[first.index()];
                let at = self.cx.position(ff, &[Seg::Index(fi), Seg::Field("id")]);
                self.cx.at(
                    Severity::Error,
                    file,
                    &path,
                    format!("the scene id `{}` is used twice (first at {at})", s.id),
                    Some("duplicate id".into()),
                    None,
                );
                continue;
            }
            self.scene_names.insert(s.id.to_string(), SceneId(n as u32));
        }
    }

    pub(super) fn scene(&mut self, file: usize, idx: usize, here: SceneId, raw: &RawScene) -> Scene {
        let root = [Seg::Index(idx)];
        let base = Path::of(&root);
        self.alt_scene = Some((raw.id.to_string(), 0));
        self.alts_here.clear();
        self.chances.clear();
        self.chance_allowed = true;
        if raw.choices.len() > limits::CHOICES_PER_SCENE {
            self.cx.error(
                file,
                &with(&base, Seg::Field("choices")),
                format!(
                    "the scene `{}` has {} choices; the limit is {}",
                    raw.id,
                    raw.choices.len(),
                    limits::CHOICES_PER_SCENE
                ),
            );
        }
        let text_len: usize = raw_text_len(&raw.text)
            + raw
                .choices
                .iter()
                .map(|c| c.text.len() + c.reply.as_ref().map_or(0, |r| raw_text_len(r)))
                .sum::<usize>();
        if text_len > limits::TEXT_PER_SCENE {
            self.cx.error(
                file,
                &with(&base, Seg::Field("text")),
                format!(
                    "the scene `{}` has {text_len} bytes of text; the limit is {} (64 KiB)",
                    raw.id,
                    limits::TEXT_PER_SCENE
                ),
            );
        }
        let text = self.text(&raw.text, file, &with(&base, Seg::Field("text")));
        let on_enter = self.effects(&raw.on_enter, file, &with(&base, Seg::Field("on_enter")));
        let mut choices = Vec::with_capacity(raw.choices.len());
        // The keys of the scene's once-only choices so far, by which a save names the ones taken
        // (twins get `#2`, `#3`); a scene has at most `CHOICES_PER_SCENE`, so a scan is enough.
        let mut keys: Vec<String> = Vec::new();
        for (j, c) in raw.choices.iter().enumerate() {
            let key = if c.once {
                let base = match &c.id {
                    Some(id) => id.to_string(),
                    None => fold_whitespace(&c.text),
                };
                let twin = 1 + keys.iter().filter(|k| **k == base).count();
                let key = if twin > 1 {
                    format!("{base}#{twin}")
                } else {
                    base.clone()
                };
                keys.push(base);
                key
            } else {
                // Only once-only choices are saved by key.
                String::new()
            };
            let p = with2(&base, Seg::Field("choices"), Seg::Index(j));
            let condition = c
                .condition
                .as_ref()
                .map(|cd| self.cond(cd, file, &with(&p, Seg::Field("if"))));
            let text = self.line(&c.text, file, &with(&p, Seg::Field("text")));
            self.forbid_breaks(
                &text,
                present::Unpaused::ChoiceText,
                file,
                &with(&p, Seg::Field("text")),
            );
            // The reply's alternatives advance when the choice is taken, not on entering.
            let scene_alts = std::mem::take(&mut self.alts_here);
            let reply = c.reply.as_ref().map(|r| self.reply(r, c.fallback, file, &p));
            let reply_alts = std::mem::replace(&mut self.alts_here, scene_alts);
            // A reply with nowhere to go stays in the scene (a fallback cannot: see `reply`).
            let flow = Flow::of_choice(c);
            let target = if c.reply.is_some() && flow.nowhere() && !c.fallback {
                Some(Target::Stay(here))
            } else {
                self.flow(flow, here, file, &p)
            };
            let effects = self.effects(&c.effects, file, &with(&p, Seg::Field("effects")));
            let once = if c.once {
                self.once_slots += 1;
                Some(self.once_slots - 1)
            } else {
                None
            };
            let locked = match &c.locked {
                RawLocked::Hide => Locked::Hide,
                RawLocked::Show => Locked::Show,
                RawLocked::Explain(s) => {
                    // Read like the choice's text: one line, varied by the state.
                    let at = with(&p, Seg::Field("locked"));
                    let why = self.line(s, file, &at);
                    self.forbid_breaks(&why, present::Unpaused::LockReason, file, &at);
                    Locked::Explain(why)
                }
            };
            let spent = self.choice_spent(c, file, &p);
            if c.fallback && !matches!(locked, Locked::Hide) {
                self.cx.error(
                    file,
                    &with(&p, Seg::Field("locked")),
                    "a fallback choice is never shown, so it cannot be shown locked".into(),
                );
            }
            // A condition that failed to compile was reported; drop the choice.
            let cond_ok = c.condition.is_none() || condition.is_some();
            if let (Some(target), true) = (target, cond_ok) {
                choices.push(Choice {
                    tags: self.tags(&c.tags, file, &p),
                    key,
                    text,
                    target,
                    condition,
                    effects,
                    once,
                    fallback: c.fallback,
                    locked,
                    spent,
                    reply,
                    reply_alts,
                });
            }
        }
        let mut autos = Vec::with_capacity(raw.auto.len());
        for (j, a) in raw.auto.iter().enumerate() {
            let p = with2(&base, Seg::Field("auto"), Seg::Index(j));
            let condition = a
                .condition
                .as_ref()
                .map(|cd| self.cond(cd, file, &with(&p, Seg::Field("if"))));
            let target = self.flow(Flow::of_auto(a), here, file, &p);
            let effects = self.effects(&a.effects, file, &with(&p, Seg::Field("effects")));
            if a.reply.is_some() {
                self.cx.at(
                    Severity::Error,
                    file,
                    &with(&p, Seg::Field("reply")),
                    "an auto is taken without being chosen, so it cannot have a reply".into(),
                    Some("reply on an auto".into()),
                    Some("put the text in the scene it leads to, or make it a choice".into()),
                );
            }
            match (target, condition) {
                (Some(t), Some(c)) => autos.push(Auto {
                    condition: Some(c),
                    target: t,
                    effects,
                }),
                (Some(t), None) if a.condition.is_none() => autos.push(Auto {
                    condition: None,
                    target: t,
                    effects,
                }),
                _ => {}
            }
        }
        let ending = raw.ending.as_ref().and_then(|e| {
            let p = with(&base, Seg::Field("ending"));
            match self.ending_names.get(e.as_str()) {
                Some(&id) => Some(id),
                None => {
                    let help = self.suggest(e, self.ending_names.keys().copied());
                    let titles = self.endings.iter().map(|x| (x.id.as_str(), x.title.as_str()));
                    let (message, help) = match crate::story::syntax::ending_by_title(e, titles) {
                        Some((message, help)) => (message, Some(help)),
                        None => (format!("no ending has the id `{e}`"), help),
                    };
                    self.cx.at(
                        Severity::Error,
                        file,
                        &p,
                        message,
                        Some("unknown ending".into()),
                        help.or_else(|| Some(format!("declare it in `endings` of {MANIFEST}"))),
                    );
                    None
                }
            }
        });
        if raw.ending.is_some() && (!raw.choices.is_empty() || !raw.auto.is_empty()) {
            self.cx.error(
                file,
                &with(&base, Seg::Field("ending")),
                format!(
                    "the scene `{}` is an ending but has choices or autos; an ending finishes the game",
                    raw.id
                ),
            );
        }
        if raw.ending.is_none() && raw.choices.is_empty() && raw.auto.is_empty() {
            self.cx.at(
                Severity::Error,
                file,
                &with(&base, Seg::Field("id")),
                format!(
                    "the scene `{}` has no way out: give it choices, an auto transition, or an `ending`",
                    raw.id
                ),
                Some("dead end".into()),
                None,
            );
        }
        if self.chances.len() > limits::CHANCES_PER_SCENE {
            self.cx.error(
                file,
                &base,
                format!(
                    "the scene `{}` has {} Chance conditions; the limit is {}",
                    raw.id,
                    self.chances.len(),
                    limits::CHANCES_PER_SCENE
                ),
            );
        }
        self.chance_allowed = false;
        Scene {
            tags: self.tags(&raw.tags, file, &base),
            id: raw.id.to_string(),
            title: raw.title.as_deref().unwrap_or(&raw.id).to_owned(),
            text,
            on_enter,
            choices,
            autos,
            ending,
            visit_slot: None,
            chances: std::mem::take(&mut self.chances),
            alts: {
                self.alt_scene = None;
                std::mem::take(&mut self.alts_here)
            },
        }
    }

    /// The reply of a choice (at path `p`): text like any other, but not empty, and not on a
    /// fallback (never shown, so nothing it says would be read in context).
    fn reply(&mut self, raw: &RawText, fallback: bool, file: usize, p: &Path<'_, '_>) -> Text {
        let rp = with(p, Seg::Field("reply"));
        let empty = raw.0.iter().all(|part| match part {
            RawPart::Text(s) => s.trim().is_empty(),
            RawPart::If(..) | RawPart::IfElse(..) => false,
        });
        if empty {
            self.cx.at(
                Severity::Error,
                file,
                &rp,
                "this reply is empty".into(),
                Some("empty reply".into()),
                Some("write what the player sees after taking the choice, or remove `reply`".into()),
            );
        }
        if fallback {
            self.cx.at(
                Severity::Error,
                file,
                &rp,
                "a fallback choice is taken without being shown, so it cannot have a reply".into(),
                Some("reply on a fallback".into()),
                Some("put the text in the scene it leads to".into()),
            );
        }
        self.text(raw, file, &rp)
    }

    pub(super) fn notebook(&mut self, raw: &RawText) -> Text {
        self.chance_allowed = false;
        let m = self.manifest_file;
        let text = self.text(raw, m, &Path::of(&[Seg::Field("notebook")]));
        self.forbid_breaks_text(
            &text,
            present::Unpaused::Notebook,
            m,
            &Path::of(&[Seg::Field("notebook")]),
        );
        text
    }
}

/// The bytes of text in a raw text (every side of its parts).
fn raw_text_len(t: &RawText) -> usize {
    t.0.iter()
        .map(|p| match p {
            RawPart::Text(t) | RawPart::If(_, t) => t.len(),
            RawPart::IfElse(_, a, b) => a.len() + b.len(),
        })
        .sum()
}

pub(super) fn with<'p, 'r>(p: &'p Path<'p, 'r>, s: Seg<'r>) -> Path<'p, 'r> {
    Path::With(p, s)
}

pub(super) fn with2<'p, 'r>(p: &'p Path<'p, 'r>, a: Seg<'r>, b: Seg<'r>) -> Path<'p, 'r> {
    Path::With2(p, a, b)
}
