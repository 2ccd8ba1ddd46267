//! Limits that keep a hostile folder from hanging or exhausting the machine: file and story
//! size, number of files, nesting depth, scenes, choices, text and chance rolls per scene,
//! branches of one random pick, and automatic transitions in one step (inclusive: a step may
//! take exactly this many).

pub const FILE_BYTES: usize = 4 * 1024 * 1024;
pub const STORY_BYTES: usize = 64 * 1024 * 1024;
pub const FILES: usize = 10_000;
pub const DEPTH: usize = 64;
pub const SCENES: usize = 100_000;
pub const CHOICES_PER_SCENE: usize = 200;
pub const TEXT_PER_SCENE: usize = 64 * 1024;
pub const CHANCES_PER_SCENE: usize = 64;
/// Branches of one random pick (`branches: [...]` of a choice or an auto): `explore` tries each
/// branch of a pick as its own outcome, so this bounds its work per choice.
pub const BRANCHES_PER_TARGET: usize = 1_000;
pub const TRANSITIONS_PER_STEP: usize = 100;
/// The largest weight of a random branch.
pub const MAX_WEIGHT: i64 = 1_000_000;
/// Values of one `random(lo, hi)` in an expression: `explore` tries each value as its own
/// outcome, as it does each branch of a pick.
pub const RANDOM_VALUES: i64 = 1_000;
/// Length in bytes of the text of one `Expr("..")`: its parser recurses on parentheses.
pub const EXPR_BYTES: usize = 1_000;
/// How deep sections may call sections (`call:`): a call past it is a runtime error, so a
/// section that calls itself stops with a clear message (and `explore` reports it).
pub const CALL_DEPTH: usize = 64;
