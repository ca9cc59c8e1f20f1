//! Command-line interface (clap derive).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

use crate::aws::accounts::AccountsSpec;
use crate::aws::client::{AwsOptions, InFlight};
use crate::config::Intervals;
use crate::domain::finding::Severity;
use crate::domain::shard::Shard;

#[derive(Debug, Parser)]
#[command(
    name = "parapet",
    version,
    about = "Security posture of serverless AWS accounts, in your terminal",
    long_about = "Parapet scores the security posture of Lambda functions, API Gateway (REST, HTTP, \
                  WebSocket), Secrets Manager and the KMS keys and IAM roles they use.\n\n\
                  Try it without an AWS account: parapet --demo"
)]
pub struct Cli {
    /// Explore the embedded demo account (an e-commerce shop) instead of AWS.
    #[arg(long, global = true)]
    pub demo: bool,

    /// With --demo: write a JSON snapshot to FILE and exit, without starting the TUI.
    #[arg(long, value_name = "FILE", requires = "demo")]
    pub export: Option<PathBuf>,

    /// Overwrite an existing export file.
    #[arg(long)]
    pub force: bool,

    /// With --export: the file's format (json, ocsf, asff, csv, markdown; default json).
    #[arg(long, value_enum, value_name = "FMT", requires = "export")]
    pub format: Option<OutputFormat>,

    /// Theme: dark, light, mono, colorblind, or a name from the config dir's themes/.
    #[arg(long, global = true, value_name = "NAME")]
    pub theme: Option<String>,

    /// No colours (the mono theme). Also set by the NO_COLOR environment variable.
    #[arg(long, global = true)]
    pub no_color: bool,

    /// AWS profile from your shared config/credentials files (default: the standard chain).
    /// Repeat it to scan each profile's account; with --accounts, the base credentials the
    /// role is assumed from.
    #[arg(long = "profile", global = true, value_name = "NAME")]
    pub profiles: Vec<String>,

    /// Scan these accounts (comma-separated 12-digit ids), or `org` for every ACTIVE account
    /// of the Organization (from the management or a delegated administrator account), each
    /// through --assume-role.
    #[arg(long, global = true, value_name = "IDS|org", requires = "assume_role")]
    pub accounts: Option<String>,

    /// With --accounts: the name of the read-only role to assume in each account (e.g.
    /// OrganizationAccountAccessRole, or your own ParapetReadOnly).
    #[arg(long, global = true, value_name = "ROLE_NAME")]
    pub assume_role: Option<String>,

    /// With --assume-role: the external id the roles' trust policies require.
    #[arg(long, global = true, value_name = "ID", requires = "assume_role")]
    pub external_id: Option<String>,

    /// At most N AWS requests in flight at once over every account and region (default 256),
    /// on top of the per-region limits.
    #[arg(long, global = true, value_name = "N", allow_hyphen_values = true,
          value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub max_in_flight: Option<u32>,

    /// Region to scan; repeat for several, or `all` for every default-enabled commercial
    /// region (default: the profile's region).
    #[arg(long = "region", global = true, value_name = "REGION", value_parser = parse_region)]
    pub regions: Vec<String>,

    /// Send every AWS call to this endpoint (LocalStack, moto). AWS_ENDPOINT_URL works too.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// The mutes file to read and to save mutes made with `x` to (default: mutes.toml in the
    /// config directory). Commit it beside the application to share accepted risks.
    #[arg(long, global = true, value_name = "FILE")]
    pub mutes: Option<PathBuf>,

    /// A Prowler mutelist (YAML) to apply: Prowler check names mute the Parapet checks that
    /// name them as anchor; Parapet ids work too.
    #[arg(long, global = true, value_name = "FILE")]
    pub mutelist: Option<PathBuf>,

    /// Poll every area every SECONDS (default: per area, from config.toml); at most a week
    /// (604800), 0 polls each area once.
    #[arg(long, global = true, value_name = "SECONDS", allow_hyphen_values = true,
          value_parser = clap::value_parser!(u64).range(0..=crate::config::MAX_INTERVAL_SECS))]
    pub interval: Option<u64>,

    /// Give up on one attempt of an AWS call after SECONDS (default 30); a call makes at most
    /// 5 attempts. Lower it on flaky links, raise it on very slow ones.
    #[arg(long, global = true, value_name = "SECONDS", allow_hyphen_values = true,
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub call_timeout: Option<u64>,

    /// The share P of every AWS API quota (per account and region) Parapet may use, above 0
    /// and at most 1; the account's own deploys keep the rest. Default: 0.5 for `scan` and
    /// the TUI's first collection and refreshes, 0.25 for the TUI's periodic polls
    /// (`[quota]` in config.toml); given, P for all of them.
    #[arg(long, global = true, value_name = "P", allow_hyphen_values = true,
          value_parser = crate::aws::quotas::parse_share)]
    pub quota_share: Option<f64>,

    /// Stop retrying throttled calls DURATION after the start (e.g. 15m, 90s); their findings
    /// are then `unknown`. Without it a throttled call is paced and sent again until it passes.
    #[arg(long, global = true, value_name = "DURATION", allow_hyphen_values = true,
          value_parser = parse_deadline)]
    pub deadline: Option<Duration>,

    /// The offline OSV database: OSV's exports as DIR/<ecosystem>/all.zip (default: osv/ in
    /// Parapet's data directory, or $PARAPET_DATA_DIR/osv).
    #[arg(long, global = true, value_name = "DIR")]
    pub osv_db: Option<PathBuf>,

    /// Also read what runs inside functions: each Zip package and layer version is downloaded
    /// once (GetFunction, GetLayerVersion), read in memory, and its packages judged against
    /// the OSV database (`[code] enabled` in config.toml). With `parapet policy`: the policy
    /// that allows it.
    #[arg(long, global = true)]
    pub code: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inspect a deployment package (and its layers) before deploying it: the packages it
    /// holds and the OSV advisories that affect them. Exit 3 with --fail-on when one is at
    /// that severity or worse, 2 when something could not be decided (no usable database).
    Inspect {
        /// The function's deployment package (a zip).
        package: PathBuf,
        /// A layer the function uses (a zip); repeat it for several.
        #[arg(long = "layer", value_name = "LAYER.zip")]
        layers: Vec<PathBuf>,
        /// json (every package, every vulnerable one, what was not decided), markdown (a
        /// summary for a pull request or a CI step) or cyclonedx (a CycloneDX 1.6 SBOM).
        #[arg(long, value_enum, value_name = "FMT", default_value_t = InspectFormat::Json)]
        format: InspectFormat,
        /// Write here instead of stdout.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Overwrite an existing output file.
        #[arg(long)]
        force: bool,
        /// Exit 3 when a vulnerable package's advisory has this severity or worse.
        #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
        fail_on: Option<Severity>,
    },
    /// The offline OSV database (--osv-db): what is there and how old it is.
    OsvDb {
        #[command(subcommand)]
        action: OsvDbAction,
    },
    /// Open a snapshot file (from `e`, --export or `parapet scan`) in the TUI; a directory
    /// opens every snapshot in it, merged (the shards of one run).
    Open {
        /// The snapshot JSON file, or a directory of them.
        file: PathBuf,
        /// An earlier snapshot: findings that changed since are marked (+NEW, ▼REG, ✔FIXED,
        /// ▲IMP) in the checklist and the detail views.
        #[arg(long, value_name = "OLD.json")]
        baseline: Option<PathBuf>,
    },
    /// Collect once, write a snapshot, exit 0 (ok), 3 (threshold breached) or 2 (error).
    Scan {
        /// Output format: json (the snapshot `parapet open` reads), ocsf (OCSF 1.5.0 Detection
        /// Findings), asff (Security Hub batches, one per line), csv, markdown (a summary), or,
        /// with --code, cyclonedx (a CycloneDX 1.6 SBOM: each function with the packages of
        /// its package and layers, and their vulnerabilities).
        #[arg(long, value_enum, value_name = "FMT", default_value_t = ScanFormat::Json)]
        format: ScanFormat,
        /// Write the output here instead of stdout.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Overwrite an existing output file.
        #[arg(long)]
        force: bool,
        /// Exit 3 when a failing finding has this severity or worse.
        #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
        fail_on: Option<Severity>,
        /// Exit 3 when the overall score is below SCORE (0-100).
        #[arg(long, value_name = "SCORE", allow_hyphen_values = true,
              value_parser = clap::value_parser!(u32).range(0..=100))]
        fail_under: Option<u32>,
        /// Scan only share I of N of the accounts (I from 0, e.g. a Kubernetes Job's
        /// JOB_COMPLETION_INDEX), for `parapet merge` to combine.
        #[arg(long, value_name = "I/N", allow_hyphen_values = true, value_parser = parse_shard)]
        shard: Option<Shard>,
    },
    /// Combine snapshots of different accounts (the shards of one `scan --shard` run, or
    /// single-account scans) into one organization snapshot.
    Merge {
        /// The snapshots (JSON), or directories of them.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Write the merged snapshot here (stdout when absent).
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Overwrite an existing output file.
        #[arg(long)]
        force: bool,
    },
    /// Write a snapshot file in another format (ocsf, asff, csv, markdown), without scanning
    /// again: one `parapet scan` for the artifact, then a summary or an upload from it.
    Convert {
        /// The snapshot JSON file (from `parapet scan`, `e` or --export).
        file: PathBuf,
        /// The format to write.
        #[arg(long, value_enum, value_name = "FMT")]
        format: OutputFormat,
        /// Write here instead of stdout.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Overwrite an existing output file.
        #[arg(long)]
        force: bool,
    },
    /// Compare two snapshots: new failures, regressions, resolved failures, improvements and
    /// the score delta. Exit 0, or 3 with --fail-on-new when a new failure at that severity
    /// or worse appeared; 2 on errors.
    Diff {
        /// The earlier snapshot (the baseline).
        old: PathBuf,
        /// The later snapshot.
        new: PathBuf,
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// Exit 3 when a finding fails now that did not before (new, or pass → fail) at this
        /// severity or worse.
        #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
        fail_on_new: Option<Severity>,
    },
    /// Print the minimal read-only IAM policy Parapet needs in each account scanned.
    Policy {
        /// Print instead what the base identity of `--accounts … --assume-role ROLE_NAME`
        /// needs: sts:AssumeRole on the role in every account, organizations:ListAccounts.
        #[arg(long)]
        base: bool,
    },
    /// Print the check catalogue (`--format markdown` is the catalogue document,
    /// docs/CHECKS.md).
    Checks {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// With `--format markdown`: only the summary tables (the README's check list).
        #[arg(long, hide = true)]
        summary: bool,
    },
    /// Print version, config paths in use and where snapshots go.
    Info,
    /// Print the default key bindings (Markdown), as the README lists them.
    #[command(hide = true)]
    Keys,
    /// Print the AWS API quotas Parapet paces its requests by (Markdown): each quota bucket,
    /// its documented rate and source, and the calls that draw on it.
    Quotas,
    /// Print a shell completion script, generated from this command line's definition.
    #[command(after_help = "Install (one of):\n  \
        bash:       parapet completions bash > ~/.local/share/bash-completion/completions/parapet\n  \
        zsh:        parapet completions zsh > \"${fpath[1]}/_parapet\"\n  \
        fish:       parapet completions fish > ~/.config/fish/completions/parapet.fish\n  \
        powershell: parapet completions powershell >> $PROFILE")]
    Completions {
        /// The shell: bash, zsh, fish or powershell.
        #[arg(value_enum)]
        shell: CompletionShell,
    },
    /// Print the man page (roff), generated from this command line's definition.
    #[command(after_help = "Read it with: parapet man | man -l -")]
    Man,
}

/// The shells `parapet completions` writes for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

impl CompletionShell {
    pub fn generator(self) -> clap_complete::Shell {
        match self {
            CompletionShell::Bash => clap_complete::Shell::Bash,
            CompletionShell::Zsh => clap_complete::Shell::Zsh,
            CompletionShell::Fish => clap_complete::Shell::Fish,
            CompletionShell::Powershell => clap_complete::Shell::PowerShell,
        }
    }
}

/// The completion script for `shell`, from the CLI definition.
pub fn completions(shell: CompletionShell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(
        shell.generator(),
        &mut <Cli as clap::CommandFactory>::command(),
        "parapet",
        &mut out,
    );
    out
}

/// The man page (roff), from the CLI definition.
pub fn man_page() -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut out)?;
    Ok(out)
}

/// The formats of `parapet diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
    Markdown,
}

/// The formats of `parapet scan --format` and `--export --format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    #[default]
    Json,
    Ocsf,
    Asff,
    Csv,
    Markdown,
}

/// `parapet scan --format`: an output format of the findings, or the code area's SBOM.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    #[default]
    Json,
    Ocsf,
    Asff,
    Csv,
    Markdown,
    Cyclonedx,
}

impl ScanFormat {
    /// The findings' format; `None` for the SBOM.
    pub fn findings(self) -> Option<OutputFormat> {
        match self {
            ScanFormat::Json => Some(OutputFormat::Json),
            ScanFormat::Ocsf => Some(OutputFormat::Ocsf),
            ScanFormat::Asff => Some(OutputFormat::Asff),
            ScanFormat::Csv => Some(OutputFormat::Csv),
            ScanFormat::Markdown => Some(OutputFormat::Markdown),
            ScanFormat::Cyclonedx => None,
        }
    }
}

impl OutputFormat {
    pub fn format(self) -> crate::export::formats::Format {
        use crate::export::formats::Format;
        match self {
            OutputFormat::Json => Format::Json,
            OutputFormat::Ocsf => Format::Ocsf,
            OutputFormat::Asff => Format::Asff,
            OutputFormat::Csv => Format::Csv,
            OutputFormat::Markdown => Format::Markdown,
        }
    }
}

/// `all`, or a region name as AWS spells them (`eu-west-1`, `us-gov-east-1`, `cn-north-1`).
fn parse_region(s: &str) -> Result<String, String> {
    if s == "all" || crate::aws::client::is_region_name(s) {
        Ok(s.to_string())
    } else {
        Err(format!(
            "`{s}` is not an AWS region (like eu-west-1 or us-gov-west-1), nor `all`"
        ))
    }
}

/// A duration as people write one (`15m`, `1h 30m`, `90s`), more than zero.
fn parse_deadline(s: &str) -> Result<Duration, String> {
    match humantime::parse_duration(s.trim()) {
        Ok(d) if !d.is_zero() => Ok(d),
        _ => Err(format!(
            "`{s}` is not a duration (like 15m, 90s or 1h 30m; more than zero)"
        )),
    }
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    s.parse()
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::parse(s)
        .ok_or_else(|| format!("`{s}` is not a severity (critical, high, medium, low)"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InspectFormat {
    Json,
    Markdown,
    /// A CycloneDX 1.6 SBOM with the vulnerabilities found.
    Cyclonedx,
}

#[derive(Debug, Subcommand)]
pub enum OsvDbAction {
    /// Each ecosystem's export: present or not, how many advisories, how old.
    Status,
    /// Download OSV's exports (all seven ecosystems, or those named) and index them; a failed
    /// or damaged download keeps the previous one.
    Update {
        /// Only these ecosystems, as OSV spells them (npm, PyPI, Maven, Go, NuGet, RubyGems,
        /// crates.io); repeat it for several.
        #[arg(long = "ecosystem", value_name = "NAME", value_parser = parse_ecosystem)]
        ecosystems: Vec<crate::domain::osv::Ecosystem>,
        /// A mirror of OSV's exports (URL/<ecosystem>/all.zip); plain http only to a
        /// loopback address.
        #[arg(long, value_name = "URL", default_value = crate::osv_db::OSV_SOURCE)]
        osv_source: String,
    },
}

fn parse_ecosystem(s: &str) -> Result<crate::domain::osv::Ecosystem, String> {
    crate::domain::osv::Ecosystem::parse(s).ok_or_else(|| {
        format!("`{s}` is not an OSV ecosystem Parapet reads (npm, PyPI, Maven, Go, NuGet, RubyGems, crates.io)")
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Markdown,
}

impl Cli {
    /// Where and how to reach AWS, from `--profile`, `--region` and `--endpoint-url` (the
    /// standard chain fills in the rest).
    pub fn aws_options(&self) -> AwsOptions {
        let defaults = AwsOptions::default();
        AwsOptions {
            // Several profiles are several accounts (`accounts_spec`), not one base.
            profile: match self.profiles.as_slice() {
                [one] => Some(one.clone()),
                _ => None,
            },
            in_flight: self
                .max_in_flight
                .map_or(defaults.in_flight.clone(), |n| InFlight::new(n as usize)),
            regions: self.regions.clone(),
            endpoint_url: self.endpoint_url.clone(),
            attempt_timeout: self
                .call_timeout
                .map_or(defaults.attempt_timeout, Duration::from_secs),
            ..defaults
        }
    }

    /// [`Cli::aws_options`] with the quota shares: `--quota-share` for every run, else
    /// config.toml's `[quota]`; and `--deadline` counted from now.
    pub fn aws_options_for(&self, config: &crate::config::Config) -> AwsOptions {
        let quota = match self.quota_share {
            Some(p) => crate::aws::quotas::Shares {
                full: p,
                periodic: p,
            },
            None => crate::aws::quotas::Shares {
                full: config.quota.share,
                periodic: config.quota.periodic_share,
            },
        };
        AwsOptions {
            quota,
            deadline: self.deadline.map(|d| std::time::Instant::now() + d),
            code: (self.code || config.code.enabled).then(|| self.code_options()),
            ..self.aws_options()
        }
    }

    /// The code area's settings: `--osv-db`, the package-list cache, and plain http to code
    /// locations only with `--endpoint-url` (an emulator).
    pub fn code_options(&self) -> crate::aws::code::CodeOptions {
        crate::aws::code::CodeOptions {
            db: crate::osv_db::OsvDb::at(
                self.osv_db
                    .clone()
                    .unwrap_or_else(crate::osv_db::OsvDb::default_dir),
            ),
            cache: Some(crate::osv_db::cache::PackageCache::at(
                crate::osv_db::cache::PackageCache::default_dir(),
            )),
            plain_http: if self.endpoint_url.is_some() {
                crate::osv_db::download::PlainHttp::Anywhere
            } else {
                crate::osv_db::download::PlainHttp::Never
            },
        }
    }

    /// The accounts `--profile` (repeated), `--accounts`, `--assume-role` and
    /// `--external-id` ask for.
    pub fn accounts_spec(&self) -> Result<AccountsSpec, String> {
        AccountsSpec::from_flags(
            &self.profiles,
            self.accounts.as_deref(),
            self.assume_role.as_deref(),
            self.external_id.as_deref(),
        )
    }

    /// The poll intervals: config.toml's, or `--interval` for every area.
    pub fn intervals(&self, configured: &Intervals) -> Intervals {
        match self.interval {
            Some(s) => Intervals {
                functions: s,
                gateways: s,
                throttles: s,
                encryption: s,
                secrets: s,
                triggers: s,
                code: s,
                workflows: s,
                graphql: s,
                users: s,
                logs: s,
            },
            None => configured.clone(),
        }
    }
}

#[cfg(test)]
mod tests;
