//! The meta-commands: one table ([`COMMANDS`]) from which the parser, Tab completion and `help`
//! are all made, so a command cannot exist without its help line and its completion. Each
//! entry has its name, its aliases, the shape of its arguments, its help line and its handler.
//!
//! To add a command: one entry here (and its handler, a method of [`Session`]); the unit tests
//! below check that every entry parses by each of its names and shows in help and completion.

use super::{Pending, Reply, Session};
use crate::engine;
use crate::play::render::Block;
use crate::save;

/// The arguments a command takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Args {
    /// None: with any word after it, the line is not this command (`look at the sea` may be a
    /// choice).
    None,
    /// An optional slot name: `save`, `save night`.
    Slot,
    /// An optional `on` or `off`; anything else is a mistake the command explains.
    OnOff,
    /// An optional count: `undo`, `undo 3`.
    Count,
}

/// The arguments a line gave, of the command's [`Args`] shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg<'a> {
    None,
    Slot(Option<&'a str>),
    OnOff(Option<bool>),
    Count(Option<usize>),
}

/// One meta-command.
pub struct MetaCommand {
    pub name: &'static str,
    /// Other names for it (`l` for `look`). Those longer than a letter are offered by completion.
    pub aliases: &'static [&'static str],
    pub args: Args,
    /// What it does, for `help`.
    pub help: &'static str,
    pub run: fn(&mut Session, Arg<'_>, &mut Reply),
}

/// Every meta-command, in the order `help` lists them.
pub static COMMANDS: &[MetaCommand] = &[
    MetaCommand {
        name: "look",
        aliases: &["l"],
        args: Args::None,
        help: "show the scene again",
        run: |s, _, r| s.scene(&mut r.blocks, false),
    },
    MetaCommand {
        name: "again",
        aliases: &["g"],
        args: Args::None,
        help: "repeat your last input",
        run: |s, _, r| s.again(r),
    },
    MetaCommand {
        name: "notes",
        aliases: &["status"],
        args: Args::None,
        help: "your notebook",
        run: |s, _, r| {
            s.notes(&mut r.blocks);
            s.remind(&mut r.blocks);
        },
    },
    MetaCommand {
        name: "save",
        aliases: &[],
        args: Args::Slot,
        help: "save the game (slot: letters, digits, - and _; default `default`)",
        run: |s, a, r| s.save(slot_or_default(a), &mut r.blocks),
    },
    MetaCommand {
        name: "load",
        aliases: &["restore"],
        args: Args::Slot,
        help: "load a saved game",
        run: |s, a, r| s.load(slot_or_default(a), &mut r.blocks),
    },
    MetaCommand {
        name: "saves",
        aliases: &[],
        args: Args::None,
        help: "list the saved games",
        run: |s, _, r| {
            s.list_saves(&mut r.blocks);
            s.remind(&mut r.blocks);
        },
    },
    MetaCommand {
        name: "undo",
        aliases: &["u"],
        args: Args::Count,
        help: "take back the last step (the last N steps)",
        run: |s, a, r| {
            let n = match a {
                Arg::Count(n) => n,
                _ => None,
            };
            s.undo(n, &mut r.blocks)
        },
    },
    MetaCommand {
        name: "restart",
        aliases: &[],
        args: Args::None,
        help: "start the story again",
        run: |s, _, r| s.ask_restart(&mut r.blocks),
    },
    MetaCommand {
        name: "endings",
        aliases: &[],
        args: Args::None,
        help: "the endings you have found",
        run: |s, _, r| {
            s.endings(&mut r.blocks);
            s.remind(&mut r.blocks);
        },
    },
    MetaCommand {
        name: "transcript",
        aliases: &[],
        args: Args::OnOff,
        help: "copy the session to a text file in the saves folder",
        run: |s, a, r| {
            let on = match a {
                Arg::OnOff(on) => on,
                _ => None,
            };
            s.set_transcript(on, &mut r.blocks)
        },
    },
    MetaCommand {
        name: "script",
        aliases: &[],
        args: Args::None,
        help: "start the transcript (as `transcript on`)",
        run: |s, _, r| s.set_transcript(Some(true), &mut r.blocks),
    },
    MetaCommand {
        name: "unscript",
        aliases: &[],
        args: Args::None,
        help: "stop the transcript (as `transcript off`)",
        run: |s, _, r| s.set_transcript(Some(false), &mut r.blocks),
    },
    MetaCommand {
        name: "brief",
        aliases: &[],
        args: Args::None,
        help: "scenes read in an earlier game: first paragraph only",
        run: |s, _, r| s.set_brief(true, &mut r.blocks),
    },
    MetaCommand {
        name: "verbose",
        aliases: &[],
        args: Args::None,
        help: "every scene in full (the default)",
        run: |s, _, r| s.set_brief(false, &mut r.blocks),
    },
    MetaCommand {
        name: "reload",
        aliases: &[],
        args: Args::None,
        help: "re-read the story folder (--scenes) and play on",
        run: |s, _, r| s.reload(&mut r.blocks),
    },
    MetaCommand {
        name: "about",
        aliases: &[],
        args: Args::None,
        help: "about this story and this game",
        run: |s, _, r| s.about(&mut r.blocks),
    },
    MetaCommand {
        name: "version",
        aliases: &[],
        args: Args::None,
        help: "the versions of the story and of Interview",
        run: |s, _, r| s.version(&mut r.blocks),
    },
    MetaCommand {
        name: "help",
        aliases: &["h", "?"],
        args: Args::None,
        help: "this list",
        run: |s, _, r| {
            r.blocks.push(Block::Table(help()));
            s.remind(&mut r.blocks);
        },
    },
    MetaCommand {
        name: "quit",
        aliases: &["q", "exit"],
        args: Args::None,
        help: "leave the game",
        run: |s, _, r| r.quit = s.quit(&mut r.blocks),
    },
];

fn slot_or_default(arg: Arg<'_>) -> &str {
    match arg {
        Arg::Slot(Some(slot)) => slot,
        _ => save::DEFAULT_SLOT,
    }
}

impl MetaCommand {
    /// Whether `word` (any case) is one of the command's names.
    pub fn is_named(&self, word: &str) -> bool {
        std::iter::once(&self.name)
            .chain(self.aliases)
            .any(|n| n.eq_ignore_ascii_case(word))
    }

    /// The left column of `help`: the names of a command without arguments (`look, l`), or
    /// the name and the arguments (`save [slot]`, `transcript on|off`).
    fn usage(&self) -> String {
        match self.args {
            Args::None => std::iter::once(&self.name)
                .chain(self.aliases)
                .copied()
                .collect::<Vec<_>>()
                .join(", "),
            Args::Slot => format!("{} [slot]", self.name),
            Args::OnOff => format!("{} on|off", self.name),
            Args::Count => {
                let names: Vec<&str> = std::iter::once(&self.name).chain(self.aliases).copied().collect();
                format!("{} [N]", names.join(", "))
            }
        }
    }

    /// The help line; a command with arguments names its aliases here (`(also `restore`)`).
    fn help_line(&self) -> String {
        let mut line = format!("  {:<21}{}", self.usage(), self.help);
        if matches!(self.args, Args::Slot | Args::OnOff) && !self.aliases.is_empty() {
            let also: Vec<String> = self.aliases.iter().map(|a| format!("`{a}`")).collect();
            line.push_str(&format!(" (also {})", also.join(", ")));
        }
        line
    }

    /// What completion offers for it: its names longer than a letter, with each argument
    /// word when there are few (`transcript on`).
    fn completions(&self) -> Vec<String> {
        let names = std::iter::once(&self.name)
            .chain(self.aliases)
            .filter(|n| n.chars().count() > 1);
        match self.args {
            Args::None | Args::Slot | Args::Count => names.map(|n| (*n).to_owned()).collect(),
            Args::OnOff => names
                .flat_map(|n| [format!("{n} on"), format!("{n} off")])
                .collect(),
        }
    }
}

/// The command a line names, with its arguments; `None` when it names none (or with the
/// wrong number of arguments: then it may be a choice). `Err` when the word is a command but
/// the argument is wrong (`transcript maybe`).
pub fn parse(line: &str) -> Option<Result<(&'static MetaCommand, Arg<'_>), String>> {
    let mut words = line.split_whitespace();
    let first = words.next()?;
    let args: Vec<&str> = words.collect();
    let command = find(first)?;
    let arg = match (command.args, args.as_slice()) {
        (Args::None, []) => Arg::None,
        (Args::None, _) => return None,
        (Args::Slot, []) => Arg::Slot(None),
        (Args::Slot, [one]) => Arg::Slot(Some(one)),
        (Args::Slot, _) => return None,
        (Args::Count, []) => Arg::Count(None),
        (Args::Count, [n]) if crate::matching::is_number(n) => {
            Arg::Count(Some(n.parse().unwrap_or(usize::MAX)))
        }
        (Args::Count, _) => return None,
        (Args::OnOff, []) => Arg::OnOff(None),
        (Args::OnOff, [a]) if a.eq_ignore_ascii_case("on") => Arg::OnOff(Some(true)),
        (Args::OnOff, [a]) if a.eq_ignore_ascii_case("off") => Arg::OnOff(Some(false)),
        (Args::OnOff, _) => {
            let name = command.name;
            return Some(Err(format!("use `{name} on` or `{name} off`")));
        }
    };
    Some(Ok((command, arg)))
}

/// The command one of whose names is `word` (any case).
pub fn find(word: &str) -> Option<&'static MetaCommand> {
    COMMANDS.iter().find(|c| c.is_named(&word.to_lowercase()))
}

/// The commands as completion offers them.
pub fn completions() -> Vec<String> {
    COMMANDS.iter().flat_map(MetaCommand::completions).collect()
}

/// The text of `help`.
pub fn help() -> Vec<String> {
    std::iter::once("Type a choice's number, or the start of its text. Commands:".to_owned())
        .chain(COMMANDS.iter().map(MetaCommand::help_line))
        .collect()
}

impl Session {
    /// What Ctrl-D says: goodbye, and where the game is kept and how to resume it.
    pub fn goodbye(&self) -> Reply {
        let text = if self.at_ending() || (self.game.state.turn() == 0 && !self.autosaved) {
            "Goodbye.".to_owned()
        } else if self.autosave_failed {
            "Goodbye. Your game could not be autosaved: only what you saved with `save` is kept.".to_owned()
        } else {
            format!(
                "Goodbye. Your game (turn {}) is kept in the autosave, {}: `{}` resumes it.",
                self.game.state.turn(),
                self.saves.slot_path(&save::Slot::autosave()).display(),
                self.resume_command()
            )
        };
        Reply {
            blocks: vec![Block::Info(text)],
            ..Reply::default()
        }
    }

    /// The command line that resumes this game.
    fn resume_command(&self) -> String {
        let mut line = "interview --continue".to_owned();
        if let crate::files::StorySource::Dir(dir) = &self.source {
            line.push_str(&format!(" --scenes {}", dir.display()));
        }
        if self.saves.dir() != std::path::Path::new("saves") {
            line.push_str(&format!(" --saves {}", self.saves.dir().display()));
        }
        line
    }

    /// Whether to quit now; asks first when the game in progress is not saved.
    fn quit(&mut self, blocks: &mut Vec<Block>) -> bool {
        if self.unsaved && !self.at_ending() && self.game.state.turn() > 0 {
            self.pending = Some(Pending::Quit);
            blocks.push(Block::Ask(
                "Quit without saving? The autosave keeps your place for `interview --continue`. [y/n]".into(),
            ));
            return false;
        }
        true
    }

    /// `version`.
    fn version(&self, blocks: &mut Vec<Block>) {
        let s = &self.story;
        let story = match s.version().is_empty() {
            true => s.title().to_owned(),
            false => format!("{}, version {}", s.title(), s.version()),
        };
        blocks.push(Block::Info(format!(
            "{story}. Interview {}.",
            env!("CARGO_PKG_VERSION")
        )));
    }

    /// `again`: the last input once more (not a yes or no, nor `again` itself).
    fn again(&mut self, reply: &mut Reply) {
        match self.last.clone() {
            Some(line) => self.line(&line, reply),
            None => reply
                .blocks
                .push(Block::Problem("there is nothing to repeat yet".into())),
        }
    }

    /// After `help`, `notes`, `saves` or `endings`: the choices again, so they are on screen.
    fn remind(&self, blocks: &mut Vec<Block>) {
        let view = engine::view(&self.story, &self.game.state);
        if view.ending.is_none() && !view.is_dead_end() {
            Self::choice_blocks(&view, blocks);
        }
    }

    fn notes(&self, blocks: &mut Vec<Block>) {
        let (mut text, mut marks) = (String::new(), engine::Marks::new());
        engine::render_text_marked(&self.game.state, self.story.notebook(), &mut text, &mut marks);
        match text.is_empty() {
            true => blocks.push(Block::Info("Your notebook is empty.".into())),
            false => crate::play::render::text_blocks(text, &marks, blocks),
        }
    }

    /// `restart`: at once at an ending or before the first choice, else after a question.
    fn ask_restart(&mut self, blocks: &mut Vec<Block>) {
        if self.at_ending() || self.game.state.turn() == 0 {
            self.restart(blocks);
        } else {
            self.pending = Some(Pending::Restart);
            blocks.push(Block::Ask(
                "Restart from the beginning? (`undo` brings this game back) [y/n]".into(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_parses_by_each_name_and_shows_in_help_and_completion() {
        let help = help().join("\n");
        let offered = completions();
        for c in COMMANDS {
            for name in std::iter::once(&c.name).chain(c.aliases) {
                for typed in [name.to_string(), name.to_uppercase()] {
                    let parsed = parse(&typed).unwrap_or_else(|| panic!("{typed} does not parse"));
                    let (found, _) = parsed.unwrap();
                    assert_eq!(found.name, c.name, "{typed}");
                }
                assert!(help.contains(name), "{name} is not in help");
            }
            assert!(help.contains(c.help), "the help of {} is not in help", c.name);
            assert!(
                offered.iter().any(|o| o.split(' ').next() == Some(c.name)),
                "{} is not offered by completion",
                c.name
            );
        }
        // No name is two commands'.
        let mut names: Vec<&str> = COMMANDS
            .iter()
            .flat_map(|c| std::iter::once(&c.name).chain(c.aliases).copied())
            .collect();
        names.sort();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "a name is used twice");
    }

    #[test]
    fn arguments_parse_by_shape() {
        fn name(l: &str) -> Option<Result<(&'static str, Arg<'_>), String>> {
            parse(l).map(|r| r.map(|(c, a)| (c.name, a)))
        }
        assert_eq!(name("L"), Some(Ok(("look", Arg::None))));
        assert_eq!(name("look at the sea"), None);
        assert_eq!(name("SAVE a"), Some(Ok(("save", Arg::Slot(Some("a"))))));
        assert_eq!(name("save a b"), None);
        assert_eq!(name("restore"), Some(Ok(("load", Arg::Slot(None)))));
        assert_eq!(
            name("transcript ON"),
            Some(Ok(("transcript", Arg::OnOff(Some(true)))))
        );
        assert_eq!(
            name("transcript maybe"),
            Some(Err("use `transcript on` or `transcript off`".into()))
        );
        assert_eq!(name("climb"), None);
    }

    #[test]
    fn help_and_completion_list_every_command() {
        assert_eq!(
            help(),
            [
                "Type a choice's number, or the start of its text. Commands:",
                "  look, l              show the scene again",
                "  again, g             repeat your last input",
                "  notes, status        your notebook",
                "  save [slot]          save the game (slot: letters, digits, - and _; default `default`)",
                "  load [slot]          load a saved game (also `restore`)",
                "  saves                list the saved games",
                "  undo, u [N]          take back the last step (the last N steps)",
                "  restart              start the story again",
                "  endings              the endings you have found",
                "  transcript on|off    copy the session to a text file in the saves folder",
                "  script               start the transcript (as `transcript on`)",
                "  unscript             stop the transcript (as `transcript off`)",
                "  brief                scenes read in an earlier game: first paragraph only",
                "  verbose              every scene in full (the default)",
                "  reload               re-read the story folder (--scenes) and play on",
                "  about                about this story and this game",
                "  version              the versions of the story and of Interview",
                "  help, h, ?           this list",
                "  quit, q, exit        leave the game",
            ]
        );
        assert_eq!(
            completions(),
            [
                "look",
                "again",
                "notes",
                "status",
                "save",
                "load",
                "restore",
                "saves",
                "undo",
                "restart",
                "endings",
                "transcript on",
                "transcript off",
                "script",
                "unscript",
                "brief",
                "verbose",
                "reload",
                "about",
                "version",
                "help",
                "quit",
                "exit"
            ]
        );
    }

    #[test]
    fn undo_takes_a_count() {
        fn arg(l: &str) -> Option<Arg<'_>> {
            parse(l).map(|r| r.unwrap().1)
        }
        assert_eq!(arg("undo"), Some(Arg::Count(None)));
        assert_eq!(arg("u 3"), Some(Arg::Count(Some(3))));
        assert_eq!(arg("undo the knot"), None);
        assert_eq!(arg("EXIT"), Some(Arg::None));
    }
}
