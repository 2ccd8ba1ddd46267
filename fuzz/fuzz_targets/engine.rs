//! The engine stepping a valid story generated from the bytes, with choices from the bytes.
//! The checks live in `tests/hostile/harness.rs`, shared with the property tests.

#![no_main]

#[path = "../../tests/hostile/harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::engine(data));
