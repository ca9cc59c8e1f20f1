//! Reading one settings file (config, keys, theme, mutes): its text, capped and refused when
//! it is not a file, and its TOML, each failure a [`ConfigError`] naming the file, line and
//! key. A leaf of the config layer, which `config` and `config::mutes` both use.

use std::path::{Path, PathBuf};

/// A settings file's text, or `None` when it does not exist; capped at
/// [`crate::export::MAX_SETTINGS_BYTES`] and refused when it is not a file (a device, a
/// socket), like every file Parapet reads.
pub fn read_settings(path: &Path) -> Result<Option<String>, ConfigError> {
    use crate::export::{ExportError, ExportErrorKind, MAX_SETTINGS_BYTES, read_text};
    match read_text(path, MAX_SETTINGS_BYTES) {
        Ok(text) => Ok(Some(text)),
        Err(ExportErrorKind::NotFound) => Ok(None),
        Err(e) => Err(ConfigError {
            path: path.to_path_buf(),
            line: None,
            key: None,
            message: ExportError::new(path, e).reason(),
        }),
    }
}

/// A configuration-style file that could not be used: names the file, line and key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub key: Option<String>,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ": key `{key}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Deserializes TOML, turning errors into [`ConfigError`] with line and key. Shared by
/// config, keymap and theme files.
pub fn parse_toml<T: serde::de::DeserializeOwned>(
    text: &str,
    path: &Path,
) -> Result<T, ConfigError> {
    toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        let message = e.message().trim().replace('\n', " ");
        let key = unknown_field(&message).or_else(|| {
            line.and_then(|l| text.lines().nth(l - 1))
                .and_then(|l| l.split_once('='))
                .map(|(k, _)| k.trim().trim_matches('"').to_string())
                .filter(|k| !k.is_empty())
        });
        ConfigError {
            path: path.to_path_buf(),
            line,
            key,
            message,
        }
    })
}

fn unknown_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    rest.split('`').next().map(str::to_string)
}
