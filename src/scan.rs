//! Headless `parapet scan`: one full collection through the live source (every area in every
//! region, once, dependencies respected), then the same snapshot the TUI exports, a short
//! summary on stderr and an exit code a CI pipeline can gate on (Prowler's convention):
//! 0 ok, 3 threshold breached, 2 error.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use time::OffsetDateTime;
use tokio::sync::mpsc::unbounded_channel;

use futures_util::stream::{self, StreamExt};

use crate::app::scheduler::{self, LiveOptions};
use crate::aws::accounts::{self, AccountsSpec, Target};
use crate::aws::client::{self, AwsOptions, SetupError};
use crate::config::{Config, Intervals};
use crate::domain::accounts::{Accounts, Applied};
use crate::domain::assessment::Assessment;
use crate::domain::collection::{CollectionState, CollectionStatus};
use crate::domain::finding::{Finding, Severity, Status};
use crate::domain::inventory::{Area, Inventory};
use crate::domain::shard::Shard;
use crate::domain::snapshot::{AccountError, AccountInfo, Snapshot};
use crate::domain::source::{Identity, SourceEvent};
use crate::export;
use crate::export::formats::Format;

/// Exit codes of `parapet scan`.
pub const EXIT_OK: u8 = 0;
pub const EXIT_ERROR: u8 = 2;
pub const EXIT_BREACHED: u8 = 3;

/// One full collection.
#[derive(Clone, Debug, Default)]
pub struct ScanResult {
    pub account_id: String,
    pub profile: Option<String>,
    pub regions: Vec<String>,
    /// Every batch merged.
    pub inventory: Inventory,
    /// One entry per (area, region): by area, then regions in the order asked for.
    pub collection: Vec<CollectionStatus>,
    /// AWS calls made (SDK operations; retries not counted).
    pub calls: u64,
    /// Wall time from start to the last batch.
    pub elapsed: Duration,
    /// Requests sent per (region, quota bucket).
    pub requests: BTreeMap<(String, String), u64>,
    /// The quota floor of those requests at the scan's share, and the bucket that sets it
    /// (`None` before anything was sent).
    pub floor: Option<(Duration, String)>,
    /// The share of the quotas the scan took.
    pub share: f64,
}

/// Collects every area in every region once.
pub async fn collect_once(aws: AwsOptions) -> Result<ScanResult, SetupError> {
    collect_once_with(aws, |_| {}).await
}

/// [`collect_once`], showing every source event to `on_event` as it arrives (progress).
pub async fn collect_once_with(
    aws: AwsOptions,
    mut on_event: impl FnMut(&SourceEvent),
) -> Result<ScanResult, SetupError> {
    let began = Instant::now();
    let share = aws.quota.full;
    let (events_tx, mut events) = unbounded_channel();
    // Kept open for the whole scan: a closed command channel is not a shutdown, but nothing
    // needs to be sent either.
    let (_commands, commands_rx) = unbounded_channel();
    let options = LiveOptions {
        aws,
        intervals: Intervals::default(),
        once: true,
        accounts: AccountsSpec::Base,
    };
    let task = tokio::spawn(scheduler::run(events_tx, commands_rx, options));

    let mut accounts = Accounts::default();
    let mut identified = false;
    while let Some(event) = events.recv().await {
        on_event(&event);
        identified |= matches!(event, SourceEvent::Identity(_));
        if let Applied::Fatal { message, hint } = accounts.apply(event, OffsetDateTime::now_utc()) {
            task.abort();
            return Err(SetupError { message, hint });
        }
    }
    let calls = task.await;
    if !identified {
        return Err(SetupError {
            message: "the AWS source stopped before identifying the account".into(),
            hint: "this is a bug in Parapet; please report it with the command you ran".into(),
        });
    }
    let account = accounts.list.swap_remove(0);
    let mut requests: BTreeMap<(String, String), u64> = BTreeMap::new();
    for ((_, region), per) in &account.requests {
        for (bucket, n) in per {
            *requests
                .entry((region.clone(), bucket.clone()))
                .or_default() += n;
        }
    }
    // The identity's order (as asked for), then anything a batch added.
    let regions = account.info.regions;
    let mut collection: Vec<CollectionStatus> =
        account.collection.into_values().map(|s| s.status).collect();
    collection.sort_by_key(|c| (c.area, regions.iter().position(|r| *r == c.region)));
    let mut inventory = account.inventory;
    inventory.account_id.clone_from(&account.info.id);
    inventory.regions.clone_from(&regions);
    Ok(ScanResult {
        account_id: account.info.id,
        profile: account.info.profile,
        regions,
        inventory,
        collection,
        calls: calls.unwrap_or(0),
        elapsed: began.elapsed(),
        floor: crate::aws::quotas::floor_of(&requests, share),
        requests,
        share,
    })
}

/// What `parapet scan` was asked to do.
#[derive(Clone, Debug)]
pub struct ScanArgs {
    /// The base credentials, regions and limits.
    pub aws: AwsOptions,
    /// Which accounts (`--profile` repeated, `--accounts`).
    pub accounts: AccountsSpec,
    /// `--shard I/N`: this run's share of the accounts.
    pub shard: Option<Shard>,
    /// Every mute in force (config.toml's and the mutes file's).
    pub mutes: Vec<crate::domain::assessment::Mute>,
    /// `--mutelist`: a Prowler mutelist.
    pub mutelist: Option<crate::domain::mutelist::Mutelist>,
    pub format: Format,
    /// `--format cyclonedx`: write the packages the code area read as a CycloneDX SBOM
    /// (each function an application with its packages) instead of the findings.
    pub sbom: bool,
    /// Write the output here; stdout when `None`.
    pub output: Option<PathBuf>,
    pub force: bool,
    pub fail_on: Option<Severity>,
    pub fail_under: Option<u32>,
}

/// Accounts collected at the same time. Each holds its inventory until it is assessed, so
/// this bounds memory; the requests all of them make together are bounded by
/// `--max-in-flight`.
pub const ACCOUNTS_AT_ONCE: usize = 16;

/// One account's share of the snapshot: assessed, its inventory already dropped.
struct Part {
    info: AccountInfo,
    findings: Vec<Finding>,
    collection: Vec<CollectionStatus>,
    calls: u64,
    /// The account's quota floor, see [`ScanResult::floor`].
    floor: Option<(Duration, String)>,
    /// With `--format cyclonedx`: its functions' SBOM components and vulnerabilities.
    sbom: (Vec<serde_json::Value>, Vec<serde_json::Value>),
}

/// Scans one account and assesses it, or, when its setup fails, records the failure: every
/// area of every region `unknown` with the reason and the hint.
async fn scan_account(
    target: Target,
    args: &ScanArgs,
    config: &Config,
    now: OffsetDateTime,
    interactive: bool,
    multi: bool,
) -> Result<Part, SetupError> {
    let prefix = if multi {
        format!("[{}] ", target.key())
    } else {
        String::new()
    };
    let collected = collect_once_with(target.aws.clone(), |event| {
        if let SourceEvent::Waiting { what } = event {
            // In CI logs too: a hung endpoint is named while it is waited for.
            eprintln!("{prefix}parapet: waiting for {what}…");
        } else if interactive && let Some(line) = progress_line(event) {
            eprintln!("{prefix}{line}");
        }
    })
    .await;
    let mut info = AccountInfo {
        id: target.id.clone().unwrap_or_default(),
        name: target.name.clone(),
        profile: if target.aws.assume.is_some() {
            None
        } else {
            target.aws.profile.clone()
        },
        role_arn: target.role_arn.clone(),
        regions: client::explicit_regions(&target.aws),
        error: None,
    };
    let mut result = match collected {
        Ok(result) => result,
        Err(e) if !multi => return Err(e),
        Err(e) => {
            if interactive {
                eprintln!("{prefix}✘ {} — {}", e.message, e.hint);
            }
            let reason = format!("{} — {}", e.message, e.hint);
            let (inventory, collection) =
                Inventory::failed_account(&info.id, &info.regions, &reason);
            let findings = if info.id.is_empty() {
                Vec::new()
            } else {
                Assessment::evaluate(&inventory, &config.context(now), &args.mutes).findings
            };
            info.error = Some(AccountError {
                message: e.message,
                hint: e.hint,
            });
            return Ok(Part {
                info,
                findings,
                collection,
                calls: 0,
                floor: None,
                sbom: Default::default(),
            });
        }
    };
    let assessment = Assessment::evaluate(&result.inventory, &config.context(now), &args.mutes)
        .with_mutelist(args.mutelist.as_ref(), &result.account_id);
    let sbom = if args.sbom {
        crate::export::formats::cyclonedx::functions(&result.inventory)
    } else {
        Default::default()
    };
    // The findings are all that is needed from here on: on a large account the inventory and
    // a second copy of the findings would double the peak memory.
    result.inventory = Inventory::default();
    info.id.clone_from(&result.account_id);
    if info.name.is_none() {
        info.name.clone_from(&result.profile);
    }
    if target.aws.assume.is_none() {
        info.profile.clone_from(&result.profile);
    }
    info.regions = result.regions;
    Ok(Part {
        info,
        findings: assessment.findings,
        collection: result
            .collection
            .into_iter()
            .map(|c| CollectionStatus {
                account_id: result.account_id.clone(),
                ..c
            })
            .collect(),
        calls: result.calls,
        floor: result.floor,
        sbom,
    })
}

/// Runs `parapet scan` and returns its exit code. Progress goes to stderr only when stderr
/// is a terminal; the snapshot to the file or stdout; errors as one line with what to do.
pub async fn run(args: ScanArgs, config: &Config) -> u8 {
    // Refuse before a long scan, not after it.
    if let Some(path) = &args.output
        && !args.force
        && path.exists()
    {
        eprintln!(
            "parapet: {}: already exists — pass --force to overwrite it",
            path.display()
        );
        return EXIT_ERROR;
    }
    let began = Instant::now();
    let interactive = std::io::stderr().is_terminal();
    if interactive {
        eprintln!("{}", crate::aws::quotas::expectation(args.aws.quota.full));
    }
    let multi = args.accounts.is_multi();
    let targets = match accounts::resolve(&args.aws, &args.accounts).await {
        Ok(targets) => targets,
        Err(e) => {
            eprintln!("parapet: {} — {}", e.message, e.hint);
            return EXIT_ERROR;
        }
    };
    let (targets, shard) = match args.shard {
        Some(shard) => {
            let keys = targets.iter().map(Target::key).collect();
            (shard.select(targets), Some(shard.info(keys)))
        }
        None => (targets, None),
    };
    let now = OffsetDateTime::now_utc();
    let mut parts = Vec::with_capacity(targets.len());
    let mut scans = stream::iter(targets)
        .map(|target| Box::pin(scan_account(target, &args, config, now, interactive, multi)))
        .buffered(ACCOUNTS_AT_ONCE);
    while let Some(part) = scans.next().await {
        match part {
            Ok(part) => parts.push(part),
            Err(e) => {
                eprintln!("parapet: {} — {}", e.message, e.hint);
                return EXIT_ERROR;
            }
        }
    }
    drop(scans);

    let result = ScanResult {
        calls: parts.iter().map(|p| p.calls).sum(),
        elapsed: began.elapsed(),
        // Accounts are scanned side by side, each under its own quotas: the slowest sets it.
        floor: parts
            .iter()
            .filter_map(|p| p.floor.clone())
            .max_by_key(|(d, _)| *d),
        share: args.aws.quota.full,
        ..ScanResult::default()
    };
    let every_account_failed = !parts.is_empty() && parts.iter().all(|p| p.info.error.is_some());
    // The first account's findings are moved, not copied, and grown once to the total: a
    // 300,000-finding account must not be held twice.
    let total = parts.iter().map(|p| p.findings.len()).sum::<usize>();
    let mut findings = Vec::new();
    let mut collection = Vec::new();
    let mut infos = Vec::new();
    let (mut sbom_functions, mut sbom_vulnerabilities) = (Vec::new(), Vec::new());
    for part in parts {
        sbom_functions.extend(part.sbom.0);
        sbom_vulnerabilities.extend(part.sbom.1);
        if findings.is_empty() {
            findings = part.findings;
            findings.reserve_exact(total - findings.len());
        } else {
            findings.extend(part.findings);
        }
        collection.extend(part.collection);
        infos.push(part.info);
    }
    let mut snapshot =
        Snapshot::of_accounts(findings, infos, collection, now).with_mutes(args.mutes.clone());
    snapshot.shard = shard;

    let noun = if args.sbom {
        "CycloneDX SBOM"
    } else {
        args.format.noun()
    };
    let sbom = args.sbom.then(|| {
        let ids: Vec<&str> = snapshot.accounts.iter().map(|a| a.id.as_str()).collect();
        let subject = serde_json::json!({
            "type": "platform",
            "bom-ref": "accounts",
            "name": format!("AWS {}", ids.join(", ")),
        });
        let doc = crate::export::formats::cyclonedx::document(
            subject,
            std::mem::take(&mut sbom_functions),
            std::mem::take(&mut sbom_vulnerabilities),
            now,
        );
        let mut bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    });
    let mut reader_gone = false;
    let written = match (&args.output, &sbom) {
        (Some(path), Some(bytes)) => {
            export::atomic::write_atomic(path, bytes, args.force).map_err(|e| e.to_string())
        }
        (Some(path), None) => {
            export::write_as(path, &snapshot, args.format, args.force).map_err(|e| e.to_string())
        }
        (None, _) => {
            let result = export::stdout::to_stdout(|w| match &sbom {
                Some(bytes) => w.write_all(bytes),
                None => export::formats::write(&snapshot, args.format, w),
            });
            match result {
                Ok(()) => Ok(()),
                // `| head`: the reader chose to stop; the summary and the exit code still
                // tell the result.
                Err(export::stdout::StdoutError::ReaderGone) => {
                    reader_gone = true;
                    Ok(())
                }
                Err(e) => Err(format!("cannot write the {noun}: {e}")),
            }
        }
    };
    if let Err(e) = written {
        eprintln!("parapet: {e}");
        return EXIT_ERROR;
    }

    let breaches = breaches(
        &snapshot.findings,
        snapshot.score.overall,
        args.fail_on,
        args.fail_under,
    );
    let mut said = summary(&snapshot, &result, args.output.as_deref(), noun, &breaches);
    if reader_gone {
        said = said.replace(
            &format!("  {noun} written to stdout\n"),
            &format!("  {noun}: the reader closed standard output before its end\n"),
        );
    }
    eprint!("{said}");
    if every_account_failed {
        // A shard's accounts may all fail while the others' succeed: its snapshot records
        // why, for the merge; a whole run that scanned nothing is an error.
        if snapshot.shard.is_some() {
            eprintln!(
                "parapet: note: no account of this shard could be scanned; the snapshot records why"
            );
            return if breaches.is_empty() {
                EXIT_OK
            } else {
                EXIT_BREACHED
            };
        }
        eprintln!(
            "parapet: no account could be scanned — see each account's error above; \
             `parapet policy` prints what the base identity and each account's role need"
        );
        return EXIT_ERROR;
    }
    // Only the accounts that could be scanned: an account whose role failed is reported above.
    let scanned: Vec<CollectionStatus> = snapshot
        .collection
        .iter()
        .filter(|c| {
            snapshot
                .account(&c.account_id)
                .is_none_or(|a| a.error.is_none())
        })
        .cloned()
        .collect();
    if let Some(reason) = nothing_listed(&scanned) {
        // An endpoint that could not be reached is not a permissions problem.
        let hint = if reason.starts_with("Unreachable") {
            "check the network, a proxy, or the endpoint (--endpoint-url)"
        } else {
            "check the credentials' permissions (`parapet policy` prints what Parapet needs) \
             and the regions"
        };
        eprintln!(
            "parapet: no function, API or secret could be listed in any region ({reason}) — \
             {hint}"
        );
        return EXIT_ERROR;
    }
    if breaches.is_empty() {
        EXIT_OK
    } else {
        EXIT_BREACHED
    }
}

/// The first error when every listing area (functions, gateways, secrets) failed in every
/// region: such a scan decided nothing, and must not pass a CI gate as "no findings".
pub fn nothing_listed(collection: &[CollectionStatus]) -> Option<String> {
    let listing: Vec<&CollectionStatus> = collection
        .iter()
        .filter(|c| matches!(c.area, Area::Functions | Area::Gateways | Area::Secrets))
        .collect();
    if listing.is_empty() || listing.iter().any(|c| c.status != CollectionState::Failed) {
        return None;
    }
    Some(
        listing
            .iter()
            .find_map(|c| c.error.as_ref().map(|e| e.to_string()))
            .unwrap_or_else(|| "every listing failed".into()),
    )
}

/// The thresholds the assessment breaches, each as a sentence; empty when none is. A score
/// that could not be computed (nothing decided) does not breach `--fail-under`.
pub fn breaches(
    findings: &[Finding],
    score: Option<u32>,
    fail_on: Option<Severity>,
    fail_under: Option<u32>,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(threshold) = fail_on {
        // Severity orders most severe first: "at `threshold` or worse" is `<=`.
        let n = findings
            .iter()
            .filter(|f| f.shown() == Status::Fail && f.severity <= threshold)
            .count();
        if n > 0 {
            out.push(format!(
                "{n} failing finding{} at {} or worse (--fail-on {})",
                if n == 1 { "" } else { "s" },
                threshold.as_str(),
                threshold.as_str()
            ));
        }
    }
    if let (Some(min), Some(score)) = (fail_under, score)
        && score < min
    {
        out.push(format!("score {score} is below {min} (--fail-under {min})"));
    }
    out
}

/// The summary printed to stderr after a scan.
pub fn summary(
    snapshot: &Snapshot,
    result: &ScanResult,
    output: Option<&Path>,
    noun: &str,
    breaches: &[String],
) -> String {
    let mut s = String::new();
    let mut head = format!("parapet scan: {}", snapshot.scope());
    if let Some(p) = snapshot
        .primary_profile()
        .filter(|_| snapshot.accounts.len() == 1)
    {
        head.push_str(&format!(" · profile {p}"));
    }
    head.push_str(&format!(" · regions {}", snapshot.regions.join(",")));
    s.push_str(&head);
    s.push('\n');

    let score = match (snapshot.score.overall, snapshot.score.grade.as_deref()) {
        (Some(n), Some(g)) => format!("{n} ({g})"),
        (Some(n), None) => n.to_string(),
        _ => "– (nothing decided)".to_string(),
    };
    s.push_str(&format!(
        "  score {score} · coverage {}% · {} findings · {} requests in {:.1}s\n",
        snapshot.coverage.percent,
        snapshot.findings.len(),
        result.calls,
        result.elapsed.as_secs_f64()
    ));
    if let Some((floor, bucket)) = &result.floor {
        s.push_str(&format!(
            "  quotas: share {} · floor {} ({bucket}: its requests ÷ its rate × the share)\n",
            result.share,
            crate::aws::quotas::duration_text(*floor),
        ));
    }

    if snapshot.accounts.len() > 1 || snapshot.shard.is_some() {
        s.push_str(&accounts_lines(snapshot));
    }

    let fails: Vec<String> = Severity::ALL
        .iter()
        .map(|sev| {
            let n = snapshot
                .findings
                .iter()
                .filter(|f| f.shown() == Status::Fail && f.severity == *sev)
                .count();
            format!("{n} {}", sev.as_str())
        })
        .collect();
    s.push_str(&format!(
        "  fail: {} · unknown {} · muted {}\n",
        fails.join(", "),
        snapshot.coverage.unknown,
        snapshot.coverage.muted
    ));

    let troubled: Vec<&CollectionStatus> = snapshot
        .collection
        .iter()
        .filter(|c| matches!(c.status, CollectionState::Partial | CollectionState::Failed))
        .collect();
    if !troubled.is_empty() {
        s.push_str(&format!(
            "  collection: {} of {} area/region collections incomplete; their findings are unknown:\n",
            troubled.len(),
            snapshot.collection.len()
        ));
        for c in troubled.iter().take(5) {
            s.push_str(&format!(
                "    {} {} {}: {}\n",
                c.area.as_str(),
                c.region,
                if c.status == CollectionState::Failed {
                    "failed"
                } else {
                    "partial"
                },
                c.error
                    .as_ref()
                    .map_or("see the snapshot", |e| e.reason.as_str())
            ));
        }
        if troubled.len() > 5 {
            s.push_str(&format!(
                "    … and {} more (see \"collection\" in the snapshot)\n",
                troubled.len() - 5
            ));
        }
    }

    match output {
        Some(path) => s.push_str(&format!("  {noun} written to {}\n", path.display())),
        None => s.push_str(&format!("  {noun} written to stdout\n")),
    }
    for b in breaches {
        s.push_str(&format!("  threshold breached: {b}\n"));
    }
    s
}

/// One line per account: score, coverage and critical/high failures, or why it could not
/// be scanned; and which shard this is.
fn accounts_lines(snapshot: &Snapshot) -> String {
    let mut s = String::new();
    if let Some(shard) = &snapshot.shard {
        s.push_str(&format!(
            "  shard {}/{}: {} of {} accounts\n",
            shard.index,
            shard.count,
            snapshot.accounts.len(),
            shard.accounts.len()
        ));
    }
    for a in &snapshot.accounts {
        let id = if a.id.is_empty() { "?" } else { a.id.as_str() };
        let name = a.name.as_deref().or(a.profile.as_deref()).unwrap_or("");
        match &a.error {
            Some(e) => s.push_str(&format!(
                "  {id:<12} {name:<20} ✘ not scanned: {} — {}\n",
                e.message, e.hint
            )),
            None => {
                let severe = snapshot
                    .findings
                    .iter()
                    .filter(|f| {
                        f.account_id == a.id
                            && f.shown() == Status::Fail
                            && f.severity <= Severity::High
                    })
                    .count();
                let score = match (a.score.overall, a.score.grade.as_deref()) {
                    (Some(n), Some(g)) => format!("{n} ({g})"),
                    _ => "–".to_string(),
                };
                s.push_str(&format!(
                    "  {id:<12} {name:<20} score {score} · coverage {}% · {severe} critical/high failing\n",
                    a.coverage.percent
                ));
            }
        }
    }
    s
}

/// One line per finished (area, region), e.g. `functions  us-east-1  ✔ 0.4s`.
pub fn progress_line(event: &SourceEvent) -> Option<String> {
    match event {
        SourceEvent::Identity(Identity {
            account_id,
            regions,
            ..
        }) => Some(format!(
            "account {account_id} · scanning {} region{}",
            regions.len(),
            if regions.len() == 1 { "" } else { "s" }
        )),
        SourceEvent::Batch(b) => {
            let secs = format!("{:.1}s", b.duration.as_secs_f64());
            let state = match b.status {
                CollectionState::Failed => format!(
                    "✘ {secs} failed: {}",
                    b.error.as_ref().map_or("no data", |e| e.reason.as_str())
                ),
                CollectionState::Partial => format!(
                    "◐ {secs} partial: {}",
                    b.error
                        .as_ref()
                        .map_or("some calls failed", |e| e.reason.as_str())
                ),
                _ => format!("✔ {secs}"),
            };
            Some(format!("{:<10} {:<15} {state}", b.area.as_str(), b.region))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
