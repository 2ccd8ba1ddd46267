//! The model's traversals (`story::model::walk`) on the example story, which uses every
//! feature of the format: each walk finds what the story holds, and the walks agree.

use interview::story::{Part, Read, SourceFile, Story, Via, Write, load_story};
use std::collections::BTreeSet;

fn example() -> Story {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/example");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let files: Vec<SourceFile> = paths
        .iter()
        .map(|p| SourceFile {
            name: p.file_name().unwrap().to_string_lossy().into_owned(),
            bytes: std::fs::read(p).unwrap(),
        })
        .collect();
    load_story(&files).story.expect("the example loads")
}

#[test]
fn the_walk_finds_every_variable_scene_and_ending() {
    let story = example();
    let (mut read, mut written) = (BTreeSet::new(), BTreeSet::new());
    let (mut targets, mut endings) = (BTreeSet::new(), BTreeSet::new());
    let (mut conditions, mut effects, mut rolls) = (0, 0, 0);
    story.walk(&mut |part| match part {
        Part::Condition(c) => {
            conditions += 1;
            c.reads(&mut |r| match r {
                Read::Flag(v) | Read::Compare(v, _, _) => {
                    read.insert(v);
                }
                Read::CompareExpr(v, _, e) => {
                    read.insert(v);
                    e.root.vars(&mut |w| {
                        read.insert(w);
                    });
                }
                Read::Visits { .. } => {}
                Read::Roll { .. } => rolls += 1,
            });
        }
        Part::Effect(e) => {
            effects += 1;
            let (v, how) = e.write();
            written.insert(v);
            match how {
                Write::Toggle => {
                    read.insert(v);
                }
                Write::Set(_) | Write::Add(_) | Write::Expr(_) => {}
            }
            e.reads(&mut |w| {
                read.insert(w);
            });
        }
        Part::Shown(v) => {
            read.insert(v);
        }
        Part::Target(s) => {
            targets.insert(s);
        }
        Part::Ending(e) => {
            endings.insert(e);
        }
    });
    // `check` warns about nothing in the example: every variable is read, every scene but the
    // start is a target, every ending is some scene's.
    assert_eq!(read.len(), story.vars().len());
    assert!(!written.is_empty());
    let not_targets: Vec<_> = story.scene_ids().filter(|s| !targets.contains(s)).collect();
    assert!(not_targets.iter().all(|&s| s == story.start()), "{not_targets:?}");
    assert_eq!(endings.len(), story.endings().len());
    // The shortcuts agree with the walk, nested conditions included.
    let mut n = 0;
    story.each_condition(&mut |c| {
        n += 1;
        let mut nested = 0;
        c.each(&mut |_| nested += 1);
        assert!(nested >= 1);
    });
    assert_eq!(n, conditions);
    let mut m = 0;
    story.each_effect(&mut |_| m += 1);
    assert_eq!(m, effects);
    assert!(rolls > 0, "the example has a Chance condition");
}

#[test]
fn transitions_are_the_choices_then_the_autos() {
    let story = example();
    for scene in story.scenes() {
        let vias: Vec<Via> = scene.transitions().map(|t| t.via).collect();
        assert_eq!(vias.len(), scene.choices.len() + scene.autos.len());
        for (i, c) in scene.choices.iter().enumerate() {
            let want = if c.fallback {
                Via::Fallback(i)
            } else {
                Via::Choice(i)
            };
            assert_eq!(vias[i], want);
        }
        let mut direct = Vec::new();
        scene.targets(&mut |s| direct.push(s));
        let mut walked = Vec::new();
        scene.walk(&mut |p| {
            if let Part::Target(s) = p {
                walked.push(s);
            }
        });
        assert_eq!(direct, walked, "{}", scene.id);
        for t in scene.transitions() {
            assert_eq!(t.target.is_random(), !t.target.branches().is_empty());
        }
    }
}
