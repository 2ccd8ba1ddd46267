//! The story being played: `about` and `reload`.

use super::Session;
use crate::files;
use crate::files::StorySource;
use crate::play::render::Block;
use crate::save;
use crate::story::load_story;

impl Session {
    pub(super) fn about(&self, blocks: &mut Vec<Block>) {
        let s = &self.story;
        let mut head = s.title().to_owned();
        if !s.version().is_empty() {
            head.push_str(&format!(", version {}", s.version()));
        }
        if !s.author().is_empty() {
            head.push_str(&format!(", by {}", s.author()));
        }
        blocks.push(Block::Heading(head));
        if !s.about().trim().is_empty() {
            blocks.push(Block::Text(fold(s.about())));
        }
        blocks.push(Block::Info(format!(
            "Seed {} (`interview --seed {}` plays this game again). Saves go to {}. Interview {}.",
            self.game.seed,
            self.game.seed,
            self.saves.dir().display(),
            env!("CARGO_PKG_VERSION")
        )));
    }

    pub(super) fn reload(&mut self, blocks: &mut Vec<Block>) {
        let StorySource::Dir(dir) = self.source.clone() else {
            blocks.push(Block::Problem(
                "`reload` re-reads a story folder given with `--scenes DIR`; the built-in story cannot change"
                    .into(),
            ));
            return;
        };
        let files = match files::read_story_dir(&dir) {
            Ok(f) => f,
            Err(e) => {
                return blocks.push(Block::Problem(format!(
                    "cannot reload: {e}; still playing the story as it was"
                )));
            }
        };
        let loaded = load_story(&files);
        let Some(story) = loaded.story else {
            let errors: Vec<String> = loaded.errors().map(|d| d.headline()).collect();
            blocks.push(Block::Problem(format!(
                "cannot reload: {} has {} error{}; still playing the story as it was",
                dir.display(),
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            )));
            blocks.push(Block::Table(errors.into_iter().take(20).collect()));
            return;
        };
        if story.fingerprint() == self.story.fingerprint() {
            blocks.push(Block::Info(format!("{} has not changed.", dir.display())));
            return;
        }
        let (game, warnings) = match save::carry_over(&self.story, &self.game, &story) {
            Ok(g) => g,
            Err(e) => {
                return blocks.push(Block::Problem(format!(
                    "cannot reload: {e}; still playing the story as it was"
                )));
            }
        };
        // Carry the undo stack over too, newest first, as far back as it fits.
        self.carry_undo(&story);
        self.story = story;
        self.replace_game(game);
        self.autosave(blocks);
        let mut text = format!("Reloaded {}.", dir.display());
        for w in &warnings {
            text.push_str(&format!(" Note: {w}."));
        }
        blocks.push(Block::Info(text));
        self.scene(blocks, false);
    }
}

/// Folds text as the story format does for scene text: a blank line starts a paragraph, other
/// line breaks and runs of spaces become one space.
fn fold(text: &str) -> String {
    let mut paras: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines().chain(std::iter::once("")) {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paras.push(current.join(" "));
                current.clear();
            }
        } else {
            current.extend(line.split_whitespace());
        }
    }
    paras.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_joins_lines_and_keeps_paragraphs() {
        assert_eq!(fold("One\n    two  three\n\n  Four.\n"), "One two three\n\nFour.");
        assert_eq!(fold(""), "");
    }
}
