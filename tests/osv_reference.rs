//! OSV matching against independent implementations. CVSS base scores (every CVSS 3.1 and
//! 2.0 base vector) against Red Hat's `cvss` calculator. The version orders
//! (`domain::osv::Scheme`) against each ecosystem's own implementation: PEP 440 against `packaging` (in the emulator's venv), SemVer
//! against npm's `semver` package (the one npm itself uses), Maven against Maven's
//! `ComparableVersion` (the maven-artifact jar). Every pair of a corpus of real and tricky
//! versions must compare the same way. RubyGems and NuGet have no reference implementation
//! on this machine; their orders are unit-tested in `domain/osv/tests.rs`.

use std::cmp::Ordering;
use std::process::Command;

use parapet::domain::osv::Scheme;
use parapet::domain::osv::severity::base_score;

use crate::support::emulator::python;

/// Every pair of `versions`, as the consecutive arguments `a b a c … b c …`.
fn pairs(versions: &[&str]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, a) in versions.iter().enumerate() {
        for b in &versions[i + 1..] {
            out.push((a.to_string(), b.to_string()));
        }
    }
    out
}

fn sign(o: Ordering) -> i8 {
    match o {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    }
}

/// Asserts that `scheme` orders every pair as `theirs` (`a`, `b`, sign of a − b) does.
fn agree(scheme: Scheme, reference: &str, theirs: &[(String, String, i8)], expected: usize) {
    assert_eq!(theirs.len(), expected, "{reference} answered every pair");
    let mut wrong = Vec::new();
    for (a, b, want) in theirs {
        match scheme.compare(a, b) {
            Some(o) if sign(o) == *want => {}
            got => wrong.push(format!("{a} vs {b}: {reference} {want}, Parapet {got:?}")),
        }
    }
    assert!(
        wrong.is_empty(),
        "{} disagreements:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what} could not start: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Runs `cmd` with every pair appended as two arguments.
fn ask(mut cmd: Command, pairs: &[(String, String)], what: &str) -> String {
    for (a, b) in pairs {
        cmd.args([a, b]);
    }
    run(&mut cmd, what)
}

fn signs_of(output: &str, pairs: &[(String, String)]) -> Vec<(String, String, i8)> {
    let signs: Vec<i8> = output
        .split_whitespace()
        .map(|s| s.parse().expect("a sign"))
        .collect();
    pairs
        .iter()
        .zip(signs)
        .map(|((a, b), s)| (a.clone(), b.clone(), s))
        .collect()
}

const PEP440: &[&str] = &[
    "0.1",
    "0.9.10",
    "1.0.dev1",
    "1.0a1",
    "1.0alpha1",
    "1.0a1.post1",
    "1.0a2.dev1",
    "1.0a2",
    "1.0b1",
    "1.0-beta.2",
    "1.0rc1",
    "1.0c2",
    "1.0",
    "1.0.0",
    "1.0.0.0.1",
    "1.0+local.1",
    "1.0+local.10",
    "1.0+abc",
    "1.0.post1.dev2",
    "1.0.post1",
    "1.0-1",
    "1.0.1",
    "1.1.dev0",
    "1.1",
    "2.0a0",
    "2.0.0rc3",
    "5.3.1",
    "5.4b2",
    "5.4",
    "1.26.4",
    "1.26.17",
    "1!1.0",
    "2!0.1",
    "1.0RC1",
    "v1.0",
];

#[test]
fn pep440_orders_as_packaging_does() {
    let pairs = pairs(PEP440);
    let script = "import sys\n\
        from packaging.version import Version\n\
        a = sys.argv[1:]\n\
        print(' '.join(str((Version(x) > Version(y)) - (Version(x) < Version(y))) \
        for x, y in zip(a[0::2], a[1::2])))";
    let mut cmd = Command::new(python());
    cmd.args(["-c", script]);
    let out = ask(cmd, &pairs, "python packaging");
    agree(
        Scheme::Pep440,
        "packaging",
        &signs_of(&out, &pairs),
        pairs.len(),
    );
}

const SEMVER: &[&str] = &[
    "0.0.0",
    "0.0.1",
    "0.1.0",
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
    "1.0.0+build.5",
    "1.0.1",
    "1.2.3-0",
    "1.2.3-x.7.z.92",
    "1.2.3-00a",
    "1.10.0",
    "2.0.0-rc.1+build.123",
    "4.17.15",
    "4.17.21-beta.1",
    "4.17.21",
    "10.0.0",
    "v1.2.3",
    "v2.0.0",
    "0.0.0-20210101000000-abcdefabcdef",
];

#[test]
fn semver_orders_as_npm_does() {
    let root = run(Command::new("npm").args(["root", "-g"]), "npm root -g");
    let module = format!("{}/npm/node_modules/semver", root.trim());
    let pairs = pairs(SEMVER);
    let script = "const semver = require(process.argv[1]);\
        const a = process.argv.slice(2); const out = [];\
        for (let i = 0; i < a.length; i += 2) out.push(semver.compare(a[i], a[i + 1]));\
        console.log(out.join(' '));";
    let mut cmd = Command::new("node");
    cmd.args(["-e", script, &module]);
    let out = ask(cmd, &pairs, "node semver");
    agree(
        Scheme::SemVer,
        "npm semver",
        &signs_of(&out, &pairs),
        pairs.len(),
    );
}

const MAVEN: &[&str] = &[
    "1.0-alpha-1",
    "1.0-alpha-2",
    "1.0-alpha-10",
    "1.0-alpha",
    "1.0-beta-1",
    "1.0-milestone-1",
    "1.0-m2",
    "1.0-rc-1",
    "1.0-cr-2",
    "1.0-SNAPSHOT",
    "1.0",
    "1",
    "1.0.0",
    "1.0-ga",
    "1.0.final",
    "1.0.0.Final",
    "1.0.RELEASE",
    "1.0-sp-1",
    "1.0-xyz",
    "1.0-abc",
    "1.0.1",
    "1.1",
    "1.0a1",
    "1.0b2",
    "1.0-1",
    "1.0.0-1",
    "2.13.4",
    "2.13.4.2",
    "2.14.0-rc1",
    "2.14.0",
    "2.9.10.8",
    "1.0-20210101.123456-1",
    "3.0.0-M1",
    "1.0.x",
    "1-0.1",
    "1.0-0.1",
];

/// The jar Debian's maven package ships (the machine's Maven 3.8).
const MAVEN_ARTIFACT: &str = "/usr/share/maven/lib/maven-artifact-3.x.jar";

#[test]
fn maven_orders_as_comparable_version_does() {
    let pairs = pairs(MAVEN);
    let mut cmd = Command::new("java");
    cmd.args([
        "-cp",
        MAVEN_ARTIFACT,
        "org.apache.maven.artifact.versioning.ComparableVersion",
    ]);
    // ComparableVersion's main compares each argument with the next: give it the pairs one
    // after another and read every other comparison.
    let out = ask(cmd, &pairs, "Maven ComparableVersion");
    let relations: Vec<i8> = out
        .lines()
        .filter(|l| l.starts_with("   "))
        .map(|l| {
            if l.contains(" < ") {
                -1
            } else if l.contains(" == ") {
                0
            } else if l.contains(" > ") {
                1
            } else {
                panic!("unexpected ComparableVersion line {l:?}")
            }
        })
        .collect();
    // Line k compares argument k with k + 1: the pairs are the even ones.
    let theirs: Vec<(String, String, i8)> = pairs
        .iter()
        .zip(relations.iter().step_by(2))
        .map(|((a, b), s)| (a.clone(), b.clone(), *s))
        .collect();
    agree(Scheme::Maven, "ComparableVersion", &theirs, pairs.len());
}

/// Every base vector of CVSS 3.1 (2,592) and of CVSS 2.0 (729).
fn every_vector() -> Vec<String> {
    let mut out = Vec::new();
    for av in ["N", "A", "L", "P"] {
        for ac in ["L", "H"] {
            for pr in ["N", "L", "H"] {
                for ui in ["N", "R"] {
                    for s in ["U", "C"] {
                        for c in ["H", "L", "N"] {
                            for i in ["H", "L", "N"] {
                                for a in ["H", "L", "N"] {
                                    out.push(format!(
                                        "CVSS:3.1/AV:{av}/AC:{ac}/PR:{pr}/UI:{ui}/S:{s}/C:{c}/I:{i}/A:{a}"
                                    ));
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    for av in ["L", "A", "N"] {
        for ac in ["H", "M", "L"] {
            for au in ["M", "S", "N"] {
                for c in ["N", "P", "C"] {
                    for i in ["N", "P", "C"] {
                        for a in ["N", "P", "C"] {
                            out.push(format!("AV:{av}/AC:{ac}/Au:{au}/C:{c}/I:{i}/A:{a}"));
                        }
                    }
                }
            }
        }
    }
    out
}

#[test]
fn cvss_base_scores_are_the_reference_calculators() {
    let vectors = every_vector();
    let script = "import sys\n\
        from cvss import CVSS2, CVSS3\n\
        for v in sys.stdin.read().split():\n\
        \x20   print(CVSS3(v).scores()[0] if v.startswith('CVSS:3') else CVSS2(v).scores()[0])";
    let mut child = Command::new(python())
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start python");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(vectors.join("\n").as_bytes())
            .expect("write vectors");
    }
    let out = child.wait_with_output().expect("python cvss");
    assert!(
        out.status.success(),
        "python cvss failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs: Vec<f64> = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .map(|s| s.parse().expect("a score"))
        .collect();
    assert_eq!(theirs.len(), vectors.len(), "cvss scored every vector");
    let wrong: Vec<String> = vectors
        .iter()
        .zip(&theirs)
        .filter(|(v, want)| base_score(v) != Some(**want))
        .map(|(v, want)| format!("{v}: cvss {want}, Parapet {:?}", base_score(v)))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
