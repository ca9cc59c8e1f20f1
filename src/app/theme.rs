//! Themes: semantic tokens (`fail`, `selection`, `score_a`, ...) mapped to styles.
//!
//! Widgets only ever ask for a token, never a raw colour. Built-in themes live in
//! `themes/*.toml` and are embedded; user themes are `*.toml` files in the config dir's
//! `themes/` folder. A theme may name a `parent` and override only some tokens; a token no
//! theme in the chain sets falls back to a related token (`score_f` → `fail`, `header` →
//! `title`, ... → `text`) and finally to the terminal's default. A broken theme file is a
//! warning (file, line, key) and is skipped, never a crash.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::OnceLock;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use crate::config::{self, ConfigError};

macro_rules! tokens {
    ($($variant:ident $name:ident => $fallback:expr, $doc:literal;)*) => {
        /// A semantic style: what something means, not how it looks.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Token { $(#[doc = $doc] $variant),* }

        impl Token {
            pub const ALL: &'static [Token] = &[$(Token::$variant),*];

            /// The key in a theme file.
            pub fn name(self) -> &'static str {
                match self { $(Token::$variant => stringify!($name)),* }
            }

            /// What to use when no theme in the chain sets this token.
            pub fn fallback(self) -> Option<Token> {
                match self { $(Token::$variant => $fallback),* }
            }

            pub fn description(self) -> &'static str {
                match self { $(Token::$variant => $doc),* }
            }
        }

        /// The `[tokens]` table of a theme file; unknown names are errors.
        #[derive(Clone, Debug, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct TokenTable { $($name: Option<StyleSpec>),* }

        impl TokenTable {
            fn get(&self, token: Token) -> Option<&StyleSpec> {
                match token { $(Token::$variant => self.$name.as_ref()),* }
            }
        }
    };
}

tokens! {
    Text text => None, "ordinary text";
    Dim dim => Some(Token::Text), "secondary text: hints, zero counts, timestamps";
    Background background => None, "the whole screen (set a bg to paint it)";
    Border border => Some(Token::Dim), "box borders";
    BorderFocus border_focus => Some(Token::Accent), "the border of the focused pane";
    Title title => Some(Token::Accent), "box titles";
    Header header => Some(Token::Title), "table headers and group rows";
    Accent accent => Some(Token::Text), "brand and emphasis";
    Key key => Some(Token::Accent), "key names in hints and help";
    Selection selection => None, "the selected row (always also marked with ▶)";
    Pass pass => Some(Token::Text), "✔ PASS";
    Fail fail => Some(Token::Text), "✘ FAIL";
    Unknown unknown => Some(Token::Text), "? UNKNOWN";
    Muted muted => Some(Token::Dim), "– MUTED and N/A";
    SeverityCritical severity_critical => Some(Token::Fail), "critical";
    SeverityHigh severity_high => Some(Token::Fail), "high";
    SeverityMedium severity_medium => Some(Token::Unknown), "medium";
    SeverityLow severity_low => Some(Token::Dim), "low";
    ScoreA score_a => Some(Token::Pass), "score grade A";
    ScoreB score_b => Some(Token::Pass), "score grade B";
    ScoreC score_c => Some(Token::Unknown), "score grade C";
    ScoreD score_d => Some(Token::SeverityHigh), "score grade D";
    ScoreF score_f => Some(Token::Fail), "score grade F";
    StatusOk status_ok => Some(Token::Pass), "poll area collected";
    StatusRunning status_running => Some(Token::Accent), "poll area collecting";
    StatusError status_error => Some(Token::Fail), "poll area failed";
    Info info => Some(Token::Accent), "informational messages";
    Warning warning => Some(Token::Unknown), "warnings";
    Error error => Some(Token::Fail), "errors";
}

/// A token's look in a theme file: a colour string (`"#e06c75"`, `"red"`, `"208"`) for the
/// foreground, or a table `{ fg, bg, bold, dim, italic, underlined, reversed }`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StyleSpec {
    pub fg: Option<Color>,
    pub bg: Option<Color>,
    pub modifiers: Modifier,
}

impl StyleSpec {
    pub fn style(&self) -> Style {
        let mut s = Style::default().add_modifier(self.modifiers);
        if let Some(fg) = self.fg {
            s = s.fg(fg);
        }
        if let Some(bg) = self.bg {
            s = s.bg(bg);
        }
        s
    }
}

fn parse_color(s: &str) -> Result<Color, String> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("default") || t.eq_ignore_ascii_case("reset") {
        return Ok(Color::Reset);
    }
    Color::from_str(t).map_err(|_| {
        format!("invalid colour `{s}` (use a name like \"red\", \"#rrggbb\" or an index 0-255)")
    })
}

impl<'de> Deserialize<'de> for StyleSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct SpecVisitor;
        impl<'de> Visitor<'de> for SpecVisitor {
            type Value = StyleSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a colour string or a table { fg, bg, bold, reversed, ... }")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<StyleSpec, E> {
                let fg = parse_color(v).map_err(E::custom)?;
                Ok(StyleSpec {
                    fg: Some(fg),
                    ..StyleSpec::default()
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StyleSpec, A::Error> {
                let mut spec = StyleSpec::default();
                while let Some(key) = map.next_key::<String>()? {
                    let flag = |m: Modifier, on: bool, spec: &mut StyleSpec| {
                        if on {
                            spec.modifiers |= m;
                        }
                    };
                    match key.as_str() {
                        "fg" => {
                            let v: String = map.next_value()?;
                            spec.fg = Some(parse_color(&v).map_err(de::Error::custom)?);
                        }
                        "bg" => {
                            let v: String = map.next_value()?;
                            spec.bg = Some(parse_color(&v).map_err(de::Error::custom)?);
                        }
                        "bold" => flag(Modifier::BOLD, map.next_value()?, &mut spec),
                        "dim" => flag(Modifier::DIM, map.next_value()?, &mut spec),
                        "italic" => flag(Modifier::ITALIC, map.next_value()?, &mut spec),
                        "underlined" => flag(Modifier::UNDERLINED, map.next_value()?, &mut spec),
                        "reversed" => flag(Modifier::REVERSED, map.next_value()?, &mut spec),
                        other => {
                            return Err(de::Error::custom(format!(
                                "unknown style field `{other}` (expected fg, bg, bold, dim, italic, underlined, reversed)"
                            )));
                        }
                    }
                }
                Ok(spec)
            }
        }
        d.deserialize_any(SpecVisitor)
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    /// A theme to inherit unset tokens from.
    parent: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    tokens: TokenTable,
}

/// Where a theme came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    BuiltIn,
    File(PathBuf),
}

#[derive(Clone, Debug)]
struct ThemeSource {
    name: String,
    origin: Origin,
    file: ThemeFile,
}

/// The built-in themes, embedded in the binary.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("mono", include_str!("../../themes/mono.toml")),
    ("colorblind", include_str!("../../themes/colorblind.toml")),
];

/// The theme used when nothing else is asked for or usable.
pub const DEFAULT_THEME: &str = "dark";
/// The colour-free theme for `NO_COLOR` / `--no-color`.
pub const MONO_THEME: &str = "mono";

/// Every theme known to this run: built-ins, then valid user files.
#[derive(Clone, Debug)]
pub struct ThemeSet {
    sources: Vec<ThemeSource>,
}

impl Default for ThemeSet {
    fn default() -> Self {
        ThemeSet::built_in()
    }
}

impl ThemeSet {
    pub fn built_in() -> ThemeSet {
        // Parsed once per process: every ThemeSet (and Theme::default) starts from them.
        static BUILT_IN_SET: OnceLock<ThemeSet> = OnceLock::new();
        BUILT_IN_SET
            .get_or_init(|| {
                let sources = BUILT_IN
                    .iter()
                    .map(|(name, text)| {
                        let path = PathBuf::from(format!("themes/{name}.toml"));
                        let file = config::parse_toml::<ThemeFile>(text, &path)
                            .unwrap_or_else(|e| panic!("built-in theme is invalid: {e}"));
                        ThemeSource {
                            name: (*name).to_string(),
                            origin: Origin::BuiltIn,
                            file,
                        }
                    })
                    .collect();
                ThemeSet { sources }
            })
            .clone()
    }

    /// Built-ins plus user theme files (path, text). Returns warnings for files that cannot
    /// be used, in the files' order; those are skipped. A theme's `parent` may be any other
    /// theme, built in or a file, whatever the names' order; a chain of parents that comes
    /// back to itself is refused for every theme in the loop.
    pub fn with_user_files(files: Vec<(PathBuf, String)>) -> (ThemeSet, Vec<String>) {
        let mut set = ThemeSet::built_in();
        let mut warnings: Vec<(usize, String)> = Vec::new();
        // (file index, line of `parent`) of each user theme added.
        let mut added: Vec<(usize, Option<usize>)> = Vec::new();
        for (n, (path, text)) in files.into_iter().enumerate() {
            match set.add_user_theme(&path, &text) {
                Ok(line) => added.push((n, line)),
                Err(e) => warnings.push((n, format!("theme skipped: {e}"))),
            }
        }
        // Parents, once every file is known: a theme whose parent is missing (or was itself
        // skipped, or leads into a loop) is skipped too, until nothing changes.
        let first_user = set.sources.len() - added.len();
        loop {
            let mut drop = None;
            for (i, (n, line)) in added.iter().enumerate() {
                let source = &set.sources[first_user + i];
                if let Some(problem) = set.parent_problem(&source.name) {
                    drop = Some((
                        i,
                        *n,
                        ConfigError {
                            path: match &source.origin {
                                Origin::File(p) => p.clone(),
                                Origin::BuiltIn => PathBuf::new(),
                            },
                            line: *line,
                            key: Some("parent".into()),
                            message: problem,
                        },
                    ));
                    break;
                }
            }
            let Some((i, n, e)) = drop else { break };
            set.sources.remove(first_user + i);
            added.remove(i);
            warnings.push((n, format!("theme skipped: {e}")));
        }
        warnings.sort_by_key(|(n, _)| *n);
        (set, warnings.into_iter().map(|(_, w)| w).collect())
    }

    /// What is wrong with `name`'s chain of parents: a parent that is not a theme, or a loop.
    fn parent_problem(&self, name: &str) -> Option<String> {
        let mut seen = vec![name.to_string()];
        let mut at = name.to_string();
        loop {
            let source = self.sources.iter().find(|s| s.name == at)?;
            let parent = source.file.parent.as_deref()?;
            if !self.sources.iter().any(|s| s.name == parent) {
                return Some(format!(
                    "unknown parent theme `{parent}` (known: {})",
                    self.names().join(", ")
                ));
            }
            if seen.iter().any(|s| s == parent) {
                seen.push(parent.to_string());
                return Some(format!("themes inherit in a loop: {}", seen.join(" → ")));
            }
            seen.push(parent.to_string());
            at = parent.to_string();
        }
    }

    /// Adds one user theme (its parent is checked later, against every theme); the line of
    /// its `parent` key.
    fn add_user_theme(&mut self, path: &Path, text: &str) -> Result<Option<usize>, ConfigError> {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let err = |line: Option<usize>, key: Option<&str>, message: String| ConfigError {
            path: path.to_path_buf(),
            line,
            key: key.map(str::to_string),
            message,
        };
        if self.sources.iter().any(|s| s.name == name) {
            return Err(err(
                None,
                None,
                format!("`{name}` is already a theme name; rename the file"),
            ));
        }
        let file: ThemeFile = config::parse_toml(text, path)?;
        let line = text
            .lines()
            .position(|l| l.trim_start().starts_with("parent"))
            .map(|i| i + 1);
        if file.parent.as_deref() == Some(name.as_str()) {
            return Err(err(
                line,
                Some("parent"),
                "a theme cannot be its own parent".into(),
            ));
        }
        self.sources.push(ThemeSource {
            name,
            origin: Origin::File(path.to_path_buf()),
            file,
        });
        Ok(line)
    }

    pub fn names(&self) -> Vec<String> {
        self.sources.iter().map(|s| s.name.clone()).collect()
    }

    pub fn origin(&self, name: &str) -> Option<&Origin> {
        self.sources
            .iter()
            .find(|s| s.name == name)
            .map(|s| &s.origin)
    }

    pub fn description(&self, name: &str) -> Option<&str> {
        self.sources
            .iter()
            .find(|s| s.name == name)
            .and_then(|s| s.file.description.as_deref())
    }

    /// The theme after `name` in the cycle order (`t`).
    pub fn next_after(&self, name: &str) -> String {
        let names = self.names();
        let i = names.iter().position(|n| n == name).map_or(0, |i| i + 1);
        names[i % names.len()].clone()
    }

    /// Resolves a theme: its own tokens, then its parents', then token fallbacks.
    pub fn resolve(&self, name: &str) -> Result<Theme, String> {
        let Some(start) = self.sources.iter().position(|s| s.name == name) else {
            return Err(format!(
                "unknown theme `{name}` (available: {})",
                self.names().join(", ")
            ));
        };
        // Parents are validated on load (every one exists, no loops), so the chain is
        // finite; the length guard is belt and braces.
        let mut chain = vec![&self.sources[start]];
        while let Some(parent) = chain.last().and_then(|s| s.file.parent.as_deref()) {
            match self.sources.iter().find(|s| s.name == parent) {
                Some(p) if chain.len() <= self.sources.len() => chain.push(p),
                _ => break,
            }
        }
        let lookup = |t: Token| chain.iter().find_map(|s| s.file.tokens.get(t));
        let styles = Token::ALL
            .iter()
            .map(|&t| {
                let mut cur = Some(t);
                let mut hops = 0;
                while let Some(tok) = cur {
                    if let Some(spec) = lookup(tok) {
                        return spec.style();
                    }
                    cur = tok.fallback();
                    hops += 1;
                    if hops > Token::ALL.len() {
                        break;
                    }
                }
                Style::default()
            })
            .collect();
        Ok(Theme {
            name: name.to_string(),
            styles,
        })
    }
}

/// A resolved theme: one style per token.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub name: String,
    styles: Vec<Style>,
}

impl Default for Theme {
    fn default() -> Self {
        ThemeSet::built_in()
            .resolve(DEFAULT_THEME)
            .expect("the default theme is built in")
    }
}

impl Theme {
    pub fn get(&self, token: Token) -> Style {
        let i = Token::ALL.iter().position(|t| *t == token).unwrap_or(0);
        self.styles.get(i).copied().unwrap_or_default()
    }

    /// Whether any token sets a colour (mono does not).
    pub fn has_colour(&self) -> bool {
        self.styles.iter().any(|s| {
            s.fg.is_some_and(|c| c != Color::Reset) || s.bg.is_some_and(|c| c != Color::Reset)
        })
    }
}

impl std::ops::Index<Token> for Theme {
    type Output = Style;
    fn index(&self, token: Token) -> &Style {
        let i = Token::ALL.iter().position(|t| *t == token).unwrap_or(0);
        &self.styles[i]
    }
}

/// Reads `dir/*.toml` (sorted by name). Unreadable files become warnings. A missing
/// directory is no themes. Called once at start-up, never while drawing.
pub fn read_theme_dir(dir: &Path) -> (Vec<(PathBuf, String)>, Vec<String>) {
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (files, warnings),
        Err(e) => {
            warnings.push(format!("{}: {e}", dir.display()));
            return (files, warnings);
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    for path in paths {
        match crate::config::read_settings(&path) {
            Ok(Some(text)) => files.push((path, text)),
            Ok(None) => {}
            Err(e) => warnings.push(format!("theme skipped: {e}")),
        }
    }
    (files, warnings)
}

#[cfg(test)]
mod tests;
