//! `interview graph`: the scene graph in `dot` and Mermaid, with endings, unreachable scenes,
//! conditional and automatic edges styled apart, and names that need quoting.

use crate::support;

fn graph(dir: &str, format: &str) -> String {
    let out = support::at_root()
        .args(["--scenes", dir, "graph", "--format", format])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_example_story_in_dot() {
    insta::assert_snapshot!(graph("docs/example", "dot"));
}

#[test]
fn the_example_story_in_mermaid() {
    insta::assert_snapshot!(graph("docs/example", "mermaid"));
}

#[test]
fn dot_is_the_default_format() {
    let out = support::at_root()
        .args(["--scenes", "docs/example", "graph"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        graph("docs/example", "dot")
    );
}

#[test]
fn styles_and_quoting_in_dot() {
    let out = graph("tests/fixtures/tools/orphan", "dot");
    for line in [
        "digraph \"The \\\"Orphan\\\" <Story>\" {",
        "    \"\" -> \"end\";",
        "    \"end\" [label=\"end\\nWhere \\\"it\\\" starts\"];",
        "    \"outside\" [label=\"outside\\nEND: Out #1\", peripheries=2];",
        "    \"cellar\" [label=\"cellar\", style=\"rounded,dashed\", color=gray, fontcolor=gray];",
        "    \"end\" -> \"hall\" [label=\"Go in the dark, feeling along a wall th…\"];",
        "    \"hall\" -> \"door\" [label=\"(auto)\", style=dashed, color=blue];",
        "    \"door\" -> \"outside\" [label=\"(auto)\", color=blue];",
    ] {
        assert!(out.lines().any(|l| l == line), "missing {line:?} in\n{out}");
    }
    // Reachable scenes are not greyed.
    assert_eq!(out.matches("fontcolor=gray").count(), 1, "{out}");
}

#[test]
fn styles_and_quoting_in_mermaid() {
    let out = graph("tests/fixtures/tools/orphan", "mermaid");
    for line in [
        "flowchart TD",
        "    start((\"start\")) --> s0",
        "    s0[\"end<br/>Where #quot;it#quot; starts\"]",
        "    s3([\"outside<br/>END: Out #35;1\"])",
        "    s0 -->|\"Light a #lt;candle#gt;\"| s1",
        "    s1 -.->|\"(auto)\"| s2",
        "    s2 ==>|\"(auto)\"| s3",
        "    class s3 ending",
        "    class s4 unreachable",
    ] {
        assert!(out.lines().any(|l| l == line), "missing {line:?} in\n{out}");
    }
}

#[test]
fn an_unknown_format_is_a_usage_error() {
    let out = support::at_root()
        .args(["--scenes", "docs/example", "graph", "--format", "svg"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
