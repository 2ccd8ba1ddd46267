//! Playing a story: the loops between the player and a [`Session`].
//!
//! Which choice a line names is [`crate::matching`] (pure; the tools pick choices with it too).
//! - [`session`]: the REPL's core, without a terminal: one input line in, blocks of output out.
//! - [`render`]: blocks to text: control characters made visible, wrapping, colour.
//! - [`terminal`]: the rustyline front end (history, completion, Ctrl-C, Ctrl-D).
//! - [`run`] picks the front end: rustyline when stdin and stdout are terminals, else a loop
//!   that reads one input a line and prints the same text without prompts or colour.

pub mod render;
pub mod session;
pub mod terminal;

pub use render::{Block, Look, clean, render};
pub use session::{Config, Found, Front, Input, MAX_LINE, Reply, Session, find_choice, pick, typed_start};

use std::io::{BufRead, Write};
use std::path::PathBuf;

/// What the command line says about playing.
#[derive(Debug, Clone)]
pub struct Options {
    pub seed: Option<u64>,
    /// `--plain`: no colour, no decoration, no wrapping (for screen readers).
    pub plain: bool,
    /// The saves folder (`saves` by default).
    pub saves: PathBuf,
    /// `--continue`: resume the autosave.
    pub resume: bool,
    /// `--width N`: wrap at N columns (in a terminal, instead of min(its width, 80); from a
    /// pipe, where nothing is wrapped otherwise).
    pub width: Option<usize>,
    /// `--echo`: from a pipe, print each input as `> input` before its reply.
    pub echo: bool,
}

impl Options {
    /// The session's configuration.
    pub fn config(&self) -> Config {
        Config {
            seed: self.seed,
            saves: self.saves.clone(),
            resume: self.resume,
        }
    }
}

/// The widest prose is wrapped in a terminal unless `--width` says otherwise: a comfortable
/// measure, as in a book.
pub const MEASURE: usize = 80;

/// The front end for a player at a terminal or not.
pub fn front(interactive: bool) -> Front {
    match interactive {
        true => Front::Terminal,
        false => Front::Pipe,
    }
}

/// One line read from a pipe.
#[derive(Debug, PartialEq, Eq)]
pub enum ReadLine {
    /// The line, without its `\n` or `\r\n`.
    Line(Vec<u8>),
    /// A line over `max` bytes: it was read to its end and dropped.
    TooLong,
    Eof,
}

/// Reads one line, holding at most `max` bytes of it: a longer line is skipped to its end.
pub fn read_line(input: &mut impl BufRead, max: usize) -> std::io::Result<ReadLine> {
    let mut line = Vec::new();
    let mut too_long = false;
    let mut any = false;
    loop {
        let buf = match input.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            break;
        }
        any = true;
        let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..i], true),
            None => (buf, false),
        };
        // +1: room for a `\r` before the `\n`
        if !too_long && line.len() + chunk.len() <= max + 1 {
            line.extend_from_slice(chunk);
        } else {
            too_long = true;
            line.clear();
        }
        let used = chunk.len() + usize::from(done);
        input.consume(used);
        if done {
            break;
        }
    }
    if !any {
        return Ok(ReadLine::Eof);
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    if too_long || line.len() > max {
        return Ok(ReadLine::TooLong);
    }
    Ok(ReadLine::Line(line))
}

/// What the game says on stderr (from a pipe, notes stay out of the output a test compares).
fn notices(reply: &Reply) {
    for note in &reply.notices {
        let _ = writeln!(anstream::stderr(), "interview: {}", clean(note));
    }
}

/// The byte-order mark some editors put at the start of a file: not part of the first input.
const BOM: &[u8] = b"\xef\xbb\xbf";

/// The loop for a pipe or a file on stdin: no prompt, no colour, no wrapping (unless
/// `--width`), each input echoed as `> input` with `--echo`.
pub(crate) fn piped(mut session: Session, intro: Reply, options: &Options) -> u8 {
    let look = Look {
        color: false,
        width: options.width,
    };
    let mut out = anstream::AutoStream::new(std::io::stdout().lock(), anstream::ColorChoice::Never);
    notices(&intro);
    if write!(out, "{}", render(&intro.blocks, &look)).is_err() {
        return 0;
    }
    let mut stdin = std::io::stdin().lock();
    let mut first = true;
    loop {
        let line = match read_line(&mut stdin, MAX_LINE) {
            Ok(ReadLine::Line(mut bytes)) => {
                if std::mem::take(&mut first) && bytes.starts_with(BOM) {
                    bytes.drain(..BOM.len());
                }
                bytes
            }
            Ok(ReadLine::TooLong) => {
                first = false;
                vec![0; MAX_LINE + 1]
            }
            Ok(ReadLine::Eof) => return 0,
            Err(e) => {
                let _ = writeln!(anstream::stderr(), "interview: reading the input: {e}");
                return 0;
            }
        };
        let input = Input::from_bytes(&line);
        if options.echo && writeln!(out, "> {}\n", clean(&input.echo())).is_err() {
            return 0;
        }
        let reply = session.handle(input);
        notices(&reply);
        // A closed stdout (`| head`) ends the game quietly.
        if write!(out, "{}", render(&reply.blocks, &look)).is_err() || out.flush().is_err() {
            return 0;
        }
        if reply.quit {
            return 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], max: usize) -> Vec<ReadLine> {
        let mut r = std::io::BufReader::with_capacity(4, input);
        let mut out = Vec::new();
        loop {
            match read_line(&mut r, max).unwrap() {
                ReadLine::Eof => return out,
                l => out.push(l),
            }
        }
    }

    #[test]
    fn reads_lines_and_drops_long_ones() {
        use ReadLine::*;
        assert_eq!(
            lines(b"one\r\ntwo\n\nlast", 8),
            vec![
                Line(b"one".to_vec()),
                Line(b"two".to_vec()),
                Line(vec![]),
                Line(b"last".to_vec())
            ]
        );
        assert_eq!(
            lines(b"123456789\nok\n12345678\n", 8),
            vec![TooLong, Line(b"ok".to_vec()), Line(b"12345678".to_vec())]
        );
    }
}
