//! `interview graph`: the scene graph as Graphviz `dot` or Mermaid text.
//!
//! One node per scene (endings drawn apart, scenes that cannot be reached from the start
//! greyed and dashed), one edge per way out: each choice, each branch of a random pick, each
//! automatic transition. Edges that depend on a condition are dashed; automatic ones are blue
//! (`dot`) or thick (Mermaid); a choice whose reply stays in its scene is a loop ending in a
//! circle, green in `dot`. Reachability here ignores conditions, like `check`'s warning;
//! `explore` tells what can really be reached.

use super::line_as_written;
use crate::story::{Condition, Scene, Story, Target};
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Dot,
    Mermaid,
}

/// The longest edge label, in characters, before it is cut with `…`.
const LABEL_CHARS: usize = 40;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Choice,
    Fallback,
    Auto,
    /// A choice with a reply that stays in its scene.
    Stay,
    /// A choice or an auto that calls a section (the edge to the section).
    Call,
    /// From a scene that calls to where the game comes back once the section returns.
    AfterReturn,
    /// A choice or an auto that returns: an edge to the `return` node.
    Return,
}

/// The `to` of an edge to the `return` node.
const RETURN: usize = usize::MAX;

/// One way from a scene to another.
struct Edge {
    from: usize,
    to: usize,
    label: String,
    kind: Kind,
    conditional: bool,
}

fn edges(story: &Story) -> Vec<Edge> {
    let mut edges = Vec::new();
    for (from, scene) in story.scenes().iter().enumerate() {
        let mut add = |target: &Target, label: String, kind: Kind, cond: Option<&Condition>| match target {
            Target::Goto(to) => edges.push(Edge {
                from,
                to: to.index(),
                label,
                kind,
                conditional: cond.is_some(),
            }),
            Target::Stay(to) => edges.push(Edge {
                from,
                to: to.index(),
                label: format!("(reply) {label}"),
                kind: Kind::Stay,
                conditional: cond.is_some(),
            }),
            Target::Branches(bs) => {
                let total: u64 = bs.iter().map(|b| u64::from(b.weight)).sum();
                for b in bs {
                    edges.push(Edge {
                        from,
                        to: b.target.index(),
                        label: format!("{label} ({}/{total})", b.weight).trim_start().to_owned(),
                        kind,
                        conditional: cond.is_some() || b.condition.is_some(),
                    });
                }
            }
            Target::Call { section, then } => {
                let call = match kind {
                    Kind::Auto => "(auto) (call)".to_owned(),
                    _ => format!("(call) {label}"),
                };
                edges.push(Edge {
                    from,
                    to: section.index(),
                    label: call,
                    kind: Kind::Call,
                    conditional: cond.is_some(),
                });
                edges.push(Edge {
                    from,
                    to: then.scene().index(),
                    label: "(after return)".into(),
                    kind: Kind::AfterReturn,
                    conditional: false,
                });
            }
            Target::Return => edges.push(Edge {
                from,
                to: RETURN,
                label: match kind {
                    Kind::Auto => "(auto) (return)".to_owned(),
                    _ => format!("(return) {label}"),
                },
                kind: Kind::Return,
                conditional: cond.is_some(),
            }),
        };
        for c in &scene.choices {
            let text = cut(&line_as_written(story, &c.text));
            let (label, kind) = if c.fallback {
                (format!("(fallback) {text}"), Kind::Fallback)
            } else {
                (text, Kind::Choice)
            };
            add(&c.target, label, kind, c.condition.as_ref());
        }
        for a in &scene.autos {
            add(&a.target, "(auto)".into(), Kind::Auto, a.condition.as_ref());
        }
    }
    edges
}

fn cut(s: &str) -> String {
    if s.chars().count() <= LABEL_CHARS {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(LABEL_CHARS - 1).collect();
    out.push('…');
    out
}

/// Which scenes can be reached from the start along any edge, conditions ignored.
fn reachable(story: &Story, edges: &[Edge]) -> Vec<bool> {
    let mut out = vec![false; story.scenes().len()];
    let mut stack = vec![story.start().index()];
    out[story.start().index()] = true;
    while let Some(s) = stack.pop() {
        for e in edges.iter().filter(|e| e.from == s && e.to != RETURN) {
            if !out[e.to] {
                out[e.to] = true;
                stack.push(e.to);
            }
        }
    }
    out
}

/// A node's lines: its id, its title when it differs, and its ending.
fn node_lines(story: &Story, scene: &Scene) -> Vec<String> {
    let mut lines = vec![scene.id.clone()];
    if scene.title != scene.id {
        lines.push(scene.title.clone());
    }
    if let Some(e) = scene.ending {
        lines.push(format!("END: {}", story.ending(e).title));
    }
    lines
}

/// The graph of `story` in `format`.
pub fn render(story: &Story, format: Format) -> String {
    match format {
        Format::Dot => dot(story),
        Format::Mermaid => mermaid(story),
    }
}

fn dot(story: &Story) -> String {
    let esc = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    let edges = edges(story);
    let reach = reachable(story, &edges);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// The scenes of {}: `dot -Tsvg` draws them.",
        one_line(story.title())
    );
    let _ = writeln!(
        out,
        "// Double boxes are endings, grey dashed boxes scenes that cannot be reached from the start;"
    );
    let _ = writeln!(out, "// dashed edges have a condition, blue edges are automatic.");
    if edges.iter().any(|e| e.kind == Kind::Stay) {
        let _ = writeln!(
            out,
            "// Green loops ending in a circle are replies that stay in their scene."
        );
    }
    let returns = edges.iter().any(|e| e.kind == Kind::Return);
    if edges.iter().any(|e| e.kind == Kind::Call) || returns {
        let _ = writeln!(
            out,
            "// Bold purple edges call a section; dotted purple ones go where the game comes back after it returns."
        );
    }
    let _ = writeln!(out, "digraph \"{}\" {{", esc(story.title()));
    let _ = writeln!(out, "    node [shape=box, style=rounded];");
    let _ = writeln!(out, "    \"\" [shape=point];");
    let _ = writeln!(out, "    \"\" -> \"{}\";", story.scene(story.start()).id);
    for (i, scene) in story.scenes().iter().enumerate() {
        let label: Vec<String> = node_lines(story, scene).iter().map(|l| esc(l)).collect();
        let mut attrs = vec![format!("label=\"{}\"", label.join("\\n"))];
        if scene.ending.is_some() {
            attrs.push("peripheries=2".into());
        }
        if !reach[i] {
            attrs.push("style=\"rounded,dashed\", color=gray, fontcolor=gray".into());
        }
        let _ = writeln!(out, "    \"{}\" [{}];", scene.id, attrs.join(", "));
    }
    if returns {
        let _ = writeln!(
            out,
            "    \"(return)\" [label=\"return\", shape=circle, color=purple, fontcolor=purple];"
        );
    }
    for e in &edges {
        let mut attrs = vec![format!("label=\"{}\"", esc(&e.label))];
        if e.conditional {
            attrs.push("style=dashed".into());
        }
        match e.kind {
            Kind::Auto => attrs.push("color=blue".into()),
            Kind::Stay => attrs.push("color=darkgreen, arrowhead=odot".into()),
            Kind::Call => attrs.push("color=purple, penwidth=2".into()),
            Kind::AfterReturn => attrs.push("style=dotted, color=purple".into()),
            Kind::Return => attrs.push("color=purple".into()),
            Kind::Choice | Kind::Fallback => {}
        }
        let to = match e.to {
            RETURN => "(return)",
            to => &story.scenes()[to].id,
        };
        let _ = writeln!(
            out,
            "    \"{}\" -> \"{to}\" [{}];",
            story.scenes()[e.from].id,
            attrs.join(", ")
        );
    }
    out.push_str("}\n");
    out
}

/// A title fit for a one-line comment.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text inside a Mermaid `"..."` label: quotes and markup as entity codes.
fn mermaid_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            _ => out.push(ch),
        }
    }
    out
}

fn mermaid(story: &Story) -> String {
    let edges = edges(story);
    let reach = reachable(story, &edges);
    let mut out = String::new();
    let _ = writeln!(out, "%% The scenes of {}.", one_line(story.title()));
    let _ = writeln!(
        out,
        "%% Rounded nodes are endings, dashed grey nodes scenes that cannot be reached from the start;"
    );
    let _ = writeln!(
        out,
        "%% dotted edges have a condition, thick edges are automatic."
    );
    if edges.iter().any(|e| e.kind == Kind::Stay) {
        let _ = writeln!(
            out,
            "%% Loops ending in a circle are replies that stay in their scene."
        );
    }
    let returns = edges.iter().any(|e| e.kind == Kind::Return);
    if edges.iter().any(|e| e.kind == Kind::Call) || returns {
        let _ = writeln!(
            out,
            "%% (call) edges call a section; (after return) edges go where the game comes back after it returns."
        );
    }
    let _ = writeln!(out, "flowchart TD");
    let _ = writeln!(out, "    start((\"start\")) --> s{}", story.start().index());
    for (i, scene) in story.scenes().iter().enumerate() {
        let label: Vec<String> = node_lines(story, scene).iter().map(|l| mermaid_text(l)).collect();
        let label = label.join("<br/>");
        let _ = if scene.ending.is_some() {
            writeln!(out, "    s{i}([\"{label}\"])")
        } else {
            writeln!(out, "    s{i}[\"{label}\"]")
        };
    }
    if returns {
        let _ = writeln!(out, "    ret((\"return\"))");
    }
    for e in &edges {
        let arrow = match (e.conditional, e.kind) {
            (_, Kind::Stay) => "--o",
            (_, Kind::AfterReturn) => "-.->",
            (true, _) => "-.->",
            (false, Kind::Auto) => "==>",
            (false, _) => "-->",
        };
        let to = match e.to {
            RETURN => "ret".to_owned(),
            to => format!("s{to}"),
        };
        let _ = writeln!(
            out,
            "    s{} {arrow}|\"{}\"| {to}",
            e.from,
            mermaid_text(&e.label),
        );
    }
    let _ = writeln!(out, "    classDef ending stroke-width:3px");
    let _ = writeln!(
        out,
        "    classDef unreachable stroke-dasharray:5 5,color:#888,stroke:#888"
    );
    let list = |pick: &dyn Fn(usize) -> bool| {
        (0..story.scenes().len())
            .filter(|&i| pick(i))
            .map(|i| format!("s{i}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    let ends = list(&|i| story.scenes()[i].ending.is_some());
    if !ends.is_empty() {
        let _ = writeln!(out, "    class {ends} ending");
    }
    let lost = list(&|i| !reach[i]);
    if !lost.is_empty() {
        let _ = writeln!(out, "    class {lost} unreachable");
    }
    out
}
