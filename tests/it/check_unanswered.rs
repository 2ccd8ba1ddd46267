//! The unanswered-choice report of `interview check` (issue 16): sibling choices without a
//! reply whose next shown text is the same whatever the state, one warning per group at the
//! first choice; and each thing that tells such choices apart, each in a fixture that differs
//! from `unanswered_twins` by that one thing.

use crate::check::{check, check_snap};

/// Three choices to the same scene that only move numbers it never shows: one warning naming
/// all three; a choice to another place and one that comes back are not in the group. Two
/// choices under `Visited("cellar")` and `Not(Flag("rich"))`, the cellar needing `rich` that a
/// coin may toggle back: not plainly exclusive, so twins.
#[test]
fn twins_are_reported_once_per_group() {
    check_snap(
        "unanswered_twins",
        0,
        &[
            "scenes.ron:6:13: warning: choices \"Order the fish\" (line 6), \"Order the steak\" (line 7) \
           and \"Order the salad\" (line 9) lead to the same text whatever the state: the player cannot \
           tell them apart",
            // Having seen the cellar does not mean rich now: the coin toggles `rich`.
            "scenes.ron:27:13: warning: choices \"A cellar wine\" (line 27) and \"A cheap wine\" (line 28) \
           lead to the same text whatever the state: the player cannot tell them apart",
        ],
    );
}

/// Each fixture has sibling choices that would be twins but for one thing.
#[test]
fn what_tells_choices_apart() {
    for fixture in [
        // One of the two has a reply.
        "unanswered_reply",
        // The next scene's text reads what they set; or which choices it offers does.
        "unanswered_text_reads",
        // An auto forwards (through another) on what they set.
        "unanswered_auto",
        // They are never offered together (`X` and `Not(X)`, directly or inside an `All`; or
        // `Visited(..)` of a scene whose only way in needs a flag only ever set true).
        "unanswered_exclusive",
        // The other one is a fallback: never shown.
        "unanswered_fallback",
    ] {
        check(fixture, 0, &[]);
    }
}

/// The example story in the documentation answers every choice.
#[test]
fn the_documented_example_has_no_unanswered_choices() {
    let out = crate::support::interview()
        .args(["check", "docs/example"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains("lead to the same text"), "{stdout}");
}
