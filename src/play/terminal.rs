//! The terminal front end: rustyline with history (kept in the saves folder), completion of
//! the commands and of the current choices, hints, colour and wrapping to the terminal.
//!
//! A thin loop: every line goes to the [`Session`], every reply is rendered and printed. Ctrl-C
//! cancels the line (and a pending question); Ctrl-D ends the game cleanly.

use super::Options;
use super::render::{Look, clean, render};
use super::session::records::read_record;
use super::session::{HISTORY, Input, MAX_LINE, Reply, Session, typed_start};
use crate::save;
use rustyline::completion::Completer;
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::{DefaultHistory, History};
use rustyline::validate::Validator;
use rustyline::{ColorMode, CompletionType, Config, Context, Editor};
use std::borrow::Cow;
use std::io::Write;

const HISTORY_LINES: usize = 1000;
const PROMPT: &str = "> ";

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
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        let dim = anstyle::Style::new().dimmed();
        Cow::Owned(format!("{dim}{hint}{dim:#}"))
    }
}

impl Validator for Helper {}
impl rustyline::Helper for Helper {}

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
        Err(_) => return super::piped(session, intro),
    };
    editor.set_helper(Some(Helper {
        words: Vec::new(),
        hints: color && !options.plain,
    }));
    let saves = save::SaveDir::new(&options.saves);
    let history_path = saves.own_file(HISTORY);
    // A history that cannot be read is left alone, never replaced; one too large is set aside.
    let keep_history = match read_record(&saves, HISTORY, "the input history") {
        Ok((bytes, note)) => {
            if let Some(note) = note {
                let _ = writeln!(anstream::stderr(), "interview: {}", clean(&note));
            }
            for line in String::from_utf8_lossy(&bytes).lines() {
                let _ = editor.add_history_entry(clean(line).into_owned());
            }
            true
        }
        Err(_) => false,
    };
    let mut out = anstream::AutoStream::new(stdout, choice);
    let look = |editor: &mut Editor<Helper, DefaultHistory>| Look {
        color,
        // One column short of the edge: a full line would make some terminals wrap twice.
        width: match options.plain {
            true => None,
            false => editor
                .dimensions()
                .map(|(cols, _)| usize::from(cols).saturating_sub(1).max(20)),
        },
    };
    let l = look(&mut editor);
    let _ = write!(out, "{}", render(&intro.blocks, &l));
    let _ = out.flush();
    loop {
        let words = session.completions();
        if let Some(h) = editor.helper_mut() {
            h.words = words;
        }
        let asking = session.is_asking();
        let reply = match editor.readline(PROMPT) {
            Ok(line) => {
                if !asking && !line.trim().is_empty() && line.len() <= MAX_LINE {
                    let _ = editor.add_history_entry(clean(&line).into_owned());
                }
                let _ = writeln!(out);
                session.handle(Input::from_bytes(line.as_bytes()))
            }
            Err(ReadlineError::Interrupted) => session.interrupt(),
            Err(ReadlineError::Eof) => {
                let _ = writeln!(out);
                break;
            }
            Err(ReadlineError::Io(e)) if e.kind() == std::io::ErrorKind::InvalidData => {
                let _ = writeln!(out);
                session.handle(Input::NotUtf8)
            }
            Err(e) => {
                let _ = writeln!(anstream::stderr(), "interview: reading the terminal: {e}");
                break;
            }
        };
        let l = look(&mut editor);
        let _ = write!(out, "{}", render(&reply.blocks, &l));
        let _ = out.flush();
        if reply.quit {
            break;
        }
    }
    if keep_history {
        save_history(&editor, &history_path);
    }
    0
}

fn save_history(editor: &Editor<Helper, DefaultHistory>, path: &std::path::Path) {
    let history = editor.history();
    let skip = history.len().saturating_sub(HISTORY_LINES);
    // What was typed, made visible: the file is one a person may print.
    let text: String = history
        .iter()
        .skip(skip)
        .map(|l| format!("{}\n", clean(l)))
        .collect();
    if let Err(e) = save::write_atomic(path, text.as_bytes()) {
        let _ = writeln!(
            anstream::stderr(),
            "interview: could not keep the history: {}",
            clean(&e.to_string())
        );
    }
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
