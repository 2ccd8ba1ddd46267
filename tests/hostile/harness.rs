//! The hostile-input harnesses, shared by the property tests (`tests/it/hostile_props.rs`),
//! the fuzz regression tests and the fuzz targets (`fuzz/fuzz_targets/*.rs` include this file
//! by path). Each takes arbitrary bytes and panics only when the program misbehaves:
//!
//! - [`story_folder`]: the bytes split into the files of a story folder, loaded; every
//!   diagnostic must point inside its file and render without a raw control character.
//! - [`save`]: the bytes read as a save of the example story; a save that loads must play and
//!   write back to the same state.
//! - [`commands`]: the bytes split into input lines for a game session (the command parser,
//!   meta-commands, saves); nothing it prints may hold a raw control character.
//! - [`engine`]: the bytes turned into a valid story ([`generate_story`]) and a list of
//!   choices; every step keeps the state's invariants, and replaying gives the same state.
//! - [`fast_reader`]: the bytes as one story file, read by the loader's fast reader and by
//!   `ron`; whenever the fast reader gives a value, `ron` gives the same ([`reads_alike`]).
//!   [`story_folder`] checks the same of each of its files.
//!
//! Nothing here depends on proptest or libFuzzer: only on the `interview` library.

#![allow(dead_code)]

use interview::commands::StorySource;
use interview::engine::{self, GameState, StepError};
use interview::play::{Config, Input, Look, Reply, Session, render};
use interview::save;
use interview::story::{SourceFile, Story, Value, load_story};
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Splits the files of a folder in [`story_folder`]'s input. Never in UTF-8 text, so a seed
/// made of real files keeps them whole.
pub const SEPARATOR: u8 = 0xff;
/// At most this many steps are played in one input.
const MAX_STEPS: usize = 200;
/// At most this many input lines are handled in one session.
const MAX_LINES: usize = 64;

// ---------------------------------------------------------------------------------------------
// Reading bytes

/// A reader of fuzz bytes that never fails: past the end it reads zeros.
pub struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Bytes<'a> {
    pub fn new(data: &'a [u8]) -> Bytes<'a> {
        Bytes { data, pos: 0 }
    }

    pub fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { usize::from(self.byte()) % n }
    }

    pub fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[self.below(items.len())]
    }

    pub fn u64(&mut self) -> u64 {
        (0..8).fold(0, |acc, _| (acc << 8) | u64::from(self.byte()))
    }

    pub fn exhausted(&self) -> bool {
        self.pos >= self.data.len()
    }
}

// ---------------------------------------------------------------------------------------------
// Fixtures

/// The project's root (the fuzz crate lives one folder down).
pub fn root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    if here.join("docs/example").is_dir() {
        here.to_path_buf()
    } else {
        here.parent()
            .expect("the fuzz crate is inside the project")
            .to_path_buf()
    }
}

pub fn example_dir() -> PathBuf {
    root().join("docs/example")
}

/// A valid story whose every text holds escape sequences, C1 controls and bidi overrides.
pub fn hostile_dir() -> PathBuf {
    root().join("tests/fixtures/hostile/story")
}

/// Loads a story folder; panics with every diagnostic if it does not load.
pub fn load_dir(dir: &Path) -> Story {
    let files = interview::files::read_story_dir(dir).expect("the fixture folder reads");
    let loaded = load_story(&files);
    let headlines: Vec<String> = loaded.diagnostics.iter().map(|d| d.headline()).collect();
    loaded
        .story
        .unwrap_or_else(|| panic!("{} must load: {headlines:#?}", dir.display()))
}

pub fn example() -> &'static Story {
    static STORY: OnceLock<Story> = OnceLock::new();
    STORY.get_or_init(|| load_dir(&example_dir()))
}

pub fn hostile() -> &'static Story {
    static STORY: OnceLock<Story> = OnceLock::new();
    STORY.get_or_init(|| load_dir(&hostile_dir()))
}

/// A fresh, empty folder for one session's saves.
fn scratch_dir() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("interview-hostile-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

// ---------------------------------------------------------------------------------------------
// Checks shared by the harnesses

/// Whether a character may reach a terminal as it is.
pub fn is_safe(c: char, next: Option<char>) -> bool {
    match c {
        '\n' | '\t' => true,
        '\r' => next == Some('\n'),
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => false,
        c => !c.is_control(),
    }
}

/// Panics when `text` holds a control character, an escape sequence or a bidi override.
pub fn assert_safe(text: &str) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        assert!(
            is_safe(c, chars.peek().copied()),
            "a raw {c:?} would reach the terminal in:\n{text}"
        );
    }
}

/// The invariants of a state: a real scene, every variable of its declared type and range.
pub fn check_state(story: &Story, state: &GameState) {
    assert!(state.scene().index() < story.scenes().len());
    assert_eq!(state.vars().len(), story.vars().len());
    for (decl, value) in story.vars().iter().zip(state.vars()) {
        assert_eq!(decl.initial.kind(), value.kind(), "the type of `{}`", decl.name);
        if let Value::Int(i) = value {
            assert!(
                (decl.min..=decl.max).contains(i),
                "`{}` is {i}, out of {}..={}",
                decl.name,
                decl.min,
                decl.max
            );
        }
    }
    let view = engine::view(story, state);
    assert_eq!(view.ending.is_some(), engine::ending(story, state).is_some());
}

/// Loads files and checks every diagnostic: at least one error when there is no story, none
/// when there is one; each inside its file (line and column), rendered with its headline
/// first and no raw control character. Returns the story when it loads.
pub fn check_load(files: &[SourceFile]) -> Option<Story> {
    let loaded = load_story(files);
    let errors = loaded.errors().count();
    match &loaded.story {
        Some(_) => assert_eq!(errors, 0, "a story loaded despite errors"),
        None => assert!(errors > 0, "no story, and no error to say why"),
    }
    for d in &loaded.diagnostics {
        assert!(d.line >= 1 && d.col >= 1, "{}", d.headline());
        match files.iter().find(|f| *f.name == *d.file) {
            Some(f) => {
                // Lines end at `\n`, `\r\n` or a lone `\r`, as in an editor.
                let text = String::from_utf8_lossy(&f.bytes)
                    .replace("\r\n", "\n")
                    .replace('\r', "\n");
                let lines: Vec<&str> = text.split('\n').collect();
                assert!(d.line <= lines.len(), "line past the end: {}", d.headline());
                let width = lines[d.line - 1].chars().count();
                assert!(d.col <= width + 1, "column past the line's end: {}", d.headline());
            }
            None => assert_eq!(&*d.file, interview::story::MANIFEST, "{}", d.headline()),
        }
        let plain = d.render(false);
        assert!(plain.starts_with(&d.headline()), "{plain}");
        assert_safe(&plain);
        let _ = d.render(true);
    }
    loaded.story
}

/// Plays a story from `seed` taking choices picked by the bytes, checking every state.
/// Returns the indices tried, in order.
fn play(story: &Story, seed: u64, b: &mut Bytes) -> (Option<GameState>, Vec<usize>) {
    let mut tried = Vec::new();
    let Ok((mut state, _)) = engine::new_game(story, seed) else {
        // A story can loop at its start: an error, not a crash.
        return (None, tried);
    };
    check_state(story, &state);
    for _ in 0..MAX_STEPS {
        if b.exhausted() {
            break;
        }
        let view = engine::view(story, &state);
        let here = story.scene(state.scene()).choices.len();
        let pick = usize::from(b.byte());
        // Mostly a choice on screen; sometimes any index, even one that does not exist.
        let index = match view.choices.len() {
            n if n > 0 && pick < 224 => view.choices[pick % n].index,
            _ => pick % (here + 2),
        };
        tried.push(index);
        let before = state.clone();
        match engine::choose(story, &mut state, index) {
            Ok(_) => {
                assert_eq!(state.turn(), before.turn().saturating_add(1));
                check_state(story, &state);
            }
            Err(StepError::GameOver) => {
                assert!(view.ending.is_some(), "game over outside an ending");
                assert_eq!(state, before, "a refused step changed the state");
                break;
            }
            Err(StepError::NoSuchChoice(_) | StepError::Unavailable(_)) => {
                assert_eq!(state, before, "a refused step changed the state");
            }
            Err(
                e @ (StepError::TooManyTransitions { .. }
                | StepError::NoBranch { .. }
                | StepError::Expression { .. }
                | StepError::ReturnWithoutCall { .. }
                | StepError::CallTooDeep { .. }),
            ) => {
                assert!(!e.to_string().is_empty());
                let _ = engine::view(story, &state);
                break;
            }
        }
    }
    (Some(state), tried)
}

// ---------------------------------------------------------------------------------------------
// 1. A story folder from bytes

/// The files of a folder in [`story_folder`]'s input: `story.ron`, then `01.ron`, `02.ron`...
pub fn split_folder(data: &[u8]) -> Vec<SourceFile> {
    data.split(|&b| b == SEPARATOR)
        .enumerate()
        .map(|(i, bytes)| SourceFile {
            name: match i {
                0 => interview::story::MANIFEST.to_owned(),
                i => format!("{i:02}.ron"),
            },
            bytes: bytes.to_vec(),
        })
        .collect()
}

/// The input of [`story_folder`] for these files (the manifest first).
pub fn join_folder(files: &[&[u8]]) -> Vec<u8> {
    files.join(&SEPARATOR)
}

pub fn story_folder(data: &[u8]) {
    let files = split_folder(data);
    for f in &files {
        fast_reader(&f.bytes);
    }
    if let Some(story) = check_load(&files) {
        let tail = data.len().saturating_sub(64);
        play(&story, 0, &mut Bytes::new(&data[tail..]));
    }
}

/// The bytes as a story file (a scene file and a manifest), read both ways; see [`reads_alike`].
pub fn fast_reader(data: &[u8]) {
    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    if let Ok(text) = std::str::from_utf8(data) {
        reads_alike::<Vec<interview::story::raw::RawScene>>(text);
        reads_alike::<interview::story::raw::RawManifest>(text);
    }
}

/// The fast reader's one promise: when it gives a value, `ron` (as the loader sets it up) gives
/// the same value. Returns whether the fast reader gave one.
pub fn reads_alike<'a, T>(text: &'a str) -> bool
where
    T: serde::Deserialize<'a> + std::fmt::Debug,
{
    let Some(fast) = interview::story::fast::read::<T>(text) else {
        return false;
    };
    match interview::story::load::ron_options().from_str::<T>(text) {
        Ok(slow) => assert_eq!(
            format!("{fast:?}"),
            format!("{slow:?}"),
            "the fast reader and ron read {text:?} differently"
        ),
        Err(e) => panic!("the fast reader read {text:?}, which ron refuses: {e}"),
    }
    true
}

// ---------------------------------------------------------------------------------------------
// 2. A save from bytes

pub fn save(data: &[u8]) {
    let story = example();
    let loaded = match save::from_bytes(story, data) {
        Ok(l) => l,
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    check_state(story, &loaded.game.state);
    // Every choice on screen can be taken (or refused) from a loaded game.
    let view = engine::view(story, &loaded.game.state);
    for c in &view.choices {
        let mut game = loaded.game.clone();
        match game.choose(story, c.index) {
            Ok(_) => check_state(story, &game.state),
            Err(_) => assert_eq!(game, loaded.game, "a refused choice changed the game"),
        }
    }
    // Written back, it reads as the same game.
    let text = save::to_text(story, &loaded.game, loaded.saved_at);
    let again = save::from_text(story, &text)
        .unwrap_or_else(|e| panic!("a save the game wrote does not load: {e}\n{text}"));
    assert_eq!(again.game.state, loaded.game.state);
}

// ---------------------------------------------------------------------------------------------
// 3. Input lines for a session

pub fn commands(data: &[u8]) {
    let (first, lines) = data.split_first().unwrap_or((&0, &[]));
    let (story, dir) = match first & 1 {
        0 => (example(), example_dir()),
        _ => (hostile(), hostile_dir()),
    };
    let saves = scratch_dir();
    let config = Config {
        seed: Some(u64::from(*first)),
        saves: saves.clone(),
        resume: false,
    };
    let (mut session, intro) = Session::start(story.clone(), StorySource::Dir(dir), &config)
        .unwrap_or_else(|e| panic!("the session does not start: {e}"));
    check_reply(&intro);
    for line in lines.split(|&b| b == b'\n').take(MAX_LINES) {
        let reply = session.handle(Input::from_bytes(line));
        check_reply(&reply);
        check_state(session.story(), &session.game().state);
        if reply.quit {
            break;
        }
    }
    let _ = std::fs::remove_dir_all(saves);
}

fn check_reply(reply: &Reply) {
    let narrow = Look {
        color: false,
        width: Some(40),
    };
    for look in [Look::PLAIN, narrow] {
        assert_safe(&render(&reply.blocks, &look));
    }
}

// ---------------------------------------------------------------------------------------------
// 4. A generated story, played

pub fn engine(data: &[u8]) {
    let mut b = Bytes::new(data);
    let files = generate_story(&mut b);
    let story = check_load(&files).unwrap_or_else(|| {
        let loaded = load_story(&files);
        let headlines: Vec<String> = loaded.diagnostics.iter().map(|d| d.headline()).collect();
        let text: Vec<String> = files
            .iter()
            .map(|f| format!("--- {}\n{}", f.name, String::from_utf8_lossy(&f.bytes)))
            .collect();
        panic!("a generated story must load: {headlines:#?}\n{}", text.join("\n"))
    });
    let seed = b.u64();
    let start = b.pos;
    let (end, tried) = play(&story, seed, &mut b);
    // The same seed and the same inputs give the same game.
    let (again, tried_again) = play(&story, seed, &mut Bytes::new(&data[start.min(data.len())..]));
    assert_eq!(tried, tried_again);
    assert_eq!(end, again);
    // A state survives a save.
    if let Some(state) = end {
        let game = save::Game {
            state,
            seed,
            from: None,
            trail: Vec::new(),
            replayable: false,
        };
        let text = save::to_text(&story, &game, 0);
        let loaded = save::from_text(&story, &text)
            .unwrap_or_else(|e| panic!("a save of a generated story does not load: {e}\n{text}"));
        assert_eq!(loaded.game.state, game.state);
    }
}

/// Texts for the generated stories, hostile ones among them.
const TEXTS: &[&str] = &[
    "A room.",
    "two  spaces   and a tab\there",
    "ESC \u{1b}[2J\u{1b}[5;35m",
    "OSC 52 \u{1b}]52;c;aGVsbG8=\u{7}",
    "OSC 8 \u{1b}]8;;http://example.invalid\u{1b}\\link\u{1b}]8;;\u{1b}\\",
    "C1 \u{9b}31m \u{85} \u{90}",
    "bidi \u{202e}txet\u{202c} \u{2066}x\u{2069}",
    "lines\nfolded\n\nnew paragraph",
    "{{literal braces}}",
    "ünïcödé ✓ 🦀",
    "",
    "   ",
];
const OPS: &[&str] = &["==", "!=", "<", "<=", ">", ">="];
const NUMBERS: &[i64] = &[0, 1, -1, 2, 3, 100, i64::MAX, i64::MIN];

/// A RON string literal.
fn ron_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// An `Int` variable: its bounds (`None`: not given).
struct IntVar {
    min: Option<i64>,
    max: Option<i64>,
}

impl IntVar {
    fn lo(&self) -> i64 {
        self.min.unwrap_or(i64::MIN)
    }
    fn hi(&self) -> i64 {
        self.max.unwrap_or(i64::MAX)
    }
    /// A value within the bounds.
    fn value(&self, b: &mut Bytes) -> i64 {
        let n = *b.pick(NUMBERS);
        if (self.lo()..=self.hi()).contains(&n) {
            n
        } else {
            self.lo().max(0).min(self.hi())
        }
    }
}

/// Writes a story's files from bytes: always a story `interview check` accepts (warnings
/// allowed), using every feature of the format.
struct Gen<'b, 'a> {
    b: &'b mut Bytes<'a>,
    bools: usize,
    ints: Vec<IntVar>,
    texts: usize,
    scenes: usize,
    /// `Chance` conditions in the scene being written (the limit is 64).
    chances: usize,
}

impl Gen<'_, '_> {
    fn text_value(&mut self) -> String {
        let text = self.b.pick(TEXTS).to_string();
        ron_str(&text)
    }

    /// A line of text, sometimes showing a variable.
    fn line(&mut self) -> String {
        let mut s = (*self.b.pick(TEXTS)).to_owned();
        match self.b.below(4) {
            0 if self.bools > 0 => s.push_str(&format!(" {{b{}}}", self.b.below(self.bools))),
            1 if !self.ints.is_empty() => s.push_str(&format!(" {{i{}}}", self.b.below(self.ints.len()))),
            2 if self.texts > 0 => s.push_str(&format!(" {{ t{} }}", self.b.below(self.texts))),
            _ => {}
        }
        ron_str(&s)
    }

    fn scene_ref(&mut self) -> String {
        ron_str(&format!("s{}", self.b.below(self.scenes)))
    }

    fn cond(&mut self, depth: usize, in_scene: bool) -> String {
        let kinds = if in_scene { 9 } else { 8 };
        let kind = if depth >= 3 {
            6 + self.b.below(2)
        } else {
            self.b.below(kinds)
        };
        match kind {
            0 if self.bools > 0 => format!("Flag(\"b{}\")", self.b.below(self.bools)),
            1 => format!("Not({})", self.cond(depth + 1, in_scene)),
            2 | 3 => {
                let n = self.b.below(3);
                let items: Vec<String> = (0..n).map(|_| self.cond(depth + 1, in_scene)).collect();
                let name = if kind == 2 { "All" } else { "Any" };
                format!("{name}([{}])", items.join(", "))
            }
            4 if !self.ints.is_empty() => {
                let i = self.b.below(self.ints.len());
                let op = self.b.pick(OPS);
                let n = self.b.pick(NUMBERS);
                format!("Compare(\"i{i}\", \"{op}\", {n})")
            }
            5 if self.texts > 0 => {
                let t = self.b.below(self.texts);
                let op = self.b.pick(&["==", "!="]);
                format!("Compare(\"t{t}\", \"{op}\", {})", self.text_value())
            }
            5 if self.bools > 0 => {
                let v = self.b.below(self.bools);
                let op = self.b.pick(&["==", "!="]);
                format!("Compare(\"b{v}\", \"{op}\", {})", self.b.below(2) == 1)
            }
            7 => {
                let op = self.b.pick(OPS);
                let n = self.b.pick(NUMBERS);
                format!("Visits({}, \"{op}\", {n})", self.scene_ref())
            }
            8 if self.chances < 60 => {
                self.chances += 1;
                format!("Chance({})", self.b.below(101))
            }
            _ => format!("Visited({})", self.scene_ref()),
        }
    }

    fn effects(&mut self) -> String {
        let n = self.b.below(3);
        let mut out = Vec::new();
        for _ in 0..n {
            match self.b.below(4) {
                0 if self.bools > 0 => out.push(format!("Toggle(\"b{}\")", self.b.below(self.bools))),
                1 if !self.ints.is_empty() => {
                    let i = self.b.below(self.ints.len());
                    out.push(format!("Add(\"i{i}\", {})", self.b.pick(NUMBERS)));
                }
                2 if !self.ints.is_empty() => {
                    let i = self.b.below(self.ints.len());
                    let v = self.ints[i].value(self.b);
                    out.push(format!("Set(\"i{i}\", {v})"));
                }
                3 if self.texts > 0 => {
                    let t = self.b.below(self.texts);
                    out.push(format!("Set(\"t{t}\", {})", self.text_value()));
                }
                3 if self.bools > 0 => {
                    let v = self.b.below(self.bools);
                    out.push(format!("Set(\"b{v}\", {})", self.b.below(2) == 1));
                }
                _ => {}
            }
        }
        format!("[{}]", out.join(", "))
    }

    /// `goto: ...` or `branches: [...]`; with `after`, every target is a later scene.
    fn target(&mut self, after: Option<usize>) -> String {
        let target = |g: &mut Self| match after {
            Some(k) => ron_str(&format!("s{}", k + 1 + g.b.below(g.scenes - k - 1))),
            None => g.scene_ref(),
        };
        if self.b.below(3) > 0 {
            return format!("goto: {}", target(self));
        }
        let n = 1 + self.b.below(3);
        let mut out = Vec::new();
        for k in 0..n {
            // The first branch has some weight, so not every weight is 0.
            let weight = if k == 0 {
                1 + self.b.below(3)
            } else {
                self.b.below(4)
            };
            let mut s = format!("Branch(weight: {weight}, goto: {}", target(self));
            if self.b.below(3) == 0 {
                s.push_str(&format!(", if: {}", self.cond(0, true)));
            }
            if self.b.below(2) == 0 {
                s.push_str(&format!(", effects: {}", self.effects()));
            }
            s.push(')');
            out.push(s);
        }
        format!("branches: [{}]", out.join(", "))
    }

    fn text(&mut self, in_scene: bool) -> String {
        if self.b.below(2) == 0 {
            return self.line();
        }
        let n = self.b.below(4);
        let mut parts = Vec::new();
        for _ in 0..n {
            parts.push(match self.b.below(3) {
                0 => format!("Text({})", self.line()),
                1 => format!("If({}, {})", self.cond(0, in_scene), self.line()),
                _ => format!(
                    "IfElse({}, {}, {})",
                    self.cond(0, in_scene),
                    self.line(),
                    self.line()
                ),
            });
        }
        format!("[{}]", parts.join(", "))
    }

    fn scene(&mut self, k: usize, ending: Option<usize>) -> String {
        self.chances = 0;
        let mut s = format!("Scene(\n    id: \"s{k}\",\n");
        if self.b.below(2) == 0 {
            s.push_str(&format!("    title: {},\n", self.line()));
        }
        if self.b.below(2) == 0 {
            s.push_str(&format!("    on_enter: {},\n", self.effects()));
        }
        s.push_str(&format!("    text: {},\n", self.text(true)));
        if let Some(e) = ending {
            s.push_str(&format!("    ending: \"e{e}\",\n)"));
            return s;
        }
        // Every middle scene has a choice, and its unconditional autos lead to later scenes:
        // then no loop of autos lacks a way out, and the story passes `check`.
        let n = 1 + self.b.below(4);
        s.push_str("    choices: [\n");
        for _ in 0..n {
            let mut c = format!("        Choice(text: {}, {}", self.line(), self.target(None));
            if self.b.below(2) == 0 {
                c.push_str(&format!(", if: {}", self.cond(0, true)));
            }
            if self.b.below(3) == 0 {
                c.push_str(&format!(", effects: {}", self.effects()));
            }
            if self.b.below(4) == 0 {
                c.push_str(", once: true");
            }
            match self.b.below(6) {
                0 => c.push_str(", fallback: true"),
                1 => c.push_str(", locked: Show"),
                2 => c.push_str(&format!(", locked: Explain({})", self.line())),
                _ => {}
            }
            c.push_str("),\n");
            s.push_str(&c);
        }
        s.push_str("    ],\n");
        let autos = self.b.below(3);
        if autos > 0 {
            s.push_str("    auto: [\n");
            for _ in 0..autos {
                let a = if self.b.below(2) == 0 {
                    format!("        Auto({}),\n", self.target(Some(k)))
                } else {
                    format!(
                        "        Auto(if: {}, {}),\n",
                        self.cond(0, true),
                        self.target(None)
                    )
                };
                s.push_str(&a);
            }
            s.push_str("    ],\n");
        }
        s.push(')');
        s
    }
}

/// A valid story made from bytes: its manifest and one or two scene files.
pub fn generate_story(b: &mut Bytes) -> Vec<SourceFile> {
    let bools = b.below(3);
    let n_ints = b.below(3);
    let texts = b.below(2);
    let endings = 1 + b.below(3);
    let middle = 1 + b.below(7);
    let mut ints = Vec::new();
    for _ in 0..n_ints {
        ints.push(match b.below(3) {
            0 => IntVar {
                min: Some(-(b.below(3) as i64)),
                max: Some(b.below(5) as i64),
            },
            1 => IntVar { min: None, max: None },
            _ => IntVar {
                min: Some(0),
                max: None,
            },
        });
    }
    let mut g = Gen {
        b,
        bools,
        ints,
        texts,
        scenes: middle + endings,
        chances: 0,
    };

    let mut manifest = String::new();
    let title = g.line();
    let _ = writeln!(manifest, "Story(\n    id: \"gen\",\n    title: {title},");
    let about = g.line();
    let _ = writeln!(
        manifest,
        "    about: {about},\n    start: \"s0\",\n    variables: {{"
    );
    for v in 0..g.bools {
        let value = g.b.below(2) == 1;
        let _ = writeln!(manifest, "        \"b{v}\": Bool({value}),");
    }
    for i in 0..g.ints.len() {
        let value = g.ints[i].value(g.b);
        let var = &g.ints[i];
        let mut decl = format!("value: {value}");
        if let Some(lo) = var.min {
            decl.push_str(&format!(", min: {lo}"));
        }
        if let Some(hi) = var.max {
            decl.push_str(&format!(", max: {hi}"));
        }
        let _ = writeln!(manifest, "        \"i{i}\": Int({decl}),");
    }
    for t in 0..g.texts {
        let value = g.text_value();
        let _ = writeln!(manifest, "        \"t{t}\": Text({value}),");
    }
    manifest.push_str("    },\n    endings: {\n");
    for e in 0..endings {
        let title = g.line();
        let _ = writeln!(manifest, "        \"e{e}\": {title},");
    }
    manifest.push_str("    },\n");
    if g.b.below(2) == 0 {
        let notebook = g.text(false);
        let _ = writeln!(manifest, "    notebook: {notebook},");
    }
    manifest.push_str(")\n");

    let scenes: Vec<String> = (0..middle + endings)
        .map(|k| g.scene(k, k.checked_sub(middle)))
        .collect();
    let split = g.b.below(scenes.len() + 1);
    let file = |list: &[String]| format!("[\n{}\n]\n", list.join(",\n")).into_bytes();
    let mut files = vec![
        SourceFile {
            name: "story.ron".into(),
            bytes: manifest.into_bytes(),
        },
        SourceFile {
            name: "a.ron".into(),
            bytes: file(&scenes[..split]),
        },
    ];
    if split < scenes.len() {
        files.push(SourceFile {
            name: "b.ron".into(),
            bytes: file(&scenes[split..]),
        });
    }
    files
}
