//! What every area shares: the project's folders, the binary, temporary folders and the stories
//! the tests load. Helpers specific to one area (its `check`) stay in that area's module.

use assert_cmd::Command;
use interview::story::{SourceFile, Story};
use std::path::{Path, PathBuf};

/// The project's root. The tests run here (cargo starts them in the package's folder), and the
/// binary runs here unless a test says otherwise, so paths relative to it work in arguments.
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The small example story, relative to [`ROOT`].
pub const EXAMPLE: &str = "docs/example";

/// The project's root as a path.
pub fn root() -> &'static Path {
    Path::new(ROOT)
}

/// A path under the project's root: `path("tests/fixtures/play/door")`.
pub fn path(relative: &str) -> PathBuf {
    root().join(relative)
}

/// The built binary, for `std::process::Command` and expectrl.
pub fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("interview")
}

/// The binary with the test's environment and folder, nothing set.
pub fn cmd() -> Command {
    Command::cargo_bin("interview").unwrap()
}

/// The binary, run in the project's root.
pub fn at_root() -> Command {
    let mut cmd = cmd();
    cmd.current_dir(ROOT);
    cmd
}

/// The binary, run in the project's root, without colour (`NO_COLOR=1`): what most tests compare.
pub fn interview() -> Command {
    let mut cmd = at_root();
    cmd.env("NO_COLOR", "1");
    cmd
}

/// A fresh, empty folder `interview-AREA-NAME-PID` in the system's temporary folder (what a
/// previous run left there is removed first). The test removes it when it passes.
pub fn temp_dir(area: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("interview-{area}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One story file in memory.
pub fn file(name: &str, text: impl Into<Vec<u8>>) -> SourceFile {
    SourceFile {
        name: name.to_owned(),
        bytes: text.into(),
    }
}

/// Loads a story folder (relative to [`ROOT`], or absolute); panics with every diagnostic if
/// it does not load.
pub fn load(dir: impl AsRef<Path>) -> Story {
    crate::harness::load_dir(&root().join(dir))
}

/// The example story, loaded once for the whole test binary (shared with the hostile harness).
pub fn example() -> &'static Story {
    crate::harness::example()
}

/// Asserts that `out` (a program's output) contains each of `texts`, showing the whole output
/// when one is missing.
#[track_caller]
pub fn assert_shows(out: &str, texts: &[&str]) {
    for text in texts {
        assert!(out.contains(text), "no {text:?} in:\n{out}");
    }
}
