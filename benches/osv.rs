//! Issue 21's speed targets for what runs inside a function, on generated data shaped like the
//! real thing (one run; times are printed, never asserted):
//!
//! - an OSV database the size of OSV's npm + PyPI exports (200,000 advisories: the real
//!   exports cannot be downloaded here), each advisory shaped after a real GitHub or PyPA one
//!   (`tests/data/osv/`: ids, aliases, CVSS vectors, ranges with introduced / fixed /
//!   last_affected, explicit versions) with varied package names and versions; the time to
//!   index it once, then to match 10,000 packages against it (`parapet inspect` of a
//!   lockfile naming them);
//! - a deployment package of about 100 MB zipped (JavaScript and Python files, dependency
//!   folders with their metadata): the CPU time to read it for packages and secrets.
//!
//! Run: `cargo bench --bench osv` (or `scripts/bench`, which includes it).
//! `PARAPET_BENCH_ADVISORIES` and `PARAPET_BENCH_PACKAGE_MB` scale it down for a quick look.

use std::io::{Cursor, Write};
use std::path::Path;
use std::time::Instant;

use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use zip::write::SimpleFileOptions;

use parapet::domain::osv::Ecosystem;
use parapet::domain::packages::{self, Limits};
use parapet::osv_db::OsvDb;

/// xorshift64*: deterministic, so every run measures the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn package_name(eco: Ecosystem, i: u64) -> String {
    const WORDS: [&str; 16] = [
        "core", "parse", "http", "json", "util", "auth", "stream", "cache", "yaml", "crypto",
        "log", "path", "date", "form", "cli", "query",
    ];
    let a = WORDS[(i % 16) as usize];
    let b = WORDS[((i / 16) % 16) as usize];
    match eco {
        Ecosystem::Npm if i.is_multiple_of(5) => format!("@scope{}/{a}-{b}-{i}", i % 97),
        Ecosystem::PyPI => format!("py{a}_{b}{i}"),
        _ => format!("{a}-{b}-{i}"),
    }
}

fn version(rng: &mut Rng, eco: Ecosystem) -> String {
    let (major, minor, patch) = (rng.below(6), rng.below(30), rng.below(40));
    match (eco, rng.below(10)) {
        (Ecosystem::PyPI, 0) => format!("{major}.{minor}rc{}", rng.below(3) + 1),
        (Ecosystem::PyPI, 1) => format!("{major}.{minor}"),
        (_, 2) => format!("{major}.{minor}.{patch}-beta.{}", rng.below(5)),
        _ => format!("{major}.{minor}.{patch}"),
    }
}

/// One advisory shaped after the real ones: GHSA-style for npm, PYSEC- or GHSA-style for
/// PyPI, with aliases, a CVSS 3.1 vector or a database word, and one to three ranges.
fn advisory(
    rng: &mut Rng,
    eco: Ecosystem,
    n: u64,
    names: u64,
    modified: &str,
) -> serde_json::Value {
    let name = package_name(eco, rng.below(names));
    let id = match (eco, n % 3) {
        (Ecosystem::PyPI, 0) => format!("PYSEC-2023-{n}"),
        _ => format!(
            "GHSA-{:04x}-{:04x}-{:04x}",
            n % 65536,
            rng.below(65536),
            rng.below(65536)
        ),
    };
    let mut affected = Vec::new();
    for _ in 0..=rng.below(2) {
        let (a, b) = (version(rng, eco), version(rng, eco));
        let events = match rng.below(4) {
            0 => json!([{"introduced": "0"}, {"fixed": a}]),
            1 => json!([{"introduced": a}, {"fixed": b}]),
            2 => json!([{"introduced": "0"}, {"last_affected": a}]),
            _ => json!([{"introduced": a}]),
        };
        let mut entry = json!({
            "package": {"ecosystem": eco.osv_name(), "name": name},
            "ranges": [{"type": "ECOSYSTEM", "events": events}],
        });
        if eco == Ecosystem::PyPI && rng.below(3) == 0 {
            entry["versions"] = json!([version(rng, eco), version(rng, eco), version(rng, eco)]);
        }
        affected.push(entry);
    }
    let mut adv = json!({
        "schema_version": "1.6.0",
        "id": id,
        "modified": modified,
        "published": "2023-01-01T00:00:00Z",
        "aliases": [format!("CVE-2023-{}", 10_000 + n)],
        "summary": "Prototype pollution in a generated package",
        "details": "Generated for the benchmark, shaped after a real advisory. ".repeat(8),
        "affected": affected,
        "references": [{"type": "ADVISORY", "url": format!("https://nvd.nist.gov/vuln/detail/CVE-2023-{}", 10_000 + n)}],
        "database_specific": {"severity": "HIGH", "cwe_ids": ["CWE-1321"], "github_reviewed": true},
    });
    if rng.below(3) != 0 {
        adv["severity"] =
            json!([{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]);
    }
    adv
}

fn zip_of(files: impl Iterator<Item = (String, Vec<u8>)>, deflate: bool) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = if deflate {
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated)
    } else {
        SimpleFileOptions::default()
    };
    for (name, content) in files {
        w.start_file(name, options).expect("start");
        w.write_all(&content).expect("write");
    }
    w.finish().expect("finish").into_inner()
}

fn cpu_seconds() -> f64 {
    // SAFETY: getrusage fills the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 / 1e6;
    t(usage.ru_utime) + t(usage.ru_stime)
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let now = OffsetDateTime::now_utc();
    let modified = now.format(&Rfc3339).expect("time");
    let total = env("PARAPET_BENCH_ADVISORIES", 200_000) as u64;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    // Roughly OSV's split: npm has about twice PyPI's advisories; 60,000 package names.
    let split = [
        (Ecosystem::Npm, total * 2 / 3, 40_000),
        (Ecosystem::PyPI, total / 3, 20_000),
    ];
    let generated = Instant::now();
    for (eco, count, names) in split {
        let files = (0..count).map(|n| {
            let adv = advisory(&mut rng, eco, n, names, &modified);
            (
                format!("{}.json", adv["id"].as_str().unwrap()),
                serde_json::to_vec(&adv).unwrap(),
            )
        });
        let zip = zip_of(files.collect::<Vec<_>>().into_iter(), true);
        let path = dir.path().join(eco.osv_name()).join("all.zip");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &zip).unwrap();
        eprintln!(
            "{eco}: {count} advisories, {:.1} MB zipped",
            zip.len() as f64 / 1e6
        );
    }
    eprintln!(
        "generated in {:.1} s (not measured)",
        generated.elapsed().as_secs_f64()
    );

    let db = OsvDb::at(dir.path());
    let t = Instant::now();
    for eco in [Ecosystem::Npm, Ecosystem::PyPI] {
        assert!(db.status(eco).advisories.is_some());
    }
    let index = t.elapsed().as_secs_f64();

    // 10,000 packages: 8,000 npm in a lockfile, 2,000 PyPI as dist-info METADATA; most names
    // have advisories, versions random.
    // Distinct names (7919 is prime to both name counts), 9 in 10 of them with advisories.
    let mut lock = serde_json::Map::new();
    for i in 0..8_000u64 {
        let name = package_name(Ecosystem::Npm, (i * 7919) % 44_000);
        let entry = json!({"version": version(&mut rng, Ecosystem::Npm)});
        lock.insert(format!("node_modules/{name}"), entry);
    }
    let mut files = vec![(
        "package-lock.json".to_string(),
        serde_json::to_vec(&json!({"lockfileVersion": 3, "packages": lock})).unwrap(),
    )];
    for i in 0..2_000u64 {
        let name = package_name(Ecosystem::PyPI, (i * 7919) % 22_000);
        let v = version(&mut rng, Ecosystem::PyPI);
        files.push((
            format!("python/{name}-{v}-{i}.dist-info/METADATA"),
            format!("Metadata-Version: 2.1\nName: {name}\nVersion: {v}\n\n").into_bytes(),
        ));
    }
    let function = dir.path().join("function.zip");
    std::fs::write(&function, zip_of(files.into_iter(), true)).unwrap();
    let t = Instant::now();
    let report = parapet::inspect::inspect(&function, &[], &db, now).expect("inspect");
    let matching = t.elapsed().as_secs_f64();
    let listed = report.packages.len();
    eprintln!(
        "matched {listed} packages: {} vulnerable, {} undecided",
        report.vulnerable.len(),
        report.unknown.len()
    );

    // About 100 MB zipped: text that compresses like code (3:1 or so), across many files.
    let target_mb = env("PARAPET_BENCH_PACKAGE_MB", 100) as u64;
    let mut big = Vec::new();
    let mut size = 0u64;
    let mut i = 0u64;
    while size < target_mb * 1_000_000 * 3 {
        // Code-like lines; one in 20 has a marker the secret detectors look at (a URL, a
        // token or password name, a `key` word) and is judged in full.
        let lines: String = (0..400)
            .map(|l| match rng.below(20) {
                0 => format!(
                    "  const url{l} = \"https://api.example.com/v1/items/{}\";\n",
                    rng.below(1000)
                ),
                1 => format!("  headers.token = process.env.API_TOKEN_{l};\n"),
                2 => format!("  const key{l} = cache.get(\"{:016x}\");\n", rng.next()),
                _ => format!(
                    "  const v{l}_{} = compute(\"{:016x}{:016x}\"); // {}\n",
                    rng.below(1000),
                    rng.next(),
                    rng.next(),
                    package_name(Ecosystem::Npm, rng.below(1000))
                ),
            })
            .collect();
        let path = if i.is_multiple_of(3) {
            format!("src/module{i}.js")
        } else {
            format!(
                "node_modules/{}/lib/file{i}.js",
                package_name(Ecosystem::Npm, i % 900)
            )
        };
        size += lines.len() as u64;
        big.push((path, lines.into_bytes()));
        i += 1;
    }
    let zipped = zip_of(big.into_iter(), true);
    let zipped_mb = zipped.len() as f64 / 1e6;
    let limits = Limits {
        unzipped: u64::MAX,
        ..Limits::default()
    };
    let before = cpu_seconds();
    packages::archive::walk(&zipped, limits, &|_| true, &mut |_, c| {
        std::hint::black_box(c);
    })
    .expect("readable");
    let inflate_cpu = cpu_seconds() - before;
    let before = cpu_seconds();
    let contents = packages::contents(
        &zipped,
        Limits {
            unzipped: u64::MAX,
            ..Limits::default()
        },
    )
    .expect("readable");
    let read_cpu = cpu_seconds() - before;
    std::hint::black_box(&contents);

    let out = format!(
        "| measure | target | measured |\n|---|---|---|\n\
         | index an OSV database of {total} advisories (npm + PyPI), once | — | {index:.1} s |\n\
         | match {listed} packages against it (`parapet inspect`, after the index) | < 2 s | {matching:.2} s |\n\
         | read a {zipped_mb:.0} MB zipped package ({size_mb:.0} MB of text) for packages and secrets | ≤ 1 s CPU per 100 MB zipped | {read_cpu:.2} s CPU ({per:.2} s per 100 MB) |\n\
         | of which unzipping alone | — | {inflate_cpu:.2} s CPU ({inflate_per:.2} s per 100 MB) |\n",
        inflate_per = inflate_cpu / zipped_mb * 100.0,
        size_mb = size as f64 / 1e6,
        per = read_cpu / zipped_mb * 100.0,
    );
    print!("{out}");
    let _ = std::fs::write(Path::new("target/bench-osv.md"), out);
}
