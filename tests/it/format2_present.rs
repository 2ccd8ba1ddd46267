//! Format 2, presentation (issue 14, item 7): `*em*`, `**strong**`, `{br}`, `{pause}`, `{*}`
//! and `tags`. The engine's text stays the plain words (what replay, transcripts and the tools
//! read); the presentation comes aside as marks, which only the interactive game draws.

use crate::check::check;
use crate::engine::story;
use crate::support::{self, assert_shows};
use interview::engine::{self, Game, Marks};
use interview::save;
use interview::story::Mark;

const PRESENT: &str = "tests/fixtures/play/present";

/// The start scene's text `text` as the engine renders it: (plain words, marks).
fn render(text: &str) -> (String, Marks) {
    let s = story(&format!(
        r#"Scene(id: "start", text: "{text}", choices: [ Choice(text: "Go", goto: "end") ]),"#
    ));
    let (state, _) = engine::new_game(&s, 1).unwrap();
    let view = engine::view(&s, &state);
    (view.text, view.marks)
}

/// Checks the plain words and the marks (as `(byte, mark)`) of a scene text.
fn check_render(text: &str, plain: &str, marks: &[(usize, Mark)]) {
    let (got, got_marks) = render(text);
    assert_eq!(got, plain, "plain words of {text:?}");
    assert_eq!(got_marks, marks, "marks of {text:?}");
}

#[test]
fn emphasis_is_plain_words_with_marks_aside() {
    use Mark::*;
    check_render("A *dark* hall.", "A dark hall.", &[(2, Em), (6, EmEnd)]);
    check_render("A **dark** hall.", "A dark hall.", &[(2, Strong), (6, StrongEnd)]);
    check_render(
        "**A *very* dark** hall.",
        "A very dark hall.",
        &[(0, Strong), (2, Em), (6, EmEnd), (11, StrongEnd)],
    );
    // Flanking: a `*` with spaces around it, or before a space, is an asterisk.
    check_render("2 * 3 is six", "2 * 3 is six", &[]);
    check_render("Five {*} stars", "Five * stars", &[]);
    check_render("***", "***", &[]);
    // Emphasis around a construct.
    check_render("It is *{if b: on | off}*.", "It is off.", &[(6, Em), (9, EmEnd)]);
    // Never closed: shown as written (with a warning, see the check fixture).
    check_render("A *stray one.", "A *stray one.", &[]);
    // A text with no presentation costs nothing: no marks.
    check_render("Plain words.", "Plain words.", &[]);
}

#[test]
fn a_break_is_a_new_line_and_a_pause_a_paragraph_break_in_the_words() {
    use Mark::*;
    check_render("One. {br} Two.", "One.\nTwo.", &[]);
    check_render("One. {pause} Two.", "One.\n\nTwo.", &[(4, Pause)]);
    // A pause at the end waits before the choices; the words end where they did.
    check_render("One. {pause}", "One.", &[(4, Pause)]);
    // A pause alone in its paragraph leaves one blank line, not two.
    check_render("One.\n\n{pause}\n\nTwo.", "One.\n\nTwo.", &[(4, Pause)]);
    check_render(
        "*One {pause} two*",
        "One\n\ntwo",
        &[(0, Em), (3, Pause), (8, EmEnd)],
    );
}

#[test]
fn replies_and_choices_carry_their_marks() {
    let s = support::load(PRESENT);
    let (mut state, _) = engine::new_game(&s, 1).unwrap();
    let view = engine::view(&s, &state);
    assert_eq!(view.choices[0].text, "Light the lamp");
    assert_eq!(view.choices[0].marks, vec![(10, Mark::Em), (14, Mark::EmEnd)]);
    let out = engine::choose(&s, &mut state, 1).unwrap();
    assert_eq!(out.reply.as_deref(), Some("You wait.\n\nNothing."));
    assert_eq!(
        out.reply_marks(),
        [(9, Mark::Pause), (11, Mark::Em), (19, Mark::EmEnd)]
    );
}

#[test]
fn check_reports_presentation_problems_where_they_are() {
    // A locked choice's reason is read like the choice's text (it may vary), and is one line.
    check(
        "locked_reason_braces",
        1,
        &["scenes.ron:5:87: error: `{br}` cannot be in a locked choice's reason"],
    );
    // A text in braces is trimmed: a word next to the braces would be glued to it.
    check(
        "glued_text",
        0,
        &[
            "scenes.ron:3:24: warning: `stop.Then` shows without a space: the text in braces is trimmed",
            "scenes.ron:4:30: warning: `backand` shows without a space: the text in braces is trimmed",
            "scenes.ron:5:16: warning: `Sorry.For` shows without a space: the text in braces is trimmed",
            "scenes.ron:6:24: warning: `phoneand` shows without a space: the text in braces is trimmed",
            // Across a line break in the source, the warning still points at the braces.
            "scenes.ron:7:32: warning: `phoneand` shows without a space: the text in braces is trimmed",
            // Two braces side by side: the first's texts are what comes before the second.
            "scenes.ron:9:47: warning: `Sorry.“Go.”` shows without a space: the texts in braces are trimmed",
            // The same braces written twice: each warning points at its own copy.
            "scenes.ron:10:39: warning: `Wait.Now` shows without a space: the texts in braces are trimmed",
            "scenes.ron:10:78: warning: `Wait.Now` shows without a space: the texts in braces are trimmed",
            // A word before, and the texts disagree: one leans on it (a closing bracket or
            // quote, as the renderer has it), the other is a word glued to it.
            "scenes.ron:12:24: warning: `waitand` shows without a space: the text in braces is trimmed",
            "scenes.ron:12:58: warning: `“Staywith` shows without a space: the text in braces is trimmed",
        ],
    );
    // A construct closes in its paragraph: a blank line inside one is named at its opening,
    // once (the rest of the string is still checked).
    check(
        "construct_past_blank_line",
        1,
        &[
            "scenes.ron:3:25: error: `{if lit: A lamp burns.` runs past a blank line: a `{…}` closes in the paragraph it opens in; close it before the blank line, or write one `{…}` for each paragraph",
        ],
    );
    check(
        "present_unclosed",
        0,
        &[
            "scenes.ron:2:33: warning: `*` opens emphasis that is not closed in its paragraph: it is shown as written",
            "scenes.ron:2:55: warning: `**` opens emphasis that is not closed in its paragraph: it is shown as written",
            "scenes.ron:3:39: warning: `*` opens emphasis that is not closed in its paragraph: it is shown as written",
        ],
    );
    check(
        "present_pause_in_choice",
        1,
        &[
            "scenes.ron:3:40: error: `{pause}` cannot be in a choice's text",
            "scenes.ron:4:39: error: `{br}` cannot be in a choice's text",
            "story.ron:6:23: error: `{pause}` cannot be in the notebook",
        ],
    );
    check(
        "present_bad_tag",
        1,
        &[
            "scenes.ron:2:47: error: `Mood` is not a tag",
            "scenes.ron:2:63: error: a tag cannot be empty",
            "scenes.ron:2:67: warning: the tag `ok-1` is given twice here",
            "scenes.ron:2:75: error: `has space` is not a tag",
            "scenes.ron:3:74: error: `émoji` is not a tag",
        ],
    );
    check(
        "present_star_in_braces",
        0,
        &["scenes.ron:2:37: warning: emphasis cannot begin or end inside `{..}`: its `*` is shown as it is"],
    );
}

#[test]
fn unknown_tag_syntax_is_labelled_so() {
    let out = support::at_root()
        .args(["check", "tests/fixtures/check/present_bad_tag"])
        .output()
        .unwrap();
    let out = String::from_utf8(out.stdout).unwrap();
    assert!(out.contains("unknown tag syntax"), "{out}");
}

#[test]
fn check_tags_lists_every_tag_with_where_it_is_written() {
    let out = support::at_root()
        .args(["check", "--tags", PRESENT])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = String::from_utf8(out.stdout).unwrap();
    let list = out.split_once("\ntags:\n").expect("a tag list").1;
    assert_eq!(
        list,
        "  chapter-1   tests/fixtures/play/present/scenes.ron:5:30  scene `hall`\n\
         \x20 light       tests/fixtures/play/present/scenes.ron:11:27  choice \"Light the lamp\" in `hall`\n\
         \x20 mood:tense  tests/fixtures/play/present/scenes.ron:5:16  scene `hall`\n\
         \x20 mood:tense  tests/fixtures/play/present/scenes.ron:12:80  choice \"Wait\" in `hall`\n"
    );
    // Errors keep check's exit code; the list is only for a story that loads.
    let bad = support::at_root()
        .args(["check", "--tags", "tests/fixtures/check/present_bad_tag"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(!String::from_utf8(bad.stdout).unwrap().contains("\ntags:\n"));
    let model = support::load(PRESENT);
    let hall = &model.scenes()[0];
    let names: Vec<&str> = hall.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["mood:tense", "chapter-1"]);
}

#[test]
fn piped_play_and_transcripts_show_plain_words_and_never_wait() {
    let dir = tempfile::tempdir().unwrap();
    let out = support::at_root()
        .args(["--seed", "1", "--scenes", PRESENT, "--saves"])
        .arg(dir.path())
        .write_stdin("transcript on\n2\nnotes\n1\n1\n")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_shows(
        &stdout,
        &[
            "The hall is very dark.\n\nSomething moves upstairs.\nA clock ticks.\n\nFive * stars, and 2 * 3 is six.",
            "1. Light the lamp\n",
            "You wait.\n\nNothing.\n",
            "You are in a quiet house.\nNothing moves.",
            "The lamp shows everything.\n\nIt is warm.",
        ],
    );
    let transcript = std::fs::read_to_string(dir.path().join("transcript.txt")).unwrap();
    assert!(transcript.contains("You wait.\n\nNothing.\n"), "{transcript}");
    for (what, text) in [("stdout", &stdout), ("transcript", &transcript)] {
        assert!(!text.contains('\x1b'), "an escape code in {what}: {text:?}");
        assert!(
            !text.contains("*lamp") && !text.contains("press Enter"),
            "{what}: {text}"
        );
    }
}

#[test]
fn the_tools_work_on_a_story_with_presentation() {
    for args in [vec!["explore"], vec!["randomtest", "--runs", "20"], vec!["graph"]] {
        let out = support::at_root()
            .args(["--scenes", PRESENT])
            .args(&args)
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stdout}");
        assert!(!stdout.contains('\x1b'), "{args:?}: {stdout}");
    }
    let graph = support::at_root()
        .args(["--scenes", PRESENT, "graph"])
        .output()
        .unwrap();
    let graph = String::from_utf8(graph.stdout).unwrap();
    assert!(
        graph.contains("Light the lamp") && !graph.contains("*lamp*"),
        "{graph}"
    );
    // replay expects the plain words.
    let dir = tempfile::tempdir().unwrap();
    let walk = dir.path().join("walk.ron");
    std::fs::write(
        &walk,
        r#"Walkthrough(seed: 1, inputs: ["Wait", "Light the lamp", "Leave"],
             expect: ["You wait.\n\nNothing.", "The lamp shows everything.", "THE END: Out into the rain"])"#,
    )
    .unwrap();
    let out = support::at_root()
        .args(["--scenes", PRESENT, "replay"])
        .arg(&walk)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn presentation_adds_nothing_to_the_state_or_the_save() {
    let with = story(
        r#"Scene(id: "start", text: "A **bold** {pause} *word*.{br}Next.", tags: ["a"],
             choices: [ Choice(text: "*Go*", goto: "end", tags: ["b"]) ]),"#,
    );
    let without = story(
        r#"Scene(id: "start", text: "A bold word. Next.",
             choices: [ Choice(text: "Go", goto: "end") ]),"#,
    );
    // The saved state, without the story's fingerprint (the texts differ).
    let state = |text: String| text.split_once("state: State(").unwrap().1.to_owned();
    let (mut a, _) = Game::new(&with, 3).unwrap();
    let (mut b, _) = Game::new(&without, 3).unwrap();
    assert_eq!(
        state(save::to_text(&with, &a, 0)),
        state(save::to_text(&without, &b, 0))
    );
    a.choose(&with, 0).unwrap();
    b.choose(&without, 0).unwrap();
    let text = save::to_text(&with, &a, 0);
    assert_eq!(state(text.clone()), state(save::to_text(&without, &b, 0)));
    let loaded = save::from_text(&with, &text).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.game, a);
}

#[cfg(unix)]
#[test]
fn a_terminal_shows_styles_and_waits_at_a_pause() {
    use expectrl::Expect;
    use std::time::Duration;
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(support::bin());
    cmd.args(["--seed", "1", "--scenes"])
        .arg(support::root().join(PRESENT))
        .arg("--saves")
        .arg(dir.path())
        .env("TERM", "xterm")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    let mut p = expectrl::Session::spawn(cmd).expect("spawn in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    let seen = p.expect("(press Enter)").unwrap();
    let before = String::from_utf8_lossy(seen.before()).into_owned();
    assert!(
        before.contains("The hall is \x1b[3mvery\x1b[23m dark."),
        "{before:?}"
    );
    // Nothing after the pause is shown before Enter.
    assert!(!before.contains("upstairs"), "{before:?}");
    p.send("\r").unwrap();
    let seen = p.expect("> ").unwrap();
    let after = String::from_utf8_lossy(seen.before()).into_owned();
    assert!(
        after.contains("Something moves \x1b[1mupstairs\x1b[22m."),
        "{after:?}"
    );
    assert!(after.contains("A clock ticks."), "{after:?}");
    assert!(after.contains("Light the \x1b[3mlamp\x1b[23m\r\n"), "{after:?}");
    p.send(expectrl::ControlCode::EndOfTransmission).unwrap();

    // `--plain` in a terminal: no styles, no wait.
    let mut cmd = std::process::Command::new(support::bin());
    cmd.args(["--plain", "--seed", "1", "--scenes"])
        .arg(support::root().join(PRESENT))
        .arg("--saves")
        .arg(dir.path())
        .env("TERM", "xterm");
    let mut p = expectrl::Session::spawn(cmd).expect("spawn in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    let seen = p.expect("> ").unwrap();
    let text = String::from_utf8_lossy(seen.before()).into_owned();
    assert!(
        text.contains("The hall is very dark.\r\n\r\nSomething moves upstairs."),
        "{text:?}"
    );
    assert!(
        !text.contains("\x1b[3m") && !text.contains("press Enter"),
        "{text:?}"
    );
    p.send(expectrl::ControlCode::EndOfTransmission).unwrap();
}

#[test]
fn thousands_of_stray_asterisks_or_tags_make_a_few_diagnostics_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let stars: Vec<String> = (0..5000).map(|i| format!("*a{i}")).collect();
    let tags: Vec<String> = (0..70).map(|i| format!("\"t{i}\"")).collect();
    std::fs::write(
        dir.path().join("story.ron"),
        r#"Story(id: "h", title: "H", start: "start", endings: { "end": "End" })"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("scenes.ron"),
        format!(
            r#"[Scene(id: "start", text: "{}", tags: [{}], choices: [ Choice(text: "Go", goto: "end") ]),
                Scene(id: "end", text: "x", ending: "end")]"#,
            stars.join(" "),
            tags.join(", ")
        ),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let out = support::interview()
        .arg("check")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    let out = String::from_utf8(out.stdout).unwrap();
    let heads: Vec<&str> = out
        .lines()
        .filter(|l| l.contains(": warning: ") || l.contains(": error: "))
        .collect();
    assert_eq!(heads.len(), 4, "{heads:#?}");
    assert!(heads[2].ends_with("(and 4997 more after it)"), "{}", heads[2]);
    assert!(
        heads[3].ends_with("error: 70 tags here; the limit is 64"),
        "{}",
        heads[3]
    );
}

#[test]
fn a_variable_named_br_or_pause_keeps_its_meaning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("story.ron"),
        r#"Story(id: "v", title: "V", start: "start", endings: { "end": "End" },
                 variables: { "br": Text("bread"), "pause": Int(value: 3) })"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("scenes.ron"),
        r#"[Scene(id: "start", text: "Buy {br} x{pause}.", choices: [ Choice(text: "Go", goto: "end") ]),
            Scene(id: "end", text: "x", ending: "end")]"#,
    )
    .unwrap();
    let s = support::load(dir.path());
    let (state, _) = engine::new_game(&s, 1).unwrap();
    let view = engine::view(&s, &state);
    assert_eq!(view.text, "Buy bread x3.");
    assert!(view.marks.is_empty());
}
