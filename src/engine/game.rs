//! A game in progress: the engine's state, the seed it started from and the choices made.
//!
//! The choices (`trail`) let a save be verified by replaying them. They start either at the
//! story's start with the seed, or at a state kept with them (`from`): a game that grew too
//! long for a save keeps its state plus a bounded tail of its choices ([`Game::rebased`]).

use super::{GameState, Outcome, StepError};
use crate::story::Story;
use serde::{Deserialize, Serialize};

/// One choice made: the scene it was made in and the choice's position in that scene.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename = "Choice")]
pub struct Step(pub String, pub usize);

/// A game in progress: the engine's state, the seed it started from and the choices made since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Game {
    pub state: GameState,
    pub seed: u64,
    /// Where `trail` starts: `None` at the story's start with `seed`, else at this state (the
    /// choices before it were dropped to keep the game's save under the size limit).
    pub from: Option<Box<GameState>>,
    /// The choices made since the start (or since `from`), in order.
    pub trail: Vec<Step>,
    /// Whether replaying `trail` from `seed` (or `from`) gives `state` (false once the story was
    /// edited under the game: then the old choices no longer describe it).
    pub replayable: bool,
}

impl Game {
    /// Starts a game from the story's start scene.
    pub fn new(story: &Story, seed: u64) -> Result<(Game, Outcome), StepError> {
        let (state, outcome) = super::new_game(story, seed)?;
        let game = Game {
            state,
            seed,
            from: None,
            trail: Vec::new(),
            replayable: true,
        };
        Ok((game, outcome))
    }

    /// A game standing at `state` with no choices behind it (a state of its own making).
    pub fn at(state: GameState, seed: u64) -> Game {
        Game {
            from: Some(Box::new(state.clone())),
            state,
            seed,
            trail: Vec::new(),
            replayable: true,
        }
    }

    /// Makes choice `index` of the current scene (as in [`super::ChoiceView::index`]). On an
    /// error the game is left exactly as it was.
    pub fn choose(&mut self, story: &Story, index: usize) -> Result<Outcome, StepError> {
        let mut state = self.state.clone();
        let outcome = super::choose(story, &mut state, index)?;
        let scene = story.scene(self.state.scene).id.clone();
        self.state = state;
        self.trail.push(Step(scene, index));
        Ok(outcome)
    }

    /// Plays `trail` from `seed`; says where it stops fitting the story.
    pub fn replay(story: &Story, seed: u64, trail: &[Step]) -> Result<Game, String> {
        Game::replay_from(story, seed, None, trail)
    }

    /// Plays `trail` from `from` (or from the start with `seed`); says where it stops fitting.
    pub fn replay_from(
        story: &Story,
        seed: u64,
        from: Option<&GameState>,
        trail: &[Step],
    ) -> Result<Game, String> {
        Game::replay_seeing(story, seed, from, trail, &mut |_, _| {})
    }

    /// [`Game::replay_from`], calling `saw` with the game and what each step showed.
    fn replay_seeing(
        story: &Story,
        seed: u64,
        from: Option<&GameState>,
        trail: &[Step],
        saw: &mut dyn FnMut(&Game, Outcome),
    ) -> Result<Game, String> {
        let mut game = match from {
            Some(state) => Game::at(state.clone(), seed),
            None => Game::new(story, seed).map_err(|e| e.to_string())?.0,
        };
        for (n, Step(scene, index)) in trail.iter().enumerate() {
            let here = &story.scene(game.state.scene).id;
            if here != scene {
                return Err(format!(
                    "choice {} was made in scene `{scene}`, but the replay is in `{here}`",
                    n + 1
                ));
            }
            let outcome = game
                .choose(story, *index)
                .map_err(|e| format!("choice {}: {e}", n + 1))?;
            saw(&game, outcome);
        }
        Ok(game)
    }

    /// What the last choice showed (its reply and the scenes it passed), found by playing the
    /// choices again up to it, and the state the game was in when it entered the scene it is in
    /// now: for a game resumed from a save, which keeps choices, not texts. After a reply that
    /// stayed in its scene, the scene's text was read as it was on entering, before the stay
    /// changed what it reads. `None` at the start of a game, or when the choices no longer
    /// replay (the story was edited).
    pub fn last_outcome(&self, story: &Story) -> Option<(Outcome, GameState)> {
        if !self.replayable {
            return None;
        }
        let mut entered = match self.from.as_deref() {
            Some(state) => state.clone(),
            None => Game::new(story, self.seed).ok()?.0.state,
        };
        let mut last = None;
        let from = self.from.as_deref();
        Game::replay_seeing(story, self.seed, from, &self.trail, &mut |game, outcome| {
            if !outcome.stayed {
                entered.clone_from(&game.state);
            }
            last = Some(outcome);
        })
        .ok()?;
        Some((last?, entered))
    }

    /// The same game keeping only the last `keep` choices: the state they start from is found
    /// by replaying the ones dropped. A game whose choices do not replay keeps its last choices
    /// unverified, as it was.
    pub fn rebased(&self, story: &Story, keep: usize) -> Game {
        let cut = self.trail.len().saturating_sub(keep);
        let tail = self.trail[cut..].to_vec();
        if !self.replayable {
            return Game {
                trail: tail,
                ..self.clone()
            };
        }
        match Game::replay_from(story, self.seed, self.from.as_deref(), &self.trail[..cut]) {
            Ok(base) => Game {
                state: self.state.clone(),
                seed: self.seed,
                from: Some(Box::new(base.state)),
                trail: tail,
                replayable: true,
            },
            Err(_) => Game::at(self.state.clone(), self.seed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rebased_game_replays_its_tail_from_its_new_start() {
        let files = crate::files::embedded_story();
        let story = crate::story::load_story(&files).story.unwrap();
        let (mut game, _) = Game::new(&story, 5).unwrap();
        for _ in 0..12 {
            let view = super::super::view(&story, &game.state);
            let Some(c) = view.choices.iter().find(|c| c.available) else {
                break;
            };
            game.choose(&story, c.index).unwrap();
        }
        let n = game.trail.len();
        assert!(n >= 4, "{n}");
        for keep in [0, 1, n / 2, n] {
            let shorter = game.rebased(&story, keep);
            assert_eq!(shorter.trail, game.trail[n - keep..]);
            assert_eq!(shorter.state, game.state);
            let again = Game::replay_from(&story, 5, shorter.from.as_deref(), &shorter.trail).unwrap();
            assert_eq!(again.state, game.state);
        }
    }
}
