//! The terminal front end: rustyline with history (kept in the saves folder), completion of
//! the commands and of the current choices, hints, colour and wrapping to the terminal.
//!
//! A thin loop: every line goes to the [`Session`], every reply is rendered and printed (a page
//! at a time when it is taller than the terminal). Ctrl-C cancels the line (and a pending
//! question); Ctrl-D ends the game cleanly, saying where it is kept.
//!
//! Nothing typed is lost: rustyline keeps the bytes it read past a line for the next one (its
//! `buffer-redux` feature; without it, type-ahead was dropped with each line's reader), a paste
//! of several lines is split into inputs taken in order, and a line typed at `[more]` is the
//! next input. Each history line is appended to the file as it is entered.

use super::render::{Block, Look, clean, render};
use super::session::records::RECORD_LIMIT;
use super::session::{HISTORY, Input, MAX_LINE, Reply, Session, typed_start};
use super::{MEASURE, Options};
use crate::save;
use rustyline::completion::Completer;
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::Validator;
use rustyline::{ColorMode, CompletionType, Config, Context, Editor};
use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::Write;

const HISTORY_LINES: usize = 1000;
const PROMPT: &str = "> ";
/// The prompt between two pages of a long reply.
const MORE: &str = "[more] ";
/// The prompt at a `{pause}` in the story's text (dim when colour is on).
const PAUSE: &str = "(press Enter) ";

/// What rustyline asks while a line is edited: the words valid now (set before each line).
struct Helper {
    words: Vec<String>,
    hints: bool,
}

impl Helper {
    /// The words that start like `typed`, as the game reads a typed choice ([`typed_start`]:
    /// case, spaces, leading quotes and typographic punctuation do not matter); every word
    /// when nothing is typed.
    fn matching(&self, typed: &str) -> Vec<String> {
        self.words
            .iter()
            .filter(|w| typed.trim().is_empty() || typed_start(w, typed).is_some())
            .cloned()
            .collect()
    }

    /// The rest of the one word `line` starts, to show after the cursor.
    fn rest_of(&self, line: &str) -> Option<String> {
        if line.trim().is_empty() {
            return None;
        }
        match self.matching(line).as_slice() {
            [one] => {
                let rest = &one[typed_start(one, line)?..];
                // After a typed space, the hint does not add another.
                let rest = match line.ends_with(char::is_whitespace) {
                    true => rest.trim_start(),
                    false => rest,
                };
                (!rest.is_empty()).then(|| rest.to_owned())
            }
            _ => None,
        }
    }
}

impl Completer for Helper {
    type Candidate = String;

    fn complete(&self, line: &str, pos: usize, _: &Context<'_>) -> rustyline::Result<(usize, Vec<String>)> {
        let start = line.len() - line.trim_start().len();
        let typed = &line[..pos.min(line.len())];
        Ok((start.min(pos), self.matching(typed)))
    }
}

impl Hinter for Helper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, _: &Context<'_>) -> Option<String> {
        if !self.hints || pos < line.len() {
            return None;
        }
        self.rest_of(line)
    }
}

impl Highlighter for Helper {
    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(&'s self, prompt: &'p str, default: bool) -> Cow<'b, str> {
        match prompt {
            PAUSE if default => {
                let dim = anstyle::Style::new().dimmed();
                Cow::Owned(format!("{dim}{prompt}{dim:#}"))
            }
            _ => Cow::Borrowed(prompt),
        }
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        let dim = anstyle::Style::new().dimmed();
        Cow::Owned(format!("{dim}{hint}{dim:#}"))
    }
}

impl Validator for Helper {}
impl rustyline::Helper for Helper {}

/// The input history in the saves folder: each line is appended as it is entered, so two
/// games on one folder both keep theirs and a closed terminal loses nothing. A file that
/// cannot be read (or is over [`RECORD_LIMIT`]) is left as it is and not written to.
struct HistoryFile {
    path: std::path::PathBuf,
    /// Whether lines are appended (the file was read, or there was none).
    keep: bool,
}

impl HistoryFile {
    /// Opens the history and returns its last [`HISTORY_LINES`] lines; a note for the player
    /// when it cannot be used. A history that has grown past twice that (or half the limit)
    /// is cut to its last lines, atomically: the older ones were never read again.
    fn open(saves: &save::SaveDir) -> (HistoryFile, Vec<String>, Option<String>) {
        let path = saves.own_file(HISTORY);
        let (bytes, note) = match save::read_regular(&path, RECORD_LIMIT) {
            Ok(bytes) => (bytes.unwrap_or_default(), None),
            Err(e) => {
                let note = format!("the input history is not used, and left as it is: {e}");
                return (HistoryFile { path, keep: false }, Vec::new(), Some(note));
            }
        };
        let text = String::from_utf8_lossy(&bytes);
        let all: Vec<&str> = text.lines().collect();
        let lines: Vec<String> = all[all.len().saturating_sub(HISTORY_LINES)..]
            .iter()
            .map(|l| clean(l).into_owned())
            .collect();
        let history = HistoryFile { path, keep: true };
        if all.len() > 2 * HISTORY_LINES || bytes.len() as u64 > RECORD_LIMIT / 2 {
            let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
            let _ = save::write_atomic(&history.path, text.as_bytes());
        }
        (history, lines, note)
    }

    /// Appends one line as it was typed (made visible: the file is one a person may print).
    fn append(&mut self, line: &str) -> Option<String> {
        if !self.keep {
            return None;
        }
        let text = format!("{}\n", clean(line));
        match save::append_regular(&self.path, text.as_bytes()) {
            Ok(()) => None,
            Err(e) => {
                self.keep = false;
                Some(format!("could not keep the history: {e}"))
            }
        }
    }
}

/// Where the output goes, and how it is drawn.
struct Screen {
    out: anstream::AutoStream<std::io::Stdout>,
    color: bool,
    /// `--plain`: no wrapping, no paging.
    plain: bool,
    /// `--width N`.
    width: Option<usize>,
}

impl Screen {
    fn look(&self, editor: &mut Editor<Helper, DefaultHistory>) -> Look {
        Look {
            color: self.color,
            // One column short of the edge: a full line would make some terminals wrap twice.
            width: match (self.plain, self.width) {
                (true, _) => None,
                (false, Some(w)) => Some(w),
                (false, None) => editor
                    .dimensions()
                    .map(|(cols, _)| usize::from(cols).saturating_sub(1).clamp(20, MEASURE)),
            },
        }
    }

    /// Prints a reply, a page at a time when it is taller than the terminal: `[more]` waits
    /// for Enter. A line typed at `[more]` is not lost: the rest of the reply is printed and the
    /// line is returned, to be read as the next input.
    fn show(&mut self, editor: &mut Editor<Helper, DefaultHistory>, reply: &Reply) -> Option<String> {
        let mut blocks = reply.blocks.clone();
        for note in reply.notices.iter().rev() {
            // A sentence on screen (on stderr, a message after `interview: `).
            let mut chars = note.chars();
            let note: String = chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default();
            blocks.insert(0, Block::Info(format!("{note}.")));
        }
        let look = self.look(editor);
        let mut typed = None;
        let mut wait = !self.plain;
        // `{pause}`: what comes before it is shown, then Enter is awaited (not with `--plain`,
        // which never waits; a line typed there is kept as the next input, and the rest shown).
        while let Some(i) = blocks.iter().position(|b| matches!(b, Block::Pause)) {
            let rest = blocks.split_off(i + 1);
            blocks.pop();
            if !wait || blocks.is_empty() {
                blocks.extend(rest);
                continue;
            }
            // The blank line after the text is the pause prompt's line.
            let text = render(&blocks, &look);
            let _ = write!(self.out, "{}", text.strip_suffix('\n').unwrap_or(&text));
            let _ = self.out.flush();
            match editor.readline(PAUSE) {
                Ok(line) => {
                    let _ = write!(self.out, "\x1b[1A\r\x1b[2K\n");
                    if !line.trim().is_empty() {
                        typed = Some(line);
                        wait = false;
                    }
                }
                Err(_) => {
                    let _ = writeln!(self.out);
                    wait = false;
                }
            }
            blocks = rest;
        }
        let text = render(&blocks, &look);
        let rows = match self.plain {
            true => None,
            false => editor.dimensions().map(|(_, rows)| usize::from(rows)),
        };
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let page = rows.map_or(usize::MAX, |r| r.saturating_sub(2).max(3));
        let mut at = 0;
        // Paging only when the rest does not fit with the prompt below it.
        while typed.is_none() && lines.len() - at > page.saturating_add(1) {
            let _ = write!(self.out, "{}", lines[at..at + page].concat());
            let _ = self.out.flush();
            at += page;
            match editor.readline(MORE) {
                Ok(line) => {
                    // The `[more]` line goes away: the page goes on in its place.
                    let _ = write!(self.out, "\x1b[1A\r\x1b[2K");
                    if !line.trim().is_empty() {
                        typed = Some(line);
                    }
                }
                Err(_) => {
                    let _ = writeln!(self.out);
                    break;
                }
            }
        }
        let _ = write!(self.out, "{}", lines[at..].concat());
        let _ = self.out.flush();
        typed
    }
}

/// The lines of what rustyline returns: a paste of several lines comes back as one, and each
/// of them is an input, in order. (A final line break ends the last line, it adds none.)
fn split_lines(text: &str) -> Vec<String> {
    let text = text.strip_suffix(['\n', '\r']).unwrap_or(text);
    text.split(['\n', '\r']).map(str::to_owned).collect()
}

/// Plays in a terminal; returns the exit code.
pub fn run(mut session: Session, intro: Reply, options: &Options) -> u8 {
    let stdout = std::io::stdout();
    let choice = match options.plain {
        true => anstream::ColorChoice::Never,
        false => anstream::AutoStream::choice(&stdout),
    };
    let color = choice != anstream::ColorChoice::Never;
    let config = Config::builder()
        .auto_add_history(false)
        .max_history_size(HISTORY_LINES)
        .and_then(|b| b.history_ignore_dups(true))
        .map(|b| {
            b.completion_type(CompletionType::List)
                .color_mode(if color {
                    ColorMode::Enabled
                } else {
                    ColorMode::Disabled
                })
                .build()
        });
    let editor = config.and_then(Editor::<Helper, DefaultHistory>::with_config);
    let mut editor = match editor {
        Ok(e) => e,
        // No usable terminal after all: play as from a pipe.
        Err(_) => return super::piped(session, intro, options),
    };
    editor.set_helper(Some(Helper {
        words: Vec::new(),
        hints: color && !options.plain,
    }));
    let saves = save::SaveDir::new(&options.saves);
    let (mut history, lines, note) = HistoryFile::open(&saves);
    if let Some(note) = note {
        let _ = writeln!(anstream::stderr(), "interview: {}", clean(&note));
    }
    for line in lines {
        let _ = editor.add_history_entry(line);
    }
    let mut screen = Screen {
        out: anstream::AutoStream::new(stdout, choice),
        color,
        plain: options.plain,
        width: options.width,
    };
    // Lines already typed (a paste, type-ahead, a line typed at `[more]`), read in order
    // before the terminal is read again.
    let mut queue: VecDeque<String> = VecDeque::new();
    queue.extend(screen.show(&mut editor, &intro));
    loop {
        let words = session.completions();
        if let Some(h) = editor.helper_mut() {
            h.words = words;
        }
        let asking = session.is_asking();
        let read = match queue.pop_front() {
            Some(line) => Ok(line),
            None => editor.readline(PROMPT).inspect(|_| {
                let _ = writeln!(screen.out);
            }),
        };
        let reply = match read {
            Ok(text) => {
                let mut lines = split_lines(&text).into_iter();
                let line = lines.next().unwrap_or_default();
                for (n, rest) in lines.enumerate() {
                    queue.insert(n, rest);
                }
                if !asking && !line.trim().is_empty() && line.len() <= MAX_LINE {
                    let _ = editor.add_history_entry(clean(&line).into_owned());
                    if let Some(note) = history.append(&line) {
                        let _ = writeln!(anstream::stderr(), "interview: {}", clean(&note));
                    }
                }
                session.handle(Input::from_bytes(line.as_bytes()))
            }
            Err(ReadlineError::Interrupted) => session.interrupt(),
            Err(ReadlineError::Eof) => {
                let _ = writeln!(screen.out);
                screen.show(&mut editor, &session.goodbye());
                break;
            }
            Err(ReadlineError::Io(e)) if e.kind() == std::io::ErrorKind::InvalidData => {
                let _ = writeln!(screen.out);
                session.handle(Input::NotUtf8)
            }
            Err(e) => {
                let _ = writeln!(anstream::stderr(), "interview: reading the terminal: {e}");
                break;
            }
        };
        if let Some(typed) = screen.show(&mut editor, &reply) {
            queue.push_front(typed);
        }
        if reply.quit {
            break;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn helper() -> Helper {
        let words = [
            "help",
            "“Just googling you.”",
            "“I was snooping.”",
            "“I was bored—sorry.”",
        ];
        Helper {
            words: words.iter().map(|w| (*w).to_owned()).collect(),
            hints: true,
        }
    }

    #[test]
    fn completion_reads_typed_text_as_the_game_does() {
        let h = helper();
        assert_eq!(h.matching("just"), ["“Just googling you.”"]);
        assert_eq!(
            h.matching("  I WAS"),
            ["“I was snooping.”", "“I was bored—sorry.”"]
        );
        assert_eq!(h.matching("\"i was bored--"), ["“I was bored—sorry.”"]);
        assert_eq!(h.matching("").len(), 4);
        assert!(h.matching("googling").is_empty());
        // A choice written with a combining accent, typed precomposed (and the hint after it).
        let h = Helper {
            words: vec!["E\u{301}teindre la lampe".to_owned()],
            hints: true,
        };
        assert_eq!(h.matching("\u{e9}tei"), ["E\u{301}teindre la lampe"]);
        assert_eq!(h.rest_of("\u{e9}tei").as_deref(), Some("ndre la lampe"));
    }

    #[test]
    fn hints_show_the_rest_of_the_one_word_typed() {
        let h = helper();
        assert_eq!(h.rest_of("just").as_deref(), Some(" googling you.”"));
        assert_eq!(h.rest_of("just ").as_deref(), Some("googling you.”"));
        assert_eq!(h.rest_of("HE").as_deref(), Some("lp"));
        assert_eq!(h.rest_of("i was"), None);
        assert_eq!(h.rest_of("help"), None);
        assert_eq!(h.rest_of("  "), None);
    }
}
