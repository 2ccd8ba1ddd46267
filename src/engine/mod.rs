//! The engine: a game state, the functions that view and step it, and a [`Game`] (a state
//! with the seed and the choices that led to it).
//!
//! Pure and deterministic: no files, no terminal, no clock. The same story, seed and choices
//! always give the same states, byte for byte. Randomness comes only from the state's
//! generator (or from the [`Dice`] a tool passes in).

mod eval;
mod game;
mod render;
mod state;
mod step;

pub use eval::{apply, holds};
pub use game::{Game, Step};
pub use render::{Marks, render_line, render_text, render_text_into, render_text_marked};
pub use state::{GameState, Rng};
pub use step::{
    ChoiceView, Dice, Outcome, OutcomeMarks, StepError, View, available, choose, choose_with, ending,
    new_game, new_game_with, step_with, view,
};
