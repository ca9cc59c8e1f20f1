//! The packages a built deployment package says it holds, from the metadata files package
//! managers install beside each package: npm's `node_modules/**/package.json` and lockfiles,
//! Python's `*.dist-info/METADATA` and `*.egg-info/PKG-INFO`, Maven's `pom.properties`
//! (also inside jars), .NET's `*.deps.json`, RubyGems' installed `specifications/*.gemspec`
//! and Bundler's `Gemfile.lock`. A file that does not parse yields nothing: it is not a
//! reason to doubt the rest.

use serde_json::Value;

use crate::domain::osv::versions::Ecosystem;

/// One package found inside a deployment package or layer.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Package {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub version: String,
    /// The metadata file that names it, inside the package (`lib/x.jar!/META-INF/…` inside
    /// a jar).
    pub path: String,
}

/// The file name of a path (after the last `/`, or after a jar's `!/`).
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Whether the file at `path` is one this module reads.
pub fn is_metadata(path: &str) -> bool {
    node_manifest(path)
        || node_lockfile(path)
        || path.ends_with(".dist-info/METADATA")
        || path.ends_with(".egg-info/PKG-INFO")
        || maven_properties(path)
        || path.ends_with(".deps.json")
        || ruby_gemspec(path)
        || file_name(path) == "Gemfile.lock"
        || go_binary(path)
}

/// The packages the metadata file at `path` names.
pub fn parse(path: &str, content: &[u8]) -> Vec<Package> {
    let text = if go_binary(path) {
        Default::default()
    } else {
        String::from_utf8_lossy(content)
    };
    let found = if go_binary(path) {
        go_modules(content)
    } else if node_manifest(path) {
        node_package(&text).into_iter().collect()
    } else if node_lockfile(path) {
        node_lock(&text)
    } else if path.ends_with(".dist-info/METADATA") || path.ends_with(".egg-info/PKG-INFO") {
        python_metadata(&text).into_iter().collect()
    } else if maven_properties(path) {
        maven(&text).into_iter().collect()
    } else if path.ends_with(".deps.json") {
        dotnet(&text)
    } else if ruby_gemspec(path) {
        gemspec(path, &text).into_iter().collect()
    } else if file_name(path) == "Gemfile.lock" {
        gemfile_lock(&text)
    } else {
        Vec::new()
    };
    found
        .into_iter()
        .filter(|(_, name, version)| !name.is_empty() && !version.is_empty())
        .map(|(ecosystem, name, version)| Package {
            ecosystem,
            name,
            version,
            path: path.to_string(),
        })
        .collect()
}

type Found = (Ecosystem, String, String);

// ───────────────────────────── npm ─────────────────────────────

/// `node_modules/NAME/package.json` or `node_modules/@SCOPE/NAME/package.json` (at any
/// depth of nested `node_modules`), not a `package.json` deeper inside a package.
fn node_manifest(path: &str) -> bool {
    let Some((_, rest)) = path.rsplit_once("node_modules/") else {
        return false;
    };
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        [name, "package.json"] => !name.starts_with('.') && !name.starts_with('@'),
        [scope, name, "package.json"] => scope.starts_with('@') && !name.is_empty(),
        _ => false,
    }
}

/// A lockfile: what a package manager meant to install, where an installed package's own
/// manifest says what was.
pub fn is_lockfile(path: &str) -> bool {
    node_lockfile(path) || file_name(path) == "Gemfile.lock"
}

/// npm's lockfile (`package-lock.json`, `npm-shrinkwrap.json`) and the copy npm keeps of
/// what it installed (`node_modules/.package-lock.json`).
fn node_lockfile(path: &str) -> bool {
    matches!(file_name(path), "package-lock.json" | "npm-shrinkwrap.json")
        || path.ends_with("node_modules/.package-lock.json")
}

fn node_package(text: &str) -> Option<Found> {
    let v: Value = serde_json::from_str(text).ok()?;
    Some((
        Ecosystem::Npm,
        v.get("name")?.as_str()?.trim().to_string(),
        v.get("version")?.as_str()?.trim().to_string(),
    ))
}

/// Lockfile versions 2 and 3 (`packages`, keyed by install path) and 1 (`dependencies`, a
/// tree). Development-only dependencies and links are left out: they are not deployed.
fn node_lock(text: &str) -> Vec<Found> {
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        return Vec::new();
    };
    let skipped = |entry: &Value| {
        entry.get("dev").and_then(Value::as_bool) == Some(true)
            || entry.get("link").and_then(Value::as_bool) == Some(true)
    };
    let mut out = Vec::new();
    if let Some(packages) = v.get("packages").and_then(Value::as_object) {
        for (key, entry) in packages {
            let Some((_, name)) = key.rsplit_once("node_modules/") else {
                continue; // "" is the project itself
            };
            if skipped(entry) {
                continue;
            }
            if let Some(version) = entry.get("version").and_then(Value::as_str) {
                out.push((Ecosystem::Npm, name.to_string(), version.to_string()));
            }
        }
    } else if let Some(deps) = v.get("dependencies").and_then(Value::as_object) {
        let mut stack: Vec<(&String, &Value)> = deps.iter().collect();
        while let Some((name, entry)) = stack.pop() {
            if skipped(entry) {
                continue;
            }
            if let Some(version) = entry.get("version").and_then(Value::as_str) {
                out.push((Ecosystem::Npm, name.clone(), version.to_string()));
            }
            if let Some(inner) = entry.get("dependencies").and_then(Value::as_object) {
                stack.extend(inner.iter());
            }
        }
    }
    out
}

// ───────────────────────────── Python ─────────────────────────────

/// The `Name` and `Version` headers of core metadata (RFC 822 style, up to the first blank
/// line).
fn python_metadata(text: &str) -> Option<Found> {
    let mut name = None;
    let mut version = None;
    for line in text.lines() {
        if line.trim().is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Name:") {
            name.get_or_insert_with(|| v.trim().to_string());
        } else if let Some(v) = line.strip_prefix("Version:") {
            version.get_or_insert_with(|| v.trim().to_string());
        }
    }
    Some((Ecosystem::PyPI, name?, version?))
}

// ───────────────────────────── Maven ─────────────────────────────

/// `META-INF/maven/GROUP/ARTIFACT/pom.properties`.
fn maven_properties(path: &str) -> bool {
    let Some((_, rest)) = path.rsplit_once("META-INF/maven/") else {
        return false;
    };
    let parts: Vec<&str> = rest.split('/').collect();
    matches!(parts.as_slice(), [_, _, "pom.properties"])
}

fn maven(text: &str) -> Option<Found> {
    let get = |key: &str| {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.starts_with('#') && !l.starts_with('!'))
            .filter_map(|l| l.split_once('='))
            .find(|(k, _)| k.trim() == key)
            .map(|(_, v)| v.trim().to_string())
    };
    Some((
        Ecosystem::Maven,
        format!("{}:{}", get("groupId")?, get("artifactId")?),
        get("version")?,
    ))
}

// ───────────────────────────── .NET ─────────────────────────────

/// The NuGet packages of a `*.deps.json` (`libraries` entries of type `package`; the
/// application's own projects are not packages).
fn dotnet(text: &str) -> Vec<Found> {
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        return Vec::new();
    };
    let Some(libraries) = v.get("libraries").and_then(Value::as_object) else {
        return Vec::new();
    };
    libraries
        .iter()
        .filter(|(_, lib)| lib.get("type").and_then(Value::as_str) == Some("package"))
        .filter_map(|(key, _)| key.split_once('/'))
        .map(|(name, version)| (Ecosystem::NuGet, name.to_string(), version.to_string()))
        .collect()
}

// ───────────────────────────── Go ─────────────────────────────

/// The executable of a custom runtime (`provided.*`): a Go function's binary.
fn go_binary(path: &str) -> bool {
    file_name(path) == "bootstrap"
}

const GO_MAGIC: &[u8] = b"\xff Go buildinf:";

/// A LEB128 varint at `*at`, advancing it.
fn varint(bytes: &[u8], at: &mut usize) -> Option<usize> {
    let mut value: usize = 0;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*at)?;
        *at += 1;
        value |= usize::from(b & 0x7f).checked_shl(shift)?;
        if b < 0x80 {
            return Some(value);
        }
    }
    None
}

/// The build information a Go binary embeds (Go 1.18 and later, which write it as two
/// strings right after the 32-byte `\xff Go buildinf:` header at a 16-byte boundary): the
/// toolchain as the `stdlib` package, the main module when it has a version, and every
/// dependency, replaced ones by their replacement. Older binaries point at the strings
/// instead, through the executable's address map: not read.
fn go_modules(bin: &[u8]) -> Vec<Found> {
    let Some(start) = (0..bin.len().saturating_sub(32))
        .step_by(16)
        .find(|&i| bin[i..].starts_with(GO_MAGIC))
    else {
        return Vec::new();
    };
    let flags = bin[start + 15];
    if flags & 2 == 0 {
        return Vec::new();
    }
    let mut at = start + 32;
    let mut string = || -> Option<&[u8]> {
        let n = varint(bin, &mut at)?;
        let s = bin.get(at..at.checked_add(n)?)?;
        at += n;
        Some(s)
    };
    let (Some(version), Some(mut info)) = (string(), string()) else {
        return Vec::new();
    };
    // The module information sits between two 16-byte sentinels.
    if info.len() >= 33 && info[info.len() - 17] == b'\n' {
        info = &info[16..info.len() - 16];
    }
    let mut out: Vec<Found> = Vec::new();
    if let Some(v) = go_toolchain(&String::from_utf8_lossy(version)) {
        out.push((Ecosystem::Go, "stdlib".into(), v));
    }
    // Whether the line before pushed a dependency (which a `=>` line then replaces).
    let mut pushed = false;
    for line in String::from_utf8_lossy(info).lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        match fields.as_slice() {
            ["mod", path, version, ..] | ["dep", path, version, ..] => {
                pushed = !version.is_empty() && *version != "(devel)";
                if pushed {
                    out.push((Ecosystem::Go, path.to_string(), version.to_string()));
                }
            }
            ["=>", path, version, ..] => {
                // What was built is the replacement; a local directory has no version.
                if pushed {
                    out.pop();
                }
                pushed = false;
                if !version.is_empty() {
                    out.push((Ecosystem::Go, path.to_string(), version.to_string()));
                }
            }
            _ => pushed = false,
        }
    }
    out
}

/// `go1.20.12` → `1.20.12`, `go1.21` → `1.21.0`, `go1.21rc2` → `1.21.0-rc.2`, as OSV names
/// the standard library's versions; a development toolchain has none.
fn go_toolchain(v: &str) -> Option<String> {
    let v = v.split_whitespace().next()?.strip_prefix("go")?;
    let split = v.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(v.len());
    let (numbers, pre) = v.split_at(split);
    let mut parts: Vec<&str> = numbers.split('.').collect();
    if parts
        .iter()
        .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    while parts.len() < 3 {
        parts.push("0");
    }
    let mut out = parts.join(".");
    if !pre.is_empty() {
        let digits = pre.find(|c: char| c.is_ascii_digit()).unwrap_or(pre.len());
        out.push_str(&format!("-{}.{}", &pre[..digits], &pre[digits..]));
    }
    Some(out)
}

// ───────────────────────────── RubyGems ─────────────────────────────

/// An installed gem's specification: `specifications/NAME-VERSION.gemspec`.
fn ruby_gemspec(path: &str) -> bool {
    path.ends_with(".gemspec") && path.contains("specifications/")
}

/// `s.name = "rack".freeze` and `s.version = "2.2.22"` as RubyGems writes an installed
/// specification; the file name where the text does not say.
fn gemspec(path: &str, text: &str) -> Option<Found> {
    let assigned = |field: &str| {
        text.lines().find_map(|line| {
            let rest = line.trim().strip_prefix(field)?.trim_start();
            let rest = rest.strip_prefix('=')?.trim_start();
            let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            let value = &rest[1..];
            Some(value[..value.find(quote)?].to_string())
        })
    };
    let stem = file_name(path).strip_suffix(".gemspec")?;
    let from_name = stem
        .rsplit_once('-')
        .filter(|(_, v)| v.starts_with(|c: char| c.is_ascii_digit()));
    let name = assigned("s.name").or_else(|| from_name.map(|(n, _)| n.to_string()))?;
    let version = assigned("s.version").or_else(|| from_name.map(|(_, v)| v.to_string()))?;
    Some((Ecosystem::RubyGems, name, version))
}

/// The `specs:` of a `Gemfile.lock`'s `GEM` section: `    NAME (VERSION[-PLATFORM])`.
fn gemfile_lock(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    let mut in_gem = false;
    let mut in_specs = false;
    for line in text.lines() {
        if !line.starts_with(' ') {
            in_gem = line.trim() == "GEM";
            in_specs = false;
            continue;
        }
        if in_gem && line.trim() == "specs:" {
            in_specs = true;
            continue;
        }
        // Exactly four spaces: a gem; six: one of its requirements.
        if !in_specs || !line.starts_with("    ") || line.starts_with("     ") {
            continue;
        }
        let Some((name, rest)) = line.trim().split_once(" (") else {
            continue;
        };
        let Some(version) = rest.strip_suffix(')') else {
            continue;
        };
        let version = version.split('-').next().unwrap_or(version);
        out.push((Ecosystem::RubyGems, name.to_string(), version.to_string()));
    }
    out
}

/// `s` percent-encoded for a package URL, keeping what purl leaves as is.
fn purl_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Package {
    /// Its package URL (<https://github.com/package-url/purl-spec>): `pkg:npm/%40scope/name@1.0.0`,
    /// `pkg:pypi/name@1.0`, `pkg:maven/group/artifact@1.0`, `pkg:golang/module/path@v1.0.0`,
    /// `pkg:nuget/Name@1.0`, `pkg:gem/name@1.0`, `pkg:cargo/name@1.0`.
    pub fn purl(&self) -> String {
        let path = |segments: &[&str]| {
            segments
                .iter()
                .map(|s| purl_encode(s))
                .collect::<Vec<_>>()
                .join("/")
        };
        let (kind, name) = match self.ecosystem {
            Ecosystem::Npm => ("npm", path(&self.name.split('/').collect::<Vec<_>>())),
            Ecosystem::PyPI => ("pypi", path(&[&self.ecosystem.normalize(&self.name)])),
            Ecosystem::Maven => ("maven", path(&self.name.splitn(2, ':').collect::<Vec<_>>())),
            Ecosystem::Go => ("golang", path(&self.name.split('/').collect::<Vec<_>>())),
            Ecosystem::NuGet => ("nuget", path(&[&self.name])),
            Ecosystem::RubyGems => ("gem", path(&[&self.name])),
            Ecosystem::CratesIo => ("cargo", path(&[&self.name])),
        };
        format!("pkg:{kind}/{name}@{}", purl_encode(&self.version))
    }
}
