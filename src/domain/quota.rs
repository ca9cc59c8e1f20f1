//! The share of AWS's API quotas Parapet takes (`--quota-share`, `[quota]` in config.toml):
//! what the scan and the live TUI may use of every quota bucket. The buckets and the pacing
//! are `aws::quotas`.

use std::time::Duration;

/// The share of every bucket a scan takes unless `--quota-share` says otherwise: half, so the
/// account's own deploys keep the other half.
pub const DEFAULT_SHARE: f64 = 0.5;
/// The share the live TUI's periodic polls take.
pub const DEFAULT_PERIODIC_SHARE: f64 = 0.25;

/// The shares of the quotas a run takes: a scan, the TUI's first collection and its
/// refreshes (`r`, `R`) take `full`; the TUI's periodic polls take `periodic`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shares {
    pub full: f64,
    pub periodic: f64,
}

/// Shares are fractions in (0, 1] ([`parse_share`] refuses anything else, NaN included).
impl Eq for Shares {}

impl Default for Shares {
    fn default() -> Self {
        Shares {
            full: DEFAULT_SHARE,
            periodic: DEFAULT_PERIODIC_SHARE,
        }
    }
}

/// A share as the flag and config.toml take it: a fraction in (0, 1].
pub fn parse_share(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(p) if p > 0.0 && p <= 1.0 => Ok(p),
        _ => Err(format!(
            "`{text}` is not a share of the API quotas: a fraction above 0 and at most 1 (e.g. 0.5)"
        )),
    }
}

/// `4m 27s`, `52s`, `1h 03m`.
pub fn duration_text(d: Duration) -> String {
    let secs = d.as_secs_f64().round() as u64;
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m {:02}s", s / 60, s % 60),
        s => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod tests;
