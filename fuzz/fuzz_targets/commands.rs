//! Input lines for a game session: the first byte picks the story (example or hostile) and seed.
//! The checks live in `tests/hostile/harness.rs`, shared with the property tests.

#![no_main]

#[path = "../../tests/hostile/harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::commands(data));
