//! Unit tests of package reading, on real metadata files of real published packages
//! (`tests/data/packages/`: lodash 4.17.15, minimist 1.2.5 and @hapi/hoek 9.0.0 as npm
//! installs them with their lockfiles; urllib3 1.26.4 and requests 2.25.0 wheels' METADATA;
//! pythonnet 3.0.3's Python.Runtime.deps.json; Debian's guava, commons-io and commons-lang3
//! jars' pom.properties; Debian's rack 2.2.22 gemspec), put in zips the way deployment
//! packages and layers lay them out.

use super::*;
use crate::domain::osv::Ecosystem;
use proptest::prelude::*;
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;

fn data(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/packages/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

use super::testing::zip_of;

fn found(zip: &[u8]) -> Vec<(Ecosystem, String, String, String)> {
    packages(zip, Limits::default())
        .expect("readable")
        .into_iter()
        .map(|p| (p.ecosystem, p.name, p.version, p.path))
        .collect()
}

fn npm(name: &str, version: &str, path: &str) -> (Ecosystem, String, String, String) {
    (Ecosystem::Npm, name.into(), version.into(), path.into())
}

#[test]
fn node_modules_manifests_name_what_is_installed() {
    let zip = zip_of(&[
        ("index.js", b"exports.handler = async () => {};".to_vec()),
        (
            "package.json",
            br#"{"name": "orders", "version": "1.0.0"}"#.to_vec(),
        ),
        (
            "node_modules/lodash/package.json",
            data("lodash-4.17.15.package.json"),
        ),
        (
            "node_modules/minimist/package.json",
            data("minimist-1.2.5.package.json"),
        ),
        (
            "node_modules/@hapi/hoek/package.json",
            data("hapi-hoek-9.0.0.package.json"),
        ),
        (
            "node_modules/.package-lock.json",
            data("hidden.package-lock.json"),
        ),
        // A package.json deeper inside a package only marks a module type.
        (
            "node_modules/lodash/esm/package.json",
            br#"{"type": "module"}"#.to_vec(),
        ),
    ]);
    assert_eq!(
        found(&zip),
        vec![
            npm(
                "@hapi/hoek",
                "9.0.0",
                "node_modules/@hapi/hoek/package.json"
            ),
            npm("lodash", "4.17.15", "node_modules/lodash/package.json"),
            npm("minimist", "1.2.5", "node_modules/minimist/package.json"),
        ]
    );
}

#[test]
fn a_bundled_function_is_read_from_its_lockfile() {
    // esbuild-style: one bundle and the project's lockfile, no node_modules.
    let zip = zip_of(&[
        ("index.mjs", b"export const handler = () => 1;".to_vec()),
        ("package-lock.json", data("package-lock.json")),
    ]);
    assert_eq!(
        found(&zip),
        vec![
            npm("@hapi/hoek", "9.0.0", "package-lock.json"),
            npm("lodash", "4.17.15", "package-lock.json"),
            npm("minimist", "1.2.5", "package-lock.json"),
        ]
    );
}

#[test]
fn lockfiles_leave_out_development_dependencies_and_read_version_1() {
    let v3 = br#"{"lockfileVersion": 3, "packages": {
        "": {"name": "app"},
        "node_modules/jest": {"version": "29.0.0", "dev": true},
        "node_modules/local": {"resolved": "../local", "link": true},
        "node_modules/a/node_modules/b": {"version": "2.0.0"}}}"#;
    let v1 = br#"{"lockfileVersion": 1, "dependencies": {
        "express": {"version": "4.17.1", "dependencies": {"debug": {"version": "2.6.9"}}},
        "mocha": {"version": "8.0.0", "dev": true}}}"#;
    let names = |zip: Vec<u8>| -> Vec<String> {
        found(&zip)
            .into_iter()
            .map(|p| format!("{}@{}", p.1, p.2))
            .collect()
    };
    assert_eq!(
        names(zip_of(&[("package-lock.json", v3.to_vec())])),
        ["b@2.0.0"]
    );
    assert_eq!(
        names(zip_of(&[("npm-shrinkwrap.json", v1.to_vec())])),
        ["debug@2.6.9", "express@4.17.1"]
    );
}

#[test]
fn python_metadata_in_a_function_and_under_python_in_a_layer() {
    let zip = zip_of(&[
        ("lambda_function.py", b"def handler(e, c): pass".to_vec()),
        (
            "urllib3-1.26.4.dist-info/METADATA",
            data("urllib3-1.26.4.METADATA"),
        ),
        (
            "python/requests-2.25.0.dist-info/METADATA",
            data("requests-2.25.0.METADATA"),
        ),
        (
            "python/lib/python3.12/site-packages/old-1.0.egg-info/PKG-INFO",
            b"Metadata-Version: 1.0\nName: old\nVersion: 1.0\n\nName: not-this\n".to_vec(),
        ),
    ]);
    let got: Vec<(Ecosystem, String, String)> =
        found(&zip).into_iter().map(|p| (p.0, p.1, p.2)).collect();
    assert_eq!(
        got,
        vec![
            (Ecosystem::PyPI, "old".into(), "1.0".into()),
            (Ecosystem::PyPI, "requests".into(), "2.25.0".into()),
            (Ecosystem::PyPI, "urllib3".into(), "1.26.4".into()),
        ]
    );
}

#[test]
fn maven_properties_in_the_package_and_in_its_jars_nested_once() {
    let inner = zip_of(&[(
        "META-INF/maven/commons-io/commons-io/pom.properties",
        data("commons-io.pom.properties"),
    )]);
    let guava = zip_of(&[
        (
            "META-INF/maven/com.google.guava/guava/pom.properties",
            data("guava.pom.properties"),
        ),
        // A jar inside a jar: past the nesting limit, not opened.
        ("lib/commons-io.jar", inner),
    ]);
    let zip = zip_of(&[
        ("com/example/Handler.class", vec![0xCA, 0xFE, 0xBA, 0xBE]),
        (
            "META-INF/maven/org.apache.commons/commons-lang3/pom.properties",
            data("commons-lang3.pom.properties"),
        ),
        ("lib/guava-31.1-jre.jar", guava),
    ]);
    assert_eq!(
        found(&zip),
        vec![
            (
                Ecosystem::Maven,
                "com.google.guava:guava".into(),
                "31.1-jre".into(),
                "lib/guava-31.1-jre.jar!/META-INF/maven/com.google.guava/guava/pom.properties"
                    .into()
            ),
            (
                Ecosystem::Maven,
                "org.apache.commons:commons-lang3".into(),
                "3.12.0".into(),
                "META-INF/maven/org.apache.commons/commons-lang3/pom.properties".into()
            ),
        ]
    );
}

#[test]
fn dotnet_deps_json_lists_packages_not_the_project() {
    let zip = zip_of(&[("Python.Runtime.deps.json", data("Python.Runtime.deps.json"))]);
    let got = found(&zip);
    assert_eq!(got.len(), 18, "{got:?}");
    assert!(got.iter().all(|p| p.0 == Ecosystem::NuGet));
    assert!(
        got.iter()
            .any(|p| p.1 == "Microsoft.CSharp" && p.2 == "4.7.0")
    );
    assert!(!got.iter().any(|p| p.1 == "Python.Runtime"));
}

#[test]
fn ruby_installed_specifications_and_gemfile_lock() {
    let lock = b"GEM\n  remote: https://rubygems.org/\n  specs:\n    nokogiri (1.13.10-x86_64-linux)\n      racc (~> 1.4)\n    racc (1.6.2)\n    rack (2.2.22)\n\nPLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  nokogiri\n  rack\n\nBUNDLED WITH\n   2.3.26\n";
    let zip = zip_of(&[
        (
            "vendor/bundle/ruby/3.2.0/specifications/rack-2.2.22.gemspec",
            data("rack-2.2.22.gemspec"),
        ),
        ("Gemfile.lock", lock.to_vec()),
    ]);
    let got: Vec<String> = found(&zip)
        .into_iter()
        .map(|p| format!("{}@{} {}", p.1, p.2, p.3))
        .collect();
    assert_eq!(
        got,
        [
            "nokogiri@1.13.10 Gemfile.lock",
            "racc@1.6.2 Gemfile.lock",
            "rack@2.2.22 vendor/bundle/ruby/3.2.0/specifications/rack-2.2.22.gemspec",
        ]
    );
}

#[test]
fn a_go_binary_names_its_toolchain_and_modules() {
    // esbuild 0.20.0's linux-x64 binary (from the npm package @esbuild/linux-x64), cut to its
    // ELF header and its build information.
    let zip = zip_of(&[("bootstrap", data("esbuild-0.20.0.buildinfo"))]);
    let go = |name: &str, version: &str| {
        (
            Ecosystem::Go,
            name.to_string(),
            version.to_string(),
            "bootstrap".to_string(),
        )
    };
    assert_eq!(
        found(&zip),
        vec![
            go("golang.org/x/sys", "v0.0.0-20220715151400-c0bba94af5f8"),
            go("stdlib", "1.20.12"),
        ]
    );
}

/// A Go 1.18+ build-information block: the header, then the two strings.
fn buildinfo(version: &str, modules: &str) -> Vec<u8> {
    let mut b = b"\x7fELF".to_vec();
    b.resize(16, 0);
    b.extend_from_slice(b"\xff Go buildinf:");
    b.extend_from_slice(&[8, 2]);
    b.resize(48, 0);
    // The module information between Go's 16-byte sentinels.
    let mut info = b"0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6".to_vec();
    info.extend_from_slice(modules.as_bytes());
    info.extend_from_slice(b"\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2");
    for s in [version.as_bytes(), &info[..]] {
        let mut n = s.len();
        while n >= 0x80 {
            b.push((n as u8 & 0x7f) | 0x80);
            n >>= 7;
        }
        b.push(n as u8);
        b.extend_from_slice(s);
    }
    b
}

#[test]
fn go_replacements_and_toolchain_versions() {
    let modules = "path\texample.com/fn\nmod\texample.com/fn\tv1.2.0\t\n\
        dep\tgithub.com/a/b\tv1.0.0\th1:x=\n=>\tgithub.com/fork/b\tv1.0.1\th1:y=\n\
        dep\tgithub.com/c/d\tv2.0.0\th1:z=\n=>\t../local/d\t\t\n\
        dep\tgolang.org/x/net\tv0.17.0\th1:w=\n";
    let versions = |toolchain: &str| -> Vec<String> {
        let zip = zip_of(&[("bin/bootstrap", buildinfo(toolchain, modules))]);
        found(&zip)
            .into_iter()
            .map(|p| format!("{}@{}", p.1, p.2))
            .collect()
    };
    assert_eq!(
        versions("go1.21rc2"),
        [
            "example.com/fn@v1.2.0",
            "github.com/fork/b@v1.0.1",
            "golang.org/x/net@v0.17.0",
            "stdlib@1.21.0-rc.2"
        ]
    );
    assert!(versions("go1.22 X:boringcrypto").contains(&"stdlib@1.22.0".to_string()));
    assert!(
        !versions("devel go1.23-abc")
            .iter()
            .any(|v| v.starts_with("stdlib"))
    );
    // Not a Go binary (or one older than 1.18): nothing, no error.
    let zip = zip_of(&[("bootstrap", b"#!/bin/sh\nexec ./handler\n".to_vec())]);
    assert!(found(&zip).is_empty());
}

#[test]
fn a_zip_bomb_is_refused_by_its_ratio() {
    let zip = zip_deflated("node_modules/x/package.json", &vec![b' '; 20_000_000]);
    let err = packages(&zip, Limits::default()).expect_err("a bomb");
    assert!(matches!(err, ReadError::Ratio { .. }), "{err}");
    assert!(err.to_string().contains("zip bomb"), "{err}");
}

fn zip_deflated(name: &str, content: &[u8]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    w.start_file(name, options).expect("start");
    w.write_all(content).expect("write");
    w.finish().expect("finish").into_inner()
}

#[test]
fn size_and_entry_limits_hold() {
    let zip = zip_of(&[
        ("a.txt", vec![b'a'; 1000]),
        ("b.txt", vec![b'b'; 1000]),
        (
            "node_modules/p/package.json",
            br#"{"name":"p","version":"1.0.0"}"#.to_vec(),
        ),
    ]);
    let small = Limits {
        unzipped: 1500,
        ..Limits::default()
    };
    assert_eq!(
        packages(&zip, small),
        Err(ReadError::TooLarge { limit: 1500 })
    );
    let few = Limits {
        entries: 2,
        ..Limits::default()
    };
    assert_eq!(
        packages(&zip, few),
        Err(ReadError::TooManyEntries { limit: 2 })
    );
    assert_eq!(packages(&zip, Limits::default()).expect("fits").len(), 1);
}

#[test]
fn damaged_archives_are_errors() {
    let err = packages(b"not a zip at all", Limits::default()).expect_err("damaged");
    assert!(matches!(err, ReadError::Damaged(_)), "{err}");
    let zip = zip_of(&[("node_modules/p/package.json", b"{}".to_vec())]);
    let err = packages(&zip[..zip.len() / 2], Limits::default()).expect_err("truncated");
    assert!(matches!(err, ReadError::Damaged(_)), "{err}");
}

/// A walk of a zip: [`archive::walk`] or [`archive::walk_streaming`].
type Walk =
    fn(&[u8], Limits, &dyn Fn(&str) -> bool, &mut dyn FnMut(&str, &[u8])) -> Result<(), ReadError>;

/// Every file a walk shows (path, content), or its error.
fn walked_files(
    zip: &[u8],
    limits: Limits,
    walk: Walk,
) -> Result<Vec<(String, Vec<u8>)>, ReadError> {
    let mut files = Vec::new();
    walk(zip, limits, &|_| true, &mut |path, content| {
        files.push((path.to_string(), content.to_vec()))
    })?;
    Ok(files)
}

/// `zip` with every header's uncompressed size of its only file set to `size` (the local
/// header's and the central directory's), as a hostile or broken packer could write.
fn declaring(mut zip: Vec<u8>, size: u32) -> Vec<u8> {
    let at = |zip: &[u8], signature: [u8; 4]| {
        zip.windows(4)
            .position(|w| w == signature)
            .expect("a header")
    };
    let local = at(&zip, [0x50, 0x4b, 0x03, 0x04]);
    zip[local + 22..local + 26].copy_from_slice(&size.to_le_bytes());
    let central = at(&zip, [0x50, 0x4b, 0x01, 0x02]);
    zip[central + 24..central + 28].copy_from_slice(&size.to_le_bytes());
    zip
}

#[test]
fn inflating_in_one_call_and_streaming_show_the_same_files() {
    let text = b"const token = process.env.API_TOKEN;\n".repeat(2_000);
    let stored = {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        w.start_file("src/stored.js", options).expect("start");
        w.write_all(&text).expect("write");
        w.finish().expect("finish").into_inner()
    };
    let deflated = zip_deflated("src/handler.js", &text);
    let jar = zip_of(&[
        ("src/a.js", text.clone()),
        (
            "lib/x.jar",
            zip_of(&[(
                "META-INF/maven/g/a/pom.properties",
                b"groupId=g\nartifactId=a\nversion=1\n".to_vec(),
            )]),
        ),
    ]);
    let limits = Limits::default();
    for zip in [&stored, &deflated, &jar] {
        let whole = walked_files(zip, limits, archive::walk).expect("readable");
        assert_eq!(
            whole,
            walked_files(zip, limits, archive::walk_streaming).unwrap()
        );
        assert!(whole.iter().any(|(_, c)| c == &text));
    }
    // A declared size that is too small (the data inflates past it): damaged, from both; too
    // large: the real content.
    let zip = declaring(deflated.clone(), 10);
    let err = walked_files(&zip, limits, archive::walk).expect_err("a lie");
    assert!(matches!(err, ReadError::Damaged(_)), "{err}");
    assert_eq!(
        Err(err),
        walked_files(&zip, limits, archive::walk_streaming)
    );
    let zip = declaring(deflated.clone(), text.len() as u32 + 1000);
    let whole = walked_files(&zip, limits, archive::walk).expect("readable");
    assert_eq!(whole, vec![("src/handler.js".to_string(), text.clone())]);
    assert_eq!(
        Ok(whole),
        walked_files(&zip, limits, archive::walk_streaming)
    );
    // A stored file's sizes disagreeing with its data, and a damaged checksum: errors, never
    // content.
    let zip = declaring(stored.clone(), 10);
    assert!(walked_files(&zip, limits, archive::walk).is_err());
    let mut zip = deflated.clone();
    let local = zip
        .windows(4)
        .position(|w| w == [0x50, 0x4b, 0x03, 0x04])
        .unwrap();
    zip[local + 14] ^= 0xff;
    let central = zip
        .windows(4)
        .position(|w| w == [0x50, 0x4b, 0x01, 0x02])
        .unwrap();
    zip[central + 16] ^= 0xff;
    let err = walked_files(&zip, limits, archive::walk).expect_err("a wrong checksum");
    assert!(matches!(err, ReadError::Damaged(_)), "{err}");
    assert_eq!(
        Err(err),
        walked_files(&zip, limits, archive::walk_streaming)
    );
    // Over the size limit, declared honestly or not: an error from both readers.
    let big = zip_deflated("src/big.js", &vec![b' '; 200_000]);
    let small = Limits {
        unzipped: 50_000,
        ..Limits::default()
    };
    let err = walked_files(&big, small, archive::walk).expect_err("over the limit");
    assert_eq!(err, ReadError::TooLarge { limit: 50_000 });
    assert_eq!(Err(err), walked_files(&big, small, archive::walk_streaming));
    let zip = declaring(big, 1000);
    let err = walked_files(&zip, small, archive::walk).expect_err("over the limit");
    assert_eq!(Err(err), walked_files(&zip, small, archive::walk_streaming));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// No bytes make the reader panic or read past its limits: random bytes, and real
    /// packages with bytes flipped or cut anywhere.
    #[test]
    fn no_archive_makes_the_reader_panic(
        noise in proptest::collection::vec(any::<u8>(), 0..2048),
        cut in any::<prop::sample::Index>(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
    ) {
        let _ = packages(&noise, Limits::default());
        let mut zip = zip_of(&[
            ("node_modules/lodash/package.json", data("lodash-4.17.15.package.json")),
            ("lib/x.jar", zip_of(&[("META-INF/maven/g/a/pom.properties", b"groupId=g\nartifactId=a\nversion=1\n".to_vec())])),
        ]);
        for (at, byte) in flips {
            let i = at.index(zip.len());
            zip[i] = byte;
        }
        let limits = Limits { unzipped: 100_000, entries: 50, ratio: 50, nesting: 1 };
        let zip = &zip[..cut.index(zip.len() + 1)];
        // What reaches the caller stays within the limits, whatever the headers say.
        let mut seen = 0u64;
        let walked = archive::walk(zip, limits, &|_| true, &mut |_, content| {
            seen += content.len() as u64;
        });
        prop_assert!(seen <= limits.unzipped, "{seen} bytes past the limit ({walked:?})");
        // Both readers show the same files, whatever the damage (errors may be worded apart:
        // the one-call path hands a file it cannot take to zip's reader, which says why).
        let whole = walked_files(zip, limits, archive::walk);
        let streamed = walked_files(zip, limits, archive::walk_streaming);
        prop_assert_eq!(whole.as_ref().ok(), streamed.as_ref().ok());
        if let Ok(found) = packages(zip, limits) {
            prop_assert!(found.iter().all(|p| !p.name.is_empty() && !p.version.is_empty()));
        }
        if let Ok(read) = contents(zip, limits) {
            prop_assert!(read.secrets.iter().all(|s| s.masked.ends_with("****") && s.masked.len() <= 8));
        }
    }
}

#[test]
fn package_urls_follow_the_purl_spec() {
    let purl = |ecosystem, name: &str, version: &str| {
        Package {
            ecosystem,
            name: name.into(),
            version: version.into(),
            path: String::new(),
        }
        .purl()
    };
    assert_eq!(
        purl(Ecosystem::Npm, "@hapi/hoek", "9.0.0"),
        "pkg:npm/%40hapi/hoek@9.0.0"
    );
    assert_eq!(
        purl(Ecosystem::PyPI, "PyYAML", "5.3.1"),
        "pkg:pypi/pyyaml@5.3.1"
    );
    assert_eq!(
        purl(Ecosystem::PyPI, "zope.interface", "5.0"),
        "pkg:pypi/zope-interface@5.0"
    );
    assert_eq!(
        purl(Ecosystem::Maven, "com.google.guava:guava", "31.1-jre"),
        "pkg:maven/com.google.guava/guava@31.1-jre"
    );
    assert_eq!(
        purl(
            Ecosystem::Go,
            "golang.org/x/sys",
            "v0.0.0-20220715151400-c0bba94af5f8"
        ),
        "pkg:golang/golang.org/x/sys@v0.0.0-20220715151400-c0bba94af5f8"
    );
    assert_eq!(
        purl(Ecosystem::Go, "github.com/a/b", "v2.0.0+incompatible"),
        "pkg:golang/github.com/a/b@v2.0.0%2Bincompatible"
    );
    assert_eq!(
        purl(Ecosystem::NuGet, "Newtonsoft.Json", "13.0.1"),
        "pkg:nuget/Newtonsoft.Json@13.0.1"
    );
    assert_eq!(
        purl(Ecosystem::RubyGems, "rack", "2.2.22"),
        "pkg:gem/rack@2.2.22"
    );
    assert_eq!(
        purl(Ecosystem::CratesIo, "serde", "1.0.0"),
        "pkg:cargo/serde@1.0.0"
    );
}
