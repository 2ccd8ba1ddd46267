//! `interview proof`: every paragraph a scene can show, once, with the values of what the game
//! can still read whenever it is shown, and a route to it. The search must keep apart states
//! that only a text tells apart (a flag no condition reads), or a version would be missed.

use crate::engine::story;
use crate::support;
use interview::story::Story;
use interview::tools::proof::{Config, Paragraph, proof, proof_quick};

/// Every paragraph of the passage that stops in `scene`.
fn paragraphs(story: &Story, scene: &str) -> Vec<Paragraph> {
    let config = Config {
        max_states: 1_000_000,
        scenes: vec![story.scene_by_name(scene).unwrap()],
        sample: 0,
    };
    let p = proof(story, &config, &mut |_, _| {});
    assert!(p.complete);
    p.passages.into_iter().flat_map(|p| p.paragraphs).collect()
}

/// The scene `bar` of `scenes`: its paragraphs as `text [var = a | b; ...]`, with only the
/// variables whose values are listed in `vars`, in the order found.
fn check(scenes: &str, vars: &[&str], expect: &[&str]) {
    let s = story(scenes);
    let got: Vec<String> = paragraphs(&s, "bar")
        .iter()
        .map(|p| {
            let when: Vec<String> = p
                .when
                .iter()
                .filter(|k| vars.contains(&k.name.as_str()))
                .map(|k| format!("{} = {}", k.name, k.values.join(" | ")))
                .collect();
            format!("{} [{}]", p.text, when.join("; "))
        })
        .collect();
    assert_eq!(got, expect, "paragraphs of `bar` in {scenes}");
}

/// Drink or not at the start; a hall in between reads nothing; the bar.
const DRINK: &str = r#"
    Scene(id: "start", text: "Evening.", choices: [
        Choice(text: "Drink", goto: "hall", effects: [ Set("b", true) ]),
        Choice(text: "Abstain", goto: "hall"),
    ]),
    Scene(id: "hall", text: "A hall.", choices: [ Choice(text: "On", goto: "bar") ]),
"#;

#[test]
fn a_flag_only_a_text_reads_keeps_its_versions_apart() {
    // `b` is read by no condition: `explore` forgets it in the hall. The proof must not.
    check(
        &format!(
            r#"{DRINK} Scene(id: "bar", text: "{{if b: You sway. | You stand straight.}} It is loud.",
                choices: [ Choice(text: "Leave", goto: "end") ]),"#
        ),
        &["b"],
        &[
            "You sway. It is loud. [b = true]",
            "You stand straight. It is loud. [b = false]",
            "[choice] Leave [b = false | true]",
        ],
    );
}

#[test]
fn a_line_shown_on_every_route_lists_every_value_beside_it() {
    // The slip an editor looks for: "your glass" whether he drank or not.
    check(
        &format!(
            r#"{DRINK} Scene(id: "bar", text: "You lift your glass.", choices: [
                Choice(text: "Leave", goto: "end", if: Flag("b")),
                Choice(text: "Stay", goto: "end"),
            ]),"#
        ),
        &["b"],
        &[
            "You lift your glass. [b = false | true]",
            "[choice] Leave [b = true]",
            "[choice] Stay [b = false | true]",
        ],
    );
}

#[test]
fn replies_and_passed_scenes_are_paragraphs_of_the_passage() {
    check(
        r#"
        Scene(id: "start", text: "Evening.", choices: [
            Choice(text: "Drink", goto: "door", effects: [ Add("n", 2) ], reply: "You drink {n}."),
            Choice(text: "Abstain", goto: "door"),
        ]),
        Scene(id: "door", text: "A door swings.", auto: [ Auto(goto: "bar") ]),
        Scene(id: "bar", text: "The bar.", choices: [ Choice(text: "Leave", goto: "end") ]),
        "#,
        &["n"],
        &[
            "You drink 3. [n = 3]",
            "A door swings. [n = 1 | 3]",
            "The bar. [n = 1 | 3]",
            "[choice] Leave [n = 1 | 3]",
        ],
    );
}

#[test]
fn a_text_that_can_never_show_is_not_listed() {
    check(
        r#"
        Scene(id: "start", text: "Evening.", choices: [ Choice(text: "On", goto: "bar") ]),
        Scene(id: "bar", text: "{if b: Never. | Always.}", choices: [ Choice(text: "Leave", goto: "end") ]),
        "#,
        &[],
        &["Always. []", "[choice] Leave []"],
    );
}

#[test]
fn the_route_of_a_paragraph_shows_it_when_typed_into_the_game() {
    let dir = support::temp_dir("proof", "route");
    std::fs::write(
        dir.join("story.ron"),
        r#"Story(id: "t", title: "T", start: "start", variables: { "b": Bool(false) },
            endings: { "end": "The End" })"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("scenes.ron"),
        format!(
            r#"[{} Scene(id: "bar", text: "{{if b: You sway. | You stand straight.}}",
                choices: [ Choice(text: "Leave", goto: "end") ]),
              Scene(id: "end", text: "Fin.", ending: "end")]"#,
            DRINK
        ),
    )
    .unwrap();
    let out = support::interview()
        .args(["--scenes", dir.to_str().unwrap(), "proof", "bar", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let paragraphs = json["passages"][0]["paragraphs"].as_array().unwrap();
    let sober = paragraphs
        .iter()
        .find(|p| p["text"] == "You stand straight.")
        .expect("the sober version is listed");
    let inputs: Vec<String> = sober["route"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{}\n", s["input"].as_str().unwrap()))
        .collect();
    assert_eq!(inputs, ["2\n", "1\n"]);
    let played = support::interview()
        .args(["--scenes", dir.to_str().unwrap(), "--plain", "--saves"])
        .arg(dir.join("saves"))
        .write_stdin(inputs.concat())
        .output()
        .unwrap();
    let screen = String::from_utf8(played.stdout).unwrap();
    assert!(screen.contains("You stand straight."), "{screen}");
    assert!(!screen.contains("You sway."), "{screen}");

    // As text: the header, each paragraph with its values and route.
    let out = support::interview()
        .args(["--scenes", dir.to_str().unwrap(), "proof", "bar"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    support::assert_shows(
        &text,
        &[
            "T: 3 paragraphs in 1 scene (searched",
            "##### bar: 3 paragraphs",
            "=== bar ¶1 of 3 (shown by 1 step) ===",
            "Route (2 choices): 1 1",
            "    hall: 1. On",
            "Always: b = true",
            "You sway.",
        ],
    );
}

#[test]
fn an_unknown_scene_is_a_usage_error_with_the_nearest_id() {
    let first = support::load("docs/example").scenes()[0].id.clone();
    for (name, says) in [
        (
            "no_such_scene_at_all",
            "no scene `no_such_scene_at_all` in the story".to_owned(),
        ),
        (&format!("{first}x"), format!("did you mean `{first}`?")),
    ] {
        let out = support::at_root()
            .args(["--scenes", "docs/example", "proof", name])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(&says), "{name}: {err}");
    }
}

#[test]
fn every_scene_of_the_example_is_proofed_when_none_is_named() {
    let out = support::at_root()
        .args(["--scenes", "docs/example", "proof", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["complete"], true);
    let shown: Vec<&str> = json["passages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["scene"].as_str().unwrap())
        .collect();
    let story = support::load("docs/example");
    let report = interview::tools::explore::explore(&story, &Default::default(), &mut |_, _| {});
    // Every scene reached is proofed (a scene only ever passed through shows no screen of its
    // own), and only those.
    for p in &shown {
        assert!(!report.unreached.scenes.iter().any(|u| u.id == *p), "{p}");
    }
    assert!(
        shown.len() >= story.scenes().len() - report.unreached.scenes.len() - 3,
        "{shown:?}"
    );
}

#[test]
fn texts_that_read_different_values_are_searched_apart_when_together_they_are_too_many() {
    // Two paragraphs, each reading its own number: together 4 x 4 states at the bar, apart 4.
    let scenes = r#"
        Scene(id: "start", text: "Evening.", choices: [
            Choice(text: "One", goto: "two", effects: [ Set("n", 1) ]),
            Choice(text: "Two", goto: "two", effects: [ Set("n", 2) ]),
            Choice(text: "Three", goto: "two", effects: [ Set("n", 3) ]),
            Choice(text: "Zero", goto: "two", effects: [ Set("n", 0) ]),
        ]),
        Scene(id: "two", text: "Again.", choices: [
            Choice(text: "One", goto: "bar", effects: [ Set("free", 1) ]),
            Choice(text: "Two", goto: "bar", effects: [ Set("free", 2) ]),
            Choice(text: "Three", goto: "bar", effects: [ Set("free", 3) ]),
            Choice(text: "Zero", goto: "bar", effects: [ Set("free", 0) ]),
        ]),
        Scene(id: "bar", text: [Text("N is {n}."), Text("Free is {free}.")],
            choices: [ Choice(text: "Leave", goto: "end") ]),
    "#;
    let s = story(scenes);
    let bar = s.scene_by_name("bar").unwrap();
    let run = |max_states| {
        let config = Config {
            max_states,
            scenes: vec![bar],
            sample: 0,
        };
        proof(&s, &config, &mut |_, _| {})
    };
    let together = run(1_000);
    let apart = run(12);
    assert!(together.complete && apart.complete);
    let texts = |p: &interview::tools::proof::Proof| -> Vec<String> {
        p.passages[0].paragraphs.iter().map(|p| p.text.clone()).collect()
    };
    assert_eq!(texts(&together), texts(&apart));
    assert_eq!(texts(&apart).len(), 4 + 4 + 1, "{:?}", texts(&apart));
    // Too few states even apart: the proof says so.
    assert!(!run(3).complete);
    // Too few even for what leads to the bar with no text read: no use splitting, so two
    // searches (with the texts, then without) and no more.
    let short = run(2);
    assert!(!short.complete);
    assert!(short.states <= 2 * 2, "{}", short.states);
    // `--sample`: random games add what the cut-short search missed, each paragraph with the
    // route of the first game that showed it, and no values beside it.
    let config = Config {
        max_states: 2,
        scenes: vec![bar],
        sample: 200,
    };
    let sampled = proof(&s, &config, &mut |_, _| {});
    assert!(!sampled.complete);
    assert_eq!(sampled.sampled_games, 200);
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    assert_eq!(sorted(texts(&sampled)), sorted(texts(&together)));
    let paragraphs = &sampled.passages[0].paragraphs;
    assert!(
        paragraphs
            .iter()
            .all(|p| p.sampled && p.when.is_empty() && p.steps > 0)
    );
    let two = paragraphs.iter().find(|p| p.text == "N is 2.").unwrap();
    let route: Vec<(&str, &str)> = two
        .route
        .iter()
        .map(|r| (r.scene.as_str(), r.choice.as_str()))
        .collect();
    assert_eq!(route[0], ("start", "Two"), "{route:?}");
    assert_eq!(route.len(), 2);
    // The seed and the route play that game again.
    let w = interview::tools::replay::Walkthrough {
        seed: two.seed.expect("a sampled paragraph has its game's seed"),
        inputs: two.route.iter().map(|r| r.input.clone()).collect(),
        expect: Vec::new(),
        reject: Vec::new(),
        ending: None,
    };
    let played = interview::tools::replay::play(&s, &w);
    assert!(
        played.failure.is_none() && played.screen.contains("N is 2."),
        "{}",
        played.screen
    );
    let text = interview::tools::proof::render(&sampled);
    assert!(text.contains("then 200 random games played"), "{text}");
    assert!(text.contains("(found by random play, shown "), "{text}");
    assert!(interview::tools::proof::render(&short).contains("`--sample 2000` adds"));
}

/// A scene that never waits (an `Auto` with no condition) stops no screen: asked for by name,
/// its text is proofed in the passage it leads into, and the proof says where.
#[test]
fn a_scene_that_never_waits_is_proofed_where_its_text_is_read() {
    let s = story(
        r#"
        Scene(id: "start", text: "Evening.", choices: [ Choice(text: "On", goto: "door") ]),
        Scene(id: "door", text: "A door swings.", auto: [ Auto(goto: "bar") ]),
        Scene(id: "bar", text: "The bar.", choices: [ Choice(text: "Leave", goto: "end") ]),
        "#,
    );
    let config = Config {
        max_states: 1_000,
        scenes: vec![s.scene_by_name("door").unwrap()],
        sample: 0,
    };
    let p = proof(&s, &config, &mut |_, _| {});
    assert!(p.complete);
    assert_eq!(p.passed_through.len(), 1);
    assert_eq!(p.passed_through[0].scene, "door");
    assert_eq!(p.passed_through[0].shown_in, ["bar"]);
    let texts: Vec<&str> = p
        .passages
        .iter()
        .flat_map(|p| &p.paragraphs)
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(texts, ["A door swings.", "The bar.", "[choice] Leave"]);
    let out = interview::tools::proof::render(&p);
    assert!(
        out.contains("`door` never waits for a choice: its text is in the passages that stop in `bar`.\n"),
        "{out}"
    );
}

/// `--quick` keeps only what the passage and the way to it read: the same paragraphs and
/// routes from fewer states, without a variable the game reads only later (`b`, read past the
/// bar). The full proof lists `b` beside the bar's paragraph, since a line there may assume it.
#[test]
fn a_quick_proof_finds_the_same_paragraphs_without_what_is_read_later() {
    let s = story(&format!(
        r#"{DRINK}
        Scene(id: "bar", text: "The bar.", choices: [ Choice(text: "Leave", goto: "street") ]),
        Scene(id: "street", text: "The street.", choices: [
            Choice(text: "Sway home", goto: "end", if: Flag("b")),
            Choice(text: "Walk home", goto: "end"),
        ]),
        "#
    ));
    let config = Config {
        max_states: 1_000,
        scenes: vec![s.scene_by_name("bar").unwrap()],
        sample: 0,
    };
    let full = proof(&s, &config, &mut |_, _| {});
    let quick = proof_quick(&s, &config, &mut |_, _| {});
    assert!(full.complete && quick.complete);
    assert!(quick.states < full.states, "{} < {}", quick.states, full.states);
    let texts = |p: &interview::tools::proof::Proof| -> Vec<(String, usize)> {
        let paragraphs = p.passages.iter().flat_map(|p| &p.paragraphs);
        paragraphs.map(|p| (p.text.clone(), p.route.len())).collect()
    };
    assert_eq!(texts(&quick), texts(&full));
    let named = |p: &interview::tools::proof::Proof| -> Vec<String> {
        let first = &p.passages[0].paragraphs[0];
        first
            .when
            .iter()
            .filter(|k| k.values.len() > 1)
            .map(|k| k.name.clone())
            .collect()
    };
    assert_eq!(named(&full), ["b"]);
    assert!(named(&quick).is_empty(), "{:?}", named(&quick));
}
