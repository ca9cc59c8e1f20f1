//! The whole application state. Changed only by `update`; read by the UI.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::PathBuf;

use time::OffsetDateTime;

use super::command::View;
use super::derive::{self, Derived};
use super::keymap::{Keymap, Scope};
use super::list::ListView;
pub use super::orders::{AccountSort, CheckSort, ResourceSort};
use crate::app::theme::{self, Theme, ThemeSet};
use crate::config::Config;
use crate::config::mutes::MutesFile;
use crate::domain::accounts::Accounts;
use crate::domain::assessment::{self, Assessment, Mute};
use crate::domain::collection::{CollectionState, CollectionStatus};
use crate::domain::diff::{self, Change};
use crate::domain::finding::{Category, Finding, Status};
use crate::domain::inventory::{Area, Inventory};
use crate::domain::snapshot::AccountInfo;

/// Where the data comes from; everything else reads the same
/// [`crate::domain::source::SourceEvent`]s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// The embedded demo account, replayed by the demo source.
    Demo,
    /// A snapshot file opened read-only: nothing polls, nothing refreshes.
    Snapshot {
        path: PathBuf,
        generated_at: OffsetDateTime,
    },
    /// Live AWS polling; `endpoint_url` when calls go to another endpoint (LocalStack, moto).
    Live { endpoint_url: Option<String> },
}

impl SourceKind {
    pub fn polls(&self) -> bool {
        !matches!(self, SourceKind::Snapshot { .. })
    }
}

pub use crate::domain::accounts::AreaStatus;
pub use crate::domain::source::Identity;

/// A screen on the navigation stack. The stack always starts with the overview.
#[derive(Clone, Debug, PartialEq)]
pub enum Screen {
    /// Over several accounts, the first screen: one row per account.
    Organization,
    Overview,
    Checklist,
    Resources,
    CheckDetail(CheckDetail),
    ResourceDetail(ResourceDetail),
    Help {
        scroll: u16,
    },
}

impl Screen {
    pub fn scope(&self) -> Scope {
        match self {
            Screen::Organization => Scope::Organization,
            Screen::Overview => Scope::Overview,
            Screen::Checklist => Scope::Checklist,
            Screen::Resources => Scope::Resources,
            Screen::CheckDetail(_) => Scope::CheckDetail,
            Screen::ResourceDetail(_) => Scope::ResourceDetail,
            Screen::Help { .. } => Scope::Help,
        }
    }

    pub fn title(&self) -> &'static str {
        match self {
            Screen::Organization => "Organization",
            Screen::Overview => "Overview",
            Screen::Checklist => "Checklist",
            Screen::Resources => "Resources",
            Screen::CheckDetail(_) => "Check",
            Screen::ResourceDetail(_) => "Resource",
            Screen::Help { .. } => "Help",
        }
    }
}

/// The focused pane of the check detail screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Resources,
    Fix,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CheckDetail {
    pub check_id: String,
    /// Selected resource id (stable across re-evaluation).
    pub selected: Option<String>,
    pub focus: Pane,
    pub scroll: u16,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ResourceDetail {
    pub resource_id: String,
    /// Selected check id.
    pub selected: Option<String>,
}

/// A one-line text input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineInput {
    pub text: String,
    /// Cursor position in chars.
    pub cursor: usize,
}

impl LineInput {
    pub fn new(text: &str) -> LineInput {
        LineInput {
            text: text.to_string(),
            cursor: text.chars().count(),
        }
    }
}

/// Modal input: while one is open, keys edit it instead of running bindings.
#[derive(Clone, Debug, PartialEq)]
pub enum Prompt {
    /// Edits the filter of the list on screen.
    Filter {
        input: LineInput,
    },
    Command {
        input: LineInput,
    },
    /// The mute dialog of `x`: reason, expiry and scope.
    Mute(MuteDialog),
    ConfirmOverwrite {
        path: PathBuf,
    },
}

/// What the findings are compared with: a baseline snapshot (`parapet open NEW --baseline
/// OLD`), or in live and demo mode the findings when the first full collection finished.
#[derive(Clone, Debug, PartialEq)]
pub struct Baseline {
    /// What it is, for the header: `baseline old.json` or `since 14:02`.
    pub label: String,
    pub findings: Vec<Finding>,
    /// How each finding changed against it (recomputed with the assessment).
    pub changes: BTreeMap<diff::Key, Change>,
    /// Each changed check's summary (`▼REG×1 ✔FIXED×1`), made with `changes` so the
    /// checklist does not count them on every frame.
    by_check: BTreeMap<String, String>,
}

impl Baseline {
    pub fn new(label: String, findings: Vec<Finding>) -> Baseline {
        Baseline {
            label,
            findings,
            changes: BTreeMap::new(),
            by_check: BTreeMap::new(),
        }
    }

    /// Compares `current` with the baseline. A finding muted since is not marked: it shows as
    /// muted already.
    pub fn compare(&mut self, current: &[Finding]) {
        self.changes = diff::markers(&self.findings, current)
            .into_iter()
            .filter(|(_, c)| *c != Change::Muted)
            .collect();
        let mut counts: BTreeMap<&str, BTreeMap<Change, usize>> = BTreeMap::new();
        for ((_, check, _, _), c) in &self.changes {
            *counts.entry(check).or_default().entry(*c).or_default() += 1;
        }
        self.by_check = counts
            .into_iter()
            .map(|(check, by_change)| {
                let text = by_change
                    .iter()
                    .map(|(c, n)| format!("{}×{n}", c.marker()))
                    .collect::<Vec<_>>()
                    .join(" ");
                (check.to_string(), text)
            })
            .collect();
    }

    /// How a finding changed, if it did.
    pub fn change_of(&self, f: &Finding) -> Option<Change> {
        self.changes.get(&diff::key(f)).copied()
    }

    /// One check's changes as text (`+NEW×2 ✔FIXED×1`, in `Change::ALL` order); empty when
    /// it has none.
    pub fn of_check(&self, check_id: &str) -> &str {
        self.by_check.get(check_id).map_or("", String::as_str)
    }
}

/// The fields of the mute dialog, in tab order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MuteField {
    Reason,
    Expires,
    Scope,
}

/// `x`'s dialog: why (required), until when (optional, `YYYY-MM-DD`) and what (this resource,
/// or the check everywhere).
#[derive(Clone, Debug, PartialEq)]
pub struct MuteDialog {
    pub check_id: String,
    /// The finding `x` was pressed on: its resource id and name. `None` on the checklist,
    /// where only the whole check can be muted.
    pub resource: Option<(String, String)>,
    /// Mute the check everywhere (else only `resource`).
    pub everywhere: bool,
    pub reason: LineInput,
    pub expires: LineInput,
    pub field: MuteField,
    /// Why Enter did not save yet (no reason, a bad date), shown in the dialog itself.
    pub problem: Option<String>,
}

impl MuteDialog {
    pub fn new(check_id: String, resource: Option<(String, String)>) -> MuteDialog {
        MuteDialog {
            check_id,
            everywhere: resource.is_none(),
            resource,
            reason: LineInput::default(),
            expires: LineInput::default(),
            field: MuteField::Reason,
            problem: None,
        }
    }

    /// What the mute covers, in words.
    pub fn label(&self) -> String {
        match (&self.resource, self.everywhere) {
            (Some((_, name)), false) => format!("{} on {name}", self.check_id),
            _ => format!("{} everywhere", self.check_id),
        }
    }

    /// Tab order; the scope only when there is a choice.
    pub fn next_field(&mut self, back: bool) {
        let fields: &[MuteField] = if self.resource.is_some() {
            &[MuteField::Reason, MuteField::Expires, MuteField::Scope]
        } else {
            &[MuteField::Reason, MuteField::Expires]
        };
        let i = fields.iter().position(|f| *f == self.field).unwrap_or(0);
        let n = fields.len();
        self.field = fields[if back { (i + n - 1) % n } else { (i + 1) % n }];
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Info,
    Warning,
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub level: Level,
    pub text: String,
    pub at: OffsetDateTime,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Toast {
    pub message: Message,
    pub until: OffsetDateTime,
}

/// A source that cannot run at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fatal {
    pub message: String,
    pub hint: String,
}

/// Feedback from the last frame (list viewport offsets and page heights). Drawing keeps a
/// selection visible the way ratatui's stateful widgets do; `update` reads page sizes.
#[derive(Debug, Default)]
pub struct Viewport {
    pub overview_offset: Cell<usize>,
    pub detail_offset: Cell<usize>,
    pub resource_detail_offset: Cell<usize>,
    /// Rows of the last drawn list (PgUp/PgDn step).
    pub page: Cell<usize>,
    /// Largest useful scroll of the last drawn text pane (fix pane, help).
    pub text_max_scroll: Cell<u16>,
}

/// Start-up inputs that do not come from a source.
#[derive(Clone, Debug)]
pub struct StateOptions {
    pub source: SourceKind,
    pub config: Config,
    pub exports_dir: PathBuf,
    pub keys_file: PathBuf,
    pub themes_dir: PathBuf,
    pub themes: ThemeSet,
    /// Theme asked for (`--theme`, config); `None` is the default.
    pub theme: Option<String>,
    /// NO_COLOR / --no-color: mono, and `t` stays on mono.
    pub no_color: bool,
    pub keymap: Keymap,
    /// Problems found while loading (bad keys.toml, theme files): shown as warnings.
    pub warnings: Vec<String>,
    /// The mutes file (`--mutes`, else mutes.toml in the config dir): read, and where `x`
    /// saves; `None` keeps `x`'s mutes for the session only.
    pub mutes_file: Option<MutesFile>,
    /// `--mutelist`: a Prowler mutelist applied over the mutes.
    pub mutelist: Option<crate::domain::mutelist::Mutelist>,
}

impl Default for StateOptions {
    fn default() -> Self {
        StateOptions {
            source: SourceKind::Demo,
            config: Config::default(),
            exports_dir: PathBuf::from("snapshots"),
            keys_file: PathBuf::from("keys.toml"),
            themes_dir: PathBuf::from("themes"),
            themes: ThemeSet::built_in(),
            theme: None,
            no_color: false,
            keymap: Keymap::default(),
            warnings: Vec::new(),
            mutes_file: None,
            mutelist: None,
        }
    }
}

pub struct State {
    pub source: SourceKind,
    /// Every account looked at (one for a one-account source), fed by
    /// [`Accounts::apply`](crate::domain::accounts::Accounts::apply).
    pub accounts: Accounts,
    /// Who the view shows: the account looked at, or over every account the first one's id
    /// and profile with every account's regions ([`State::show`] keeps it).
    pub identity: Identity,
    /// Snapshot mode: the findings as loaded (mutes are re-applied over them).
    pub base_findings: Option<Vec<Finding>>,
    pub assessment: Assessment,
    pub derived: Derived,
    /// The status strip's (area, region) statuses: the account looked at, or over every
    /// account the worst of each ([`State::show`] keeps it).
    pub collection: BTreeMap<(Area, String), AreaStatus>,
    pub config: Config,
    /// Mutes from config.toml (fixed for the run).
    pub config_mutes: Vec<Mute>,
    /// The mutes file `x` saves to (and its mutes), when there is one.
    pub mutes_file: Option<MutesFile>,
    /// `--mutelist`: a Prowler mutelist applied over the mutes.
    pub mutelist: Option<crate::domain::mutelist::Mutelist>,
    /// Mutes added with `x` when there is no mutes file, or it could not be written (this
    /// session only).
    pub session_mutes: Vec<Mute>,
    /// What changes are marked against (`--baseline`, or the session's start).
    pub baseline: Option<Baseline>,
    pub stack: Vec<Screen>,
    /// Selected category tile on the overview (index into `Category::ALL`).
    pub overview_selected: usize,
    pub checklist: ListView<CheckSort>,
    pub resources: ListView<ResourceSort>,
    /// `:region` view filter.
    pub region: Option<String>,
    /// The account being looked at (Enter on the Organization overview, `:account ID`);
    /// `None` shows every account: the Organization overview and checks across accounts.
    pub account: Option<String>,
    pub organization: ListView<AccountSort>,
    pub themes: ThemeSet,
    pub theme: Theme,
    pub no_color: bool,
    pub keymap: Keymap,
    pub paused: bool,
    pub prompt: Option<Prompt>,
    pub toast: Option<Toast>,
    /// Every message this session (warnings stay readable in the help screen).
    pub log: Vec<Message>,
    pub fatal: Option<Fatal>,
    /// What the live source is still waiting for before it can start (`SourceEvent::Waiting`).
    pub waiting: Option<String>,
    /// The share of the API quotas the live TUI's periodic polls take; `None` for the demo
    /// and snapshots.
    pub quota_share: Option<f64>,
    /// The least time a full collection takes at `quota_share`, from each account's latest
    /// requests (shown in the status strip once every area has reported).
    pub expected_full: Option<std::time::Duration>,
    pub now: OffsetDateTime,
    pub exports_dir: PathBuf,
    pub keys_file: PathBuf,
    pub themes_dir: PathBuf,
    pub viewport: Viewport,
    /// Something visible changed since the last frame.
    pub dirty: bool,
    pub quit: bool,
}

/// How long a toast stays, by level.
pub fn toast_seconds(level: Level) -> i64 {
    match level {
        Level::Info => 4,
        Level::Warning => 10,
        Level::Error => 10,
    }
}

impl State {
    pub fn new(now: OffsetDateTime, opts: StateOptions) -> State {
        let config_mutes = opts.config.mutes();
        let mut warnings = opts.warnings;
        let wanted = if opts.no_color {
            theme::MONO_THEME.to_string()
        } else {
            opts.theme
                .clone()
                .or_else(|| opts.config.theme.clone())
                .unwrap_or_else(|| theme::DEFAULT_THEME.to_string())
        };
        let theme = match opts.themes.resolve(&wanted) {
            Ok(t) => t,
            Err(e) => {
                warnings.push(format!("{e}; using {}", theme::DEFAULT_THEME));
                Theme::default()
            }
        };
        let mut state = State {
            source: opts.source,
            accounts: Accounts::default(),
            identity: Identity::default(),
            base_findings: None,
            assessment: Assessment::from_findings(Vec::new()),
            derived: Derived::default(),
            collection: BTreeMap::new(),
            config: opts.config,
            config_mutes,
            mutes_file: opts.mutes_file,
            mutelist: opts.mutelist,
            baseline: None,
            session_mutes: Vec::new(),
            stack: vec![Screen::Overview],
            overview_selected: 0,
            checklist: ListView::new(CheckSort::Category),
            resources: ListView::new(ResourceSort::Risk),
            region: None,
            account: None,
            organization: ListView::new(AccountSort::Score),
            themes: opts.themes,
            theme,
            no_color: opts.no_color,
            keymap: opts.keymap,
            paused: false,
            prompt: None,
            toast: None,
            log: Vec::new(),
            fatal: None,
            waiting: None,
            quota_share: None,
            expected_full: None,
            now,
            exports_dir: opts.exports_dir,
            keys_file: opts.keys_file,
            themes_dir: opts.themes_dir,
            viewport: Viewport::default(),
            dirty: true,
            quit: false,
        };
        for w in warnings {
            state.notify(Level::Warning, w);
        }
        state
    }

    /// Loads a snapshot's content (open FILE): its accounts (none: the one `identity` names),
    /// collection and findings.
    pub fn load_snapshot(
        &mut self,
        accounts: Vec<AccountInfo>,
        identity: Identity,
        findings: Vec<Finding>,
        collection: Vec<CollectionStatus>,
    ) {
        let accounts = if accounts.is_empty() {
            vec![AccountInfo {
                id: identity.account_id,
                profile: identity.profile,
                regions: identity.regions,
                ..AccountInfo::default()
            }]
        } else {
            accounts
        };
        self.accounts = Accounts::of(accounts);
        let at = match &self.source {
            SourceKind::Snapshot { generated_at, .. } => Some(*generated_at),
            _ => None,
        };
        for c in collection {
            let i = self
                .accounts
                .list
                .iter()
                .position(|a| a.info.id == c.account_id)
                .unwrap_or(0);
            self.accounts.list[i].load_status(c, at);
        }
        self.base_findings = Some(findings);
        self.reset_root();
        self.show();
        self.reassess();
    }

    /// Loads one account's inventory (benchmarks, tests): who it is comes from it.
    pub fn load_inventory(&mut self, inventory: Inventory) {
        let account = &mut self.accounts.list[0];
        account.info.id.clone_from(&inventory.account_id);
        account.info.regions.clone_from(&inventory.regions);
        account.inventory = inventory;
        self.show();
        self.reassess();
    }

    /// The first account's inventory (a one-account view's only one).
    pub fn inventory(&self) -> &Inventory {
        &self.accounts.list[0].inventory
    }

    /// Whether the view holds several accounts (the Organization overview exists).
    pub fn is_organization(&self) -> bool {
        self.accounts.several()
    }

    /// Re-evaluates one account after its inventory changed, then the whole view.
    pub fn reassess_account(&mut self, index: usize) {
        if self.base_findings.is_some() {
            return self.reassess();
        }
        let Some(account) = self.accounts.list.get(index) else {
            return;
        };
        let fresh = account.assess(&self.config.context(self.now), &self.mutes());
        // The other accounts' findings stay where they are: only this one's are replaced.
        let span = self.accounts.span(index);
        if span.end > self.assessment.findings.len() {
            return self.reassess();
        }
        self.accounts.list[index].findings = fresh.len();
        let mut findings = std::mem::take(&mut self.assessment.findings);
        findings.splice(span, fresh);
        self.combine(findings);
    }

    /// Every account's findings as one assessment (mutelist, baseline, rows).
    fn combine(&mut self, findings: Vec<Finding>) {
        self.assessment = Assessment::from_findings(findings)
            .with_mutelist(self.mutelist.as_ref(), &self.identity.account_id);
        if let Some(b) = &mut self.baseline {
            b.compare(&self.assessment.findings);
        }
        self.rederive();
    }

    /// Whether the Organization overview (every account) is on screen.
    pub fn shows_organization(&self) -> bool {
        *self.screen() == Screen::Organization
    }

    /// The key scope of what is on screen.
    pub fn scope(&self) -> Scope {
        self.screen().scope()
    }

    /// Starts on the Organization overview when there are several accounts (and none is
    /// looked at).
    pub fn reset_root(&mut self) {
        if self.accounts.several() && self.account.is_none() {
            self.stack = vec![Screen::Organization];
        }
    }

    /// Looks at one account: its dashboard, exactly as a one-account view.
    pub fn enter_account(&mut self, id: String) {
        self.organization.selected = Some(id.clone());
        self.select_account(Some(id));
        self.stack = vec![Screen::Overview];
        self.overview_selected = 0;
    }

    /// Back from one account to the Organization overview, the cursor on the account left.
    pub fn leave_account(&mut self) {
        let left = self.account.clone();
        self.select_account(None);
        self.stack = vec![Screen::Organization];
        if left.is_some() {
            self.organization.selected = left;
        }
    }

    /// The main view on screen (under any detail screens); `None` on help.
    pub fn current_view(&self) -> Option<View> {
        match self.stack.get(1) {
            None => Some(View::Overview),
            Some(Screen::Checklist) => Some(View::Checklist),
            Some(Screen::Resources) => Some(View::Resources),
            _ => None,
        }
    }

    /// Shows a main view over the first screen (the overview or the Organization).
    pub fn switch_view(&mut self, view: View) {
        self.stack.truncate(1);
        match view {
            View::Overview => {}
            View::Checklist => self.stack.push(Screen::Checklist),
            View::Resources => self.stack.push(Screen::Resources),
        }
    }

    /// Looks at one account (`Some`) or at every account (`None`): rows, score and the status
    /// strip follow.
    pub fn select_account(&mut self, account: Option<String>) {
        self.account = account;
        self.show();
        self.rederive();
    }

    /// The account shown by `id` or by name (case-insensitive).
    pub fn find_account(&self, key: &str) -> Option<&AccountInfo> {
        let infos = || self.accounts.list.iter().map(|a| &a.info);
        infos().find(|a| a.id == key).or_else(|| {
            infos().find(|a| {
                a.name
                    .as_deref()
                    .or(a.profile.as_deref())
                    .is_some_and(|n| n.eq_ignore_ascii_case(key))
            })
        })
    }

    /// Recomputes what the header and the status strip show from the accounts: the account
    /// looked at, or over every account the first one's name with every account's regions,
    /// and the worst status of each (area, region).
    pub fn show(&mut self) {
        let list = &self.accounts.list;
        let looked_at = self
            .account
            .as_ref()
            .and_then(|id| list.iter().find(|a| a.info.id == *id));
        let Some(shown) = looked_at.or(list.first()) else {
            return;
        };
        let mut identity = shown.identity();
        if looked_at.is_none() {
            for r in list.iter().flat_map(|a| &a.info.regions) {
                if !identity.regions.contains(r) {
                    identity.regions.push(r.clone());
                }
            }
        }
        self.identity = identity;
        let rank = |s: CollectionState| match s {
            CollectionState::Failed => 0,
            CollectionState::Partial => 1,
            CollectionState::Running => 2,
            CollectionState::Pending => 3,
            CollectionState::Ok => 4,
        };
        self.collection.clear();
        // Over every account, the accounts that could not be scanned at all are left out:
        // the overview names them, and their failure would hide every other account's.
        let shown = list.iter().filter(|a| match looked_at {
            Some(one) => std::ptr::eq(*a, one),
            None => a.info.error.is_none(),
        });
        for (key, s) in shown.flat_map(|a| &a.collection) {
            let worse = self
                .collection
                .get(key)
                .is_none_or(|c| rank(s.status.status) < rank(c.status.status));
            if worse {
                self.collection.insert(key.clone(), s.clone());
            }
        }
        self.dirty = true;
    }

    pub fn screen(&self) -> &Screen {
        self.stack.last().unwrap_or(&Screen::Overview)
    }

    pub fn screen_mut(&mut self) -> &mut Screen {
        if self.stack.is_empty() {
            self.stack.push(Screen::Overview);
        }
        let n = self.stack.len();
        &mut self.stack[n - 1]
    }

    pub fn mutes(&self) -> Vec<Mute> {
        let file = self.mutes_file.iter().flat_map(|f| &f.mutes);
        self.config_mutes
            .iter()
            .chain(file)
            .chain(&self.session_mutes)
            .cloned()
            .collect()
    }

    /// Re-evaluates after the inventory, mutes, clock or region changed.
    pub fn reassess(&mut self) {
        let mutes = self.mutes();
        let findings = match &self.base_findings {
            Some(base) => {
                let mut findings = base.clone();
                assessment::apply_mutes(&mut findings, &mutes, self.now.date());
                findings
            }
            None => {
                let ctx = self.config.context(self.now);
                let mut findings = Vec::new();
                for a in &mut self.accounts.list {
                    let own = a.assess(&ctx, &mutes);
                    a.findings = own.len();
                    findings.extend(own);
                }
                findings
            }
        };
        self.combine(findings);
    }

    /// Recomputes the rows after the assessment or the region filter changed.
    pub fn rederive(&mut self) {
        self.derived = derive::derive_in(
            &self.assessment.findings,
            self.region.as_deref(),
            self.account.as_deref(),
        );
        // The Organization overview's rows: a second pass over every finding, only when that
        // screen exists.
        if self.accounts.several() {
            self.derived.accounts = derive::account_rows(
                &self.assessment.findings,
                self.region.as_deref(),
                &self.accounts.list,
            );
        }
        self.dirty = true;
    }

    pub fn notify(&mut self, level: Level, text: impl Into<String>) {
        let message = Message {
            level,
            text: text.into(),
            at: self.now,
        };
        self.toast = Some(Toast {
            message: message.clone(),
            until: self.now + time::Duration::seconds(toast_seconds(level)),
        });
        self.log.push(message);
        if self.log.len() > 100 {
            self.log.remove(0);
        }
        self.dirty = true;
    }

    pub fn finding(&self, index: usize) -> Option<&Finding> {
        self.assessment.findings.get(index)
    }

    pub fn check_row(&self, id: &str) -> Option<&derive::CheckRow> {
        self.derived.checks.iter().find(|c| c.id == id)
    }

    pub fn resource_row(&self, id: &str) -> Option<&derive::ResourceRow> {
        self.derived.resources.iter().find(|r| r.id == id)
    }

    /// The findings of `indices` that apply (not-applicable ones are counted, not listed),
    /// and the cursor: the one whose `key` is `selected` (else the first).
    fn applicable(
        &self,
        indices: Option<&[usize]>,
        selected: Option<&String>,
        key: impl Fn(&Finding) -> &str,
    ) -> (Vec<usize>, usize) {
        let findings = &self.assessment.findings;
        let list: Vec<usize> = indices
            .unwrap_or_default()
            .iter()
            .copied()
            .filter(|&i| findings[i].shown() != Status::NotApplicable)
            .collect();
        let cursor = selected
            .and_then(|s| list.iter().position(|&i| key(&findings[i]) == s))
            .unwrap_or(0);
        (list, cursor)
    }

    /// Findings listed on a check's detail screen, and the cursor among them.
    pub fn detail_findings(&self, d: &CheckDetail) -> (Vec<usize>, usize) {
        let row = self.check_row(&d.check_id);
        let indices = row.map(|c| c.findings.as_slice());
        self.applicable(indices, d.selected.as_ref(), |f| &f.resource_id)
    }

    /// Findings listed on a resource's detail screen, and the cursor among them.
    pub fn resource_findings(&self, d: &ResourceDetail) -> (Vec<usize>, usize) {
        let row = self.resource_row(&d.resource_id);
        let indices = row.map(|r| r.findings.as_slice());
        self.applicable(indices, d.selected.as_ref(), |f| &f.check_id)
    }

    /// The finding under the cursor on a detail screen, if any.
    pub fn selected_finding(&self) -> Option<&Finding> {
        match self.screen() {
            Screen::CheckDetail(d) => {
                let (list, cur) = self.detail_findings(d);
                list.get(cur).and_then(|&i| self.finding(i))
            }
            Screen::ResourceDetail(d) => {
                let (list, cur) = self.resource_findings(d);
                list.get(cur).and_then(|&i| self.finding(i))
            }
            _ => None,
        }
    }

    /// Categories in UI order.
    pub fn category_at(&self, index: usize) -> Category {
        Category::ALL[index.min(Category::ALL.len() - 1)]
    }

    /// Regions known from the identity and the findings.
    pub fn known_regions(&self) -> Vec<String> {
        let mut regions = self.identity.regions.clone();
        for f in &self.assessment.findings {
            if !regions.iter().any(|r| *r == f.region) && !f.region.is_empty() {
                regions.push(f.region.to_string());
            }
        }
        regions
    }

    /// The poll areas the source collects: every area, but the opt-in code area only in the
    /// demo (which always shows it) or when asked for (`--code`, `[code] enabled`).
    pub fn areas(&self) -> Vec<Area> {
        let code = matches!(self.source, SourceKind::Demo) || self.config.code.enabled;
        Area::ALL
            .into_iter()
            .filter(|a| !a.opt_in() || code)
            .collect()
    }

    /// Whether an area has not delivered anything yet (its checks are still loading). A
    /// source that cannot run loads nothing.
    /// In live and demo mode, once every area of every region has been collected the first
    /// time: the findings then become the baseline later changes are marked against.
    pub fn start_session_baseline(&mut self) {
        if self.baseline.is_some() || !self.source.polls() {
            return;
        }
        let mut scanned = self
            .accounts
            .list
            .iter()
            .filter(|a| a.info.error.is_none())
            .peekable();
        let areas = self.areas();
        let done = scanned.peek().is_some() && scanned.all(|a| a.collected_once(&areas));
        if done {
            let at = self
                .now
                .format(&time::macros::format_description!("[hour]:[minute] UTC"))
                .unwrap_or_default();
            self.baseline = Some(Baseline::new(
                format!("since {at}"),
                self.assessment.findings.clone(),
            ));
        }
    }

    /// Sets the snapshot findings are compared with (`parapet open --baseline`).
    pub fn set_baseline(&mut self, label: String, findings: Vec<Finding>) {
        self.baseline = Some(Baseline::new(label, findings));
        self.reassess();
    }

    /// The marker of a finding's change against the baseline, if it changed.
    pub fn change_marker(&self, f: &Finding) -> Option<Change> {
        self.baseline.as_ref().and_then(|b| b.change_of(f))
    }

    /// A check's changes against the baseline, as text (`+NEW×2 ✔FIXED×1`); empty when none.
    pub fn check_changes(&self, check_id: &str) -> &str {
        self.baseline.as_ref().map_or("", |b| b.of_check(check_id))
    }

    pub fn area_pending(&self, area: Area) -> bool {
        self.source.polls()
            && self.fatal.is_none()
            && !self
                .collection
                .iter()
                .any(|((a, _), s)| *a == area && s.status.status.is_done())
    }

    /// The statuses the status strip shows, in (area, region) order.
    pub fn collection_statuses(&self) -> Vec<CollectionStatus> {
        self.collection.values().map(|a| a.status.clone()).collect()
    }

    /// Every account's statuses, account by account (what a snapshot records).
    pub fn every_collection_status(&self) -> Vec<CollectionStatus> {
        let list = &self.accounts.list;
        list.iter().flat_map(|a| a.statuses().cloned()).collect()
    }
}
