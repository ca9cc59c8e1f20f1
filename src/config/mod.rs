//! Where Parapet keeps its files and what `config.toml` may say.
//!
//! Directory: `$PARAPET_CONFIG_DIR`, else `$XDG_CONFIG_HOME/parapet` (honoured on every
//! platform, macOS included), else the platform config dir from `directories`.
//! Files: `config.toml` (settings, mutes), `mutes.toml` (the mutes `x` saves, see
//! [`mutes`]), `keys.toml` (key overrides), `themes/*.toml`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::domain::assessment::Mute;
use crate::domain::catalogue::Context;

pub mod mutes;
mod settings;

pub use settings::{ConfigError, parse_toml, read_settings};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigPaths {
    pub dir: PathBuf,
    pub config_file: PathBuf,
    pub keys_file: PathBuf,
    pub themes_dir: PathBuf,
    /// Where `e` writes snapshots when no path is given.
    pub exports_dir: PathBuf,
    /// The mutes file `x` saves to, unless `--mutes FILE` names another.
    pub mutes_file: PathBuf,
}

impl ConfigPaths {
    /// Resolves from the process environment.
    pub fn resolve() -> ConfigPaths {
        Self::resolve_with(|k| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
    }

    /// Resolves with an injectable environment, for tests.
    pub fn resolve_with(env: impl Fn(&str) -> Option<PathBuf>) -> ConfigPaths {
        let dir = env("PARAPET_CONFIG_DIR")
            .or_else(|| env("XDG_CONFIG_HOME").map(|x| x.join("parapet")))
            .or_else(|| {
                directories::ProjectDirs::from("", "", "parapet")
                    .map(|p| p.config_dir().to_path_buf())
            })
            .unwrap_or_else(|| PathBuf::from(".parapet"));
        Self::in_dir(dir)
    }

    pub fn in_dir(dir: PathBuf) -> ConfigPaths {
        ConfigPaths {
            config_file: dir.join("config.toml"),
            keys_file: dir.join("keys.toml"),
            themes_dir: dir.join("themes"),
            exports_dir: dir.join("snapshots"),
            mutes_file: dir.join(mutes::FILE_NAME),
            dir,
        }
    }
}

/// `config.toml`. Unknown keys are errors, so a typo is reported, not ignored.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Theme name: built-in (dark, light, mono, colorblind) or a file in themes/.
    pub theme: Option<String>,
    /// Accounts trusted for cross-account invoke, layers and secret access.
    pub trusted_accounts: Vec<String>,
    pub max_secret_age_days: i64,
    pub unused_secret_days: i64,
    /// Poll intervals per area, in seconds.
    pub intervals: Intervals,
    /// The share of the AWS API quotas Parapet takes.
    pub quota: Quota,
    /// What runs inside functions (`--code`).
    pub code: CodeSettings,
    #[serde(rename = "mute")]
    pub mutes: Vec<MuteEntry>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Intervals {
    pub functions: u64,
    pub gateways: u64,
    pub throttles: u64,
    pub encryption: u64,
    pub secrets: u64,
    pub triggers: u64,
    pub code: u64,
    pub workflows: u64,
    pub graphql: u64,
    pub users: u64,
    pub logs: u64,
}

/// `[code]`: the opt-in code area.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CodeSettings {
    /// Read functions' deployment packages and layers, as `--code` does.
    pub enabled: bool,
}

impl Default for Intervals {
    fn default() -> Self {
        Intervals {
            functions: 300,
            gateways: 300,
            throttles: 600,
            encryption: 900,
            secrets: 300,
            triggers: 300,
            // A package is downloaded once per CodeSha256; a re-poll reads only the new ones.
            code: 900,
            workflows: 300,
            graphql: 300,
            users: 300,
            // Retention settings change rarely.
            logs: 900,
        }
    }
}

/// The longest poll interval, in seconds (a week); 0 polls an area once, at start.
pub const MAX_INTERVAL_SECS: u64 = 7 * 24 * 3600;

/// The range of the day counts (`max_secret_age_days`, `unused_secret_days`): a day to a
/// hundred years.
pub const DAYS: std::ops::RangeInclusive<i64> = 1..=36_500;

impl Intervals {
    /// Each area with its interval, in `Area::ALL` order.
    pub fn each(&self) -> [(&'static str, u64); 11] {
        [
            ("functions", self.functions),
            ("gateways", self.gateways),
            ("throttles", self.throttles),
            ("encryption", self.encryption),
            ("secrets", self.secrets),
            ("triggers", self.triggers),
            ("code", self.code),
            ("workflows", self.workflows),
            ("graphql", self.graphql),
            ("users", self.users),
            ("logs", self.logs),
        ]
    }

    pub fn get(&self, area: crate::domain::inventory::Area) -> Duration {
        use crate::domain::inventory::Area::*;
        Duration::from_secs(match area {
            Functions => self.functions,
            Gateways => self.gateways,
            Throttles => self.throttles,
            Encryption => self.encryption,
            Secrets => self.secrets,
            Triggers => self.triggers,
            Code => self.code,
            Workflows => self.workflows,
            Graphql => self.graphql,
            Users => self.users,
            Logs => self.logs,
        })
    }
}

/// `[quota]`: the share of every AWS API quota bucket Parapet may use, above 0 and at most 1.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Quota {
    /// `parapet scan`, the TUI's first collection and its refreshes (`r`, `R`).
    pub share: f64,
    /// The TUI's periodic polls.
    pub periodic_share: f64,
}

impl Default for Quota {
    fn default() -> Self {
        Quota {
            share: crate::domain::quota::DEFAULT_SHARE,
            periodic_share: crate::domain::quota::DEFAULT_PERIODIC_SHARE,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MuteEntry {
    pub check: String,
    #[serde(default)]
    pub resource: Option<String>,
    pub reason: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            theme: None,
            trusted_accounts: Vec::new(),
            max_secret_age_days: 90,
            unused_secret_days: 90,
            intervals: Intervals::default(),
            quota: Quota::default(),
            code: CodeSettings::default(),
            mutes: Vec::new(),
        }
    }
}

impl Config {
    /// Loads `path`; a missing file is the default configuration.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        match read_settings(path)? {
            Some(text) => Config::parse(&text, path),
            None => Ok(Config::default()),
        }
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let config: Config = parse_toml(text, path)?;
        for (n, account) in config.trusted_accounts.iter().enumerate() {
            if crate::domain::arn::account_of(account).as_deref() != Some(account.as_str()) {
                return Err(ConfigError {
                    path: path.to_path_buf(),
                    line: line_of_key(text, "trusted_accounts"),
                    key: Some(format!("trusted_accounts[{n}]")),
                    message: format!("`{account}` is not a 12-digit AWS account id"),
                });
            }
        }
        let error = |key: &str, message: String| ConfigError {
            path: path.to_path_buf(),
            line: line_of_key(text, key),
            key: Some(key.to_string()),
            message,
        };
        for (key, days) in [
            ("max_secret_age_days", config.max_secret_age_days),
            ("unused_secret_days", config.unused_secret_days),
        ] {
            if !DAYS.contains(&days) {
                return Err(error(
                    key,
                    format!(
                        "{days} is not a number of days from {} to {}",
                        DAYS.start(),
                        DAYS.end()
                    ),
                ));
            }
        }
        for (key, share) in [
            ("share", config.quota.share),
            ("periodic_share", config.quota.periodic_share),
        ] {
            if crate::domain::quota::parse_share(&share.to_string()).is_err() {
                return Err(ConfigError {
                    path: path.to_path_buf(),
                    line: line_of_key(text, key),
                    key: Some(format!("quota.{key}")),
                    message: format!(
                        "{share} is not a share of the API quotas: a fraction above 0 and at \
                         most 1 (e.g. 0.5)"
                    ),
                });
            }
        }
        for (area, secs) in config.intervals.each() {
            if secs > MAX_INTERVAL_SECS {
                return Err(error(
                    area,
                    format!(
                        "{secs} seconds is longer than a week ({MAX_INTERVAL_SECS}); 0 polls \
                         the area once"
                    ),
                ));
            }
        }
        for (n, m) in config.mutes.iter().enumerate() {
            if m.reason.trim().is_empty() {
                return Err(ConfigError {
                    path: path.to_path_buf(),
                    line: text
                        .lines()
                        .enumerate()
                        .filter(|(_, l)| l.trim_start().starts_with("[[mute]]"))
                        .nth(n)
                        .map(|(i, _)| i + 1),
                    key: Some("mute.reason".into()),
                    message: "a mute needs a reason".into(),
                });
            }
            if crate::domain::checks::find(&m.check).is_none() {
                return Err(ConfigError {
                    path: path.to_path_buf(),
                    line: text
                        .lines()
                        .position(|l| l.contains(&format!("\"{}\"", m.check)))
                        .map(|i| i + 1),
                    key: Some("mute.check".into()),
                    message: format!("unknown check id `{}` (see `parapet checks`)", m.check),
                });
            }
        }
        Ok(config)
    }

    pub fn context(&self, now: time::OffsetDateTime) -> Context {
        let mut ctx = Context::new(now);
        ctx.trusted_accounts = self.trusted_accounts.clone();
        ctx.max_secret_age_days = self.max_secret_age_days;
        ctx.unused_secret_days = self.unused_secret_days;
        ctx
    }

    pub fn mutes(&self) -> Vec<Mute> {
        self.mutes
            .iter()
            .map(|m| Mute {
                check_id: m.check.clone(),
                resource: m.resource.clone(),
                reason: m.reason.clone(),
                expires: None,
                source: Some("config.toml".into()),
            })
            .collect()
    }
}

fn line_of_key(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| l.trim_start().starts_with(key))
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests;
