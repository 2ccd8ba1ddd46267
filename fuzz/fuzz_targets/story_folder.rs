//! A story folder from bytes: the files are separated by the byte 0xFF, the first is `story.ron`.
//! The checks live in `tests/hostile/harness.rs`, shared with the property tests.

#![no_main]

#[path = "../../tests/hostile/harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::story_folder(data));
