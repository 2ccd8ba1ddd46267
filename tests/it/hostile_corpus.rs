//! The malformed-story corpus: one folder per way a story can be wrong, under
//! `tests/fixtures/malformed/`, each checked by the real binary. Every one must exit 1 with a
//! first line `FILE:LINE:COL: error: ...`, print no raw control character and not panic; its
//! whole output is an insta snapshot kept in the folder itself (`check.snap`).

use crate::harness;
use crate::support::{interview, path};
use std::path::Path;

const CORPUS: &str = "tests/fixtures/malformed";

/// `FILE:LINE:COL: error: MESSAGE`, with a real file of the folder (or the missing manifest).
fn assert_headline(dir: &str, line: &str) {
    let rest = line.strip_prefix(&format!("{dir}/")).unwrap_or(line);
    let mut parts = rest.splitn(4, ':');
    let (file, row, col, tail) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let known = Path::new(dir).join(file).is_file() || file == "story.ron";
    assert!(known, "no file `{file}` in {dir}: {line}");
    for n in [row, col] {
        assert!(n.parse::<usize>().is_ok_and(|n| n >= 1), "not a position: {line}");
    }
    assert!(tail.starts_with(" error: "), "not an error: {line}");
}

fn check_malformed(name: &str) {
    let dir = format!("{CORPUS}/{name}");
    let out = interview().args(["check", &dir]).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "exit code of {name}:\n{stdout}{stderr}"
    );
    assert!(stderr.is_empty(), "{name} wrote to stderr:\n{stderr}");
    assert_headline(&dir, stdout.lines().next().unwrap_or_default());
    harness::assert_safe(&stdout);
    let folder = path(&dir);
    insta::with_settings!({
        snapshot_path => folder,
        prepend_module_to_snapshot => false,
        omit_expression => true,
        description => format!("interview check {dir}"),
    }, {
        insta::assert_snapshot!("check", stdout);
    });
}

macro_rules! corpus {
    ($($name:ident),* $(,)?) => {
        const NAMES: &[&str] = &[$(stringify!($name)),*];
        $(
            #[test]
            fn $name() {
                check_malformed(stringify!($name));
            }
        )*
    };
}

corpus!(
    add_to_a_bool,
    auto_cycle,
    auto_self_loop,
    bom_then_syntax_error,
    chance_in_the_notebook,
    chance_over_100,
    comment_only_scene_file,
    compare_with_the_wrong_type,
    duplicate_ending,
    duplicate_field,
    duplicate_scene_id_across_files,
    duplicate_variable,
    empty_manifest,
    empty_scene_file,
    ending_id_invalid,
    ending_with_choices,
    every_weight_zero,
    fallback_shown_locked,
    flag_of_an_int,
    goto_and_branches,
    initial_value_out_of_range,
    integer_too_large,
    invalid_utf8,
    latin1_manifest,
    limit_chances_per_scene,
    limit_choices_per_scene,
    limit_nesting_depth,
    limit_text_per_scene,
    lone_closing_brace,
    manifest_is_a_list,
    manifest_only,
    manifest_wrong_struct_name,
    min_greater_than_max,
    missing_argument,
    missing_field_branch,
    missing_field_choice,
    missing_field_scene,
    missing_field_story,
    neither_goto_nor_branches,
    no_manifest,
    no_way_out,
    nul_bytes,
    scene_file_is_a_map,
    scene_file_is_a_string,
    scene_file_is_one_scene,
    scene_id_empty,
    scene_id_too_long,
    scene_id_with_a_space,
    scene_id_with_control_characters,
    set_out_of_range,
    set_with_the_wrong_type,
    story_id_invalid,
    syntax_bad_escape,
    syntax_bad_number,
    syntax_float_for_an_integer,
    syntax_mismatched_bracket,
    syntax_missing_colon,
    syntax_missing_comma,
    syntax_raw_string_unclosed,
    syntax_stray_character,
    syntax_trailing_characters,
    syntax_unclosed_block_comment,
    syntax_unclosed_paren,
    syntax_unclosed_string,
    syntax_unquoted_string,
    text_compared_with_less_than,
    toggle_a_text,
    unclosed_interpolation,
    undeclared_compare,
    undeclared_effect,
    undeclared_flag,
    undeclared_in_notebook,
    undeclared_interpolation,
    undeclared_on_enter,
    unknown_auto_target,
    unknown_branch_target,
    unknown_choice_target,
    unknown_ending,
    unknown_field_auto,
    unknown_field_branch,
    unknown_field_choice,
    unknown_field_int_variable,
    unknown_field_scene,
    unknown_field_story,
    unknown_operator,
    unknown_operator_in_visits,
    unknown_start_scene,
    unknown_variant_condition,
    unknown_variant_effect,
    unknown_variant_locked,
    unknown_variant_text_part,
    unknown_variant_variable,
    unknown_visited_scene,
    unknown_visits_scene,
    unused_ending,
    utf16_file,
    variable_name_invalid,
    wrong_struct_name,
    wrong_type_chance_is_a_string,
    wrong_type_choices_is_a_map,
    wrong_type_negative_weight,
    wrong_type_once_is_a_string,
    wrong_type_text_is_a_number,
    wrong_type_variable_key_is_a_number,
    wrong_type_variables_is_a_list,
);

#[test]
fn every_folder_of_the_corpus_has_its_test() {
    let root = path(CORPUS);
    let mut folders: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut names: Vec<&str> = NAMES.to_vec();
    names.sort();
    assert_eq!(folders, names);
    assert!(
        names.len() >= 40,
        "the corpus must keep at least 40 failure classes"
    );
}
