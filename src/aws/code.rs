//! The code poll area (opt-in: `--code`, `[code] enabled`): what runs inside the region's
//! Zip-packaged functions. Each distinct package is read once: a function's by its
//! `CodeSha256` (GetFunction → `Code.Location`), a layer version's by its ARN
//! (GetLayerVersion → `Content.Location`). The bytes are downloaded into memory, checked
//! against the `CodeSha256` AWS gives, read by `domain::packages` and dropped; the package
//! list (never the code) is kept in the cache, so an unchanged package is never downloaded
//! or asked about again. The packages are then judged against the offline OSV database.
//!
//! A location is a presigned credential: it is never kept, logged or shown. Failures name
//! the call or the download, never the address (reasons pass through `redact_urls`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use base64::Engine;
use tokio::sync::Semaphore;

use super::errors::CallFailure;
use super::{Collected, RegionClients, Shared, fan_out, quotas};
use crate::domain::failure::{Failure, FailureKind};
use crate::domain::inventory::{
    Area, CodeReport, Fetched, Function, FunctionCode, Inventory, LayerCode, ListFailure,
};
use crate::domain::osv::{Ecosystem, Judge, judge};
use crate::domain::packages::{self, Contents, Limits};
use crate::domain::text::redact_urls;
use crate::domain::values::PackageType;
use crate::domain::vocabulary::Service;
use crate::osv_db::OsvDb;
use crate::osv_db::cache::PackageCache;
use crate::osv_db::download::{self, PlainHttp};

/// What the code area needs besides the account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeOptions {
    pub db: OsvDb,
    /// Where package lists are kept between runs; `None` keeps none.
    pub cache: Option<PackageCache>,
    /// Plain http to a code location: only for an emulator (`--endpoint-url`).
    pub plain_http: PlainHttp,
}

/// Packages downloaded and read at once: each is held in memory whole while it is read.
const READING: usize = 2;

/// The largest zip downloaded: what Lambda's 250 MB unzipped limit allows.
const ZIP_CAP: u64 = 262_144_000;

/// One package to read: where it is (never kept past the download) and what AWS says its
/// SHA-256 is.
struct Located {
    location: String,
    sha256: String,
}

pub async fn collect(
    shared: &Shared,
    clients: &RegionClients,
    current: &Inventory,
    options: &CodeOptions,
) -> Collected {
    let region = clients.region.clone();
    let mut collected = Collected::default();
    collected.inventory.account_id = shared.account_id.clone();
    collected.inventory.regions = vec![region.clone()];
    let reading = Semaphore::new(READING);
    // The region's functions could not be listed: the code checks say so there.
    for failure in current
        .list_failures
        .iter()
        .filter(|x| x.region == region && x.service == Service::Lambda && x.area == Area::Functions)
    {
        collected.inventory.list_failures.push(ListFailure {
            area: Area::Code,
            ..failure.clone()
        });
    }

    // Image-packaged functions have no package here (their code is in a registry).
    let functions: Vec<&Function> = current
        .functions
        .iter()
        .map(|f| &**f)
        .filter(|f| f.region == region && f.package_type != Some(PackageType::Image))
        .collect();

    // Functions: one GetFunction and one download per package not read before; a function
    // whose listed CodeSha256 is in the cache costs nothing.
    let mut read: HashMap<String, Fetched<Contents>> = HashMap::new();
    let mut unresolved: Vec<&Function> = Vec::new();
    let mut representative: BTreeMap<&str, &Function> = BTreeMap::new();
    for f in &functions {
        match f.code_sha256.as_deref() {
            Some(sha) if read.contains_key(sha) || representative.contains_key(sha) => {}
            Some(sha) => match options
                .cache
                .as_ref()
                .and_then(|c| c.get(&function_key(sha)))
            {
                Some(contents) => {
                    read.insert(sha.to_string(), Ok(contents));
                }
                None => {
                    representative.insert(sha, f);
                }
            },
            None => unresolved.push(f),
        }
    }
    let asked: Vec<&Function> = representative.values().copied().chain(unresolved).collect();
    let found = fan_out(asked.iter(), |f| async {
        let located = get_function(shared, &clients.lambda, f).await;
        let located = match located {
            Ok(l) => l,
            Err(failure) => return (f.arn.clone(), None, Err(failure)),
        };
        let sha = located.sha256.clone();
        if let Some(contents) = options
            .cache
            .as_ref()
            .and_then(|c| c.get(&function_key(&sha)))
        {
            return (f.arn.clone(), Some(sha), Ok(Ok(contents)));
        }
        let contents = read_package(&reading, &located, "lambda:GetFunction", options).await;
        if let (Ok(c), Some(cache)) = (&contents, &options.cache) {
            let _ = cache.put(&function_key(&sha), c);
        }
        (f.arn.clone(), Some(sha), Ok(contents))
    })
    .await;
    // The SHA each function's package has: listed, or answered by GetFunction.
    let mut sha_of: HashMap<String, String> = functions
        .iter()
        .filter_map(|f| Some((f.arn.clone(), f.code_sha256.clone()?)))
        .collect();
    let mut failed_call: HashMap<String, Failure> = HashMap::new();
    for (arn, sha, result) in found {
        match (sha, result) {
            (Some(sha), Ok(contents)) => {
                sha_of.insert(arn, sha.clone());
                read.entry(sha).or_insert(contents);
            }
            (_, Err(failure)) => {
                failed_call.insert(arn, collected.note(failure));
            }
            (None, Ok(_)) => {}
        }
    }

    // Layers: one GetLayerVersion and one download per layer version not read before.
    let layer_arns: BTreeSet<&str> = functions
        .iter()
        .flat_map(|f| f.layers.iter().map(String::as_str))
        .collect();
    let layers = fan_out(layer_arns.iter(), |arn| async {
        if let Some(contents) = options.cache.as_ref().and_then(|c| c.get(&layer_key(arn))) {
            return (arn.to_string(), Ok(Ok(contents)));
        }
        let located = match get_layer_version(shared, &clients.lambda, arn).await {
            Ok(l) => l,
            Err(failure) => return (arn.to_string(), Err(failure)),
        };
        let contents = read_package(&reading, &located, "lambda:GetLayerVersion", options).await;
        if let (Ok(c), Some(cache)) = (&contents, &options.cache) {
            let _ = cache.put(&layer_key(arn), c);
        }
        (arn.to_string(), Ok(contents))
    })
    .await;
    let mut layer_read: Vec<(String, Fetched<Contents>)> = Vec::new();
    for (arn, result) in layers {
        let contents = result.map_err(|f| collected.note(f)).and_then(|c| c);
        layer_read.push((arn, contents));
    }

    // Judge every package read against the database, one lookup per ecosystem.
    let everything: Vec<&Contents> = read
        .values()
        .chain(layer_read.iter().map(|(_, c)| c))
        .filter_map(|c| c.as_ref().ok())
        .collect();
    let judged = judge_all(&options.db, &everything).await;
    let report = |contents: &Fetched<Contents>| -> Fetched<Arc<CodeReport>> {
        contents
            .as_ref()
            .map(|c| Arc::new(judged.report(c)))
            .map_err(Clone::clone)
    };
    let mut reports: HashMap<&str, Fetched<Arc<CodeReport>>> = HashMap::new();
    for (sha, contents) in &read {
        reports.insert(sha, report(contents));
    }
    for f in &functions {
        let (sha, report) = match (sha_of.get(&f.arn), failed_call.get(&f.arn)) {
            (_, Some(failure)) => (String::new(), Err(failure.clone())),
            (Some(sha), None) => (
                sha.clone(),
                reports.get(sha.as_str()).cloned().unwrap_or_else(|| {
                    Err(Failure::new(
                        FailureKind::Other,
                        Some("lambda:GetFunction"),
                        "the package was not read",
                    ))
                }),
            ),
            (None, None) => (
                String::new(),
                Err(Failure::new(
                    FailureKind::Unparsable,
                    Some("lambda:GetFunction"),
                    "GetFunction gave no CodeSha256",
                )),
            ),
        };
        collected
            .inventory
            .function_code
            .push(Arc::new(FunctionCode {
                function_arn: f.arn.clone(),
                region: region.clone(),
                code_sha256: sha,
                report,
            }));
    }
    for (arn, contents) in &layer_read {
        collected.inventory.layer_code.push(Arc::new(LayerCode {
            arn: arn.clone(),
            region: region.clone(),
            report: report(contents),
        }));
    }
    collected
}

fn function_key(sha: &str) -> String {
    format!("function-sha256:{sha}")
}

fn layer_key(arn: &str) -> String {
    format!("layer:{arn}")
}

/// GetFunction: where the function's package is, and its SHA-256.
async fn get_function(
    shared: &Shared,
    lambda: &aws_sdk_lambda::Client,
    f: &Function,
) -> Result<Located, CallFailure> {
    let name = if f.name.is_empty() { &f.arn } else { &f.name };
    let out = shared
        .call(&quotas::LAMBDA_GET_FUNCTION, || {
            lambda.get_function().function_name(name).send()
        })
        .await?;
    let action = quotas::LAMBDA_GET_FUNCTION.action;
    let location = out
        .code()
        .and_then(|c| c.location())
        .filter(|l| !l.is_empty())
        .ok_or_else(|| CallFailure::unparsable(action, "GetFunction gave no code location"))?;
    let sha256 = out
        .configuration()
        .and_then(|c| c.code_sha256())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| CallFailure::unparsable(action, "GetFunction gave no CodeSha256"))?;
    Ok(Located {
        location: location.to_string(),
        sha256: sha256.to_string(),
    })
}

/// GetLayerVersion of a layer version ARN (`…:layer:NAME:VERSION`): by name in our own
/// account, by the layer's ARN in another's.
async fn get_layer_version(
    shared: &Shared,
    lambda: &aws_sdk_lambda::Client,
    arn: &str,
) -> Result<Located, CallFailure> {
    let action = quotas::LAMBDA_GET_LAYER_VERSION.action;
    let (layer, version) = arn
        .rsplit_once(':')
        .and_then(|(layer, v)| Some((layer, v.parse::<i64>().ok()?)))
        .ok_or_else(|| CallFailure::unparsable(action, "not a layer version ARN"))?;
    let ours =
        crate::domain::arn::Arn::parse(layer).is_some_and(|a| a.account == shared.account_id);
    let name = if ours {
        layer.rsplit(':').next().unwrap_or(layer)
    } else {
        layer
    };
    let out = shared
        .call(&quotas::LAMBDA_GET_LAYER_VERSION, || {
            lambda
                .get_layer_version()
                .layer_name(name)
                .version_number(version)
                .send()
        })
        .await?;
    let content = out
        .content()
        .ok_or_else(|| CallFailure::unparsable(action, "GetLayerVersion gave no content"))?;
    let location = content
        .location()
        .filter(|l| !l.is_empty())
        .ok_or_else(|| CallFailure::unparsable(action, "GetLayerVersion gave no location"))?;
    let sha256 = content
        .code_sha256()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| CallFailure::unparsable(action, "GetLayerVersion gave no CodeSha256"))?;
    Ok(Located {
        location: location.to_string(),
        sha256: sha256.to_string(),
    })
}

/// A writer into memory that refuses to grow past a cap.
struct Capped {
    bytes: Vec<u8>,
    cap: u64,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() as u64 + buf.len() as u64 > self.cap {
            return Err(std::io::Error::other(format!(
                "the package is larger than {} MB zipped",
                self.cap / 1_000_000
            )));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Downloads a package into memory, checks it is the one AWS described, and reads it;
/// at most [`READING`] at once. The bytes are dropped when this returns.
async fn read_package(
    reading: &Semaphore,
    located: &Located,
    action: &'static str,
    options: &CodeOptions,
) -> Fetched<Contents> {
    let failure = |kind: FailureKind, why: String| {
        Failure::new(kind, Some(action), redact_urls(&why).into_owned())
    };
    let _permit = reading
        .acquire()
        .await
        .map_err(|_| failure(FailureKind::Other, "the run is ending".into()))?;
    let mut out = Capped {
        bytes: Vec::new(),
        cap: ZIP_CAP,
    };
    download::get(
        &located.location,
        options.plain_http,
        &mut out,
        &mut |_, _| {},
    )
    .await
    .map_err(|why| {
        failure(
            FailureKind::Unreachable,
            format!("downloading the package: {why}"),
        )
    })?;
    let digest = ring::digest::digest(&ring::digest::SHA256, &out.bytes);
    let sha = base64::engine::general_purpose::STANDARD.encode(digest.as_ref());
    if sha != located.sha256 {
        return Err(failure(
            FailureKind::Unparsable,
            format!(
                "the package downloaded is not the one AWS describes (SHA-256 {sha}, CodeSha256 {})",
                located.sha256
            ),
        ));
    }
    let bytes = out.bytes;
    tokio::task::spawn_blocking(move || packages::contents(&bytes, Limits::default()))
        .await
        .map_err(|_| failure(FailureKind::Other, "reading the package failed".into()))?
        .map_err(|e| failure(FailureKind::Other, e.to_string()))
}

/// The advisories of every ecosystem the packages use, read once for all of them.
struct Judged {
    advisories: BTreeMap<Ecosystem, Result<Vec<crate::domain::osv::Advisory>, String>>,
}

async fn judge_all(db: &OsvDb, everything: &[&Contents]) -> Judged {
    let mut names: BTreeMap<Ecosystem, BTreeSet<String>> = BTreeMap::new();
    for c in everything {
        for eco in c.packages.iter().map(|p| p.ecosystem) {
            names
                .entry(eco)
                .or_insert_with(|| judge::names(&c.packages, eco))
                .extend(judge::names(&c.packages, eco));
        }
    }
    let db = db.clone();
    let now = time::OffsetDateTime::now_utc();
    let advisories = tokio::task::spawn_blocking(move || {
        names
            .into_iter()
            .map(|(eco, names)| {
                let (_, found) = db.lookup(eco, &names, now);
                (eco, found.map_err(|e| e.to_string()))
            })
            .collect()
    })
    .await
    .unwrap_or_default();
    Judged { advisories }
}

impl Judged {
    /// `contents` judged: its vulnerabilities, most severe first, and what could not be
    /// decided.
    fn report(&self, contents: &Contents) -> CodeReport {
        let mut report = CodeReport {
            contents: contents.clone(),
            ..CodeReport::default()
        };
        let ecosystems: BTreeSet<Ecosystem> =
            contents.packages.iter().map(|p| p.ecosystem).collect();
        for eco in ecosystems {
            let advisories = match self.advisories.get(&eco) {
                Some(Ok(a)) => a,
                Some(Err(why)) => {
                    report.undecided.push(why.clone());
                    continue;
                }
                None => {
                    report
                        .undecided
                        .push(format!("no {eco} advisories were looked up"));
                    continue;
                }
            };
            let judge = Judge::new(eco, advisories);
            for p in contents.packages.iter().filter(|p| p.ecosystem == eco) {
                let (found, undecided) = judge.package(p);
                report.vulnerabilities.extend(found);
                report.undecided.extend(undecided);
            }
        }
        report.vulnerabilities.sort_by(|a, b| {
            (a.severity, &a.package, &a.version).cmp(&(b.severity, &b.package, &b.version))
        });
        report
    }
}

#[cfg(test)]
mod tests;
