//! The `:` command line: `:theme NAME`, `:region R`, `:account ID`, `:sev LEVEL`,
//! `:export [PATH]`, `:q`.

use std::path::PathBuf;

use crate::domain::finding::Severity;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `None` lists the themes.
    Theme(Option<String>),
    /// `None` shows every region.
    Region(Option<String>),
    /// One account by id or name; `None` shows every account (the Organization overview).
    Account(Option<String>),
    /// `None` shows every severity.
    Severity(Option<Severity>),
    Export(Option<PathBuf>),
    View(View),
    Help,
    Quit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Overview,
    Checklist,
    Resources,
}

/// Commands for the help screen: (usage, description).
pub const COMMANDS: &[(&str, &str)] = &[
    (":theme NAME", "switch theme (no name lists them)"),
    (":region R | all", "show one region only"),
    (
        ":account ID | all",
        "look at one account of an Organization (id or name)",
    ),
    (
        ":sev LEVEL | all",
        "show checks of LEVEL or worse (critical, high, medium, low)",
    ),
    (
        ":export [PATH]",
        "write a JSON snapshot (default: the snapshots dir)",
    ),
    (":overview :checks :resources", "switch view"),
    (":help", "this help"),
    (":q", "quit"),
];

fn all(arg: &str) -> bool {
    matches!(arg, "all" | "*" | "-" | "none" | "off")
}

pub fn parse(line: &str) -> Result<Command, String> {
    let line = line.trim().trim_start_matches(':').trim();
    let (name, arg) = match line.split_once(char::is_whitespace) {
        Some((n, a)) => (n, a.trim()),
        None => (line, ""),
    };
    let arg_opt = (!arg.is_empty()).then(|| arg.to_string());
    match name.to_ascii_lowercase().as_str() {
        "" => Err("empty command (try :help)".into()),
        "q" | "q!" | "quit" | "exit" => Ok(Command::Quit),
        "theme" | "th" => Ok(Command::Theme(arg_opt)),
        "region" | "reg" => Ok(Command::Region(arg_opt.filter(|a| !all(a)))),
        "account" | "acc" => Ok(Command::Account(arg_opt.filter(|a| !all(a)))),
        "sev" | "severity" => {
            if arg.is_empty() || all(arg) {
                return Ok(Command::Severity(None));
            }
            let sev = match arg.to_ascii_lowercase().as_str() {
                "crit" => Some(Severity::Critical),
                "med" => Some(Severity::Medium),
                other => Severity::parse(other),
            };
            sev.map(|s| Command::Severity(Some(s))).ok_or_else(|| {
                format!("unknown severity `{arg}` (critical, high, medium, low, all)")
            })
        }
        "export" | "exp" | "w" => Ok(Command::Export(arg_opt.map(|a| expand_home(&a)))),
        "overview" | "ov" | "home" => Ok(Command::View(View::Overview)),
        "checks" | "checklist" | "cl" => Ok(Command::View(View::Checklist)),
        "resources" | "res" => Ok(Command::View(View::Resources)),
        "help" | "h" | "?" => Ok(Command::Help),
        other => Err(format!("unknown command `:{other}` (try :help)")),
    }
}

/// `~/x` → `$HOME/x`, as a shell would.
fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

#[cfg(test)]
mod tests;
