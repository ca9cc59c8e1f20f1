//! Credentials committed in a deployment package's files, found with the detectors of
//! environment variables (`domain::detectors`): each line's assignments (`NAME = "value"`,
//! `"name": "value"`, `name: value`, `export NAME=value`) are judged as a variable and its
//! value would be, and a private key block anywhere is one. Inside dependency folders, which
//! ship test fixtures, only the detectors that cannot be a coincidence count: a private key
//! block, and an AWS access key id together with its secret key. A finding names the file,
//! the line and the detector, with at most a masked prefix of the value.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use super::detectors;

/// A credential in a file of a package.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CodeSecret {
    pub path: String,
    /// 1-based.
    pub line: usize,
    pub detector: String,
    /// At most the value's first four characters, then `****`.
    pub masked: String,
}

/// Files larger than this are not read for secrets (a bundle of a few MB is; a data file of
/// hundreds is not code).
pub const FILE_CAP: usize = 16 * 1024 * 1024;

/// Whether `path` lies in a folder of third-party code: npm's `node_modules`, Python's
/// installed packages, Ruby's and PHP's vendored gems, and anything inside a jar.
pub fn in_dependency(path: &str) -> bool {
    path.contains("node_modules/")
        || path.contains(".jar!/")
        || path.contains("site-packages/")
        || path.contains(".dist-info/")
        || path.contains(".egg-info/")
        || path.starts_with("vendor/")
        || path.contains("/vendor/")
        || path.contains("/gems/")
        || path.starts_with("gems/")
}

/// Whether a file at `path` is worth reading for secrets at all: not an archive, image,
/// font or compiled object (binary content is also refused by [`scan_file`]).
pub fn worth_reading(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    const BINARY: &[&str] = &[
        ".png", ".jpg", ".jpeg", ".gif", ".ico", ".webp", ".woff", ".woff2", ".ttf", ".otf",
        ".eot", ".zip", ".gz", ".tgz", ".jar", ".class", ".so", ".dll", ".dylib", ".pyc", ".node",
        ".wasm", ".pdf", ".mp3", ".mp4",
    ];
    !BINARY.iter().any(|ext| lower.ends_with(ext))
}

fn assignment() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // A name (bare or quoted), `=` or `:`, then a quoted value or a bare token.
        Regex::new(
            r#"(?:^|[\s,{(;])(?:export\s+)?["']?([A-Za-z_][A-Za-z0-9_.\-]*)["']?\s*[:=]\s*(?:"([^"\\]+)"|'([^'\\]+)'|`([^`\\]+)`|([^\s"'`,;{}()]{8,}))"#,
        )
        .expect("the assignment pattern")
    })
}

/// The markers of `detectors::name_markers` and `detectors::value_markers`, in any case (a
/// superset of what the value markers need).
fn markers() -> &'static AhoCorasick {
    static MARKERS: OnceLock<AhoCorasick> = OnceLock::new();
    MARKERS.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(detectors::name_markers().chain(detectors::value_markers()))
            .expect("the markers")
    })
}

/// The same markers in lower case for a vectorised (Teddy) search of a lower-cased copy of
/// the text: ASCII case folding keeps every byte where it is, so the matches are the
/// case-insensitive ones of [`markers`], several times faster (case-insensitive automata have
/// no such search). `None` where the CPU has no SIMD for it, or if the markers outgrow it.
fn lower_markers() -> Option<&'static aho_corasick::packed::Searcher> {
    static MARKERS: OnceLock<Option<aho_corasick::packed::Searcher>> = OnceLock::new();
    MARKERS
        .get_or_init(|| {
            let mut lower: Vec<String> = detectors::name_markers()
                .chain(detectors::value_markers())
                .map(str::to_ascii_lowercase)
                .collect();
            lower.sort();
            lower.dedup();
            aho_corasick::packed::Config::new()
                .builder()
                .extend(&lower)
                .build()
        })
        .as_ref()
}

/// What the detectors that count inside dependencies need: a private key block, or an AWS
/// access key id (the pair's secret key only counts beside one).
fn confident_markers() -> &'static AhoCorasick {
    static MARKERS: OnceLock<AhoCorasick> = OnceLock::new();
    MARKERS.get_or_init(|| {
        AhoCorasick::new(["PRIVATE KEY", "AKIA", "ASIA"]).expect("the confident markers")
    })
}

/// The lines (1-based number, text without its line ending) that hold a marker, found in
/// one pass over the whole text.
fn marked_lines(text: &str) -> Vec<(usize, &str)> {
    match lower_markers() {
        Some(searcher) => {
            let lower = text.as_bytes().to_ascii_lowercase();
            lines_at(text, searcher.find_iter(&lower).map(|m| m.start()))
        }
        None => lines_at(text, markers().find_iter(text).map(|m| m.start())),
    }
}

/// The lines holding the byte offsets `starts` (ascending, each the start of a marker, which
/// never spans lines), each once.
fn lines_at(text: &str, starts: impl Iterator<Item = usize>) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut number = 1;
    let mut counted_to = 0;
    let mut next_line = 0;
    for at in starts {
        if at < next_line {
            continue;
        }
        let start = text[next_line..at]
            .rfind('\n')
            .map_or(next_line, |i| next_line + i + 1);
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        number += text.as_bytes()[counted_to..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted_to = start;
        let line = &text[start..end];
        out.push((number, line.strip_suffix('\r').unwrap_or(line)));
        next_line = end + 1;
    }
    out
}

/// The credentials in one file. `dependency`: only the high-confidence detectors.
pub fn scan_file(path: &str, content: &[u8], dependency: bool) -> Vec<CodeSecret> {
    scan_file_with(path, content, dependency, true)
}

/// [`scan_file`], with the marker prefilter on or off (the tests check they agree).
fn scan_file_with(
    path: &str,
    content: &[u8],
    dependency: bool,
    prefilter: bool,
) -> Vec<CodeSecret> {
    let head = &content[..content.len().min(8192)];
    if content.len() > FILE_CAP || head.contains(&0) {
        return Vec::new();
    }
    // One pass for the markers of the detectors that count everywhere: a private key block,
    // an AWS access key id.
    let (mut key_block, mut key_id) = (!prefilter, !prefilter);
    if prefilter {
        for m in confident_markers().find_iter(content) {
            match m.pattern().as_usize() {
                0 => key_block = true,
                _ => key_id = true,
            }
            if key_block && key_id {
                break;
            }
        }
    }
    // In a dependency only a private key block and an AWS key pair count: without their
    // markers there is nothing to judge (most of a package's bytes are its dependencies).
    if dependency && !key_block && !key_id {
        return Vec::new();
    }
    let text = match std::str::from_utf8(content) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(content),
    };
    let mut out = Vec::new();
    // Every assignment with its line; the detectors judge each knowing the whole file (an AWS
    // secret key counts beside an access key id).
    let mut assignments: Vec<(usize, &str, &str)> = Vec::new();
    // Beside an AWS access key id any 40-character value is a secret key: every line counts.
    // Otherwise only lines with a marker some detector needs (most code has none).
    let lines: Vec<(usize, &str)> = if key_id {
        text.lines().enumerate().map(|(n, l)| (n + 1, l)).collect()
    } else {
        marked_lines(&text)
    };
    for (number, line) in lines {
        if key_block && line.contains("-----BEGIN") && line.contains("PRIVATE KEY") {
            out.push(CodeSecret {
                path: path.to_string(),
                line: number,
                detector: "private-key".into(),
                masked: detectors::mask("-----BEGIN"),
            });
            continue;
        }
        for c in assignment().captures_iter(line) {
            let name = c.get(1).map_or("", |m| m.as_str());
            let value = (2..=5).find_map(|g| c.get(g)).map_or("", |m| m.as_str());
            assignments.push((number, name, value));
        }
    }
    let key_id = assignments
        .iter()
        .any(|(_, _, v)| detectors::holds_aws_key_id(v));
    let found: Vec<(usize, detectors::Detection)> = assignments
        .iter()
        .filter_map(|(line, name, value)| {
            detectors::detect_variable(name, value, key_id).map(|d| (*line, d))
        })
        .collect();
    let pair = found.iter().any(|(_, d)| d.detector == "aws-access-key-id")
        && found
            .iter()
            .any(|(_, d)| d.detector == "aws-secret-access-key");
    for (line, d) in found {
        let confident = match d.detector {
            "aws-access-key-id" | "aws-secret-access-key" => pair,
            "private-key" => true,
            _ => false,
        };
        if dependency && !confident {
            continue;
        }
        out.push(CodeSecret {
            path: path.to_string(),
            line,
            detector: d.detector.into(),
            masked: d.masked,
        });
    }
    out.sort_by(|a, b| (a.line, &a.detector).cmp(&(b.line, &b.detector)));
    out
}

#[cfg(test)]
mod tests;
