//! The tool chapters of `docs/AUTHORING.md` show real output: every `console` block that
//! starts with `$ interview` and elides nothing is run, and its output compared.

use crate::support;

#[test]
fn documented_tool_output_is_what_the_tools_print() {
    let doc = std::fs::read_to_string(support::path("docs/AUTHORING.md")).unwrap();
    let mut checked = 0;
    for block in doc.split("```console\n").skip(1) {
        let body = block.split("\n```").next().unwrap();
        let Some((command, expected)) = body.split_once('\n') else {
            continue;
        };
        let Some(args) = command.strip_prefix("$ interview ") else {
            continue;
        };
        if expected.lines().any(|l| l == "...") || args.contains("/tmp") {
            continue;
        }
        let out = support::at_root()
            .env("NO_COLOR", "1")
            .args(args.split_whitespace())
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            format!("{expected}\n"),
            "the output of `interview {args}` in docs/AUTHORING.md"
        );
        checked += 1;
    }
    assert!(checked >= 3, "only {checked} blocks checked");
}
