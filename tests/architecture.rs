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
        // config writes the mutes file, osv_db its indexes, through export's atomic writer
        // and reads files through export's readers.
        "config" | "osv_db" => &["domain", "export"],
        "export" | "demo" => &["domain"],
        // The code area judges packages against the OSV database and keeps their lists in
        // its cache.
        "aws" => &["domain", "osv_db"],
        "app" => &["domain", "config", "export", "aws", "demo"],
        "ui" => &["domain", "config", "app"],
        // Front ends: anything below them.
        "tui" | "scan" | "cli" | "report" | "inspect" => &[
            "domain", "config", "export", "osv_db", "aws", "demo", "app", "ui",
        ],
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

/// A module's path from its file: `aws/functions.rs` → `aws::functions`, `ui/mod.rs` → `ui`.
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The paths a `use` tree names, its groups expanded: `a::{b, c::{d}}` → `a::b`, `a::c::d`.
fn use_paths(tree: &str) -> Vec<Vec<String>> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or_default();
        return vec![
            path.split("::")
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
        ];
    };
    let prefix: Vec<String> = tree[..open]
        .trim_end_matches(':')
        .split("::")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let (mut parts, mut current, mut depth) = (Vec::new(), String::new(), 0);
    for c in inner.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts
        .iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(|p| use_paths(p))
        .map(|sub| prefix.iter().cloned().chain(sub).collect())
        .collect()
}

/// Issue 20: no two source files import each other, directly or through others. An import is
/// a `use` or a path in code (`crate::…`, `super::…`, `self::…`, or a child module's name)
/// that reaches another file's module; declaring a child module (`mod x;`) is not one. Unit
/// tests (`#[cfg(test)]` and beyond, `tests.rs` files) and `main.rs` are left out.
#[test]
fn no_two_source_files_import_each_other() {
    use std::collections::{BTreeMap, HashMap};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let is_test = |rel: &Path| {
        rel.file_name().is_some_and(|n| n == "tests.rs")
            || rel.components().any(|c| c.as_os_str() == "tests")
    };
    let rels: Vec<PathBuf> = files
        .iter()
        .map(|f| f.strip_prefix(&root).unwrap().to_path_buf())
        .filter(|r| !is_test(r) && r != Path::new("main.rs"))
        .collect();
    let modules: HashMap<Vec<String>, usize> = rels
        .iter()
        .enumerate()
        .map(|(i, r)| (module_of(r), i))
        .collect();
    let resolve = |path: &[String]| {
        (1..=path.len())
            .rev()
            .find_map(|n| modules.get(&path[..n]).copied())
    };
    let mut edges: Vec<BTreeMap<usize, String>> = vec![BTreeMap::new(); rels.len()];
    for (i, rel) in rels.iter().enumerate() {
        let text = std::fs::read_to_string(root.join(rel)).unwrap();
        let text = text.split("#[cfg(test)]").next().unwrap_or_default();
        let code: String = text
            .lines()
            .map(|l| l.split("//").next().unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n");
        let me = module_of(rel);
        let children: Vec<String> = code
            .lines()
            .filter_map(|l| {
                let l = l.trim();
                let l = l.strip_prefix("pub ").unwrap_or(l);
                let l = l.strip_prefix("pub(crate) ").unwrap_or(l);
                l.strip_prefix("mod ")?
                    .strip_suffix(';')
                    .map(str::to_string)
            })
            .collect();
        let mut paths = Vec::new();
        let mut rest = code.as_str();
        let mut body = String::new();
        while let Some(at) = rest.find("use ") {
            let starts_item = rest[..at].rsplit('\n').next().is_some_and(|l| {
                l.trim().is_empty() || l.trim() == "pub" || l.trim().starts_with("pub(")
            });
            body.push_str(&rest[..at]);
            let after = &rest[at + 4..];
            match after.find(';') {
                Some(end) if starts_item => {
                    paths.extend(use_paths(&after[..end]));
                    rest = &after[end + 1..];
                }
                _ => {
                    body.push_str("use ");
                    rest = after;
                }
            }
        }
        body.push_str(rest);
        let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
        for word in body.split(|c: char| !ident(c)) {
            if word.contains("::") {
                paths.push(word.split("::").map(str::to_string).collect());
            }
        }
        for path in paths {
            let Some(first) = path.first() else { continue };
            let absolute: Vec<String> = match first.as_str() {
                "crate" => path[1..].to_vec(),
                "self" => me.iter().chain(&path[1..]).cloned().collect(),
                "super" => {
                    let ups = path.iter().take_while(|p| *p == "super").count();
                    let base = &me[..me.len().saturating_sub(ups)];
                    base.iter().chain(&path[ups..]).cloned().collect()
                }
                name if children.iter().any(|c| c == name) => {
                    me.iter().chain(&path).cloned().collect()
                }
                _ => continue,
            };
            if let Some(j) = resolve(&absolute)
                && j != i
            {
                edges[i].entry(j).or_insert_with(|| path.join("::"));
            }
        }
    }
    // Tarjan's strongly connected components: a component of more than one file is a circle.
    struct Walk<'a> {
        edges: &'a [BTreeMap<usize, String>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        stack: Vec<usize>,
        on_stack: Vec<bool>,
        next: usize,
        circles: Vec<Vec<usize>>,
    }
    fn visit(w: &mut Walk, v: usize) {
        w.index[v] = Some(w.next);
        w.low[v] = w.next;
        w.next += 1;
        w.stack.push(v);
        w.on_stack[v] = true;
        for &u in w.edges[v].keys() {
            match w.index[u] {
                None => {
                    visit(w, u);
                    w.low[v] = w.low[v].min(w.low[u]);
                }
                Some(iu) if w.on_stack[u] => w.low[v] = w.low[v].min(iu),
                _ => {}
            }
        }
        if Some(w.low[v]) == w.index[v] {
            let mut component = Vec::new();
            while let Some(u) = w.stack.pop() {
                w.on_stack[u] = false;
                component.push(u);
                if u == v {
                    break;
                }
            }
            if component.len() > 1 {
                w.circles.push(component);
            }
        }
    }
    let n = rels.len();
    let mut walk = Walk {
        edges: &edges,
        index: vec![None; n],
        low: vec![0; n],
        stack: Vec::new(),
        on_stack: vec![false; n],
        next: 0,
        circles: Vec::new(),
    };
    for v in 0..n {
        if walk.index[v].is_none() {
            visit(&mut walk, v);
        }
    }
    let imports: usize = edges.iter().map(BTreeMap::len).sum();
    assert!(imports > 200, "only {imports} imports between files seen");
    let described: Vec<String> = walk
        .circles
        .iter()
        .map(|c| {
            let mut lines = Vec::new();
            for &a in c {
                for (&b, via) in &edges[a] {
                    if c.contains(&b) {
                        lines.push(format!(
                            "    {} → {} ({via})",
                            rels[a].display(),
                            rels[b].display()
                        ));
                    }
                }
            }
            lines.join("\n")
        })
        .collect();
    assert!(
        described.is_empty(),
        "files that import each other:\n{}",
        described.join("\n  --\n")
    );
}

/// Issue 20: unit tests are placed one way everywhere: a module's are `#[cfg(test)] mod
/// tests;` in `<module>/tests.rs` beside it, never inline and never elsewhere by `#[path]`.
#[test]
fn unit_tests_sit_in_a_tests_file_beside_their_module() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut wrong = Vec::new();
    let mut with_tests = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let t = line.trim();
            if t.starts_with("#[path")
                || (t.starts_with("mod ") && t.contains("tests") && t.ends_with('{'))
            {
                wrong.push(format!("{}:{}: {t}", file.display(), n + 1));
            }
            if t == "mod tests;" {
                with_tests += 1;
                let rel = file.strip_prefix(&root).unwrap();
                let dir = match rel.file_name().and_then(|n| n.to_str()) {
                    Some("mod.rs" | "lib.rs") => rel.parent().unwrap().to_path_buf(),
                    _ => rel.with_extension(""),
                };
                if !root.join(&dir).join("tests.rs").is_file() {
                    wrong.push(format!("{}: no {}/tests.rs", rel.display(), dir.display()));
                }
            }
        }
    }
    assert!(with_tests > 40, "only {with_tests} modules with tests seen");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
