//! What a deployment package or layer holds: its files walked within limits
//! (`archive`), the packages their metadata names (`extract`) and the credentials in its
//! files (`domain::code_secrets`). Pure: the zip is bytes in
//! memory, never a file.

pub mod archive;
pub mod extract;

use crate::domain::code_secrets::{self, CodeSecret};

pub use archive::{Limits, ReadError};
pub use extract::Package;

/// The packages a deployment package (or layer) holds, each (ecosystem, name, version) once,
/// named by its most telling metadata file (an installed package's own manifest before a
/// lockfile's line), sorted.
pub fn packages(zip: &[u8], limits: Limits) -> Result<Vec<Package>, ReadError> {
    let mut found: Vec<Package> = Vec::new();
    archive::walk(zip, limits, &extract::is_metadata, &mut |path, content| {
        found.extend(extract::parse(path, content));
    })?;
    Ok(distinct(found))
}

/// Everything Parapet reads in a package: its packages, and the credentials in its files
/// (every detector in the function's own files, the high-confidence ones in dependencies).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Contents {
    pub packages: Vec<Package>,
    pub secrets: Vec<CodeSecret>,
}

/// Reads a package once for both its packages and its secrets.
pub fn contents(zip: &[u8], limits: Limits) -> Result<Contents, ReadError> {
    let mut found: Vec<Package> = Vec::new();
    let mut secrets = Vec::new();
    let wants = |path: &str| extract::is_metadata(path) || code_secrets::worth_reading(path);
    archive::walk(zip, limits, &wants, &mut |path, content| {
        if extract::is_metadata(path) {
            found.extend(extract::parse(path, content));
        }
        if code_secrets::worth_reading(path) {
            let dependency = code_secrets::in_dependency(path);
            secrets.extend(code_secrets::scan_file(path, content, dependency));
        }
    })?;
    secrets.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    Ok(Contents {
        packages: distinct(found),
        secrets,
    })
}

/// Each (ecosystem, name, version) once, named by its most telling metadata file.
fn distinct(mut found: Vec<Package>) -> Vec<Package> {
    let lockfile = |p: &Package| extract::is_lockfile(&p.path);
    found.sort_by(|a, b| {
        (
            a.ecosystem,
            a.ecosystem.normalize(&a.name),
            &a.version,
            lockfile(a),
            &a.path,
        )
            .cmp(&(
                b.ecosystem,
                b.ecosystem.normalize(&b.name),
                &b.version,
                lockfile(b),
                &b.path,
            ))
    });
    found.dedup_by(|b, a| {
        a.ecosystem == b.ecosystem
            && a.ecosystem.same_name(&a.name, &b.name)
            && a.version == b.version
    });
    found
}

#[cfg(test)]
mod tests;

/// What the package tests of several modules share.
#[cfg(test)]
pub(crate) mod testing {
    use std::io::{Cursor, Write};

    /// A zip holding `files` (name, content), deflated, as a deployment package.
    pub fn zip_of(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, content) in files {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .expect("start file");
            w.write_all(content).expect("write");
        }
        w.finish().expect("finish").into_inner()
    }
}
