//! Crash safety: the real binary saves in a loop and is killed (SIGKILL) at many pseudo-random
//! moments; the slot it was writing is then always a whole save, old or new, never a broken one.

use crate::support;
use interview::save::{SaveDir, Slot};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn a_save_killed_midway_leaves_the_old_or_the_new_save() {
    let door = support::path("tests/fixtures/play/door");
    let story = support::load(&door);
    let dir = tempfile::tempdir().unwrap();
    let saves = SaveDir::new(dir.path().join("saves"));
    let slot = Slot::parse("crash").unwrap();
    let bin = support::bin();

    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut turns_seen = std::collections::BTreeSet::new();
    for round in 0..40 {
        let mut child = Command::new(&bin)
            .args(["--scenes", door.to_str().unwrap(), "--seed", "7", "--saves"])
            .arg(saves.dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        // Feed saves until the child is gone (then the write fails and the thread ends).
        let feeder = std::thread::spawn(move || {
            let chunk = "2\nsave crash\nundo\nsave crash\n".repeat(50);
            while stdin.write_all(chunk.as_bytes()).is_ok() {}
        });
        // Wait for the first save of the round, then let it run a pseudo-random while.
        let first = round == 0;
        for _ in 0..10_000 {
            if !first || saves.slot_path(&slot).exists() {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        std::thread::sleep(Duration::from_micros(x % 20_000));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        feeder.join().unwrap();

        let loaded = saves
            .load(&slot, &story)
            .unwrap_or_else(|e| panic!("round {round}: the slot does not load: {e}"));
        assert!(loaded.warnings.is_empty(), "round {round}: {:?}", loaded.warnings);
        turns_seen.insert(loaded.game.state.turn());
        if let Err(e) = saves.load(&Slot::autosave(), &story) {
            panic!("round {round}: the autosave does not load: {e}");
        }
        for row in saves.list().unwrap() {
            assert!(row.save.is_ok(), "round {round}: {}: {:?}", row.slot, row.save);
        }
    }
    // Only the two states the loop saves ever appear.
    assert!(turns_seen.iter().all(|t| *t <= 1), "{turns_seen:?}");
}
