//! OSV databases and deployment packages for the tests that read them: the repository's
//! real advisories (`tests/data/osv/`) exported as OSV does, one JSON file per advisory in
//! `DIR/<ecosystem>/all.zip`.

use std::io::{Cursor, Write};
use std::path::Path;

use serde_json::Value;
use zip::write::SimpleFileOptions;

pub fn zip_of(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in files {
        w.start_file(*name, SimpleFileOptions::default())
            .expect("start");
        w.write_all(content).expect("write");
    }
    w.finish().expect("finish").into_inner()
}

/// The OSV exports of `ecosystems` in `dir`, their advisories last modified `modified`
/// (RFC 3339), which decides the database's age.
pub fn database(dir: &Path, modified: &str) {
    for ecosystem in ["npm", "PyPI"] {
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/osv")
            .join(ecosystem);
        let mut files = Vec::new();
        for entry in std::fs::read_dir(&source).expect("advisories") {
            let path = entry.expect("entry").path();
            let mut advisory: Value =
                serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
            advisory["modified"] = Value::String(modified.to_string());
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            files.push((name, serde_json::to_vec(&advisory).expect("json")));
        }
        let files: Vec<(&str, Vec<u8>)> =
            files.iter().map(|(n, c)| (n.as_str(), c.clone())).collect();
        std::fs::create_dir_all(dir.join(ecosystem)).expect("mkdir");
        std::fs::write(dir.join(ecosystem).join("all.zip"), zip_of(&files)).expect("all.zip");
    }
}

pub fn today() -> String {
    let now = time::OffsetDateTime::now_utc();
    now.format(&time::format_description::well_known::Rfc3339)
        .expect("format")
}

/// CycloneDX's own validator (cyclonedx-python-lib, strict, spec 1.6) on the SBOM at `path`:
/// `valid`, or what it found wrong.
pub fn validate_cyclonedx(path: &Path) -> String {
    let script = "import sys\n\
        from cyclonedx.validation.json import JsonStrictValidator\n\
        from cyclonedx.schema import SchemaVersion\n\
        e = JsonStrictValidator(SchemaVersion.V1_6).validate_str(open(sys.argv[1]).read())\n\
        print('valid' if e is None else str(e)[:2000])";
    let check = std::process::Command::new(crate::support::emulator::python())
        .arg("-c")
        .arg(script)
        .arg(path)
        .output()
        .expect("run the validator");
    let verdict = String::from_utf8_lossy(&check.stdout).trim().to_string();
    if verdict.is_empty() {
        String::from_utf8_lossy(&check.stderr).into_owned()
    } else {
        verdict
    }
}
