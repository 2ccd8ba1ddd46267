//! Text in, [`Story`] or every diagnostic out.
//!
//! The loader never stops at the first problem: it parses every file, then checks every scene,
//! every reference and the shape of the graph, and returns all errors and warnings at once,
//! each pointing at `file:line:col`.

use super::diag::{Diagnostic, Excerpt, Severity};
use super::model::*;
use super::raw::*;
use super::span::{Seg, SpanIndex, SpanTree, line_col, offset_of};
use hashbrown::HashMap;
use smallvec::SmallVec;
use std::sync::Arc;

/// The name of the manifest file in a story folder.
pub const MANIFEST: &str = "story.ron";

/// Limits that keep a hostile folder from hanging or exhausting the machine.
pub mod limits {
    pub const FILE_BYTES: usize = 4 * 1024 * 1024;
    pub const STORY_BYTES: usize = 64 * 1024 * 1024;
    pub const FILES: usize = 10_000;
    pub const DEPTH: usize = 64;
    pub const SCENES: usize = 100_000;
    pub const CHOICES_PER_SCENE: usize = 200;
    pub const TEXT_PER_SCENE: usize = 64 * 1024;
    pub const CHANCES_PER_SCENE: usize = 64;
    pub const TRANSITIONS_PER_STEP: usize = 100;
    /// The largest weight of a random branch.
    pub const MAX_WEIGHT: i64 = 1_000_000;
}

/// One file of a story folder: its name as shown to the author, and its bytes.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What loading gives: the story if there were no errors, and every diagnostic.
#[derive(Debug)]
pub struct Loaded {
    pub story: Option<Story>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| !d.is_error())
    }
}

/// Loads a story from its files. The manifest is the file named `story.ron` (any folder
/// prefix); the others are scene files, read in the order given (sort them by name).
pub fn load_story(files: &[SourceFile]) -> Loaded {
    load_story_with(files, &LoadOptions::default())
}

/// How much to check beyond what makes a story valid.
#[derive(Debug, Clone, Copy)]
pub struct LoadOptions {
    /// The whole-story warnings (scenes unreachable from the start, variables never read):
    /// what `check` is for; a game about to be played can skip them.
    pub lints: bool,
}

impl Default for LoadOptions {
    fn default() -> LoadOptions {
        LoadOptions { lints: true }
    }
}

/// [`load_story`] with options: the same errors always, the whole-story warnings on request.
pub fn load_story_with(files: &[SourceFile], options: &LoadOptions) -> Loaded {
    let mut cx = Cx {
        files: Vec::new(),
        diags: Vec::new(),
        narrow: None,
    };
    let fingerprint = {
        let mut chunks: Vec<&[u8]> = Vec::new();
        for f in files {
            chunks.push(base_name(&f.name).as_bytes());
            chunks.push(&f.bytes);
        }
        stable_hash(&chunks)
    };

    // Read every file into text.
    let mut total = 0usize;
    for f in files.iter().take(limits::FILES) {
        total += f.bytes.len();
        cx.add_file(f);
    }
    if files.len() > limits::FILES {
        cx.error_file(
            0,
            format!(
                "the story has {} files; the limit is {}",
                files.len(),
                limits::FILES
            ),
        );
    }
    if total > limits::STORY_BYTES {
        cx.error_file(
            0,
            format!(
                "the story is {} bytes; the limit is {} bytes (64 MiB)",
                total,
                limits::STORY_BYTES
            ),
        );
    }

    let manifest_idx = cx.files.iter().position(|f| base_name(&f.name) == MANIFEST);
    let manifest: Option<RawManifest> = match manifest_idx {
        Some(i) => cx.parse(i),
        None => {
            cx.diags.push(Diagnostic {
                severity: Severity::Error,
                // Named in the folder of the other files, where the author should put it.
                file: Arc::from(
                    files
                        .first()
                        .and_then(|f| f.name.rsplit_once(['/', '\\']))
                        .map_or_else(|| MANIFEST.to_owned(), |(dir, _)| format!("{dir}/{MANIFEST}")),
                ),
                line: 1,
                col: 1,
                message: format!("the story has no manifest: every story folder needs a `{MANIFEST}`"),
                label: None,
                help: Some("see docs/AUTHORING.md, section \"The manifest\"".into()),
                span: None,
                source: None,
            });
            None
        }
    };

    // Each file's scenes, as read (not copied into one list of all scenes).
    let mut lists: Vec<(usize, Vec<RawScene>)> = Vec::new();
    // Scene ids of files RON rejected, read leniently: references to them are not errors, and
    // the checks that need the whole story are skipped.
    let mut broken_ids: Vec<String> = Vec::new();
    // A scene file that could not be read as text at all (too big, not UTF-8: UTF-16 reads as
    // nothing) may declare any scene: then no reference is reported as unknown.
    let mut ids_unknown = false;
    let mut complete = true;
    for i in 0..cx.files.len() {
        if Some(i) == manifest_idx {
            continue;
        }
        match cx.parse::<Vec<RawScene>>(i) {
            Some(list) => lists.push((i, list)),
            None if cx.files[i].skip => {
                complete = false;
                ids_unknown = true;
            }
            None => {
                complete = false;
                broken_ids.extend(SpanTree::top_level_ids(&cx.files[i].text));
            }
        }
    }

    // Where each scene is written (file, index in the file), by scene number.
    let locs: Vec<(usize, usize)> = lists
        .iter()
        .flat_map(|(file, list)| (0..list.len()).map(|idx| (*file, idx)))
        .collect();

    let Some(manifest) = manifest else {
        return cx.finish(None);
    };
    let m = manifest_idx.unwrap_or(0);
    if locs.len() > limits::SCENES {
        cx.error_file(
            m,
            format!(
                "the story has {} scenes; the limit is {}",
                locs.len(),
                limits::SCENES
            ),
        );
        return cx.finish(None);
    }

    let mut b = Builder::new(&mut cx, m, &manifest);
    b.declare_scenes(&lists, &locs);
    b.broken_ids = broken_ids.iter().map(String::as_str).collect();
    b.ids_unknown = ids_unknown;
    let start = b.scene_ref(&manifest.start, m, &[Seg::Field("start")]);
    // The raw scenes are consumed one by one, so raw and validated forms of the whole story
    // never coexist.
    let mut scenes: Vec<Scene> = Vec::with_capacity(locs.len());
    for (file, list) in lists {
        for (idx, raw) in list.into_iter().enumerate() {
            scenes.push(b.scene(file, idx, &raw));
        }
    }
    let notebook = b.notebook(&manifest.notebook);
    let once_slots = b.once_slots;
    let tracked = std::mem::take(&mut b.tracked);
    for (slot, s) in tracked.iter().enumerate() {
        scenes[s.index()].visit_slot = Some(slot as u32);
    }
    let scene_names = std::mem::take(&mut b.scene_names);
    let used = std::mem::take(&mut b.usage);
    let Builder { vars, endings, .. } = b;
    let var_names = vars
        .iter()
        .enumerate()
        .map(|(i, v)| (v.name.clone(), VarId(i as u32)))
        .collect();

    let story = Story {
        id: manifest.id.to_string(),
        title: manifest.title.to_string(),
        author: manifest.author.to_string(),
        version: manifest.version.to_string(),
        about: fold_whitespace(&manifest.about),
        start: start.unwrap_or(SceneId(0)),
        vars,
        scenes,
        endings,
        notebook,
        scene_names,
        var_names,
        once_slots,
        tracked,
        fingerprint,
    };

    // Checks of the whole graph need every file; the warnings also need every reference
    // resolved, or they would only echo the errors.
    if complete {
        check_graph(&mut cx, &story, &locs, m);
        if options.lints && !cx.diags.iter().any(Diagnostic::is_error) && start.is_some() {
            lint_unreachable(&mut cx, &story, &locs, &manifest);
            lint_vars(&mut cx, &story, &used, m);
        }
    }

    if cx.diags.iter().any(Diagnostic::is_error) {
        cx.finish(None)
    } else {
        cx.finish(Some(story))
    }
}

fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// Variable usage, for the "set but never read" warning.
#[derive(Default, Clone, Copy)]
struct Usage {
    read: bool,
    written: bool,
}

#[derive(Default)]
/// The files being loaded and the diagnostics so far. The text is borrowed from the caller's
/// bytes; a diagnostic keeps only the lines it shows.
struct Cx<'a> {
    files: Vec<FileText<'a>>,
    diags: Vec<Diagnostic>,
    /// While set, a diagnostic inside a value points at this text within it when found.
    narrow: Option<String>,
}

struct FileText<'a> {
    name: Arc<str>,
    text: std::borrow::Cow<'a, str>,

    /// Whether RON accepted the file (only then is its span tree meaningful).
    parsed: bool,
    /// Built on the first diagnostic that needs it: a story without problems never pays for it.
    tree: std::cell::OnceCell<SpanIndex>,
    /// Too big or not UTF-8: reported once, not parsed.
    skip: bool,
    /// Byte offsets of line starts, built on the first diagnostic.
    lines: std::cell::OnceCell<Vec<usize>>,
}

impl FileText<'_> {
    /// 1-based line and column (in characters) of a byte offset, in O(log lines).
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let lines = self.lines.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = lines.partition_point(|&start| start <= offset);
        let start = lines[line - 1];
        (line, self.text[start..offset].chars().count() + 1)
    }

    fn tree(&self) -> Option<&SpanIndex> {
        self.parsed
            .then(|| self.tree.get_or_init(|| SpanIndex::new(&self.text)))
    }
}

impl<'a> Cx<'a> {
    fn add_file(&mut self, f: &'a SourceFile) {
        let name: Arc<str> = Arc::from(f.name.as_str());
        let too_big = f.bytes.len() > limits::FILE_BYTES;
        // A UTF-8 byte-order mark (as some editors write) is not part of the text.
        let bytes = f.bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&f.bytes);
        let (text, unreadable) = match std::str::from_utf8(bytes) {
            Ok(t) => (std::borrow::Cow::Borrowed(t), false),
            Err(e) => {
                let good = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or("");
                let (line, col) = line_col(good, good.len());
                self.diags.push(Diagnostic {
                    severity: Severity::Error,
                    file: name.clone(),
                    line,
                    col,
                    message: "the file is not valid UTF-8 text".into(),
                    label: None,
                    help: Some("save the file as UTF-8".into()),
                    span: None,
                    source: None,
                });
                // Kept (lossily) only so that the scene ids it declares are known.
                (String::from_utf8_lossy(bytes), true)
            }
        };
        let idx = self.files.len();
        self.files.push(FileText {
            name,
            text,
            parsed: false,
            tree: std::cell::OnceCell::new(),
            skip: too_big || unreadable,
            lines: std::cell::OnceCell::new(),
        });
        if too_big {
            self.error_file(
                idx,
                format!(
                    "the file is larger than the limit of {} bytes (4 MiB)",
                    limits::FILE_BYTES
                ),
            );
        }
    }

    /// Reads a file as a `T`, which borrows its strings from the file's text.
    fn parse<T: serde::Deserialize<'a>>(&mut self, file: usize) -> Option<T> {
        let f = &self.files[file];
        // Only a file that is not UTF-8 has an owned (lossy) text, and it is skipped.
        let text: &'a str = match &f.text {
            std::borrow::Cow::Borrowed(text) if !f.skip => text,
            _ => return None,
        };
        // Plain files are read by the fast reader; `ron` reads the rest and reports every error.
        if let Some(v) = super::fast::read::<T>(text) {
            self.files[file].parsed = true;
            return Some(v);
        }
        match ron_options().from_str::<T>(text) {
            Ok(v) => {
                self.files[file].parsed = true;
                Some(v)
            }
            Err(e) => {
                let mut start = offset_of(text, e.span.start.line, e.span.start.col);
                let mut end = offset_of(text, e.span.end.line, e.span.end.col).max(start);
                let (mut message, mut help) = ron_message(&e.code);
                let manifest = base_name(&f.name) == MANIFEST;
                if let Some(t) = super::syntax::translate(&f.name, text, manifest, &e.code, start, &message) {
                    (start, end, message, help) = (t.start, t.end, t.message, Some(t.help));
                } else if matches!(e.code, ron::Error::ExpectedComma) {
                    // A missing comma is noticed at the next value, often on the next line: point
                    // just after the value that wants the comma instead.
                    let after = previous_token_end(text, start);
                    if text[after..start].contains('\n') {
                        start = after;
                        end = after;
                    }
                }
                // RON's position, clamped into the file.
                let (line, col) = f.line_col(start);
                let span = Some((start, end.max(start + 1).min(text.len().max(start))));
                let source = Excerpt::around(text, start, end.max(start + 1), line);
                self.diags.push(Diagnostic {
                    severity: Severity::Error,
                    file: self.files[file].name.clone(),
                    line,
                    col,
                    message,
                    label: None,
                    help,
                    span,
                    source,
                });
                None
            }
        }
    }

    fn at(
        &mut self,
        severity: Severity,
        file: usize,
        path: &[Seg],
        message: String,
        label: Option<String>,
        help: Option<String>,
    ) {
        let f = &self.files[file];
        let mut span = f.tree().map(|t| t.find(&f.text, path)).unwrap_or_default();
        // Inside a string, point at the culprit (a `{name}`) rather than the string's start.
        if let Some(needle) = self.narrow.as_deref()
            && let Some(i) = f.text.get(span.start..span.end).and_then(|t| t.find(needle))
        {
            span = super::span::Span {
                start: span.start + i,
                end: span.start + i + needle.len(),
            };
        }
        let (line, col) = f.line_col(span.start);
        self.diags.push(Diagnostic {
            severity,
            file: f.name.clone(),
            line,
            col,
            message,
            label,
            help,
            span: Some((span.start, span.end)),
            source: Excerpt::around(&f.text, span.start, span.end, line),
        });
    }

    fn error(&mut self, file: usize, path: &[Seg], message: String) {
        self.at(Severity::Error, file, path, message, None, None);
    }

    fn error_file(&mut self, file: usize, message: String) {
        let name = self
            .files
            .get(file)
            .map_or_else(|| Arc::from(MANIFEST), |f| f.name.clone());
        self.diags.push(Diagnostic {
            severity: Severity::Error,
            file: name,
            line: 1,
            col: 1,
            message,
            label: None,
            help: None,
            span: None,
            source: None,
        });
    }

    fn position(&self, file: usize, path: &[Seg]) -> String {
        let f = &self.files[file];
        let span = f.tree().map(|t| t.find(&f.text, path)).unwrap_or_default();
        let (line, col) = f.line_col(span.start);
        format!("{}:{line}:{col}", f.name)
    }

    fn finish(mut self, story: Option<Story>) -> Loaded {
        let order: HashMap<Arc<str>, usize> = self
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name.clone(), i))
            .collect();
        self.diags
            .sort_by_key(|d| (order.get(&d.file).copied().unwrap_or(0), d.line, d.col));
        Loaded {
            story,
            diagnostics: self.diags,
        }
    }
}

/// RON's error, in an author's words.
/// How story files are read with `ron`: `Some` may be left out, and nesting is limited.
pub fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(limits::DEPTH)
}

fn ron_message(code: &ron::Error) -> (String, Option<String>) {
    use ron::Error as E;
    match code {
        E::ExceededRecursionLimit => (
            format!("the file nests values more than {} levels deep", limits::DEPTH),
            Some("flatten the conditions or lists here".into()),
        ),
        E::NoSuchStructField {
            expected,
            found,
            outer,
        } => {
            let list = expected.join("`, `");
            let wher = outer.as_deref().map(|o| format!(" in `{o}`")).unwrap_or_default();
            let help = match closest(found, expected.iter().copied()) {
                Some(near) => format!("did you mean `{near}`? The fields allowed here are `{list}`"),
                None => format!("the fields allowed here are `{list}`"),
            };
            (format!("unknown field `{found}`{wher}"), Some(help))
        }
        E::MissingStructField { field, outer } => {
            let wher = outer.as_deref().map(|o| format!(" `{o}`")).unwrap_or_default();
            (format!("missing field `{field}` in{wher}"), None)
        }
        E::DuplicateStructField { field, outer } => {
            let wher = outer.as_deref().map(|o| format!(" in `{o}`")).unwrap_or_default();
            (format!("the field `{field}` is given twice{wher}"), None)
        }
        E::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => {
            let list = expected.join("`, `");
            let wher = outer
                .as_deref()
                .map(|o| format!(" for `{o}`"))
                .unwrap_or_default();
            let help = match closest(found, expected.iter().copied()) {
                Some(near) => format!("did you mean `{near}`? Expected one of `{list}`"),
                None => format!("expected one of `{list}`"),
            };
            (format!("unknown name `{found}`{wher}"), Some(help))
        }
        other => {
            let mut msg = without_raw_names(&other.to_string());
            if let Some(first) = msg.get(..1) {
                msg = first.to_lowercase() + &msg[1..];
            }
            (msg.trim_end_matches('.').to_string(), None)
        }
    }
}

/// The end of the last token before `offset`, skipping whitespace and `//` comments.
fn previous_token_end(text: &str, offset: usize) -> usize {
    let mut end = offset.min(text.len());
    loop {
        let before = text[..end].trim_end();
        // A `//` comment at the end of the line before: skip it too.
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        match before[line_start..].find("//") {
            // Outside a string (an even number of quotes before it): a comment.
            Some(i)
                if before[line_start..line_start + i]
                    .matches('"')
                    .count()
                    .is_multiple_of(2) =>
            {
                end = line_start + i
            }
            _ => return before.len(),
        }
    }
}

/// RON names the serde types in some messages (`tuple variant RawEffect::Add`): the author
/// wrote `Add`, so the `RawEffect::` is dropped.
fn without_raw_names(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg;
    while let Some(at) = rest.find("Raw") {
        let name_end = rest[at + 3..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(rest.len(), |i| at + 3 + i);
        out.push_str(&rest[..at]);
        if rest[name_end..].starts_with("::") {
            rest = &rest[name_end + 2..];
        } else {
            out.push_str(&rest[at..name_end]);
            rest = &rest[name_end..];
        }
    }
    out.push_str(rest);
    out
}

/// Paths into the raw files, as owned segments (map keys borrow from the raw data).
/// A path into a file: a fixed array on the stack, since the loader builds one for every
/// value it checks and needs it only when something is wrong. Paths deeper than its capacity
/// keep their first segments (the position is then that of an enclosing value).
#[derive(Clone, Copy)]
struct Path<'r> {
    segs: [Seg<'r>; 24],
    len: usize,
}

impl<'r> Path<'r> {
    fn from(p: &[Seg<'r>]) -> Path<'r> {
        let mut out = Path {
            segs: [Seg::Index(0); 24],
            len: 0,
        };
        for &seg in p {
            out.push(seg);
        }
        out
    }

    fn push(&mut self, seg: Seg<'r>) {
        if self.len < self.segs.len() {
            self.segs[self.len] = seg;
            self.len += 1;
        }
    }
}

impl<'r> std::ops::Deref for Path<'r> {
    type Target = [Seg<'r>];
    fn deref(&self) -> &[Seg<'r>] {
        &self.segs[..self.len]
    }
}

struct Builder<'c, 'r, 'a> {
    cx: &'c mut Cx<'a>,
    manifest_file: usize,
    vars: Vec<VarDecl>,
    var_names: HashMap<&'r str, VarId>,
    endings: Vec<Ending>,
    ending_names: HashMap<&'r str, EndingId>,
    scene_names: HashMap<String, SceneId>,
    usage: Vec<Usage>,
    once_slots: u32,
    /// Chance slots of the scene being built.
    chances: Vec<u8>,
    chance_allowed: bool,
    /// Scenes whose visits some condition reads, in order of first use: slot -> scene.
    tracked: Vec<SceneId>,
    /// Scene ids of files that did not parse.
    broken_ids: hashbrown::HashSet<&'r str>,
    /// Some scene file could not be read as text: any scene id may exist.
    ids_unknown: bool,
    /// The slot of each scene in `tracked`.
    tracked_slots: HashMap<SceneId, u32>,
    /// What is left of the work allowed for "did you mean" suggestions (edit-distance cells).
    suggest_budget: std::cell::Cell<usize>,
}

/// The edit-distance cells all suggestions of one story may cost: a fraction of a second.
const SUGGEST_BUDGET: usize = 20_000_000;

fn valid_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

impl<'c, 'r, 'a> Builder<'c, 'r, 'a> {
    fn new(cx: &'c mut Cx<'a>, m: usize, manifest: &'r RawManifest) -> Self {
        let mut b = Builder {
            cx,
            manifest_file: m,
            vars: Vec::new(),
            var_names: HashMap::new(),
            endings: Vec::new(),
            ending_names: HashMap::new(),
            scene_names: HashMap::new(),
            usage: Vec::new(),
            once_slots: 0,
            chances: Vec::new(),
            chance_allowed: false,
            tracked: Vec::new(),
            tracked_slots: HashMap::new(),
            suggest_budget: std::cell::Cell::new(SUGGEST_BUDGET),
            broken_ids: Default::default(),
            ids_unknown: false,
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
                    initial: Value::Text(Arc::from(t.as_str())),
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
                            &p,
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
        b.usage = vec![Usage::default(); b.vars.len()];
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
        b
    }

    fn first_key_pos(&self, map: &[Seg], n: usize) -> String {
        let f = &self.cx.files[self.manifest_file];
        let span = f
            .tree()
            .and_then(|t| t.nth_key(&f.text, map, n))
            .unwrap_or_default();
        let (line, col) = f.line_col(span.start);
        format!("{}:{line}:{col}", f.name)
    }

    fn dup_key(&mut self, file: usize, map: &[Seg], n: usize, message: String) {
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

    /// Numbers the scenes in file order (`locs[n]` is where scene `n` is written).
    fn declare_scenes(&mut self, lists: &[(usize, Vec<RawScene>)], locs: &[(usize, usize)]) {
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

    fn scene_ref(&mut self, name: &str, file: usize, path: &[Seg]) -> Option<SceneId> {
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
    fn suggest<'x>(&self, name: &str, candidates: impl Iterator<Item = &'x str>) -> Option<String> {
        let mut best: Option<(usize, &str)> = None;
        for c in candidates {
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
            let d = edit_distance(name, c);
            if d <= limit && d < longest && best.is_none_or(|b| (d, c) < b) {
                best = Some((d, c));
            }
        }
        best.map(|(_, c)| format!("did you mean `{c}`?"))
    }

    fn var_ref(
        &mut self,
        name: &str,
        file: usize,
        path: &[Seg],
        want: Option<VarKind>,
        read: bool,
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
        if read {
            self.usage[id.index()].read = true;
        } else {
            self.usage[id.index()].written = true;
        }
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

    fn scene(&mut self, file: usize, idx: usize, raw: &RawScene) -> Scene {
        let base = Path::from(&[Seg::Index(idx)]);
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
        let text_len: usize = raw
            .text
            .0
            .iter()
            .map(|p| match p {
                RawPart::Text(t) | RawPart::If(_, t) => t.len(),
                RawPart::IfElse(_, a, b) => a.len() + b.len(),
            })
            .sum::<usize>()
            + raw.choices.iter().map(|c| c.text.len()).sum::<usize>();
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
        for (j, c) in raw.choices.iter().enumerate() {
            let p = with2(&base, Seg::Field("choices"), Seg::Index(j));
            let condition = c
                .condition
                .as_ref()
                .map(|cd| self.cond(cd, file, &with(&p, Seg::Field("if"))));
            let text = self.line(&c.text, file, &with(&p, Seg::Field("text")));
            let target = self.target(c.goto.as_deref(), c.branches.as_deref(), file, &p);
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
                RawLocked::Explain(s) => Locked::Explain(fold_whitespace(s)),
            };
            if c.fallback && locked != Locked::Hide {
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
                    text,
                    target,
                    condition,
                    effects,
                    once,
                    fallback: c.fallback,
                    locked,
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
            let target = self.target(a.goto.as_deref(), a.branches.as_deref(), file, &p);
            let effects = self.effects(&a.effects, file, &with(&p, Seg::Field("effects")));
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
                    let (message, help) = match super::syntax::ending_by_title(e, titles) {
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
            id: raw.id.to_string(),
            title: raw.title.as_deref().unwrap_or(&raw.id).to_owned(),
            text,
            on_enter,
            choices,
            autos,
            ending,
            visit_slot: None,
            chances: std::mem::take(&mut self.chances),
        }
    }

    fn notebook(&mut self, raw: &RawText) -> Text {
        self.chance_allowed = false;
        let m = self.manifest_file;
        self.text(raw, m, &[Seg::Field("notebook")])
    }

    fn target(
        &mut self,
        goto: Option<&str>,
        branches: Option<&[RawBranch]>,
        file: usize,
        p: &[Seg],
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
                .scene_ref(g, file, &with(p, Seg::Field("goto")))
                .map(Target::Goto),
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
                    let target = self.scene_ref(&br.goto, file, &with(&bp, Seg::Field("goto")));
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

    fn effects(&mut self, raw: &[RawEffect], file: usize, p: &[Seg]) -> Vec<Effect> {
        let mut out = Vec::with_capacity(raw.len());
        for (k, e) in raw.iter().enumerate() {
            let ep = with(p, Seg::Index(k));
            let name_path = with(&ep, Seg::Index(0));
            match e {
                RawEffect::Set(name, value) => {
                    let Some(id) = self.var_ref(name, file, &name_path, None, false) else {
                        continue;
                    };
                    if let Some(v) = self.literal(id, value, file, &with(&ep, Seg::Index(1)), true) {
                        out.push(Effect::Set(id, v));
                    }
                }
                RawEffect::Add(name, n) => {
                    if let Some(id) = self.var_ref(name, file, &name_path, Some(VarKind::Int), false) {
                        out.push(Effect::Add(id, *n));
                    }
                }
                RawEffect::Toggle(name) => {
                    if let Some(id) = self.var_ref(name, file, &name_path, Some(VarKind::Bool), false) {
                        // a toggle reads the value too
                        self.usage[id.index()].read = true;
                        out.push(Effect::Toggle(id));
                    }
                }
            }
        }
        out
    }

    /// A literal for variable `id`, type-checked (and range-checked for `Set`).
    fn literal(&mut self, id: VarId, value: &RawValue, file: usize, p: &[Seg], range: bool) -> Option<Value> {
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
            (VarKind::Text, RawValue::Text(t)) => Some(Value::Text(Arc::from(t.as_str()))),
            (kind, v) => {
                let got = match v {
                    RawValue::Bool(_) => "a Bool",
                    RawValue::Int(_) => "an Int",
                    RawValue::Text(_) => "a Text",
                };
                let message = format!("`{}` is {kind} but this value is {got}", name());
                self.cx.error(file, p, message);
                None
            }
        }
    }

    fn cond(&mut self, raw: &RawCond, file: usize, p: &[Seg]) -> Condition {
        // On error, a placeholder keeps the walk going; the story is discarded anyway.
        let placeholder = Condition::All(Vec::new());
        match raw {
            RawCond::Flag(name) => self
                .var_ref(name, file, &with(p, Seg::Index(0)), Some(VarKind::Bool), true)
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
                let Some(id) = self.var_ref(name, file, &with(p, Seg::Index(0)), None, true) else {
                    return placeholder;
                };
                let Some(op) = self.op(op, file, &with(p, Seg::Index(1))) else {
                    return placeholder;
                };
                let kind = self.vars[id.index()].initial.kind();
                if kind != VarKind::Int && !matches!(op, Op::Eq | Op::Ne) {
                    self.cx.error(
                        file,
                        &with(p, Seg::Index(1)),
                        format!("`{name}` is {kind}: compare it with `==` or `!=` only"),
                    );
                    return placeholder;
                }
                match self.literal(id, value, file, &with(p, Seg::Index(2)), false) {
                    Some(v) => Condition::Compare(id, op, v),
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
            RawCond::Chance(percent) => {
                if !(0..=100).contains(percent) {
                    self.cx.error(
                        file,
                        &with(p, Seg::Index(0)),
                        format!("Chance takes a percentage from 0 to 100, not {percent}"),
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

    fn visits(&mut self, scene: SceneId, op: Op, n: i64) -> Condition {
        let next = self.tracked.len() as u32;
        let slot = *self.tracked_slots.entry(scene).or_insert(next);
        if slot == next {
            self.tracked.push(scene);
        }
        Condition::Visits { scene, slot, op, n }
    }

    fn op(&mut self, op: &str, file: usize, p: &[Seg]) -> Option<Op> {
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

    fn text(&mut self, raw: &RawText, file: usize, p: &[Seg]) -> Text {
        let mut paras = Vec::with_capacity(raw.0.len());
        let single = raw.0.len() == 1 && matches!(raw.0[0], RawPart::Text(_));
        for (k, part) in raw.0.iter().enumerate() {
            // A plain string has no list around it, so its path is the field itself.
            let pp = if single {
                Path::from(p)
            } else {
                with(p, Seg::Index(k))
            };
            match part {
                RawPart::Text(s) => {
                    for line in self.paragraphs(s, file, &pp) {
                        paras.push(Para::Always(line));
                    }
                }
                RawPart::If(c, s) => {
                    let cond = self.cond(c, file, &with(&pp, Seg::Index(0)));
                    let line = self.line(s, file, &with(&pp, Seg::Index(1)));
                    paras.push(Para::If(cond, line, None));
                }
                RawPart::IfElse(c, a, b) => {
                    let cond = self.cond(c, file, &with(&pp, Seg::Index(0)));
                    let a = self.line(a, file, &with(&pp, Seg::Index(1)));
                    let b = self.line(b, file, &with(&pp, Seg::Index(2)));
                    paras.push(Para::If(cond, a, Some(b)));
                }
            }
        }
        Text(paras)
    }

    /// Splits a string on blank lines into paragraphs, each folded and interpolated.
    fn paragraphs(&mut self, s: &str, file: usize, p: &[Seg]) -> Vec<Line> {
        // The common case, one line of text: no copy before `line`.
        if memchr::memchr(b'\n', s.as_bytes()).is_none() {
            return if s.trim().is_empty() {
                Vec::new()
            } else {
                vec![self.line(s, file, p)]
            };
        }
        let mut out = Vec::new();
        let mut current = String::new();
        for line in s.split('\n') {
            if line.trim().is_empty() {
                if !current.is_empty() {
                    out.push(self.line(&current, file, p));
                    current.clear();
                }
            } else {
                if !current.is_empty() {
                    current.push(' ');
                }
                current.push_str(line);
            }
        }
        if !current.is_empty() {
            out.push(self.line(&current, file, p));
        }
        out
    }

    /// One paragraph: whitespace folded, `{var}` resolved.
    fn line(&mut self, s: &str, file: usize, p: &[Seg]) -> Line {
        let folded = fold_whitespace(s);
        // The common case, no braces: the folded text is the line.
        if memchr::memchr2(b'{', b'}', folded.as_bytes()).is_none() {
            return Line(if folded.is_empty() {
                SmallVec::new()
            } else {
                smallvec::smallvec![Piece::Lit(folded)]
            });
        }
        let mut pieces = SmallVec::new();
        let mut lit = String::new();
        let mut chars = folded.char_indices().peekable();
        while let Some((_, c)) = chars.next() {
            match c {
                '{' if chars.peek().map(|&(_, c)| c) == Some('{') => {
                    chars.next();
                    lit.push('{');
                }
                '}' if chars.peek().map(|&(_, c)| c) == Some('}') => {
                    chars.next();
                    lit.push('}');
                }
                '{' => {
                    let mut name = String::new();
                    let mut closed = false;
                    for (_, c) in chars.by_ref() {
                        if c == '}' {
                            closed = true;
                            break;
                        }
                        name.push(c);
                    }
                    if !closed {
                        self.cx.narrow = Some(format!("{{{name}"));
                        self.cx.error(file, p, format!("`{{{name}` is not closed: write `{{name}}` to show a variable, or `{{{{` for a brace"));
                        self.cx.narrow = None;
                        continue;
                    }
                    self.cx.narrow = Some(format!("{{{name}}}"));
                    let name = name.trim();
                    let id = self.var_ref(name, file, p, None, true);
                    self.cx.narrow = None;
                    if let Some(id) = id {
                        if !lit.is_empty() {
                            pieces.push(Piece::Lit(std::mem::take(&mut lit)));
                        }
                        pieces.push(Piece::Var(id));
                    }
                }
                '}' => {
                    self.cx
                        .error(file, p, "a lone `}` in text: write `}}` for a brace".into());
                }
                c => lit.push(c),
            }
        }
        if !lit.is_empty() {
            pieces.push(Piece::Lit(lit));
        }
        Line(pieces)
    }
}

fn with<'r>(p: &[Seg<'r>], s: Seg<'r>) -> Path<'r> {
    let mut v = Path::from(p);
    v.push(s);
    v
}

fn with2<'r>(p: &[Seg<'r>], a: Seg<'r>, b: Seg<'r>) -> Path<'r> {
    let mut v = Path::from(p);
    v.push(a);
    v.push(b);
    v
}

/// Trims and folds every run of whitespace into one space, in one pass.
fn fold_whitespace(s: &str) -> String {
    // Fast path: already folded (plain ASCII, single spaces inside, none at the ends).
    let b = s.as_bytes();
    let folded = !s.starts_with(' ')
        && !s.ends_with(' ')
        && !flags_any(b, |c| !(b' '..0x80).contains(&c))
        && memchr::memmem::find(b, b"  ").is_none();
    if folded {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Whether `flag` holds for any byte: a branch-free scan the compiler vectorizes, for the
/// long texts of big stories (an early-exit `any` cannot be vectorized).
fn flags_any(bytes: &[u8], flag: impl Fn(u8) -> bool) -> bool {
    bytes
        .chunks(256)
        .any(|chunk| chunk.iter().fold(false, |acc, &c| acc | flag(c)))
}

fn range_text(lo: i64, hi: i64) -> String {
    match (lo == i64::MIN, hi == i64::MAX) {
        (true, true) => "(unbounded)".into(),
        (false, true) => format!("{lo}.."),
        (true, false) => format!("..={hi}"),
        (false, false) => format!("{lo}..={hi}"),
    }
}

/// The candidate nearest to a misspelled name, when one is near enough to be a typo.
fn closest<'x>(name: &str, candidates: impl Iterator<Item = &'x str>) -> Option<&'x str> {
    candidates
        .map(|c| (edit_distance(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(name.len().max(c.len()) / 3) && *d < name.len().max(c.len()))
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Every target a scene can move to: choices, autos and branches.
pub(crate) fn targets_of(scene: &Scene) -> impl Iterator<Item = SceneId> + '_ {
    let from_choices = scene.choices.iter().map(|c| &c.target);
    let from_autos = scene.autos.iter().map(|a| &a.target);
    from_choices.chain(from_autos).flat_map(|t| {
        let v: Vec<SceneId> = match t {
            Target::Goto(s) => vec![*s],
            Target::Branches(bs) => bs.iter().map(|b| b.target).collect(),
        };
        v
    })
}

fn auto_targets(scene: &Scene) -> Vec<SceneId> {
    scene
        .autos
        .iter()
        .flat_map(|a| match &a.target {
            Target::Goto(s) => vec![*s],
            Target::Branches(bs) => bs.iter().map(|b| b.target).collect(),
        })
        .collect()
}

fn check_graph(cx: &mut Cx, story: &Story, locs: &[(usize, usize)], m: usize) {
    let n = story.scenes.len();
    // Every declared ending is used by some scene.
    let mut used = vec![false; story.endings.len()];
    for s in &story.scenes {
        if let Some(e) = s.ending {
            used[e.index()] = true;
        }
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
    let auto_edges: Vec<Vec<SceneId>> = story.scenes.iter().map(auto_targets).collect();
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

/// Scenes unreachable from the start (ignoring conditions): a warning.
fn lint_unreachable(cx: &mut Cx, story: &Story, locs: &[(usize, usize)], manifest: &RawManifest) {
    let n = story.scenes.len();
    if n > 0 {
        let mut seen = vec![false; n];
        let mut stack = vec![story.start];
        seen[story.start.index()] = true;
        while let Some(s) = stack.pop() {
            for t in targets_of(story.scene(s)) {
                if !seen[t.index()] {
                    seen[t.index()] = true;
                    stack.push(t);
                }
            }
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

fn lint_vars(cx: &mut Cx, story: &Story, used: &[Usage], m: usize) {
    for (decl, u) in story.vars.iter().zip(used) {
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
fn strongly_connected(n: usize, edges: &[Vec<SceneId>]) -> Vec<Vec<SceneId>> {
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
