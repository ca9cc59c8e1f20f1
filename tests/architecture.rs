//! The layers of ARCHITECTURE.md, checked over the source: every `crate::<module>` path
//! outside comments (in `use` lines and inline) must point down. domain ← sources (aws, demo;
//! config and export beside them) ← app ← ui ← front ends (tui, scan, cli, report, main), and no
//! check family names another.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What each top-level module may use besides itself.
fn allowed(layer: &str) -> Option<&'static [&'static str]> {
    Some(match layer {
        "domain" => &[],
        // config writes the mutes file through export's atomic writer.
        "config" => &["domain", "export"],
        "export" | "aws" | "demo" => &["domain"],
        "app" => &["domain", "config", "export", "aws", "demo"],
        "ui" => &["domain", "config", "app"],
        // Front ends: anything below them.
        "tui" | "scan" | "cli" | "report" => {
            &["domain", "config", "export", "aws", "demo", "app", "ui"]
        }
        _ => return None,
    })
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The modules a file names as `crate::<module>[::<sub>]`, outside `//` comments.
fn crate_paths(text: &str) -> Vec<(usize, String, Option<String>)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            let mut parts = after.split("::").map(|p| {
                p.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect::<String>()
            });
            let top = parts.next().unwrap_or_default();
            let sub = parts.next().filter(|s| !s.is_empty());
            if !top.is_empty() {
                out.push((n + 1, top, sub));
            }
            rest = after;
        }
    }
    out
}

#[test]
fn layers_only_point_down() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(
        files.len() > 40,
        "found only {} files under src/",
        files.len()
    );
    let mut wrong = Vec::new();
    let mut checked = 0;
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let layer = first.trim_end_matches(".rs").to_string();
        if layer == "main" || layer == "lib" {
            continue;
        }
        let may = allowed(&layer).unwrap_or_else(|| {
            panic!(
                "{}: a module no layer names; add it to ARCHITECTURE.md and here",
                rel.display()
            )
        });
        let text = std::fs::read_to_string(file).unwrap();
        for (line, top, _) in crate_paths(&text) {
            checked += 1;
            if top != layer && !may.contains(&top.as_str()) {
                wrong.push(format!(
                    "{}:{line}: {layer} uses crate::{top}",
                    rel.display()
                ));
            }
        }
    }
    assert!(checked > 200, "only {checked} crate:: paths seen");
    assert!(wrong.is_empty(), "back edges:\n  {}", wrong.join("\n  "));
}

#[test]
fn no_check_family_names_another() {
    // A family is a folder under src/domain/checks named by its checks' id prefix; shared
    // helpers (gateway.rs, mod.rs) are files beside the folders.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain/checks");
    let families: BTreeSet<String> = std::fs::read_dir(&dir)
        .expect("read checks")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .filter_map(|p| p.file_name().map(|s| s.to_string_lossy().to_string()))
        .collect();
    assert!(families.len() >= 6, "families: {families:?}");
    let mut wrong = Vec::new();
    let mut checked = 0;
    for me in &families {
        let mut files = Vec::new();
        rust_files(&dir.join(me), &mut files);
        for file in &files {
            checked += 1;
            let rel = file
                .strip_prefix(&dir)
                .unwrap_or(file)
                .display()
                .to_string();
            let text = std::fs::read_to_string(file).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default().trim();
                for other in families.iter().filter(|f| *f != me) {
                    let tokens = code
                        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .any(|t| t == other);
                    let in_use = (code.starts_with("use ") || code.starts_with("pub use "))
                        && (code.contains("checks::") || code.contains("super::"))
                        && tokens;
                    let inline = code.contains(&format!("checks::{other}::"))
                        || code.contains(&format!("super::{other}::"));
                    if in_use || inline {
                        wrong.push(format!("checks/{rel}:{}: names {other}", n + 1));
                    }
                }
            }
        }
    }
    assert!(checked >= families.len() * 2, "only {checked} files seen");
    assert!(
        wrong.is_empty(),
        "check families import each other:\n  {}",
        wrong.join("\n  ")
    );
}

/// Issue 20: no layer matches what belongs to a check family: the pollers, the demo, the app
/// and the screens name the domain's model (`domain::inventory`), never a family's insides.
#[test]
fn nothing_outside_the_catalogue_names_a_check_family() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let families: Vec<String> = std::fs::read_dir(root.join("domain/checks"))
        .expect("read checks")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .filter_map(|p| p.file_name().map(|s| s.to_string_lossy().to_string()))
        .collect();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut wrong = Vec::new();
    for file in files
        .iter()
        .filter(|f| !f.starts_with(root.join("domain/checks")))
    {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for family in &families {
                if code.contains(&format!("checks::{family}::")) {
                    wrong.push(format!(
                        "{}:{}: names checks::{family}",
                        file.display(),
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(files.len() > 50, "only {} files seen", files.len());
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
