//! Prowler's mutelist (`--mutelist FILE`), applied to Parapet's findings exactly as Prowler
//! decides it (tested against vectors computed by Prowler 5.46.0 itself,
//! `tests/data/prowler_mutelist_vectors.json`):
//!
//! ```yaml
//! Mutelist:
//!   Accounts:
//!     "123456789012":            # or "*"; compared as text
//!       Checks:
//!         awslambda_function_url_public:   # a Prowler check, a Parapet check id, "*" or a regex
//!           Regions: ["eu-west-1"]         # regexes (`*` is `.*`), any may match
//!           Resources: ["orders-api"]      # regexes, searched in the resource's name and ARN
//!           Tags: ["env=dev"]              # optional; every one must match "k=v | k2=v2"
//!           Exceptions: {Accounts: [], Regions: [], Resources: [], Tags: []}
//!           Description: "why"
//! ```
//!
//! Matching is Prowler's: patterns are unanchored regular expressions in which every `*` means
//! `.*`; a check key starting with `lambda` also reads `awslambda…`; the account's own block
//! and the `*` block each may mute; within a block, an entry whose exception covers the finding
//! stops that block. A Prowler check name mutes the Parapet checks that name it as their
//! Prowler anchor; a Parapet id mutes that check.
//!
//! Parapet does not read resource tags, so a finding's tags are empty: an entry with `Tags`
//! mutes nothing, as Prowler decides for an untagged resource (reported once at load).

use regex::Regex;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;
use yaml_rust2::{Yaml, YamlLoader};

use super::checks;
use super::finding::{Finding, MuteMark};

/// A mutelist that could not be used: what and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MutelistError {
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for MutelistError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// One pattern: Prowler's text, and its regex (`None` when Rust's regex cannot express it:
/// it then matches nothing, as a failing `re.search` does in Prowler).
#[derive(Clone, Debug)]
struct Pattern {
    regex: Option<Regex>,
}

impl Pattern {
    fn new(text: &str, bad: &mut Vec<String>) -> Pattern {
        let source = text.replace('*', ".*");
        let regex = match Regex::new(&source) {
            Ok(r) => Some(r),
            Err(_) => {
                bad.push(text.to_string());
                None
            }
        };
        Pattern { regex }
    }

    fn search(&self, text: &str) -> bool {
        self.regex.as_ref().is_some_and(|r| r.is_match(text))
    }
}

/// Prowler's `is_item_matched`: any pattern (all of them for tags) found in `text`; an empty
/// list matches nothing.
fn matched(patterns: &[Pattern], text: &str, all: bool) -> bool {
    if patterns.is_empty() {
        return false;
    }
    if all {
        patterns.iter().all(|p| p.search(text))
    } else {
        patterns.iter().any(|p| p.search(text))
    }
}

#[derive(Clone, Debug, Default)]
struct Exceptions {
    accounts: Vec<Pattern>,
    regions: Vec<Pattern>,
    resources: Vec<Pattern>,
    tags: Vec<Pattern>,
}

impl Exceptions {
    /// Prowler's `is_excepted`: every field given matches (and at least one does).
    fn covers(&self, account: &str, region: &str, resources: &[&str], tags: &str) -> bool {
        let hits = [
            (
                matched(&self.accounts, account, false),
                self.accounts.is_empty(),
            ),
            (
                matched(&self.regions, region, false),
                self.regions.is_empty(),
            ),
            (
                resources.iter().any(|r| matched(&self.resources, r, false)),
                self.resources.is_empty(),
            ),
            (matched(&self.tags, tags, true), self.tags.is_empty()),
        ];
        hits.iter().any(|(hit, _)| *hit) && hits.iter().all(|(hit, absent)| *hit || *absent)
    }
}

#[derive(Clone, Debug)]
struct Entry {
    /// The key as written.
    key: String,
    /// The key after Prowler's `^lambda` → `awslambda` rewrite, matched against Prowler
    /// check names.
    check: String,
    check_pattern: Pattern,
    /// The key as written, matched against Parapet ids (which the rewrite would break:
    /// `lambda.no-vpc`).
    key_pattern: Pattern,
    regions: Vec<Pattern>,
    resources: Vec<Pattern>,
    /// `None`: no Tags (or an empty list), which matches every finding.
    tags: Option<Vec<Pattern>>,
    exceptions: Option<Exceptions>,
    description: Option<String>,
}

/// The names a finding's check answers to.
#[derive(Clone, Copy, Debug)]
struct CheckNames<'a> {
    /// Parapet's id (`None` for Prowler's own vectors).
    id: Option<&'a str>,
    /// The Prowler check name (the check's anchor).
    prowler: Option<&'a str>,
}

impl Entry {
    fn matches_check(&self, names: CheckNames) -> bool {
        let prowler = names
            .prowler
            .is_some_and(|n| self.check == "*" || self.check == n || self.check_pattern.search(n));
        let id = names
            .id
            .is_some_and(|n| self.key == "*" || self.key == n || self.key_pattern.search(n));
        prowler || id
    }
}

#[derive(Clone, Debug)]
struct Block {
    account: String,
    entries: Vec<Entry>,
}

/// A parsed mutelist.
#[derive(Clone, Debug)]
pub struct Mutelist {
    blocks: Vec<Block>,
    /// What the user should know once: check keys that match no Parapet check, patterns the
    /// regex engine cannot express, tag conditions that cannot hold.
    pub warnings: Vec<String>,
    /// Where it was read from (the mute's `source`).
    pub source: String,
}

fn text_of(y: &Yaml) -> Option<String> {
    match y {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

fn err(message: impl Into<String>) -> MutelistError {
    MutelistError {
        line: None,
        message: message.into(),
    }
}

fn list(y: &Yaml, what: &str, bad: &mut Vec<String>) -> Result<Vec<Pattern>, MutelistError> {
    match y {
        Yaml::Array(items) => items
            .iter()
            .map(|i| {
                text_of(i)
                    .map(|t| Pattern::new(&t, bad))
                    .ok_or_else(|| err(format!("{what}: every item must be text")))
            })
            .collect(),
        _ => Err(err(format!("{what} must be a list"))),
    }
}

/// The most YAML nodes a mutelist may have once its aliases are expanded. A hand-written
/// mutelist has hundreds; an alias bomb (`a: &a [x, x]`, `b: &b [*a, *a]`, …) billions.
pub const MAX_NODES: u64 = 100_000;

/// Counts the nodes of a YAML stream with every alias expanded, from the parser's events
/// (which a bomb does not multiply), so the tree is only built when it is small.
#[derive(Default)]
struct NodeCount {
    /// (anchor id, nodes so far) of each open sequence or mapping.
    open: Vec<(usize, u64)>,
    /// The size of each anchored node, by anchor id.
    anchored: std::collections::HashMap<usize, u64>,
    total: u64,
}

impl NodeCount {
    fn add(&mut self, n: u64) {
        self.total = self.total.saturating_add(n);
        if let Some((_, count)) = self.open.last_mut() {
            *count = count.saturating_add(n);
        }
    }
}

impl MarkedEventReceiver for NodeCount {
    fn on_event(&mut self, ev: Event, _: Marker) {
        match ev {
            Event::Scalar(_, _, anchor, _) => {
                if anchor > 0 {
                    self.anchored.insert(anchor, 1);
                }
                self.add(1);
            }
            Event::Alias(id) => {
                let n = self.anchored.get(&id).copied().unwrap_or(1);
                self.add(n);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                self.open.push((anchor, 1));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((anchor, n)) = self.open.pop() {
                    if anchor > 0 {
                        self.anchored.insert(anchor, n);
                    }
                    // The collection itself was not counted when it opened.
                    self.total = self.total.saturating_add(1);
                    if let Some((_, count)) = self.open.last_mut() {
                        *count = count.saturating_add(n);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Refuses a map with a key Prowler's schema does not allow there (`additionalProperties:
/// false` at every level): a misspelt `Acounts` would otherwise mute nothing without a word.
fn only_keys(map: &Yaml, allowed: &[&str], at: &str) -> Result<(), MutelistError> {
    let Some(h) = map.as_hash() else {
        return Ok(());
    };
    for key in h.keys() {
        let k = text_of(key).unwrap_or_else(|| format!("{key:?}"));
        if !allowed.contains(&k.as_str()) {
            return Err(err(format!(
                "{at}: unknown key `{k}` (Prowler's schema allows {})",
                allowed.join(", ")
            )));
        }
    }
    Ok(())
}

impl Mutelist {
    /// Parses Prowler's mutelist YAML (the file with the top-level `Mutelist` key).
    pub fn parse(text: &str, source: &str) -> Result<Mutelist, MutelistError> {
        let mut count = NodeCount::default();
        Parser::new_from_str(text)
            .load(&mut count, true)
            .map_err(|e| MutelistError {
                line: Some(e.marker().line()),
                message: e.info().to_string(),
            })?;
        if count.total > MAX_NODES {
            return Err(err(format!(
                "the YAML expands to more than {MAX_NODES} nodes (aliases repeating anchors): \
                 not a mutelist Parapet reads"
            )));
        }
        let docs = YamlLoader::load_from_str(text).map_err(|e| MutelistError {
            line: Some(e.marker().line()),
            message: e.info().to_string(),
        })?;
        let doc = docs.first().ok_or_else(|| err("the file is empty"))?;
        let root = &doc["Mutelist"];
        if root.is_badvalue() {
            return Err(err(
                "no top-level `Mutelist` key (is this a Prowler mutelist?)",
            ));
        }
        only_keys(root, &["Accounts"], "`Mutelist`")?;
        let accounts = root["Accounts"]
            .as_hash()
            .ok_or_else(|| err("`Mutelist.Accounts` must be a map of account ids (or \"*\")"))?;
        let mut bad = Vec::new();
        let mut warnings = Vec::new();
        let mut blocks = Vec::new();
        for (account, block) in accounts {
            let account = text_of(account).ok_or_else(|| err("an account key must be text"))?;
            only_keys(block, &["Checks"], &format!("account {account}"))?;
            let checks = block["Checks"].as_hash().ok_or_else(|| {
                err(format!(
                    "account {account}: `Checks` must be a map of check names"
                ))
            })?;
            let mut entries = Vec::new();
            for (key, info) in checks {
                let key = text_of(key).ok_or_else(|| err("a check key must be text"))?;
                let at = format!("account {account}, check {key}");
                if info.as_hash().is_none() {
                    return Err(err(format!("{at}: must be a map (Regions, Resources, …)")));
                }
                for field in ["Regions", "Resources"] {
                    if info[field].is_badvalue() {
                        return Err(err(format!("{at}: `{field}` is required")));
                    }
                }
                if let Some(h) = info.as_hash() {
                    for k in h.keys().filter_map(text_of) {
                        if !["Regions", "Resources", "Tags", "Exceptions", "Description"]
                            .contains(&k.as_str())
                        {
                            return Err(err(format!("{at}: unknown field `{k}`")));
                        }
                    }
                }
                let tags = match &info["Tags"] {
                    Yaml::BadValue | Yaml::Null => None,
                    y => Some(list(y, &format!("{at}: Tags"), &mut bad)?).filter(|t| !t.is_empty()),
                };
                let exceptions = match &info["Exceptions"] {
                    Yaml::BadValue | Yaml::Null => None,
                    e => {
                        only_keys(
                            e,
                            &["Accounts", "Regions", "Resources", "Tags"],
                            &format!("{at}: Exceptions"),
                        )?;
                        let field = |name: &str, bad: &mut Vec<String>| match &e[name] {
                            Yaml::BadValue | Yaml::Null => Ok(Vec::new()),
                            y => list(y, &format!("{at}: Exceptions.{name}"), bad),
                        };
                        Some(Exceptions {
                            accounts: field("Accounts", &mut bad)?,
                            regions: field("Regions", &mut bad)?,
                            resources: field("Resources", &mut bad)?,
                            tags: field("Tags", &mut bad)?,
                        })
                    }
                };
                if tags.is_some() {
                    warnings.push(format!(
                        "{at}: Parapet does not read resource tags, so this entry's Tags never match and it mutes nothing (as Prowler for an untagged resource)"
                    ));
                }
                let check = match key.strip_prefix("lambda") {
                    Some(rest) => format!("awslambda{rest}"),
                    None => key.clone(),
                };
                entries.push(Entry {
                    check_pattern: Pattern::new(&check, &mut bad),
                    key_pattern: Pattern::new(&key, &mut bad),
                    check,
                    regions: list(&info["Regions"], &format!("{at}: Regions"), &mut bad)?,
                    resources: list(&info["Resources"], &format!("{at}: Resources"), &mut bad)?,
                    tags,
                    exceptions,
                    description: match &info["Description"] {
                        Yaml::BadValue => None,
                        Yaml::String(d) => Some(d.clone()),
                        _ => return Err(err(format!("{at}: `Description` must be text"))),
                    },
                    key,
                });
            }
            blocks.push(Block { account, entries });
        }
        bad.sort();
        bad.dedup();
        for b in bad {
            warnings.push(format!(
                "the pattern `{b}` is not a regular expression Parapet can read: it matches nothing"
            ));
        }
        let mut list = Mutelist {
            blocks,
            warnings,
            source: source.to_string(),
        };
        for key in list.unknown_checks() {
            list.warnings.push(format!(
                "check `{key}` matches no Parapet check (neither an id nor a Prowler anchor; `parapet checks --format json` lists both)"
            ));
        }
        Ok(list)
    }

    /// Check keys that match no Parapet check id and no Prowler anchor of the catalogue.
    pub fn unknown_checks(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for e in self.blocks.iter().flat_map(|b| &b.entries) {
            let known = checks::catalogue().iter().any(|c| {
                e.matches_check(CheckNames {
                    id: Some(c.id),
                    prowler: c.prowler,
                })
            });
            if !known && !out.contains(&e.key) {
                out.push(e.key.clone());
            }
        }
        out
    }

    /// Prowler's `is_muted` for one finding: the entry that mutes it, if any. `checks` are
    /// the names the finding's check answers to, `resources` the texts its resource is
    /// searched in, `tags` Prowler's `k=v | k2=v2` string.
    fn muting_entry(
        &self,
        account: &str,
        checks: CheckNames,
        region: &str,
        resources: &[&str],
        tags: &str,
    ) -> Option<&Entry> {
        for block in self
            .blocks
            .iter()
            .filter(|b| b.account == account || b.account == "*")
        {
            let mut muting = None;
            for e in &block.entries {
                let check_match = e.matches_check(checks);
                let excepted = e
                    .exceptions
                    .as_ref()
                    .is_some_and(|x| x.covers(account, region, resources, tags));
                if excepted && check_match {
                    break;
                }
                let tags_match = e.tags.as_ref().is_none_or(|t| matched(t, tags, true));
                if check_match
                    && matched(&e.regions, region, false)
                    && resources.iter().any(|r| matched(&e.resources, r, false))
                    && tags_match
                    && muting.is_none()
                {
                    muting = Some(e);
                }
            }
            if muting.is_some() {
                return muting;
            }
        }
        None
    }

    /// Whether Prowler would mute a finding of `check` on `resource` (for the vectors).
    pub fn is_muted(
        &self,
        account: &str,
        check: &str,
        region: &str,
        resource: &str,
        tags: &str,
    ) -> bool {
        let names = CheckNames {
            id: None,
            prowler: Some(check),
        };
        self.muting_entry(account, names, region, &[resource], tags)
            .is_some()
    }

    /// The mute this list puts on a Parapet finding of `account`, if any. The finding answers
    /// to its check id and its check's Prowler anchor; its resource is searched by name and
    /// by ARN; it has no tags.
    pub fn mute_for(&self, account: &str, f: &Finding) -> Option<MuteMark> {
        let names = CheckNames {
            id: Some(&f.check_id),
            prowler: checks::find(&f.check_id).and_then(|c| c.prowler),
        };
        let e = self.muting_entry(
            account,
            names,
            &f.region,
            &[&f.resource_name, &f.resource_id],
            "",
        )?;
        Some(MuteMark {
            reason: e
                .description
                .clone()
                .unwrap_or_else(|| format!("Prowler mutelist entry {}", e.key)),
            expires: None,
            source: Some(self.source.clone()),
        })
    }

    /// Marks the findings this list mutes (a finding already muted keeps its mute).
    /// Mutes what the list mutes; a finding is judged as its own account's (`account` for
    /// one that names none).
    pub fn apply(&self, account: &str, findings: &mut [Finding]) {
        for f in findings.iter_mut().filter(|f| !f.is_muted()) {
            let account = if f.account_id.is_empty() {
                account
            } else {
                f.account_id.as_str()
            };
            if let Some(mark) = self.mute_for(account, f) {
                f.mute = Some(Box::new(mark));
                f.mute_expired = None;
            }
        }
    }
}

#[cfg(test)]
mod tests;
