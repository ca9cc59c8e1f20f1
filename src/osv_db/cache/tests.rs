use super::*;
use crate::domain::code_secrets::CodeSecret;
use crate::domain::osv::Ecosystem;
use crate::domain::packages::Package;

fn contents() -> Contents {
    Contents {
        packages: vec![Package {
            ecosystem: Ecosystem::Npm,
            name: "lodash".into(),
            version: "4.17.15".into(),
            path: "node_modules/lodash/package.json".into(),
        }],
        secrets: vec![CodeSecret {
            path: "config/settings.json".into(),
            line: 3,
            detector: "aws-access-key-id".into(),
            masked: "AKIA****".into(),
        }],
    }
}

#[test]
fn a_kept_package_list_reads_back_under_its_own_key_only() {
    let dir = tempfile::tempdir().unwrap();
    let cache = PackageCache::at(dir.path());
    let key = "sha256:ab/c+d=";
    assert_eq!(cache.get(key), None);
    cache.put(key, &contents()).unwrap();
    assert_eq!(cache.get(key), Some(contents()));
    // Keys that differ only in characters a file name cannot hold are apart.
    assert_eq!(cache.get("sha256:ab_c+d="), None);
    assert_eq!(cache.get("sha256:ab/c-d="), None);
    let file = cache.path(key);
    assert!(file.file_name().unwrap().to_str().unwrap().is_ascii());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn a_damaged_or_foreign_entry_is_a_miss() {
    let dir = tempfile::tempdir().unwrap();
    let cache = PackageCache::at(dir.path());
    std::fs::write(cache.path("k1"), b"{ not json").unwrap();
    assert_eq!(cache.get("k1"), None);
    let other = serde_json::json!({"reader": "0.0.1", "key": "k2", "contents": contents()});
    std::fs::write(cache.path("k2"), other.to_string()).unwrap();
    assert_eq!(cache.get("k2"), None, "another reader's list is read again");
    // A file renamed to another key's name is not that key's.
    cache.put("k3", &contents()).unwrap();
    std::fs::rename(cache.path("k3"), cache.path("k4")).unwrap();
    assert_eq!(cache.get("k4"), None);
}

#[test]
fn an_unwritable_cache_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let cache = PackageCache::at(&file);
    assert!(cache.put("k", &contents()).is_err());
    assert_eq!(cache.get("k"), None);
}
