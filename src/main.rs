//! Thin entry point: parse the CLI, pick TUI (live, demo, snapshot) / headless scan / export /
//! catalogue / policy, map errors to exit codes (0 ok, 2 error; `scan` adds 3 for a breached
//! threshold).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use parapet::app::scheduler::LiveOptions;
use parapet::aws::permissions;
use parapet::cli::{
    Cli, Command, CompletionShell, DiffFormat, Format, InspectFormat, OsvDbAction, OutputFormat,
    ScanFormat,
};
use parapet::config::mutes::MutesFile;
use parapet::config::{Config, ConfigPaths};
use parapet::demo;
use parapet::domain::assessment::Mute;
use parapet::domain::finding::Severity;
use parapet::domain::mutelist::Mutelist;
use parapet::domain::osv::Ecosystem;
use parapet::domain::shard::Shard;
use parapet::export;
use parapet::export::stdout::{self, StdoutError};
use parapet::inspect::Gate;
use parapet::osv_db::{MAX_AGE_DAYS, OsvDb};
use parapet::report;
use parapet::scan::{self, ScanArgs};
use parapet::tui::{TuiOptions, TuiSource, run_tui};
use time::OffsetDateTime;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
    };
    match run(cli) {
        Ok(code) => code,
        // `parapet checks | head`: the reader stopped reading, a normal end.
        Err(e) if matches!(e.downcast_ref(), Some(StdoutError::ReaderGone)) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("parapet: {}", report::error_chain(e.as_ref()));
            ExitCode::from(2)
        }
    }
}

/// Help, version and command-line errors, printed by clap, with the printing checked: help
/// that cannot be written (a full disk, a closed output) is exit 2, not 0.
fn clap_exit(e: &clap::Error) -> ExitCode {
    let code = u8::try_from(e.exit_code()).unwrap_or(2);
    let to_stdout = !e.use_stderr();
    if to_stdout && let Err(closed) = stdout::require_stdout() {
        eprintln!("parapet: {closed}");
        return ExitCode::from(2);
    }
    let printed = e.print().and_then(|()| {
        if to_stdout {
            std::io::Write::flush(&mut std::io::stdout())
        } else {
            Ok(())
        }
    });
    match printed.map_err(stdout::stdout_error) {
        Ok(()) | Err(StdoutError::ReaderGone) => ExitCode::from(code),
        Err(e) => {
            eprintln!("parapet: {e}");
            ExitCode::from(2)
        }
    }
}

/// Prints `text` on standard output (see [`stdout::to_stdout`]).
fn print_out(text: &str) -> Result<(), StdoutError> {
    stdout::to_stdout(|w| w.write_all(text.as_bytes()))
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Some(Command::Checks { format, summary }) => checks(*format, *summary),
        Some(Command::Convert {
            file,
            format,
            output,
            force,
        }) => convert(file, *format, output, *force),
        Some(Command::Diff {
            old,
            new,
            format,
            fail_on_new,
        }) => diff(old, new, *format, *fail_on_new),
        Some(Command::Policy { base }) => policy(&cli, *base),
        Some(Command::Merge {
            files,
            output,
            force,
        }) => merge(files, output, *force),
        Some(Command::Scan {
            format,
            output,
            force,
            fail_on,
            fail_under,
            shard,
        }) => scan(&cli, *format, output, *force, *fail_on, *fail_under, *shard),
        Some(Command::Inspect {
            package,
            layers,
            format,
            output,
            force,
            fail_on,
        }) => inspect(&cli, package, layers, *format, output, *force, *fail_on),
        Some(Command::OsvDb { action }) => match action {
            OsvDbAction::Status => osv_db_status(&cli),
            OsvDbAction::Update {
                ecosystems,
                osv_source,
            } => osv_db_update(&cli, ecosystems, osv_source),
        },
        Some(Command::Completions { shell }) => completions(*shell),
        Some(Command::Man) => man(),
        Some(Command::Quotas) => quotas(),
        Some(Command::Keys) => keys(),
        Some(Command::Info) => info(&cli),
        Some(Command::Open { file, baseline }) => open(&cli, file, baseline),
        None => match (cli.demo, &cli.export) {
            (true, Some(path)) => export_demo(&cli, path),
            (true, None) => tui(&cli, |_| TuiSource::Demo { speed: 1.0 }),
            // Plain `parapet`: live polling on the default profile and region (or on several
            // accounts).
            (false, _) => {
                let accounts = cli.accounts_spec().map_err(anyhow::Error::msg)?;
                tui(&cli, |config| {
                    TuiSource::Live(LiveOptions {
                        aws: cli.aws_options_for(config),
                        intervals: cli.intervals(&config.intervals),
                        once: false,
                        accounts,
                    })
                })
            }
        },
    }
}

/// `parapet checks`: the catalogue as a table, JSON or the Markdown document.
fn checks(format: Format, summary: bool) -> anyhow::Result<ExitCode> {
    let text = match format {
        Format::Table => report::checks_table(),
        Format::Json => report::checks_json(),
        Format::Markdown if summary => report::checks_markdown(),
        Format::Markdown => report::checks_document(),
    };
    print_out(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// `parapet convert`: a snapshot in another output format.
fn convert(
    file: &Path,
    format: OutputFormat,
    output: &Option<PathBuf>,
    force: bool,
) -> anyhow::Result<ExitCode> {
    match output {
        Some(path) => export::refuse_input(path, &[file])?,
        None => stdout::require_stdout()?,
    }
    let snapshot = read_scored(file)?;
    let format = format.format();
    match output {
        Some(path) => export::write_as(path, &snapshot, format, force)?,
        None => stdout::to_stdout(|w| export::formats::write(&snapshot, format, w))?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `parapet diff`: the drift between two snapshots; exit 3 on a new failure at `--fail-on-new`.
fn diff(
    old: &Path,
    new: &Path,
    format: DiffFormat,
    fail_on_new: Option<Severity>,
) -> anyhow::Result<ExitCode> {
    stdout::require_stdout()?;
    let (before, after) = (read_scored(old)?, read_scored(new)?);
    let ids = |s: &parapet::domain::snapshot::Snapshot| {
        s.accounts
            .iter()
            .map(|a| a.id.clone())
            .collect::<Vec<_>>()
            .join(",")
    };
    if ids(&before) != ids(&after) {
        eprintln!(
            "parapet: note: the snapshots are of different accounts ({} and {})",
            ids(&before),
            ids(&after)
        );
    }
    let drift = parapet::domain::diff::Drift::between(&before, &after);
    print_out(&match format {
        DiffFormat::Text => report::drift_text(&drift),
        DiffFormat::Json => report::drift_json(&drift),
        DiffFormat::Markdown => report::drift_markdown(&drift),
    })?;
    if let Some(at_least) = fail_on_new {
        let new_failures = parapet::domain::diff::new_failures_at(&drift.changes, at_least);
        if !new_failures.is_empty() {
            eprintln!(
                "parapet: {} new failing finding(s) at {} or worse (--fail-on-new {})",
                new_failures.len(),
                at_least.as_str(),
                at_least.as_str()
            );
            return Ok(ExitCode::from(3));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `parapet policy`: the read-only IAM policy (or the base identity's).
fn policy(cli: &Cli, base: bool) -> anyhow::Result<ExitCode> {
    if base {
        print_out(&permissions::base_policy_json(cli.assume_role.as_deref()))?;
    } else {
        print_out(&permissions::policy_json(cli.code))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `parapet merge`: shards (or several snapshots) into one organization snapshot.
fn merge(files: &[PathBuf], output: &Option<PathBuf>, force: bool) -> anyhow::Result<ExitCode> {
    if output.is_none() {
        stdout::require_stdout()?;
    }
    let merged = read_merged(files, output.as_deref())?;
    match output {
        Some(path) => {
            export::write_as(path, &merged, parapet::export::formats::Format::Json, force)?;
            eprintln!(
                "parapet: merged {} into {} ({}, score {})",
                merged.scope(),
                path.display(),
                merged.coverage.percent.to_string() + "% coverage",
                merged
                    .score
                    .overall
                    .map_or("–".to_string(), |s| s.to_string())
            );
        }
        None => stdout::to_stdout(|w| merged.write_json_pretty(w).map_err(std::io::Error::from))?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `parapet scan`: one headless collection, written and gated.
fn scan(
    cli: &Cli,
    format: ScanFormat,
    output: &Option<PathBuf>,
    force: bool,
    fail_on: Option<Severity>,
    fail_under: Option<u32>,
    shard: Option<Shard>,
) -> anyhow::Result<ExitCode> {
    let paths = ConfigPaths::resolve();
    match output {
        Some(out) => export::refuse_input(out, &inputs(cli, &paths))?,
        // Checked before the scan: a closed stdout would swallow the snapshot.
        None => stdout::require_stdout()?,
    }
    let config = Config::load(&paths.config_file)?;
    let args = ScanArgs {
        accounts: cli.accounts_spec().map_err(anyhow::Error::msg)?,
        shard,
        mutes: all_mutes(cli, &paths, &config)?,
        mutelist: mutelist(cli, true)?,
        aws: cli.aws_options_for(&config),
        format: format.findings().unwrap_or_default().format(),
        sbom: format == ScanFormat::Cyclonedx,
        output: output.clone(),
        force,
        fail_on,
        fail_under,
    };
    if args.sbom && args.aws.code.is_none() {
        anyhow::bail!(
            "--format cyclonedx writes the packages the code area reads — pass --code (or set \
             `[code] enabled = true`)"
        );
    }
    let code = runtime()?.block_on(scan::run(args, &config));
    Ok(ExitCode::from(code))
}

fn osv_db(cli: &Cli) -> OsvDb {
    OsvDb::at(cli.osv_db.clone().unwrap_or_else(OsvDb::default_dir))
}

/// `parapet inspect`: a local deployment package and its layers against the OSV database.
fn inspect(
    cli: &Cli,
    package: &Path,
    layers: &[PathBuf],
    format: InspectFormat,
    output: &Option<PathBuf>,
    force: bool,
    fail_on: Option<Severity>,
) -> anyhow::Result<ExitCode> {
    let inputs: Vec<&Path> = std::iter::once(package)
        .chain(layers.iter().map(PathBuf::as_path))
        .collect();
    match output {
        Some(path) => export::refuse_input(path, &inputs)?,
        None => stdout::require_stdout()?,
    }
    let now = OffsetDateTime::now_utc();
    let report = parapet::inspect::inspect(package, layers, &osv_db(cli), now)?;
    let write = |w: &mut dyn std::io::Write| match format {
        InspectFormat::Json => report.write_json(w),
        InspectFormat::Markdown => w.write_all(report.markdown().as_bytes()),
        InspectFormat::Cyclonedx => {
            serde_json::to_writer_pretty(&mut *w, &report.cyclonedx(now))?;
            w.write_all(b"\n")
        }
    };
    match output {
        Some(path) => export::atomic::write_atomic_with(path, force, |w| {
            write(w).map_err(export::ExportErrorKind::Io)
        })?,
        None => stdout::to_stdout(write)?,
    }
    for u in &report.unknown {
        eprintln!("parapet: not decided: {}: {}", u.ecosystem, u.reason);
    }
    Ok(match fail_on.map(|s| report.gate(s)) {
        Some(Gate::Breached) => ExitCode::from(3),
        Some(Gate::Undecided) => {
            eprintln!("parapet: cannot tell whether the package passes --fail-on (see above)");
            ExitCode::from(2)
        }
        Some(Gate::Pass) | None => ExitCode::SUCCESS,
    })
}

/// `parapet osv-db update`: each ecosystem's export downloaded and indexed, with a progress
/// line on a terminal; exit 2 when any failed (the others are updated all the same).
fn osv_db_update(cli: &Cli, ecosystems: &[Ecosystem], source: &str) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;
    let db = osv_db(cli);
    let all = if ecosystems.is_empty() {
        Ecosystem::ALL.to_vec()
    } else {
        ecosystems.to_vec()
    };
    let terminal = std::io::stderr().is_terminal();
    let runtime = runtime()?;
    let mut failed = 0;
    for ecosystem in all {
        let name = ecosystem.osv_name();
        let mut progress = |done: u64, total: Option<u64>| {
            if terminal {
                let mb = |b: u64| b as f64 / 1_000_000.0;
                let of = total.map_or(String::new(), |t| {
                    format!(" / {:.1} MB  {:>3}%", mb(t), done * 100 / t.max(1))
                });
                eprint!("\r\x1b[2K  {name:<10} {:.1} MB{of}", mb(done));
            }
        };
        let result = runtime.block_on(db.update(ecosystem, source, &mut progress));
        if terminal {
            eprint!("\r\x1b[2K");
        }
        match result {
            Ok(status) => eprintln!(
                "  {name:<10} {} advisories, {:.1} MB",
                status.advisories.unwrap_or(0),
                status.bytes as f64 / 1_000_000.0
            ),
            Err(why) => {
                failed += 1;
                eprintln!(
                    "  {name:<10} failed: {}",
                    parapet::domain::text::redact_urls(&why)
                );
            }
        }
    }
    eprintln!("OSV database: {}", db.dir.display());
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

/// `parapet osv-db status`: each ecosystem's export and its age.
fn osv_db_status(cli: &Cli) -> anyhow::Result<ExitCode> {
    let db = osv_db(cli);
    let now = OffsetDateTime::now_utc();
    let mut text = format!("OSV database: {}\n", db.dir.display());
    for ecosystem in Ecosystem::ALL {
        let s = db.status(ecosystem);
        let line = if !s.present {
            "none".to_string()
        } else {
            let age = s.age_days(now).map_or("age unknown".to_string(), |d| {
                let stale = if d > MAX_AGE_DAYS {
                    " (stale: run `parapet osv-db update`)"
                } else {
                    ""
                };
                format!("{d} days old{stale}")
            });
            format!(
                "{} advisories, {:.1} MB, {age}",
                s.advisories.map_or("?".to_string(), |n| n.to_string()),
                s.bytes as f64 / 1_000_000.0
            )
        };
        text.push_str(&format!("  {:<10} {line}\n", ecosystem.osv_name()));
    }
    print_out(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// `parapet completions`: a shell completion script.
fn completions(shell: CompletionShell) -> anyhow::Result<ExitCode> {
    let script = parapet::cli::completions(shell);
    stdout::to_stdout(|w| w.write_all(&script))?;
    Ok(ExitCode::SUCCESS)
}

/// `parapet man`: the man page.
fn man() -> anyhow::Result<ExitCode> {
    let page = parapet::cli::man_page()?;
    stdout::to_stdout(|w| w.write_all(&page))?;
    Ok(ExitCode::SUCCESS)
}

/// `parapet quotas`: the quota table.
fn quotas() -> anyhow::Result<ExitCode> {
    print_out(&report::quotas_markdown())?;
    Ok(ExitCode::SUCCESS)
}

/// `parapet keys`: the default key bindings.
fn keys() -> anyhow::Result<ExitCode> {
    print_out(&report::keys_markdown())?;
    Ok(ExitCode::SUCCESS)
}

/// `parapet info`: version and paths.
fn info(cli: &Cli) -> anyhow::Result<ExitCode> {
    let paths = ConfigPaths::resolve();
    print_out(&format!(
        "parapet {}\nconfig dir:  {}\nconfig file: {}\nkeys file:   {}\n\
         themes dir:  {}\nmutes file:  {}\nsnapshots:   {}\n",
        env!("CARGO_PKG_VERSION"),
        paths.dir.display(),
        paths.config_file.display(),
        paths.keys_file.display(),
        paths.themes_dir.display(),
        mutes_path(cli, &paths).display(),
        paths.exports_dir.display()
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// `parapet open`: a snapshot (or a directory of shards) in the TUI.
fn open(cli: &Cli, file: &Path, baseline: &Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let snapshot = if file.is_dir() {
        read_merged(&[file.to_path_buf()], None)?
    } else {
        export::read_snapshot(file)?
    };
    let baseline = match baseline {
        Some(old) => {
            let name = old.file_name().map_or_else(
                || old.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            Some((format!("vs {name}"), export::read_snapshot(old)?.findings))
        }
        None => None,
    };
    tui_with(
        cli,
        |_| TuiSource::Snapshot {
            snapshot,
            path: file.to_path_buf(),
        },
        baseline,
    )
}

/// Every snapshot of `paths` (files, or the `*.json` files of directories, in name order),
/// merged into one; never `output` itself. A file named on the command line must merge; in a
/// directory, what is plainly not part of the set is left out with a note (a snapshot that is
/// not a shard beside shards, the result of an earlier merge beside the scans it merged), and
/// a file that is not a snapshot is an error saying which file to move.
fn read_merged(
    paths: &[std::path::PathBuf],
    output: Option<&std::path::Path>,
) -> anyhow::Result<parapet::domain::snapshot::Snapshot> {
    use parapet::domain::snapshot::Snapshot;
    let mut named: Vec<(String, Snapshot)> = Vec::new();
    for path in paths {
        if let Some(out) = output {
            export::refuse_input(out, &[path])?;
        }
        if !path.is_dir() {
            named.push((path.display().to_string(), export::read_snapshot(path)?));
            continue;
        }
        let mut inside: Vec<std::path::PathBuf> = std::fs::read_dir(path)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
            .filter(|p| !output.is_some_and(|out| export::same_file(p, out) || p == out))
            .collect();
        inside.sort();
        if inside.is_empty() {
            anyhow::bail!("{}: no snapshot (*.json) in the directory", path.display());
        }
        let mut found = Vec::with_capacity(inside.len());
        for file in inside {
            let snapshot = export::read_snapshot(&file).map_err(|e| {
                anyhow::anyhow!(
                    "{} (every *.json file in {} is read as a snapshot: move this one out, or \
                     name the snapshots to merge)",
                    report::error_chain(&e),
                    path.display()
                )
            })?;
            found.push((file.display().to_string(), snapshot));
        }
        let shards = found.iter().any(|(_, s)| s.shard.is_some());
        let several = found.len() > 1;
        found.retain(|(label, s)| {
            let why = if shards && s.shard.is_none() {
                "not a shard, beside the shards of a run"
            } else if !shards && several && s.accounts.len() > 1 {
                "already several accounts (an earlier merge?), beside single scans"
            } else {
                return true;
            };
            eprintln!("parapet: note: left out {label}: {why}");
            false
        });
        named.extend(found);
    }
    Ok(parapet::domain::shard::merge(named)?)
}

/// A snapshot whose scores and coverage are those of its findings: a stored score that
/// disagrees (a hand-edited or foreign file) is recomputed, with a note, never trusted.
fn read_scored(path: &std::path::Path) -> anyhow::Result<parapet::domain::snapshot::Snapshot> {
    let mut snapshot = export::read_snapshot(path)?;
    if !snapshot.score_is_consistent() {
        eprintln!(
            "parapet: note: {}: the stored score does not match the findings; recomputed from \
             the findings",
            path.display()
        );
        snapshot.rescore();
    }
    Ok(snapshot)
}

fn mutelist(cli: &Cli, say: bool) -> anyhow::Result<Option<Mutelist>> {
    let Some(path) = &cli.mutelist else {
        return Ok(None);
    };
    let shown = path.display().to_string();
    let text = export::read_text(path, export::MAX_SETTINGS_BYTES).map_err(|e| {
        anyhow::anyhow!(
            "{shown}: cannot read the mutelist: {}",
            export::ExportError::new(path, e).reason()
        )
    })?;
    let list = Mutelist::parse(&text, &shown)
        .map_err(|e| anyhow::anyhow!("{shown}: not a Prowler mutelist Parapet can use: {e}"))?;
    if say {
        for w in &list.warnings {
            eprintln!("parapet: {shown}: {w}");
        }
    }
    Ok(Some(list))
}

/// The mutes file: `--mutes FILE`, else mutes.toml in the config directory.
fn mutes_path(cli: &Cli, paths: &ConfigPaths) -> std::path::PathBuf {
    cli.mutes
        .clone()
        .unwrap_or_else(|| paths.mutes_file.clone())
}

/// Every mute in force for a headless run: config.toml's and the mutes file's. A mutes file
/// named with `--mutes` must exist: a typo would otherwise apply nothing without a word.
fn all_mutes(cli: &Cli, paths: &ConfigPaths, config: &Config) -> anyhow::Result<Vec<Mute>> {
    if let Some(path) = &cli.mutes
        && std::fs::metadata(path).is_err()
    {
        anyhow::bail!(
            "{}: no such mutes file (--mutes); the TUI creates it on the first `x`, a headless \
             run needs it to exist",
            path.display()
        );
    }
    let mut mutes = config.mutes();
    mutes.extend(MutesFile::load(&mutes_path(cli, paths))?.mutes);
    Ok(mutes)
}

/// The files a scan or an export reads besides AWS: none of them may be its output.
fn inputs<'a>(cli: &'a Cli, paths: &'a ConfigPaths) -> Vec<&'a std::path::Path> {
    let mut out = vec![paths.config_file.as_path(), paths.keys_file.as_path()];
    out.push(cli.mutes.as_deref().unwrap_or(&paths.mutes_file));
    out.extend(cli.mutelist.as_deref());
    out
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        // An assumed role's credentials are resolved by an STS call made inside the SDK's
        // own call stack: two SDK orchestrators deep overflow the default 2 MiB in an
        // unoptimized build.
        .thread_stack_size(8 * 1024 * 1024)
        .enable_all()
        .build()?)
}

/// Starts the TUI on a tokio runtime; config errors stop here, before the terminal changes.
fn tui(cli: &Cli, source: impl FnOnce(&Config) -> TuiSource) -> anyhow::Result<ExitCode> {
    tui_with(cli, source, None)
}

/// [`tui`], with a baseline snapshot's name and findings to mark changes against.
fn tui_with(
    cli: &Cli,
    source: impl FnOnce(&Config) -> TuiSource,
    baseline: Option<(String, Vec<parapet::domain::finding::Finding>)>,
) -> anyhow::Result<ExitCode> {
    let paths = ConfigPaths::resolve();
    let config = Config::load(&paths.config_file)?;
    let source = source(&config);
    let mutes_file = Some(MutesFile::load(&mutes_path(cli, &paths))?);
    let mutelist = mutelist(cli, false)?;
    let options = TuiOptions {
        source,
        theme: cli.theme.clone(),
        no_color: cli.no_color,
        paths,
        config,
        mutes_file,
        mutelist,
        baseline,
    };
    match runtime()?.block_on(run_tui(options))? {
        // Ended by a signal: 128 + its number, as a shell reports a process it killed.
        Some(signal) => Ok(ExitCode::from(128 + signal as u8)),
        None => Ok(ExitCode::SUCCESS),
    }
}

/// `parapet --demo --export FILE [--format FMT]`: evaluate the demo account and write it, no TUI.
fn export_demo(cli: &Cli, path: &std::path::Path) -> anyhow::Result<ExitCode> {
    let paths = ConfigPaths::resolve();
    export::refuse_input(path, &inputs(cli, &paths))?;
    let config = Config::load(&paths.config_file)?;
    let now = OffsetDateTime::now_utc();
    let snapshot = demo::snapshot(
        now,
        &config.context(now),
        all_mutes(cli, &paths, &config)?,
        mutelist(cli, true)?.as_ref(),
    );
    let format = cli.format.unwrap_or_default().format();
    export::write_as(path, &snapshot, format, cli.force)?;
    let score = &snapshot.score;
    eprintln!(
        "wrote {} to {} ({} findings, score {} grade {})",
        format.noun(),
        path.display(),
        snapshot.findings.len(),
        score.overall.map_or("–".to_string(), |s| s.to_string()),
        score.grade.as_deref().unwrap_or("–"),
    );
    Ok(ExitCode::SUCCESS)
}
