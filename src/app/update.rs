//! `update(&mut State, Action) -> Vec<Effect>`: every state change happens here, with no
//! terminal and no I/O, so all of it is unit-testable.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::{Action, Effect, ExportFailure};
use super::command::{self, Command, View};
use super::derive;
use super::keymap::Op;
use super::screens::checklist::{self, Checklist};
use super::screens::list::ListScreen;
use super::screens::resources::Resources;
use super::screens::{self};
use super::state::{Level, LineInput, MuteDialog, MuteField, Prompt, Screen, State};
use crate::app::theme;
use crate::domain::accounts::Applied;
use crate::domain::assessment::Mute;
use crate::domain::finding::Status;
use crate::domain::inventory::Area;
use crate::domain::snapshot;
use crate::domain::source::{SourceCommand, SourceEvent};

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let mut fx = Vec::new();
    match action {
        Action::Key(key) => on_key(state, key, &mut fx),
        Action::Op(op) => on_op(state, op, &mut fx),
        Action::Paste(text) => {
            if let Some(input) = prompt_input(state) {
                for c in text.chars().filter(|c| !c.is_control()) {
                    insert(input, c);
                }
                after_prompt_edit(state);
            }
        }
        Action::Tick(now) => on_tick(state, now),
        Action::Redraw => state.dirty = true,
        Action::Source(event) => on_source(state, event),
        Action::ExportFinished { path, result } => match result {
            Ok(()) => state.notify(Level::Info, format!("exported {}", path.display())),
            Err(ExportFailure::AlreadyExists) => {
                state.prompt = Some(Prompt::ConfirmOverwrite { path });
                state.dirty = true;
            }
            Err(ExportFailure::Other(e)) => {
                state.notify(Level::Error, format!("export failed: {e}"))
            }
        },
        Action::Notify(level, text) => state.notify(level, text),
    }
    if fx.contains(&Effect::Quit) {
        state.quit = true;
    }
    fx
}

// ───────────────────────────── clock and sources ─────────────────────────────

fn on_tick(state: &mut State, now: time::OffsetDateTime) {
    let before = state.now;
    state.now = now;
    if state.toast.as_ref().is_some_and(|t| t.until <= now) {
        state.toast = None;
        state.dirty = true;
    }
    // Relative times ("12s ago") change each second; a snapshot's do not move.
    let ticking = state.source.polls() && !state.collection.is_empty();
    if ticking && now.unix_timestamp() != before.unix_timestamp() {
        state.dirty = true;
    }
}

/// The least time a full collection takes at the periodic polls' share, once every area has
/// reported in every region of every account (accounts are collected side by side, each
/// under its own quotas: the slowest sets it).
fn note_requests(state: &mut State) {
    let Some(share) = state.quota_share else {
        return;
    };
    let mut slowest = None;
    let areas = state.areas().len();
    for a in &state.accounts.list {
        let regions = a.info.regions.len().max(1);
        if a.requests.len() < areas * regions {
            return;
        }
        let mut total: BTreeMap<(String, String), u64> = BTreeMap::new();
        for ((_, region), per) in &a.requests {
            for (bucket, n) in per {
                *total.entry((region.clone(), bucket.clone())).or_default() += n;
            }
        }
        let floor = crate::aws::quotas::floor_of(&total, share).map(|(d, _)| d);
        slowest = slowest.max(floor);
    }
    state.expected_full = slowest;
}

/// A source's event, folded into the accounts by the domain; then what it changed is
/// re-evaluated and said.
fn on_source(state: &mut State, event: SourceEvent) {
    state.dirty = true;
    let label = |state: &State, i: usize| {
        let a = &state.accounts.list[i];
        a.info.name.clone().unwrap_or_else(|| a.key.clone())
    };
    match state.accounts.apply(event, state.now) {
        Applied::Nothing => {}
        Applied::Identified => {
            state.waiting = None;
            state.show();
            state.rederive();
        }
        Applied::Shown => state.show(),
        Applied::Listed => {
            state.waiting = None;
            state.reset_root();
            state.show();
            state.reassess();
        }
        Applied::Batch { account, .. } => {
            note_requests(state);
            state.show();
            state.reassess_account(account);
            state.start_session_baseline();
        }
        Applied::Failed {
            account,
            message,
            hint: _,
        } => {
            let label = label(state, account);
            state.notify(
                Level::Warning,
                format!("account {label} not scanned: {message}"),
            );
            state.show();
            state.reassess_account(account);
        }
        Applied::Fatal { message, hint } => {
            state.notify(Level::Error, format!("{message} — {hint}"));
            state.fatal = Some(super::state::Fatal { message, hint });
            state.waiting = None;
        }
        Applied::Waiting {
            account: None,
            what,
        } => {
            state.notify(Level::Info, format!("waiting for {what}…"));
            state.waiting = Some(what);
        }
        Applied::Waiting {
            account: Some(i),
            what,
        } => {
            let label = label(state, i);
            state.notify(Level::Info, format!("account {label}: waiting for {what}…"));
        }
    }
}

// ───────────────────────────── keys and prompts ─────────────────────────────

fn on_key(state: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    let scope = state.scope();
    let op = state.keymap.lookup(&key, scope);
    if state.prompt.is_some() {
        // Ctrl-C (or whatever quit is bound to with ctrl) still quits from a prompt.
        if op == Some(Op::Quit) && key.modifiers.contains(KeyModifiers::CONTROL) {
            fx.push(Effect::Quit);
            return;
        }
        on_prompt_key(state, key, fx);
        return;
    }
    if let Some(op) = op {
        on_op(state, op, fx);
    }
}

fn prompt_input(state: &mut State) -> Option<&mut LineInput> {
    match state.prompt.as_mut()? {
        Prompt::Filter { input, .. } | Prompt::Command { input } => Some(input),
        Prompt::Mute(d) => match d.field {
            MuteField::Reason => Some(&mut d.reason),
            MuteField::Expires => Some(&mut d.expires),
            MuteField::Scope => None,
        },
        Prompt::ConfirmOverwrite { .. } => None,
    }
}

fn byte_at(text: &str, char_pos: usize) -> usize {
    text.char_indices()
        .nth(char_pos)
        .map_or(text.len(), |(b, _)| b)
}

fn insert(input: &mut LineInput, c: char) {
    let at = byte_at(&input.text, input.cursor);
    input.text.insert(at, c);
    input.cursor += 1;
}

fn on_prompt_key(state: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    state.dirty = true;
    if let Some(Prompt::ConfirmOverwrite { path }) = &state.prompt {
        let path = path.clone();
        match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => {
                state.prompt = None;
                fx.push(Effect::ExportSnapshot { path, force: true });
            }
            KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {
                state.prompt = None;
                state.notify(Level::Info, "export cancelled: file kept");
            }
            _ => {}
        }
        return;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    // The mute dialog moves between its fields and toggles its scope.
    if let Some(Prompt::Mute(d)) = &mut state.prompt {
        let on_scope = d.field == MuteField::Scope;
        match key.code {
            KeyCode::Tab | KeyCode::Down => {
                d.next_field(false);
                return;
            }
            KeyCode::BackTab | KeyCode::Up => {
                d.next_field(true);
                return;
            }
            KeyCode::Left | KeyCode::Right | KeyCode::Char(' ') if on_scope => {
                d.everywhere = !d.everywhere;
                return;
            }
            KeyCode::Backspace if on_scope => return,
            KeyCode::Backspace => {
                let input = if d.field == MuteField::Reason {
                    &d.reason
                } else {
                    &d.expires
                };
                // Backspace on an empty field does not close a dialog of several fields.
                if input.text.is_empty() {
                    return;
                }
            }
            _ => {}
        }
    }
    match key.code {
        KeyCode::Esc => {
            if matches!(state.prompt, Some(Prompt::Filter { .. }))
                && let Some(filter) = screens::filter_mut(state)
            {
                filter.clear();
            }
            state.prompt = None;
        }
        KeyCode::Enter => submit_prompt(state, fx),
        _ => {
            let Some(input) = prompt_input(state) else {
                return;
            };
            match key.code {
                KeyCode::Char('u') if ctrl => {
                    let at = byte_at(&input.text, input.cursor);
                    input.text.replace_range(..at, "");
                    input.cursor = 0;
                }
                KeyCode::Char('w') if ctrl => {
                    let at = byte_at(&input.text, input.cursor);
                    let head = input.text[..at].trim_end();
                    let cut = head.rfind(char::is_whitespace).map_or(0, |i| i + 1);
                    let removed = input.text[cut..at].chars().count();
                    input.text.replace_range(cut..at, "");
                    input.cursor -= removed;
                }
                KeyCode::Char('a') if ctrl => input.cursor = 0,
                KeyCode::Char('e') if ctrl => input.cursor = input.text.chars().count(),
                KeyCode::Char(c) if !ctrl => insert(input, c),
                KeyCode::Backspace => {
                    if input.cursor > 0 {
                        input.cursor -= 1;
                        let at = byte_at(&input.text, input.cursor);
                        input.text.remove(at);
                    } else if input.text.is_empty() {
                        // Backspace on an empty prompt closes it, like vim's command line.
                        state.prompt = None;
                        return;
                    }
                }
                KeyCode::Delete => {
                    if input.cursor < input.text.chars().count() {
                        let at = byte_at(&input.text, input.cursor);
                        input.text.remove(at);
                    }
                }
                KeyCode::Left => input.cursor = input.cursor.saturating_sub(1),
                KeyCode::Right => input.cursor = (input.cursor + 1).min(input.text.chars().count()),
                KeyCode::Home => input.cursor = 0,
                KeyCode::End => input.cursor = input.text.chars().count(),
                _ => return,
            }
            after_prompt_edit(state);
        }
    }
}

/// Filters apply while typing.
fn after_prompt_edit(state: &mut State) {
    if let Some(Prompt::Filter { input }) = &state.prompt {
        let text = input.text.clone();
        if let Some(filter) = screens::filter_mut(state) {
            *filter = text;
        }
    }
    state.dirty = true;
}

fn submit_prompt(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(prompt) = state.prompt.take() else {
        return;
    };
    match prompt {
        Prompt::Filter { .. } => {}
        Prompt::Command { input } => match command::parse(&input.text) {
            Ok(cmd) => run_command(state, cmd, fx),
            Err(e) => state.notify(Level::Error, e),
        },
        Prompt::Mute(dialog) => save_mute(state, dialog),
        Prompt::ConfirmOverwrite { .. } => {}
    }
}

// ───────────────────────────── operations ─────────────────────────────

fn on_op(state: &mut State, op: Op, fx: &mut Vec<Effect>) {
    state.dirty = true;
    // The screen's own keys (moving, Enter, a list's filter and order, a detail's panes).
    if screens::on_op(state, op) {
        return;
    }
    match op {
        Op::Quit => fx.push(Effect::Quit),
        Op::Close => {
            if state.stack.len() > 1 {
                state.stack.pop();
            } else if state.account.is_some() {
                state.leave_account();
            } else {
                fx.push(Effect::Quit);
            }
        }
        Op::Back => back(state),
        // What a screen does not handle itself does nothing there.
        Op::Up
        | Op::Down
        | Op::PageUp
        | Op::PageDown
        | Op::Top
        | Op::Bottom
        | Op::Open
        | Op::Filter
        | Op::FailingOnly
        | Op::Sort => {}
        Op::NextPane => next_view(state, true),
        Op::PrevPane => next_view(state, false),
        Op::CommandLine => {
            state.prompt = Some(Prompt::Command {
                input: LineInput::default(),
            })
        }
        Op::Help => {
            if matches!(state.screen(), Screen::Help { .. }) {
                state.stack.pop();
            } else {
                state.stack.push(Screen::Help { scroll: 0 });
            }
        }
        Op::Refresh => {
            let area = selection_area(state);
            refresh(state, area, fx);
        }
        Op::RefreshAll => refresh(state, None, fx),
        Op::Pause => {
            if !state.source.polls() {
                state.notify(Level::Info, "viewing a snapshot: nothing polls");
                return;
            }
            state.paused = !state.paused;
            fx.push(Effect::Source(SourceCommand::SetPaused(state.paused)));
            let msg = if state.paused {
                "polling paused (r/R still refresh)"
            } else {
                "polling resumed"
            };
            state.notify(Level::Info, msg);
        }
        Op::Export => export(state, None, fx),
        Op::Copy => copy_fix(state, fx),
        Op::Mute => mute(state),
        Op::Theme => {
            let next = state.themes.next_after(&state.theme.name);
            set_theme(state, &next);
        }
        Op::Suspend => fx.push(Effect::Suspend),
        Op::Category(n) => checklist::jump_to_category(state, usize::from(n.max(1)) - 1),
    }
}

fn back(state: &mut State) {
    if state.stack.len() > 1 {
        state.stack.pop();
    } else if state.account.is_some() {
        state.leave_account();
    }
}

const MAIN_VIEWS: [View; 3] = [View::Overview, View::Checklist, View::Resources];

/// Tab: the next main view (overview, checklist, resources).
fn next_view(state: &mut State, forward: bool) {
    let cur = state.current_view().unwrap_or(View::Overview);
    let i = MAIN_VIEWS.iter().position(|v| *v == cur).unwrap_or(0);
    let n = MAIN_VIEWS.len();
    let next = if forward {
        (i + 1) % n
    } else {
        (i + n - 1) % n
    };
    state.switch_view(MAIN_VIEWS[next]);
}

fn selection_area(state: &State) -> Option<Area> {
    match state.screen() {
        Screen::Checklist => Checklist::selected(state).and_then(|c| derive::area_of_check(&c.id)),
        Screen::CheckDetail(d) => derive::area_of_check(&d.check_id),
        Screen::Resources => Resources::selected(state).map(|r| r.service.area()),
        Screen::ResourceDetail(d) => state.resource_row(&d.resource_id).map(|r| r.service.area()),
        Screen::Organization | Screen::Overview | Screen::Help { .. } => None,
    }
}

fn refresh(state: &mut State, area: Option<Area>, fx: &mut Vec<Effect>) {
    if !state.source.polls() {
        state.notify(Level::Info, "viewing a snapshot: nothing to refresh");
        return;
    }
    fx.push(Effect::Source(SourceCommand::Refresh(area)));
    let what = area.map_or("every area".to_string(), |a| a.as_str().to_string());
    state.notify(Level::Info, format!("refreshing {what}…"));
}

/// The default export path: `<exports_dir>/parapet-<account>-<UTC timestamp>.json`.
pub fn default_export_path(state: &State) -> PathBuf {
    state
        .exports_dir
        .join(snapshot::file_name(&state.identity.account_id, state.now))
}

fn export(state: &mut State, path: Option<PathBuf>, fx: &mut Vec<Effect>) {
    if state.assessment.findings.is_empty() {
        state.notify(
            Level::Warning,
            "nothing to export yet: no findings collected",
        );
        return;
    }
    let path = path.unwrap_or_else(|| default_export_path(state));
    fx.push(Effect::ExportSnapshot { path, force: false });
}

fn copy_fix(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(f) = state.selected_finding() else {
        state.notify(Level::Info, "select a resource first");
        return;
    };
    if f.remediation().cli.trim().is_empty() {
        let msg = format!("{} has no CLI fix", f.check_id);
        state.notify(Level::Info, msg);
        return;
    }
    let text = f.remediation().cli.clone();
    let name = f.resource_name.clone();
    fx.push(Effect::CopyToClipboard(text));
    state.notify(
        Level::Info,
        format!("copied the CLI fix for {name} (OSC 52)"),
    );
}

fn mute(state: &mut State) {
    let dialog = match state.screen() {
        Screen::Checklist => {
            let Some(c) = Checklist::selected(state) else {
                return;
            };
            let id = c.id.clone();
            // x on a check muted everywhere (by x, in the file or this session) unmutes it.
            if unmute(state, &id, None) {
                return;
            }
            MuteDialog::new(id, None)
        }
        Screen::CheckDetail(_) | Screen::ResourceDetail(_) => {
            let Some(f) = state.selected_finding() else {
                return;
            };
            let (check, id, name) = (
                f.check_id.clone(),
                f.resource_id.clone(),
                f.resource_name.clone(),
            );
            if let Some(mark) = f.mute.clone() {
                if unmute(state, &check, Some(&id)) || unmute(state, &check, Some(&name)) {
                    return;
                }
                if unmute(state, &check, None) {
                    return;
                }
                let source = mark.source.unwrap_or_else(|| "config".into());
                state.notify(
                    Level::Info,
                    format!("{check} on {name} is muted in {source}: {}", mark.reason),
                );
                return;
            }
            match f.shown() {
                Status::Muted => {
                    state.notify(
                        Level::Info,
                        "muted in the snapshot file: it cannot be unmuted here",
                    );
                    return;
                }
                Status::Pass | Status::NotApplicable => {
                    state.notify(Level::Info, "only failing or unknown findings can be muted");
                    return;
                }
                Status::Fail | Status::Unknown => {}
            }
            MuteDialog::new(check.to_string(), Some((id.to_string(), name.to_string())))
        }
        _ => return,
    };
    state.prompt = Some(Prompt::Mute(dialog));
}

/// Removes the mute of `check` on exactly `resource` (`None`: the check-wide one) from the
/// session or the mutes file; `false` when neither has it.
fn unmute(state: &mut State, check: &str, resource: Option<&str>) -> bool {
    let label = match resource {
        Some(r) => format!("{check} on {}", crate::domain::arn::source_name(r)),
        None => format!("{check} everywhere"),
    };
    if let Some(pos) = state
        .session_mutes
        .iter()
        .position(|m| m.check_id == check && m.resource.as_deref() == resource)
    {
        state.session_mutes.remove(pos);
        state.reassess();
        state.notify(Level::Info, format!("unmuted {label}"));
        return true;
    }
    let Some(file) = state.mutes_file.as_mut() else {
        return false;
    };
    match file.remove(check, resource) {
        Ok(false) => false,
        Ok(true) => {
            let path = file.path.display().to_string();
            state.reassess();
            state.notify(
                Level::Info,
                format!("unmuted {label} (removed from {path})"),
            );
            true
        }
        Err(e) => {
            state.notify(Level::Error, format!("cannot unmute {label}: {e}"));
            true
        }
    }
}

/// Enter in the mute dialog: checks the fields, then saves the mute to the mutes file (or, if
/// there is none or it cannot be written, for this session).
fn save_mute(state: &mut State, dialog: MuteDialog) {
    let reason = dialog.reason.text.trim().to_string();
    let expires = dialog.expires.text.trim().to_string();
    let today = state.now.date();
    let problem = if reason.is_empty() {
        Some("a reason is required".to_string())
    } else if expires.is_empty() {
        None
    } else {
        match crate::domain::assessment::parse_date(&expires) {
            None => Some(format!("`{expires}` is not a date (YYYY-MM-DD)")),
            Some(d) if d <= today => Some(format!("{expires} is not after today ({today})")),
            Some(_) => None,
        }
    };
    if let Some(problem) = problem {
        state.notify(Level::Warning, format!("not muted yet: {problem}"));
        let mut dialog = dialog;
        dialog.field = if reason.is_empty() {
            MuteField::Reason
        } else {
            MuteField::Expires
        };
        dialog.problem = Some(problem);
        state.prompt = Some(Prompt::Mute(dialog));
        return;
    }
    let label = dialog.label();
    let mute = Mute {
        check_id: dialog.check_id.clone(),
        resource: match (&dialog.resource, dialog.everywhere) {
            (Some((id, _)), false) => Some(id.clone()),
            _ => None,
        },
        reason,
        expires: (!expires.is_empty()).then_some(expires.clone()),
        source: None,
    };
    let until = if expires.is_empty() {
        String::new()
    } else {
        format!(" until {expires}")
    };
    let saved = match state.mutes_file.as_mut() {
        Some(file) => {
            let path = file.path.display().to_string();
            file.add(mute.clone(), today)
                .map(|()| path)
                .map_err(|e| e.to_string())
        }
        None => Err("no mutes file".into()),
    };
    match saved {
        Ok(path) => state.notify(
            Level::Info,
            format!("muted {label}{until} (saved to {path})"),
        ),
        Err(e) => {
            state.session_mutes.push(Mute {
                source: Some("this session".into()),
                ..mute
            });
            // An error, shown whole: the mute will not outlive the session.
            state.notify(
                Level::Error,
                format!("muted {label}{until} for this session only: cannot save ({e})"),
            );
        }
    }
    state.reassess();
}

pub fn set_theme(state: &mut State, name: &str) {
    if state.no_color && name != theme::MONO_THEME {
        state.notify(
            Level::Info,
            "colours are off (NO_COLOR / --no-color): staying on mono",
        );
        return;
    }
    match state.themes.resolve(name) {
        Ok(t) => {
            state.theme = t;
            state.notify(Level::Info, format!("theme {name}"));
        }
        Err(e) => state.notify(Level::Error, e),
    }
}

fn run_command(state: &mut State, cmd: Command, fx: &mut Vec<Effect>) {
    match cmd {
        Command::Quit => fx.push(Effect::Quit),
        Command::Theme(None) => {
            let names = state.themes.names().join(", ");
            let current = state.theme.name.clone();
            state.notify(Level::Info, format!("themes: {names} (current: {current})"));
        }
        Command::Theme(Some(name)) => set_theme(state, &name),
        Command::Region(None) => {
            state.region = None;
            state.rederive();
            state.notify(Level::Info, "showing every region");
        }
        Command::Region(Some(r)) => {
            let known = state.known_regions();
            if !known.contains(&r) {
                state.notify(
                    Level::Error,
                    format!("unknown region `{r}` (known: {})", known.join(", ")),
                );
                return;
            }
            state.region = Some(r.clone());
            state.rederive();
            state.notify(
                Level::Info,
                format!("showing {r} only (:region all to undo)"),
            );
        }
        Command::Account(None) => {
            if !state.is_organization() {
                state.notify(Level::Info, "one account only");
                return;
            }
            state.leave_account();
            state.notify(Level::Info, "showing every account");
        }
        Command::Account(Some(key)) => {
            if !state.is_organization() {
                state.notify(Level::Info, "one account only");
                return;
            }
            match state.find_account(&key).map(|a| a.id.clone()) {
                Some(id) => {
                    state.enter_account(id.clone());
                    state.notify(
                        Level::Info,
                        format!("account {id} (:account all for every account)"),
                    );
                }
                None => {
                    let list = &state.accounts.list;
                    let known: Vec<&str> = list.iter().map(|a| a.info.id.as_str()).collect();
                    state.notify(
                        Level::Error,
                        format!("unknown account `{key}` (known: {})", known.join(", ")),
                    );
                }
            }
        }
        Command::Severity(sev) => {
            state.checklist.min_severity = sev;
            let msg = match sev {
                Some(s) => format!("showing {s} and worse"),
                None => "showing every severity".into(),
            };
            state.notify(Level::Info, msg);
        }
        Command::Export(path) => export(state, path, fx),
        Command::View(v) => state.switch_view(v),
        Command::Help => state.stack.push(Screen::Help { scroll: 0 }),
    }
}
