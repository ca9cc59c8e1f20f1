//! The terminal UI: one file per screen or widget. Drawing is a pure function of the app
//! state (no I/O, no state changes beyond remembering list scroll offsets).

pub mod bigtext;
pub mod check_detail;
pub mod checklist;
pub mod dialog;
pub mod footer;
pub mod header;
pub mod help;
pub mod list;
pub mod organization;
pub mod overview;
pub mod resource_detail;
pub mod resources;
pub mod status_strip;
pub mod widgets;

pub use widgets::panel;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::app::state::{Screen, State};
use crate::app::theme::Token;

/// Smallest size that shows the real screens; below it a short notice is drawn instead.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

/// Draws the whole screen for `state`.
pub fn draw(frame: &mut Frame, state: &State) {
    let area = frame.area();
    let t = &state.theme;
    frame.render_widget(Block::default().style(t[Token::Background]), area);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        draw_too_small(frame, area, state);
        return;
    }
    let [header, body, strip, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(footer::height(state, area.width)),
    ])
    .areas(area);
    header::draw(frame, header, state);
    match state.screen() {
        Screen::Organization => {
            let rest = overview::fatal_banner(frame, body, state);
            organization::draw(frame, rest, state)
        }
        Screen::Overview => overview::draw(frame, body, state),
        Screen::Checklist => checklist::draw(frame, body, state),
        Screen::Resources => resources::draw(frame, body, state),
        Screen::CheckDetail(d) => check_detail::draw(frame, body, state, d),
        Screen::ResourceDetail(d) => resource_detail::draw(frame, body, state, d),
        Screen::Help { scroll } => help::draw(frame, body, state, *scroll),
    }
    status_strip::draw(frame, strip, state);
    footer::draw(frame, footer, state);
    dialog::draw(frame, body, state);
}

fn draw_too_small(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let s = &state.derived.score;
    let score = match (s.overall, s.grade) {
        (Some(n), Some(g)) => format!("score {n} {g}"),
        _ => "score —".into(),
    };
    let lines = vec![
        Line::from(Span::styled(score, t[widgets::grade_token(s.grade)])),
        Line::from(Span::styled(
            format!(
                "enlarge to {MIN_WIDTH}×{MIN_HEIGHT} (now {}×{})",
                area.width, area.height
            ),
            t[Token::Dim],
        )),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
}
