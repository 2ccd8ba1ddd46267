//! The soundness cross-check of `explore` (`tools::explore::cross_check`) on property-generated
//! stories: the search with state reduction and the search over whole states agree on every
//! finding and its shortest distance. The stories mix flags, bounded and unbounded counters,
//! text, visit counts, chance rolls, once-only and fallback choices, autos and weighted
//! branches, expressions (var-vs-var comparisons, `random`, a division that may be by 0), and
//! sections that return (calls and returns). (`tools_explore.rs` uses the same generator.)

use interview::story::{LoadOptions, SourceFile, load_story_with};
use interview::tools::explore::{Config, cross_check};
use proptest::prelude::*;

#[derive(Debug, Clone)]
pub(crate) struct Gen {
    scenes: Vec<GenScene>,
}

#[derive(Debug, Clone)]
struct GenScene {
    on_enter: Option<usize>,
    choices: Vec<GenChoice>,
    auto: Option<(usize, GenTarget, Option<usize>)>,
}

#[derive(Debug, Clone)]
struct GenChoice {
    cond: Option<usize>,
    effect: Option<usize>,
    target: GenTarget,
    once: bool,
    fallback: bool,
}

#[derive(Debug, Clone)]
enum GenTarget {
    Goto(usize),
    Branches(Vec<(u32, usize, Option<usize>)>),
    /// A reply with nowhere to go: the choice stays in its scene (autos: a plain goto there).
    Stay,
    /// `call: "section"`, with a `goto` to come back to or none (back to the calling scene).
    Call(usize, Option<usize>),
    /// `return: true`.
    Return,
}

const CONDITIONS: &[&str] = &[
    "Flag(\"a\")",
    "Not(Flag(\"b\"))",
    "Compare(\"n\", \">=\", 2)",
    "Compare(\"n\", \"==\", 0)",
    "Visits(\"s1\", \">=\", 2)",
    "Visited(\"s2\")",
    "Chance(50)",
    "Any([Flag(\"b\"), Compare(\"n\", \"<\", 1)])",
    "Compare(\"t\", \"==\", \"x\")",
    "Compare(\"m\", \">=\", 3)",
    "Compare(\"m\", \"==\", 4)",
    "TimesChosen(\"s0.c0\", \">=\", 2)",
    "Chosen(\"s1.c0\")",
    "Compare(\"n\", \">\", Expr(\"m - 2\"))",
    "Compare(\"a\", \"==\", Expr(\"b\"))",
];

const EFFECTS: &[&str] = &[
    "Set(\"a\", true)",
    "Set(\"a\", false)",
    "Toggle(\"b\")",
    "Add(\"n\", 1)",
    "Add(\"n\", -1)",
    "Set(\"n\", 0)",
    "Set(\"t\", \"x\")",
    "Set(\"shown\", 3)",
    "Add(\"m\", 1)",
    "Add(\"m\", 2)",
    "Set(\"n\", Expr(\"m / 2 - n\"))",
    "Set(\"m\", Expr(\"random(0, 2) + n\"))",
    "Set(\"n\", Expr(\"3 / m\"))",
    "Set(\"m\", Expr(\"clamp(m * 2, 1, 7)\"))",
];

/// Scenes `s0..`, then the endings `e0` and `e1`.
fn target(n_scenes: usize) -> impl Strategy<Value = usize> {
    0..n_scenes + 2
}

fn gen_target(n: usize) -> impl Strategy<Value = GenTarget> {
    prop_oneof![
        3 => target(n).prop_map(GenTarget::Goto),
        1 => Just(GenTarget::Stay),
        1 => (target(n), proptest::option::of(target(n))).prop_map(|(s, g)| GenTarget::Call(s, g)),
        1 => Just(GenTarget::Return),
        2 => proptest::collection::vec(
            (1u32..4, target(n), proptest::option::of(0..CONDITIONS.len())),
            1..3
        )
        .prop_map(GenTarget::Branches),
    ]
}

pub(crate) fn gen_story() -> impl Strategy<Value = Gen> {
    (3usize..6).prop_flat_map(|n| {
        let choice = (
            proptest::option::of(0..CONDITIONS.len()),
            proptest::option::of(0..EFFECTS.len()),
            gen_target(n),
            proptest::bool::weighted(0.2),
            proptest::bool::weighted(0.15),
        )
            .prop_map(|(cond, effect, target, once, fallback)| GenChoice {
                cond,
                effect,
                target,
                once,
                fallback,
            });
        let scene = (
            proptest::option::of(0..EFFECTS.len()),
            proptest::collection::vec(choice, 1..4),
            proptest::option::weighted(
                0.25,
                (
                    0..CONDITIONS.len(),
                    gen_target(n),
                    proptest::option::of(0..EFFECTS.len()),
                ),
            ),
        )
            .prop_map(|(on_enter, choices, auto)| GenScene {
                on_enter,
                choices,
                auto,
            });
        proptest::collection::vec(scene, n).prop_map(|scenes| Gen { scenes })
    })
}

impl Gen {
    fn name(&self, i: usize) -> String {
        if i < self.scenes.len() {
            format!("s{i}")
        } else {
            format!("e{}", i - self.scenes.len())
        }
    }

    /// `here`: the scene the target is written in (an auto's `Stay` goes there).
    fn target(&self, t: &GenTarget, here: usize, choice: bool) -> String {
        match t {
            GenTarget::Stay if choice => "reply: \"{seq: r | s}\"".into(),
            GenTarget::Stay => format!("goto: \"{}\"", self.name(here)),
            GenTarget::Goto(s) => format!("goto: \"{}\"", self.name(*s)),
            GenTarget::Call(s, None) => format!("call: \"{}\"", self.name(*s)),
            GenTarget::Call(s, Some(g)) => {
                format!("call: \"{}\", goto: \"{}\"", self.name(*s), self.name(*g))
            }
            GenTarget::Return => "return: true".into(),
            GenTarget::Branches(bs) => {
                let bs: Vec<String> = bs
                    .iter()
                    .map(|(w, s, c)| {
                        let cond = c.map_or(String::new(), |c| format!(", if: {}", CONDITIONS[c]));
                        format!("Branch(weight: {w}, goto: \"{}\"{cond})", self.name(*s))
                    })
                    .collect();
                format!("branches: [{}]", bs.join(", "))
            }
        }
    }

    pub(crate) fn files(&self) -> Vec<SourceFile> {
        let manifest = r#"Story(id: "gen", title: "Gen", start: "s0",
            variables: { "a": Bool(false), "b": Bool(false), "n": Int(value: 0, min: 0, max: 3),
                         "t": Text("y"), "shown": Int(value: 0), "m": Int(value: 0, max: 8) },
            endings: { "x0": "X0", "x1": "X1" })"#;
        let mut scenes = String::from("[\n");
        for (i, s) in self.scenes.iter().enumerate() {
            scenes.push_str(&format!(
                "Scene(id: \"s{i}\", text: [Text(\"Scene {i}, {{n}} {{shown}} {{cycle: p | q}} {{shuffle: x | y}}.\"), If(Flag(\"a\"), \"A {{if b: B}}.\")],\n"
            ));
            if let Some(e) = s.on_enter {
                scenes.push_str(&format!("on_enter: [{}],\n", EFFECTS[e]));
            }
            if let Some((c, t, e)) = &s.auto {
                let effects = e.map_or(String::new(), |e| format!(", effects: [{}]", EFFECTS[e]));
                scenes.push_str(&format!(
                    "auto: [Auto(if: {}, {}{effects})],\n",
                    CONDITIONS[*c],
                    self.target(t, i, false)
                ));
            }
            scenes.push_str("choices: [\n");
            for (k, c) in s.choices.iter().enumerate() {
                let fallback = c.fallback && k > 0;
                let mut fields = vec![
                    format!("id: \"c{k}\", text: \"c{k}\""),
                    self.target(&c.target, i, !fallback),
                ];
                if let Some(cond) = c.cond {
                    fields.push(format!("if: {}", CONDITIONS[cond]));
                }
                if let Some(e) = c.effect {
                    fields.push(format!("effects: [{}]", EFFECTS[e]));
                }
                if c.once {
                    fields.push("once: true".into());
                }
                if fallback {
                    fields.push("fallback: true".into());
                }
                scenes.push_str(&format!("Choice({}),\n", fields.join(", ")));
            }
            scenes.push_str("]),\n");
        }
        scenes.push_str("Scene(id: \"e0\", text: \"End 0.\", ending: \"x0\"),\n");
        scenes.push_str("Scene(id: \"e1\", text: \"End 1.\", ending: \"x1\"),\n]\n");
        vec![
            SourceFile {
                name: "story.ron".into(),
                bytes: manifest.as_bytes().to_vec(),
            },
            SourceFile {
                name: "scenes.ron".into(),
                bytes: scenes.into_bytes(),
            },
        ]
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn the_reduced_search_agrees_with_whole_states(g in gen_story()) {
        // Lints off: a story whose `return` may find an empty call stack, or whose section
        // calls itself, is explored too (both are runtime errors that `explore` reports).
        let options = LoadOptions { lints: false, ..LoadOptions::default() };
        let Some(story) = load_story_with(&g.files(), &options).story else {
            return Ok(());
        };
        let config = Config { max_states: 5_000, max_outcomes_per_step: 256, ..Config::default() };
        if let Err(m) = cross_check(&story, &config) {
            prop_assert!(false, "{m}");
        }
    }
}
