//! Embeds the default story (`scenes/`) into the binary, so `interview` runs from any folder.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".ron") && e.path().is_file() {
                println!("cargo:rerun-if-changed={}", e.path().display());
                names.push(name);
            }
        }
    }
    names.sort();
    let mut out = String::from(
        "/// The files of `scenes/`, by name, sorted.\npub static EMBEDDED: &[(&str, &[u8])] = &[\n",
    );
    for n in &names {
        let path = dir.join(n);
        writeln!(
            out,
            "    ({n:?}, include_bytes!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let out_dir = std::env::var("OUT_DIR").expect("OUT_DIR is set by cargo");
    std::fs::write(Path::new(&out_dir).join("embedded.rs"), out).expect("write embedded.rs");
}
