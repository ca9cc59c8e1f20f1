//! Shared helpers for the UI tests: the real app state fed with the demo account through
//! the source contract at a fixed clock, synthetic keys, and rendering into a TestBackend.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use parapet::app::action::{Action, Effect};
use parapet::app::state::{State, StateOptions};
use parapet::app::update::update;
use parapet::demo;
use parapet::domain::source::{Identity, SourceEvent};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use time::OffsetDateTime;
use time::macros::datetime;

/// The fixed clock of every UI test.
pub const NOW: OffsetDateTime = datetime!(2026-03-02 09:30:00 UTC);

pub fn options() -> StateOptions {
    StateOptions {
        exports_dir: PathBuf::from("/home/dev/.config/parapet/snapshots"),
        keys_file: PathBuf::from("/home/dev/.config/parapet/keys.toml"),
        themes_dir: PathBuf::from("/home/dev/.config/parapet/themes"),
        ..StateOptions::default()
    }
}

/// A fresh state that has seen nothing from its source yet.
pub fn empty_state() -> State {
    State::new(NOW, options())
}

/// Sends the demo account through the source contract: identity, then every area × region
/// starting and delivering its batch; the clock then moves on 12 seconds.
pub fn feed_demo(state: &mut State) {
    update(
        state,
        Action::Source(SourceEvent::Identity(Identity {
            account_id: demo::DEMO_ACCOUNT.into(),
            profile: Some("shop-prod".into()),
            regions: vec![demo::PRIMARY_REGION.into(), demo::SECONDARY_REGION.into()],
        })),
    );
    for batch in demo::batches(NOW) {
        update(
            state,
            Action::Source(SourceEvent::Started {
                area: batch.area,
                region: batch.region.clone(),
            }),
        );
        update(state, Action::Source(SourceEvent::Batch(Box::new(batch))));
    }
    tick(state, 12);
}

pub fn tick(state: &mut State, seconds: i64) {
    let now = state.now + time::Duration::seconds(seconds);
    update(state, Action::Tick(now));
}

/// The demo account, fully loaded, 12 s after the last batch.
pub fn demo_state() -> State {
    let mut s = empty_state();
    feed_demo(&mut s);
    // Start-up toasts would hide the key hints in every snapshot.
    s.toast = None;
    s
}

pub fn key(code: KeyCode) -> Action {
    Action::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ch(c: char) -> Action {
    key(KeyCode::Char(c))
}

pub fn ctrl(c: char) -> Action {
    Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Presses keys written like vim input: `j`, `<enter>`, `<esc>`, `<tab>`, `<c-c>`.
pub fn press(state: &mut State, keys: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    let mut rest = keys;
    while let Some(c) = rest.chars().next() {
        let (action, len) = if c == '<' {
            let end = rest.find('>').expect("closing >");
            let name = &rest[1..end];
            let a = match name {
                "enter" => key(KeyCode::Enter),
                "esc" => key(KeyCode::Esc),
                "tab" => key(KeyCode::Tab),
                "backtab" => key(KeyCode::BackTab),
                "bs" => key(KeyCode::Backspace),
                "down" => key(KeyCode::Down),
                "up" => key(KeyCode::Up),
                "pgdn" => key(KeyCode::PageDown),
                "pgup" => key(KeyCode::PageUp),
                "lt" => ch('<'),
                n if n.starts_with("c-") => ctrl(n.chars().nth(2).unwrap()),
                other => panic!("unknown key <{other}>"),
            };
            (a, end + 1)
        } else {
            (ch(c), c.len_utf8())
        };
        effects.extend(update(state, action));
        rest = &rest[len..];
    }
    effects
}

pub fn terminal(w: u16, h: u16) -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(w, h)).unwrap()
}

/// Renders the state and returns the buffer.
pub fn render(state: &State, w: u16, h: u16) -> Buffer {
    let mut t = terminal(w, h);
    t.draw(|f| parapet::ui::draw(f, state)).unwrap();
    t.backend().buffer().clone()
}

/// The screen as plain text, one line per row (trailing spaces kept off).
pub fn text(state: &State, w: u16, h: u16) -> String {
    let buf = render(state, w, h);
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        for x in 0..w {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The three accounts of [`organization_state`]: the demo shop, a cleaner copy of it, and
/// one whose role could not be assumed.
pub const ORG_ACCOUNTS: [&str; 3] = [demo::DEMO_ACCOUNT, "444455556666", "777788889999"];

/// A snapshot of an Organization opened in the TUI: the demo account; `staging`, the same
/// resources with every other failure fixed; `sandbox`, not scanned (its role could not be
/// assumed), its findings unknown.
pub fn organization_state() -> State {
    use parapet::app::state::SourceKind;
    use parapet::domain::collection::CollectionState;
    use parapet::domain::finding::Status;
    use parapet::domain::snapshot::{AccountError, AccountInfo};

    let live = demo_state();
    let [shop, staging, sandbox] = ORG_ACCOUNTS;
    let mut findings = live.assessment.findings.clone();
    let mut collection = live.collection_statuses();
    for c in &mut collection {
        c.account_id = shop.into();
    }
    let reaccount = |f: &parapet::domain::finding::Finding, id: &str| {
        let mut f = f.clone();
        f.account_id = id.into();
        f.resource_id = f.resource_id.replace(shop, id).into();
        f
    };
    let mut fails = 0;
    for f in &live.assessment.findings {
        let mut copy = reaccount(f, staging);
        if copy.status == Status::Fail {
            fails += 1;
            if fails % 2 == 0 {
                copy.status = Status::Pass;
            }
        }
        findings.push(copy);
    }
    let reason = format!(
        "cannot assume arn:aws:iam::{sandbox}:role/ParapetReadOnly: AccessDenied: missing sts:AssumeRole"
    );
    for f in live.assessment.findings.iter().take(12) {
        let mut copy = reaccount(f, sandbox);
        copy.status = Status::Unknown;
        copy.message = reason.as_str().into();
        findings.push(copy);
    }
    for c in live.collection_statuses() {
        collection.push(parapet::domain::collection::CollectionStatus {
            account_id: staging.into(),
            ..c.clone()
        });
        collection.push(parapet::domain::collection::CollectionStatus {
            account_id: sandbox.into(),
            status: CollectionState::Failed,
            error: Some(reason.clone().into()),
            ..c
        });
    }
    let regions = vec![
        demo::PRIMARY_REGION.to_string(),
        demo::SECONDARY_REGION.to_string(),
    ];
    let info = |id: &str, name: &str| AccountInfo {
        id: id.into(),
        name: Some(name.into()),
        role_arn: Some(format!("arn:aws:iam::{id}:role/ParapetReadOnly")),
        regions: regions.clone(),
        ..AccountInfo::default()
    };
    let mut state = State::new(
        NOW,
        StateOptions {
            source: SourceKind::Snapshot {
                path: "/home/dev/org/org.json".into(),
                generated_at: datetime!(2026-03-01 18:00:00 UTC),
            },
            ..options()
        },
    );
    let accounts = vec![
        info(shop, "shop-prod"),
        info(staging, "shop-staging"),
        AccountInfo {
            error: Some(AccountError {
                message: reason.clone(),
                hint: "check that the role exists in account 777788889999 and trusts the base identity"
                    .into(),
            }),
            ..info(sandbox, "sandbox")
        },
    ];
    state.load_snapshot(
        accounts,
        Identity {
            account_id: shop.into(),
            profile: None,
            regions,
        },
        findings,
        collection,
    );
    state.toast = None;
    state
}
