//! Unit tests of the offline OSV database, over exports built from real advisories
//! (`tests/data/osv/<ecosystem>/*.json`) the way OSV publishes them: one JSON file per
//! advisory in `all.zip`.

use super::*;
use std::io::{Cursor, Write};
use time::macros::datetime;

/// Writes `DIR/<ecosystem>/all.zip` from the advisories in `tests/data/osv/<ecosystem>/`.
pub fn export_into(dir: &Path, ecosystem: Ecosystem) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/osv")
        .join(ecosystem.osv_name());
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&source)
        .expect("advisories")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start");
        w.write_all(&std::fs::read(&path).expect("read"))
            .expect("write");
    }
    let bytes = w.finish().expect("finish").into_inner();
    let out = dir.join(ecosystem.osv_name()).join("all.zip");
    std::fs::create_dir_all(out.parent().unwrap()).expect("mkdir");
    std::fs::write(&out, bytes).expect("write all.zip");
    out
}

const NOW: OffsetDateTime = datetime!(2024-07-01 00:00 UTC);

fn names(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn ids(advisories: &[Advisory]) -> Vec<&str> {
    let mut ids: Vec<&str> = advisories.iter().map(|a| a.id.as_str()).collect();
    ids.sort();
    ids
}

#[test]
fn a_lookup_reads_only_the_advisories_of_the_names_asked() {
    let dir = tempfile::tempdir().expect("dir");
    export_into(dir.path(), Ecosystem::Npm);
    let db = OsvDb::at(dir.path());
    let found = db
        .advisories(Ecosystem::Npm, &names(&["lodash", "minimist"]), NOW)
        .expect("usable");
    assert_eq!(
        ids(&found),
        [
            "GHSA-35jh-r3h4-6jhm",
            "GHSA-vh95-rmgr-6w4m",
            "GHSA-xvch-5gv4-984h"
        ]
    );
    let found = db
        .advisories(Ecosystem::Npm, &names(&["lodash", "left-pad"]), NOW)
        .expect("usable");
    assert_eq!(ids(&found), ["GHSA-35jh-r3h4-6jhm"]);
    // PyPI's names are compared normalized.
    export_into(dir.path(), Ecosystem::PyPI);
    let found = db
        .advisories(Ecosystem::PyPI, &names(&["URLLib3"]), NOW)
        .expect("usable");
    assert_eq!(ids(&found), ["GHSA-v845-jxx5-vc9f", "PYSEC-2021-59"]);
}

#[test]
fn the_index_is_built_once_and_again_when_the_export_changes() {
    let dir = tempfile::tempdir().expect("dir");
    let zip = export_into(dir.path(), Ecosystem::Npm);
    let db = OsvDb::at(dir.path());
    let status = db.status(Ecosystem::Npm);
    assert!(status.present);
    assert_eq!(status.advisories, Some(3));
    assert_eq!(status.newest, Some(datetime!(2024-06-21 21:33:38 UTC)));
    assert_eq!(status.age_days(NOW), Some(9));
    let index = dir.path().join("npm").join(INDEX_FILE);
    let built = std::fs::read_to_string(&index).expect("index saved");
    // A new export (another size) is indexed anew.
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file(
        "GHSA-35jh-r3h4-6jhm.json",
        zip::write::SimpleFileOptions::default(),
    )
    .expect("start");
    let lodash =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/osv/npm/GHSA-35jh-r3h4-6jhm.json");
    w.write_all(&std::fs::read(lodash).expect("read"))
        .expect("write");
    std::fs::write(&zip, w.finish().expect("finish").into_inner()).expect("replace");
    assert_eq!(db.status(Ecosystem::Npm).advisories, Some(1));
    assert_ne!(std::fs::read_to_string(&index).expect("index"), built);
}

#[test]
fn missing_stale_and_damaged_databases_say_how_to_fix_them() {
    let dir = tempfile::tempdir().expect("dir");
    let db = OsvDb::at(dir.path());
    let err = db
        .advisories(Ecosystem::Npm, &names(&["lodash"]), NOW)
        .expect_err("missing");
    assert!(matches!(err, DbError::Missing { .. }), "{err}");
    assert!(err.to_string().contains("parapet osv-db update"), "{err}");
    assert!(!db.status(Ecosystem::Npm).present);

    export_into(dir.path(), Ecosystem::Npm);
    let later = datetime!(2024-07-23 00:00 UTC);
    let err = db
        .advisories(Ecosystem::Npm, &names(&["lodash"]), later)
        .expect_err("stale");
    assert_eq!(
        err,
        DbError::Stale {
            ecosystem: Ecosystem::Npm,
            days: 31
        }
    );
    assert!(err.to_string().contains("31 days old"), "{err}");

    std::fs::create_dir_all(dir.path().join("PyPI")).expect("mkdir");
    std::fs::write(
        dir.path().join("PyPI/all.zip"),
        b"<html>rate limited</html>",
    )
    .expect("write");
    let err = db
        .advisories(Ecosystem::PyPI, &names(&["urllib3"]), NOW)
        .expect_err("damaged");
    assert!(matches!(err, DbError::Damaged { .. }), "{err}");
}
