//! Key bindings as data: one table of {operation, default keys, description, footer hint,
//! scopes} drives dispatch, the footer hints and the `?` help. Users override single
//! operations in `keys.toml` (`quit = "ctrl-q"`, `down = ["j", "down"]`); everything they do
//! not mention keeps its default.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

use crate::config::{self, ConfigError};

/// What a key does. Keys map to operations; `update` gives them meaning per screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    Quit,
    /// `q`: back one screen, quit from the overview.
    Close,
    Back,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    NextPane,
    PrevPane,
    Filter,
    CommandLine,
    Help,
    Refresh,
    RefreshAll,
    Pause,
    FailingOnly,
    Sort,
    Export,
    Copy,
    Mute,
    Theme,
    Suspend,
    /// Jump to the checklist at category N (1-based).
    Category(u8),
}

/// Where a binding applies. `Global` applies on every screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    Global,
    /// The Organization overview (one row per account).
    Organization,
    Overview,
    Checklist,
    CheckDetail,
    Resources,
    ResourceDetail,
    Help,
}

impl Scope {
    /// Every screen's scope (all but `Global`), in the help's order; the last, Help, is the
    /// only one with nothing to open.
    pub const SCREENS: [Scope; 7] = [
        Scope::Organization,
        Scope::Overview,
        Scope::Checklist,
        Scope::CheckDetail,
        Scope::Resources,
        Scope::ResourceDetail,
        Scope::Help,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Scope::Global => "Everywhere",
            Scope::Organization => "Organization",
            Scope::Overview => "Overview",
            Scope::Checklist => "Checklist",
            Scope::CheckDetail => "Check detail",
            Scope::Resources => "Resources",
            Scope::ResourceDetail => "Resource detail",
            Scope::Help => "Help",
        }
    }
}

/// One row of the binding table.
#[derive(Debug)]
pub struct KeyDef {
    pub op: Op,
    /// The name used in keys.toml.
    pub name: &'static str,
    pub keys: &'static [&'static str],
    pub description: &'static str,
    /// Short label for the footer; empty = not shown there.
    pub hint: &'static str,
    pub scopes: &'static [Scope],
    /// Section of the help screen.
    pub group: &'static str,
}

use Scope::*;

const LISTS: &[Scope] = &Scope::SCREENS;
const OPENABLE: &[Scope] = match Scope::SCREENS.split_last() {
    Some((_help, openable)) => openable,
    None => &[],
};
const FILTERABLE: &[Scope] = &[Organization, Checklist, Resources];
const FINDINGS: &[Scope] = &[Checklist, CheckDetail, ResourceDetail];

/// The binding table, in help order.
#[rustfmt::skip]
pub const KEY_DEFS: &[KeyDef] = &[
    KeyDef { op: Op::Up, name: "up", keys: &["k", "up"], description: "move up", hint: "", scopes: LISTS, group: "Moving around" },
    KeyDef { op: Op::Down, name: "down", keys: &["j", "down"], description: "move down", hint: "", scopes: LISTS, group: "Moving around" },
    KeyDef { op: Op::PageUp, name: "page_up", keys: &["pgup", "ctrl-b"], description: "page up", hint: "", scopes: LISTS, group: "Moving around" },
    KeyDef { op: Op::PageDown, name: "page_down", keys: &["pgdown", "ctrl-f", "space"], description: "page down", hint: "", scopes: LISTS, group: "Moving around" },
    KeyDef { op: Op::Top, name: "top", keys: &["g", "home"], description: "go to the top", hint: "", scopes: LISTS, group: "Moving around" },
    KeyDef { op: Op::Bottom, name: "bottom", keys: &["G", "end"], description: "go to the bottom", hint: "", scopes: LISTS, group: "Moving around" },
    KeyDef { op: Op::Open, name: "open", keys: &["enter", "l", "right"], description: "drill in (in a check: to the fix pane)", hint: "open", scopes: OPENABLE, group: "Moving around" },
    KeyDef { op: Op::Back, name: "back", keys: &["esc", "h", "left", "backspace"], description: "back (clears an active filter first)", hint: "back", scopes: &[Global], group: "Moving around" },
    KeyDef { op: Op::Close, name: "close", keys: &["q"], description: "back; quit from the overview", hint: "", scopes: &[Global], group: "Moving around" },
    KeyDef { op: Op::Quit, name: "quit", keys: &["Q", "ctrl-c"], description: "quit", hint: "quit", scopes: &[Global], group: "Everywhere" },
    KeyDef { op: Op::NextPane, name: "next_pane", keys: &["tab"], description: "next view (overview, checklist, resources) or pane", hint: "next", scopes: &[Global], group: "Moving around" },
    KeyDef { op: Op::PrevPane, name: "prev_pane", keys: &["backtab"], description: "previous view or pane", hint: "", scopes: &[Global], group: "Moving around" },
    KeyDef { op: Op::Filter, name: "filter", keys: &["/"], description: "filter (enter keeps it, esc clears it)", hint: "filter", scopes: FILTERABLE, group: "Checklist and resources" },
    KeyDef { op: Op::FailingOnly, name: "failing_only", keys: &["f"], description: "show failing only", hint: "failing", scopes: FILTERABLE, group: "Checklist and resources" },
    KeyDef { op: Op::Sort, name: "sort", keys: &["s"], description: "cycle the sort order", hint: "sort", scopes: FILTERABLE, group: "Checklist and resources" },
    KeyDef { op: Op::Copy, name: "copy", keys: &["c"], description: "copy the CLI fix (OSC 52 clipboard)", hint: "copy fix", scopes: &[CheckDetail, ResourceDetail], group: "Findings" },
    KeyDef { op: Op::Mute, name: "mute", keys: &["x"], description: "mute (or unmute): reason, expiry and scope, saved to the mutes file", hint: "mute", scopes: FINDINGS, group: "Findings" },
    KeyDef { op: Op::CommandLine, name: "command", keys: &[":"], description: "command line (:theme :region :account :sev :export :q)", hint: "cmd", scopes: &[Global], group: "Everywhere" },
    KeyDef { op: Op::Help, name: "help", keys: &["?"], description: "this help", hint: "help", scopes: &[Global], group: "Everywhere" },
    KeyDef { op: Op::Refresh, name: "refresh", keys: &["r"], description: "refresh the selection's poll area", hint: "", scopes: &[Global], group: "Everywhere" },
    KeyDef { op: Op::RefreshAll, name: "refresh_all", keys: &["R"], description: "refresh every poll area", hint: "refresh", scopes: &[Global], group: "Everywhere" },
    KeyDef { op: Op::Pause, name: "pause", keys: &["p"], description: "pause / resume polling", hint: "", scopes: &[Global], group: "Everywhere" },
    KeyDef { op: Op::Export, name: "export", keys: &["e"], description: "export a JSON snapshot", hint: "export", scopes: &[Global], group: "Everywhere" },
    KeyDef { op: Op::Theme, name: "theme", keys: &["t"], description: "next theme", hint: "", scopes: &[Global], group: "Everywhere" },
    KeyDef { op: Op::Suspend, name: "suspend", keys: &["ctrl-z"], description: "suspend to the shell (fg to resume)", hint: "", scopes: &[Global], group: "Everywhere" },
    KeyDef { op: Op::Category(1), name: "category_1", keys: &["1"], description: "jump to category 1-9", hint: "", scopes: &[Global], group: "Moving around" },
    KeyDef { op: Op::Category(2), name: "category_2", keys: &["2"], description: "jump to category 1-9", hint: "", scopes: &[Global], group: "Moving around" },
    KeyDef { op: Op::Category(3), name: "category_3", keys: &["3"], description: "jump to category 1-9", hint: "", scopes: &[Global], group: "Moving around" },
    KeyDef { op: Op::Category(4), name: "category_4", keys: &["4"], description: "jump to category 1-9", hint: "", scopes: &[Global], group: "Moving around" },
    KeyDef { op: Op::Category(5), name: "category_5", keys: &["5"], description: "jump to category 1-9", hint: "", scopes: &[Global], group: "Moving around" },
    KeyDef { op: Op::Category(6), name: "category_6", keys: &["6"], description: "jump to category 1-9", hint: "", scopes: &[Global], group: "Moving around" },
    KeyDef { op: Op::Category(7), name: "category_7", keys: &["7"], description: "jump to category 1-9", hint: "", scopes: &[Global], group: "Moving around" },
    KeyDef { op: Op::Category(8), name: "category_8", keys: &["8"], description: "jump to category 1-9", hint: "", scopes: &[Global], group: "Moving around" },
    KeyDef { op: Op::Category(9), name: "category_9", keys: &["9"], description: "jump to category 1-9", hint: "", scopes: &[Global], group: "Moving around" },
];

/// Global hints in the footer, most useful first (it is cut to the terminal width).
const GLOBAL_HINT_ORDER: &[&str] = &[
    "back",
    "help",
    "command",
    "next_pane",
    "refresh_all",
    "export",
    "quit",
];

/// One key with modifiers, as written in keys.toml: `j`, `G`, `?`, `ctrl-c`, `alt-x`,
/// `enter`, `esc`, `tab`, `backtab`, `space`, `pgup`, `f5`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl KeyChord {
    pub fn parse(s: &str) -> Result<KeyChord, String> {
        let bad = || {
            format!(
                "invalid key `{s}` (examples: \"j\", \"G\", \"ctrl-q\", \"alt-x\", \"enter\", \"esc\", \"pgdown\", \"f5\")"
            )
        };
        if s.chars().count() == 1 {
            let c = s.chars().next().ok_or_else(bad)?;
            return Ok(KeyChord {
                code: KeyCode::Char(c),
                mods: KeyModifiers::NONE,
            });
        }
        let mut mods = KeyModifiers::NONE;
        let mut rest = s;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (prefix, m) = if lower.starts_with("ctrl-") {
                ("ctrl-", KeyModifiers::CONTROL)
            } else if lower.starts_with("alt-") {
                ("alt-", KeyModifiers::ALT)
            } else if lower.starts_with("shift-") {
                ("shift-", KeyModifiers::SHIFT)
            } else {
                break;
            };
            mods |= m;
            rest = &rest[prefix.len()..];
        }
        let code = if rest.chars().count() == 1 {
            let c = rest.chars().next().ok_or_else(bad)?;
            // ctrl-Q and ctrl-q are the same key to a terminal.
            if mods.contains(KeyModifiers::CONTROL) {
                KeyCode::Char(c.to_ascii_lowercase())
            } else {
                KeyCode::Char(c)
            }
        } else {
            match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "insert" | "ins" => KeyCode::Insert,
                "space" => KeyCode::Char(' '),
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pgup" | "pageup" => KeyCode::PageUp,
                "pgdown" | "pagedown" | "pgdn" => KeyCode::PageDown,
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n) if (1..=12).contains(&n) => KeyCode::F(n),
                    _ => return Err(bad()),
                },
                _ => return Err(bad()),
            }
        };
        // shift-tab is what terminals send as backtab.
        if code == KeyCode::Tab && mods.contains(KeyModifiers::SHIFT) {
            return Ok(KeyChord {
                code: KeyCode::BackTab,
                mods: mods - KeyModifiers::SHIFT,
            });
        }
        Ok(KeyChord { code, mods })
    }

    /// Normalizes a terminal event: a shifted character arrives as the upper-case char with
    /// or without SHIFT depending on the terminal, so SHIFT is dropped for characters.
    pub fn from_event(ev: &KeyEvent) -> KeyChord {
        let mut mods =
            ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let mut code = ev.code;
        match code {
            KeyCode::Char(c) => {
                mods -= KeyModifiers::SHIFT;
                if mods.contains(KeyModifiers::CONTROL) {
                    code = KeyCode::Char(c.to_ascii_lowercase());
                }
            }
            KeyCode::BackTab => mods -= KeyModifiers::SHIFT,
            _ => {}
        }
        KeyChord { code, mods }
    }
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Delete => f.write_str("del"),
            KeyCode::Insert => f.write_str("ins"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdn"),
            KeyCode::F(n) => write!(f, "f{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// The active bindings: the table with the user's overrides applied.
#[derive(Clone, Debug)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

#[derive(Clone, Debug)]
struct Binding {
    def: &'static KeyDef,
    keys: Vec<KeyChord>,
    /// Set from keys.toml: wins over a default binding of the same key.
    user: bool,
}

/// A help line: keys, description and where it applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelpRow {
    pub keys: String,
    pub description: &'static str,
    pub scopes: &'static [Scope],
    pub group: &'static str,
}

impl Default for Keymap {
    fn default() -> Self {
        let bindings = KEY_DEFS
            .iter()
            .map(|def| Binding {
                def,
                keys: def
                    .keys
                    .iter()
                    .map(|k| KeyChord::parse(k).expect("default keys parse"))
                    .collect(),
                user: false,
            })
            .collect();
        Keymap { bindings }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum KeySpec {
    One(String),
    Many(Vec<String>),
}

impl Keymap {
    /// Applies keys.toml text over the defaults. Errors name the file, line and key; notes
    /// (e.g. a key now bound twice) come back as warnings.
    pub fn from_toml(text: &str, path: &Path) -> Result<(Keymap, Vec<String>), ConfigError> {
        let table: BTreeMap<String, KeySpec> = config::parse_toml(text, path)?;
        let line_of = |name: &str| {
            text.lines()
                .position(|l| {
                    let l = l.trim_start().trim_start_matches('"');
                    l.strip_prefix(name)
                        .is_some_and(|r| r.trim_start().starts_with(['=', '"']))
                })
                .map(|i| i + 1)
        };
        let err = |name: &str, message: String| ConfigError {
            path: path.to_path_buf(),
            line: line_of(name),
            key: Some(name.to_string()),
            message,
        };
        let mut map = Keymap::default();
        for (name, spec) in table {
            let Some(binding) = map.bindings.iter_mut().find(|b| b.def.name == name) else {
                let known: Vec<&str> = KEY_DEFS.iter().map(|d| d.name).collect();
                return Err(err(
                    &name,
                    format!("unknown action `{name}` (known: {})", known.join(", ")),
                ));
            };
            let list = match spec {
                KeySpec::One(k) => vec![k],
                KeySpec::Many(ks) => ks,
            };
            if list.is_empty() {
                return Err(err(&name, "needs at least one key".into()));
            }
            let keys = list
                .iter()
                .map(|k| KeyChord::parse(k))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|m| err(&name, m))?;
            binding.keys = keys;
            binding.user = true;
        }
        let warnings = map.conflicts(path);
        Ok((map, warnings))
    }

    /// Reads keys.toml; a missing file is the defaults. A broken file falls back to the
    /// defaults and returns the error as a warning, so a typo never locks anyone out.
    pub fn load(path: &Path) -> (Keymap, Vec<String>) {
        match crate::config::read_settings(path) {
            Ok(Some(text)) => match Keymap::from_toml(&text, path) {
                Ok(ok) => ok,
                Err(e) => (Keymap::default(), vec![format!("{e}; using default keys")]),
            },
            Ok(None) => (Keymap::default(), Vec::new()),
            Err(e) => (Keymap::default(), vec![format!("{e}; using default keys")]),
        }
    }

    /// A user-bound key that also has a default meaning in an overlapping scope.
    fn conflicts(&self, path: &Path) -> Vec<String> {
        let mut out = Vec::new();
        for user in self.bindings.iter().filter(|b| b.user) {
            for other in &self.bindings {
                if std::ptr::eq(other.def, user.def) || other.user {
                    continue;
                }
                let overlap = user.def.scopes.iter().any(|s| {
                    *s == Global
                        || other.def.scopes.contains(s)
                        || other.def.scopes.contains(&Global)
                });
                if !overlap {
                    continue;
                }
                for k in user.keys.iter().filter(|k| other.keys.contains(k)) {
                    out.push(format!(
                        "{}: `{k}` now means {} (was {})",
                        path.display(),
                        user.def.name,
                        other.def.name
                    ));
                }
            }
        }
        out
    }

    /// The operation a key means on a screen. User bindings win, then the screen's own
    /// bindings, then global ones.
    pub fn lookup(&self, key: &KeyEvent, scope: Scope) -> Option<Op> {
        let chord = KeyChord::from_event(key);
        let applies =
            |b: &&Binding| b.def.scopes.contains(&scope) || b.def.scopes.contains(&Global);
        let has = |b: &&Binding| b.keys.contains(&chord);
        self.bindings
            .iter()
            .filter(applies)
            .filter(has)
            .find(|b| b.user)
            .or_else(|| {
                self.bindings
                    .iter()
                    .filter(applies)
                    .filter(has)
                    .find(|b| b.def.scopes.contains(&scope))
            })
            .or_else(|| self.bindings.iter().filter(applies).find(has))
            .map(|b| b.def.op)
    }

    pub fn keys_for(&self, op: Op) -> &[KeyChord] {
        self.bindings
            .iter()
            .find(|b| b.def.op == op)
            .map(|b| b.keys.as_slice())
            .unwrap_or(&[])
    }

    /// The first key of an operation, for prompts like "press ? for help".
    pub fn key_label(&self, op: Op) -> String {
        self.keys_for(op)
            .first()
            .map(|k| k.to_string())
            .unwrap_or_else(|| "(unbound)".into())
    }

    /// Footer hints for a screen: (first key, hint), in table order.
    pub fn footer(&self, scope: Scope) -> Vec<(String, &'static str)> {
        let mut out: Vec<(String, &'static str)> = self
            .bindings
            .iter()
            .filter(|b| !b.def.hint.is_empty())
            .filter(|b| b.def.scopes.contains(&scope) && !b.def.scopes.contains(&Global))
            .filter_map(|b| b.keys.first().map(|k| (k.to_string(), b.def.hint)))
            .collect();
        let mut global: Vec<(usize, String, &'static str)> = self
            .bindings
            .iter()
            .filter(|b| !b.def.hint.is_empty() && b.def.scopes.contains(&Global))
            .filter_map(|b| {
                let rank = GLOBAL_HINT_ORDER.iter().position(|n| *n == b.def.name)?;
                b.keys.first().map(|k| (rank, k.to_string(), b.def.hint))
            })
            .collect();
        global.sort_by_key(|(rank, _, _)| *rank);
        out.extend(global.into_iter().map(|(_, k, h)| (k, h)));
        out
    }

    /// Help rows in table order; consecutive rows with the same description (the category
    /// jumps) are merged into one, e.g. `1-9`.
    pub fn help_rows(&self) -> Vec<HelpRow> {
        let mut rows: Vec<(Vec<String>, &'static KeyDef)> = Vec::new();
        for b in &self.bindings {
            let keys: Vec<String> = b.keys.iter().map(|k| k.to_string()).collect();
            match rows.last_mut() {
                Some((ks, def)) if def.description == b.def.description => ks.extend(keys),
                _ => rows.push((keys, b.def)),
            }
        }
        rows.into_iter()
            .map(|(keys, def)| HelpRow {
                keys: join_keys(&keys),
                description: def.description,
                scopes: def.scopes,
                group: def.group,
            })
            .collect()
    }
}

/// `1 2 3 … 9` → `1-9` when the keys are consecutive digits; else `a, b`.
fn join_keys(keys: &[String]) -> String {
    let digits: Vec<u32> = keys
        .iter()
        .filter_map(|k| {
            (k.len() == 1)
                .then(|| k.chars().next()?.to_digit(10))
                .flatten()
        })
        .collect();
    if keys.len() > 2 && digits.len() == keys.len() && digits.windows(2).all(|w| w[1] == w[0] + 1) {
        return format!("{}-{}", digits[0], digits[digits.len() - 1]);
    }
    if keys.is_empty() {
        return "(unbound)".into();
    }
    keys.join(" ")
}

#[cfg(test)]
mod tests;
