//! One story file from bytes, read by the loader's fast reader and by `ron`: whenever the fast
//! reader gives a value, `ron` must give the same. The check lives in `tests/hostile/harness.rs`.

#![no_main]

#[path = "../../tests/hostile/harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::fast_reader(data));
