//! Walking a deployment package (a zip held in memory) within limits that stop a hostile
//! one: Lambda's own unzipped size limit, an entry count, a compression ratio and a nesting
//! depth (a jar inside the package is opened; a jar inside that jar is not).

use std::fmt;
use std::io::{Cursor, Read};

/// The limits of one walk; the defaults are Lambda's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes unzipped, over the package and every archive opened inside it. Lambda refuses a
    /// function whose code and layers unzip to more than 250 MB.
    pub unzipped: u64,
    /// Entries, over the package and every archive opened inside it.
    pub entries: usize,
    /// An entry that unzips to more than this many times its compressed size (plus 64 KiB)
    /// is a zip bomb, not code.
    pub ratio: u64,
    /// Archives opened inside archives: 1 opens the jars of a package, not jars in jars.
    pub nesting: u8,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            unzipped: 262_144_000,
            entries: 100_000,
            ratio: 250,
            nesting: 1,
        }
    }
}

/// Why a package could not be read to the end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// Not a zip, or a damaged one.
    Damaged(String),
    TooLarge {
        limit: u64,
    },
    TooManyEntries {
        limit: usize,
    },
    Ratio {
        path: String,
        limit: u64,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Damaged(why) => write!(f, "the package is not a readable zip: {why}"),
            ReadError::TooLarge { limit } => write!(
                f,
                "the package unzips to more than {} MB (Lambda's own limit)",
                limit / 1_000_000
            ),
            ReadError::TooManyEntries { limit } => {
                write!(f, "the package has more than {limit} files")
            }
            ReadError::Ratio { path, limit } => write!(
                f,
                "{path} unzips to more than {limit} times its compressed size (a zip bomb)"
            ),
        }
    }
}

impl std::error::Error for ReadError {}

/// What a walk has used of its limits so far.
struct Budget {
    limits: Limits,
    unzipped: u64,
    entries: usize,
    /// Whether files may be inflated in one call (off only to test that both readers agree).
    whole: bool,
}

/// An archive inside the package that is opened too: a jar (Java's libraries).
fn is_archive(path: &str) -> bool {
    path.to_ascii_lowercase().ends_with(".jar")
}

/// Walks every file of the zip `bytes` (and of the jars inside it, within the nesting
/// limit). `wants` says from its path whether a file's content is needed; `visit` gets each
/// wanted file's path (a file inside a jar as `lib/x.jar!/path`) and content. Archives
/// inside are always read (within the limits) to look into them.
pub fn walk(
    bytes: &[u8],
    limits: Limits,
    wants: &dyn Fn(&str) -> bool,
    visit: &mut dyn FnMut(&str, &[u8]),
) -> Result<(), ReadError> {
    Budget::new(limits, true).walk(bytes, wants, visit)
}

/// [`walk`] with zip's streaming reader for every file (the tests compare the two).
#[cfg(test)]
pub(crate) fn walk_streaming(
    bytes: &[u8],
    limits: Limits,
    wants: &dyn Fn(&str) -> bool,
    visit: &mut dyn FnMut(&str, &[u8]),
) -> Result<(), ReadError> {
    Budget::new(limits, false).walk(bytes, wants, visit)
}

impl Budget {
    fn new(limits: Limits, whole: bool) -> Budget {
        Budget {
            limits,
            unzipped: 0,
            entries: 0,
            whole,
        }
    }

    fn walk(
        mut self,
        bytes: &[u8],
        wants: &dyn Fn(&str) -> bool,
        visit: &mut dyn FnMut(&str, &[u8]),
    ) -> Result<(), ReadError> {
        walk_in(bytes, "", 0, &mut self, wants, visit)
    }
}

/// Files up to this size are inflated in one call into a buffer of their declared size
/// (`inflate_whole`); larger ones stream, growing only as far as their data really goes.
const WHOLE_MAX: u64 = 64 * 1024 * 1024;

/// One file's content in one call, when its zip entry allows: deflated or stored, not
/// encrypted, no larger than `cap` or [`WHOLE_MAX`] as declared, and the data inflating to
/// exactly what fits and to the CRC-32 the entry states. `None` otherwise: the streaming
/// reader then reads it (and says precisely what is wrong, if anything is). The content is
/// `scratch[..n]` for the returned `n`; bytes beyond it are a previous file's and never
/// shown.
fn inflate_whole(
    data: &[u8],
    method: zip::CompressionMethod,
    declared: u64,
    crc: u32,
    cap: u64,
    inflater: &mut libdeflater::Decompressor,
    scratch: &mut Vec<u8>,
) -> Option<usize> {
    if declared > cap.min(WHOLE_MAX) {
        return None;
    }
    let size = declared as usize;
    if scratch.len() < size {
        scratch.resize(size, 0);
    }
    let out = &mut scratch[..size];
    let n = match method {
        zip::CompressionMethod::Deflated => inflater.deflate_decompress(data, out).ok()?,
        zip::CompressionMethod::Stored if data.len() == size => {
            out.copy_from_slice(data);
            size
        }
        _ => return None,
    };
    (crc32fast::hash(&scratch[..n]) == crc).then_some(n)
}

fn walk_in(
    bytes: &[u8],
    prefix: &str,
    depth: u8,
    budget: &mut Budget,
    wants: &dyn Fn(&str) -> bool,
    visit: &mut dyn FnMut(&str, &[u8]),
) -> Result<(), ReadError> {
    let damaged = |e: zip::result::ZipError| {
        let at = if prefix.is_empty() {
            String::new()
        } else {
            format!(" (in {})", prefix.trim_end_matches("!/"))
        };
        ReadError::Damaged(format!("{e}{at}"))
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(damaged)?;
    budget.entries += archive.len();
    if budget.entries > budget.limits.entries {
        return Err(ReadError::TooManyEntries {
            limit: budget.limits.entries,
        });
    }
    let mut inflater = libdeflater::Decompressor::new();
    // One buffer for every entry of each reader: a fresh allocation per file costs more than
    // the reading (page faults, zeroing) on packages of thousands of small files.
    let mut scratch = Vec::new();
    let mut content = Vec::new();
    for i in 0..archive.len() {
        // The entry's header only (no decompressor built): most files are skipped or read
        // in one call.
        let file = archive.by_index_raw(i).map_err(damaged)?;
        if !file.is_file() {
            continue;
        }
        let path = format!("{prefix}{}", file.name().map_err(damaged)?);
        let nested = depth < budget.limits.nesting && is_archive(&path);
        let declared = file.size();
        if !nested && !wants(&path) {
            // Not read, but it counts: a package can only unzip to what Lambda allows.
            budget.unzipped = budget.unzipped.saturating_add(declared);
            if budget.unzipped > budget.limits.unzipped {
                return Err(ReadError::TooLarge {
                    limit: budget.limits.unzipped,
                });
            }
            continue;
        }
        let ratio_cap = file
            .compressed_size()
            .saturating_mul(budget.limits.ratio)
            .saturating_add(64 * 1024);
        let room = budget.limits.unzipped.saturating_sub(budget.unzipped);
        let whole = match file.data_start() {
            Some(start) if budget.whole && !file.encrypted() => usize::try_from(start)
                .ok()
                .and_then(|start| {
                    let end = start.checked_add(usize::try_from(file.compressed_size()).ok()?)?;
                    bytes.get(start..end)
                })
                .and_then(|data| {
                    inflate_whole(
                        data,
                        file.compression(),
                        declared,
                        file.crc32(),
                        ratio_cap.min(room),
                        &mut inflater,
                        &mut scratch,
                    )
                }),
            _ => None,
        };
        drop(file);
        let read_to: &[u8] = match whole {
            Some(n) => &scratch[..n],
            None => {
                let mut file = archive.by_index(i).map_err(damaged)?;
                // Never trust the declared size: read at most what the limits allow, plus
                // one byte to tell "exactly at the limit" from "over it".
                let cap = ratio_cap.min(room).saturating_add(1);
                content.clear();
                content.reserve(declared.min(cap).min(1 << 20) as usize);
                (&mut file)
                    .take(cap)
                    .read_to_end(&mut content)
                    .map_err(|e| ReadError::Damaged(format!("{path}: {e}")))?;
                &content
            }
        };
        let read = read_to.len() as u64;
        if read > ratio_cap {
            return Err(ReadError::Ratio {
                path,
                limit: budget.limits.ratio,
            });
        }
        if read > room {
            return Err(ReadError::TooLarge {
                limit: budget.limits.unzipped,
            });
        }
        budget.unzipped += read;
        if nested {
            walk_in(
                read_to,
                &format!("{path}!/"),
                depth + 1,
                budget,
                wants,
                visit,
            )?;
        } else {
            visit(&path, read_to);
        }
    }
    Ok(())
}
