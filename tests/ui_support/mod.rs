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
