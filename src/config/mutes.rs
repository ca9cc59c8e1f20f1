//! The mutes file: `mutes.toml` in the config directory, or the file `--mutes FILE` names
//! (meant to be committed beside the application, so a team shares its accepted risks).
//!
//! ```toml
//! [[mute]]
//! check = "lambda.no-tracing"          # a check id (`parapet checks`)
//! resource = "arn:aws:lambda:…:orders" # optional: a resource id or name; absent = everywhere
//! reason = "tracing is sampled at the gateway"
//! expires = 2027-01-31                 # optional: from this day on the mute stops applying
//! created = 2026-12-02                 # written by Parapet
//! ```
//!
//! Parapet reads it with the same strictness as config.toml (an unknown key, check id or a
//! malformed date is an error naming the line), and writes it itself when `x` saves a mute:
//! atomically, editing the document in place (`toml_edit`), so entries and comments it did
//! not create stay as they were.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::settings::{ConfigError, parse_toml};
use crate::domain::assessment::{Mute, parse_date};
use crate::export::atomic;

/// The file name in the config directory.
pub const FILE_NAME: &str = "mutes.toml";

/// The comment a new mutes file starts with.
const HEADER: &str = "# Parapet's mutes: accepted risks, one [[mute]] each. `x` in Parapet adds and removes\n\
    # entries; entries and comments written by hand stay as they are.\n\n";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileText {
    #[serde(default, rename = "mute")]
    mutes: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    check: String,
    #[serde(default)]
    resource: Option<String>,
    reason: String,
    #[serde(default)]
    expires: Option<DateValue>,
    #[serde(default)]
    created: Option<DateValue>,
}

/// A date written as a TOML date (`2027-01-31`) or a string (`"2027-01-31"`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum DateValue {
    Date(toml::value::Datetime),
    Text(String),
}

impl DateValue {
    fn text(&self) -> String {
        match self {
            DateValue::Date(d) => d.to_string(),
            DateValue::Text(t) => t.trim().to_string(),
        }
    }
}

/// The mutes of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MutesFile {
    pub path: PathBuf,
    pub mutes: Vec<Mute>,
}

impl MutesFile {
    /// Reads `path`; a missing file has no mutes (it is created on the first save).
    pub fn load(path: &Path) -> Result<MutesFile, ConfigError> {
        let (text, _) = read(path)?;
        Self::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<MutesFile, ConfigError> {
        let file: FileText = parse_toml(text, path)?;
        let source = path.display().to_string();
        let mut mutes = Vec::new();
        // Entries in file order; the n-th `[[mute]]` header names its line.
        let headers: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim_start().starts_with("[[mute]]"))
            .map(|(i, _)| i + 1)
            .collect();
        for (n, e) in file.mutes.into_iter().enumerate() {
            let line = headers.get(n).copied();
            if crate::domain::checks::find(&e.check).is_none() {
                return Err(error(
                    path,
                    line,
                    Some("check"),
                    format!("unknown check id `{}` (see `parapet checks`)", e.check),
                ));
            }
            if e.reason.trim().is_empty() {
                return Err(error(
                    path,
                    line,
                    Some("reason"),
                    "a mute needs a reason".into(),
                ));
            }
            for (key, value) in [("expires", &e.expires), ("created", &e.created)] {
                if let Some(v) = value
                    && parse_date(&v.text()).is_none()
                {
                    return Err(error(
                        path,
                        line,
                        Some(key),
                        format!("`{}` is not a date (YYYY-MM-DD)", v.text()),
                    ));
                }
            }
            mutes.push(Mute {
                check_id: e.check,
                resource: e.resource.filter(|r| !r.trim().is_empty()),
                reason: e.reason,
                expires: e.expires.map(|d| d.text()),
                source: Some(source.clone()),
            });
        }
        Ok(MutesFile {
            path: path.to_path_buf(),
            mutes,
        })
    }

    /// Appends `mute` (created `today`) to the file and writes it, keeping everything else.
    pub fn add(&mut self, mut mute: Mute, today: time::Date) -> Result<(), ConfigError> {
        let (mut doc, new_file) = self.document()?;
        let mut table = toml_edit::Table::new();
        if new_file {
            table.decor_mut().set_prefix(HEADER);
        }
        table["check"] = toml_edit::value(mute.check_id.as_str());
        if let Some(r) = &mute.resource {
            table["resource"] = toml_edit::value(r.as_str());
        }
        table["reason"] = toml_edit::value(mute.reason.as_str());
        if let Some(e) = mute.expiry() {
            table["expires"] = toml_edit::value(toml_date(e));
        }
        table["created"] = toml_edit::value(toml_date(today));
        match doc.get_mut("mute") {
            Some(toml_edit::Item::ArrayOfTables(list)) => list.push(table),
            // `mute = [{ check = …, reason = … }, …]`: the new entry joins the list, written
            // the same way.
            Some(toml_edit::Item::Value(toml_edit::Value::Array(list))) => {
                let mut inline = table.into_inline_table();
                inline.fmt();
                list.push(inline);
            }
            Some(_) => {
                return Err(error(
                    &self.path,
                    None,
                    Some("mute"),
                    "`mute` is not a list of [[mute]] tables".into(),
                ));
            }
            None => {
                let mut list = toml_edit::ArrayOfTables::new();
                list.push(table);
                doc.insert("mute", toml_edit::Item::ArrayOfTables(list));
            }
        }
        self.write(&doc)?;
        mute.source = Some(self.path.display().to_string());
        self.mutes.push(mute);
        Ok(())
    }

    /// Removes the first entry for `check_id` on exactly `resource` (`None`: the check-wide
    /// one) and writes the file; `false` when there was none. The entry's own lines go with
    /// it; the comments before it (a file header, a section note) stay, byte for byte.
    pub fn remove(&mut self, check_id: &str, resource: Option<&str>) -> Result<bool, ConfigError> {
        let Some(index) = self
            .mutes
            .iter()
            .position(|m| m.check_id == check_id && m.resource.as_deref() == resource)
        else {
            return Ok(false);
        };
        let (mut doc, _) = self.document()?;
        let mut kept_comments = None;
        let now_empty = match doc.get_mut("mute") {
            Some(toml_edit::Item::ArrayOfTables(list)) if index < list.len() => {
                let removed = list.remove(index);
                kept_comments = comments(removed.decor().prefix());
                if let Some(text) = &kept_comments
                    && let Some(next) = list.get_mut(index)
                {
                    let theirs = next
                        .decor()
                        .prefix()
                        .and_then(|p| p.as_str())
                        .unwrap_or("")
                        .to_string();
                    next.decor_mut().set_prefix(format!("{text}{theirs}"));
                    kept_comments = None;
                }
                list.is_empty()
            }
            Some(toml_edit::Item::Value(toml_edit::Value::Array(list))) if index < list.len() => {
                list.remove(index);
                false
            }
            _ => return Ok(false),
        };
        if now_empty {
            doc.remove("mute");
        }
        if let Some(text) = kept_comments {
            // The last entry's comments now end the file.
            let trailing = doc.trailing().as_str().unwrap_or("").to_string();
            doc.set_trailing(format!("{text}{trailing}"));
        }
        self.write(&doc)?;
        self.mutes.remove(index);
        Ok(true)
    }

    /// The file as an editable document, and whether it does not exist yet (it is then
    /// empty); re-read, so an edit made by hand since loading is kept.
    fn document(&self) -> Result<(toml_edit::DocumentMut, bool), ConfigError> {
        let (text, new_file) = read(&self.path)?;
        // The file must still be valid (and hold the same entries) before it is edited.
        let current = Self::parse(&text, &self.path)?;
        if current.mutes != self.mutes {
            return Err(error(
                &self.path,
                None,
                None,
                "changed on disk since Parapet read it: restart Parapet to pick the changes up"
                    .into(),
            ));
        }
        text.parse::<toml_edit::DocumentMut>()
            .map(|doc| (doc, new_file))
            .map_err(|e| error(&self.path, None, None, e.to_string()))
    }

    /// Written atomically through a symbolic link to its target, keeping the file's mode (a
    /// shared, committed mutes file stays readable by the team).
    fn write(&self, doc: &toml_edit::DocumentMut) -> Result<(), ConfigError> {
        let text = doc.to_string();
        atomic::write_atomic_mode(&self.path, true, atomic::Mode::KeepExisting, |w| {
            w.write_all(text.as_bytes())
                .map_err(crate::export::ExportErrorKind::Io)
        })
        .map_err(|e| error(&self.path, None, None, e.reason()))
    }
}

/// The file's text (empty when it does not exist yet) and whether it is missing; capped and
/// refused when it is not a file, like every file Parapet reads.
fn read(path: &Path) -> Result<(String, bool), ConfigError> {
    match crate::export::read_text(path, crate::export::MAX_SETTINGS_BYTES) {
        Ok(text) => Ok((text, false)),
        Err(crate::export::ExportErrorKind::NotFound) => Ok((String::new(), true)),
        Err(e) => Err(error(
            path,
            None,
            None,
            crate::export::ExportError::new(path, e).reason(),
        )),
    }
}

/// The comment lines of a removed entry's prefix (blank lines alone are not kept).
fn comments(prefix: Option<&toml_edit::RawString>) -> Option<String> {
    let text = prefix.and_then(|p| p.as_str())?;
    text.lines()
        .any(|l| l.trim_start().starts_with('#'))
        .then(|| text.to_string())
}

fn toml_date(d: time::Date) -> toml_edit::Datetime {
    toml_edit::Datetime {
        date: Some(toml_edit::Date {
            year: d.year() as u16,
            month: u8::from(d.month()),
            day: d.day(),
        }),
        time: None,
        offset: None,
    }
}

fn error(path: &Path, line: Option<usize>, key: Option<&str>, message: String) -> ConfigError {
    ConfigError {
        path: path.to_path_buf(),
        line,
        key: key.map(str::to_string),
        message,
    }
}

#[cfg(test)]
mod tests;
