//! What a deployment package or layer holds: its files walked within limits
//! (`archive`) and the packages their metadata names (`extract`). Pure: the zip is bytes in
//! memory, never a file.

pub mod archive;
pub mod extract;

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
    Ok(found)
}

#[cfg(test)]
mod tests;
