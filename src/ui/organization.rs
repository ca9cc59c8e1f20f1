//! The Organization overview: one row per account of a snapshot of several (name, id, score
//! and grade, critical and high failures, coverage, how its collection went), sortable and
//! filterable; Enter looks at one account's dashboard.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::list;
use super::widgets::panel;
use super::widgets::{Col, col_widths, fit, grade_token, row_line};
use crate::app::derive::{AccountRow, AccountState};
use crate::app::screens::list::ListScreen;
use crate::app::screens::organization::Organization;
use crate::app::state::State;
use crate::app::theme::{Theme, Token};

fn title(state: &State, shown: usize) -> Vec<Span<'static>> {
    let count = format!("[{shown}/{} accounts]", state.derived.accounts.len());
    list::title::<Organization>(state, "Organization", count)
}

fn count_cell(n: usize, token: Token, t: &Theme) -> (String, ratatui::style::Style, bool) {
    if n == 0 {
        ("·".to_string(), t[Token::Dim], true)
    } else {
        (n.to_string(), t[token], true)
    }
}

fn state_token(s: AccountState) -> Token {
    match s {
        AccountState::NotScanned | AccountState::Failed => Token::Error,
        AccountState::Partial => Token::Warning,
        AccountState::Collecting => Token::Dim,
        AccountState::Ok => Token::Pass,
    }
}

fn account_line(a: &AccountRow, widths: &[usize], t: &Theme) -> Line<'static> {
    let score = match (a.score, a.grade) {
        (Some(s), Some(g)) => format!("{s} {g}"),
        _ => "—".to_string(),
    };
    let cells = vec![
        (a.name.clone(), t[Token::Text], false),
        (a.id.clone(), t[Token::Dim], false),
        (score, t[grade_token(a.grade)], true),
        count_cell(a.critical, Token::SeverityCritical, t),
        count_cell(a.high, Token::SeverityHigh, t),
        (
            if a.findings == 0 {
                "—".to_string()
            } else {
                format!("{}%", a.coverage)
            },
            t[Token::Text],
            true,
        ),
        (a.state.label().to_string(), t[state_token(a.state)], false),
    ];
    row_line(cells, widths)
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let (visible, cursor) = Organization::visible(state);
    let selected = visible.get(cursor).map(|&i| &state.derived.accounts[i]);
    // Below the table: why the selected account could not be scanned, when it could not.
    let note = selected.and_then(|a| a.error.clone());
    let note_h = if note.is_some() { 5 } else { 0 };
    let [table, below] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(note_h)]).areas(area);

    let block = panel("", true, t).title(Line::from(title(state, visible.len())));
    let Some(list::Table { head, body, row_w }) = list::table_panel(frame, table, block) else {
        return;
    };
    let cols = [
        Col::Fill,
        Col::Fixed(12),
        Col::Fixed(6),
        Col::Fixed(5),
        Col::Fixed(5),
        Col::Fixed(6),
        Col::Fixed(14),
    ];
    let widths = col_widths(&cols, row_w);
    let names = vec![
        ("NAME", false),
        ("ACCOUNT", false),
        ("SCORE", true),
        ("CRIT", true),
        ("HIGH", true),
        ("COVER", true),
        ("COLLECTION", false),
    ];
    list::draw_header(frame, head, names, &widths, t);
    state.viewport.page.set(usize::from(body.height).max(1));
    if visible.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                "  no account matches (esc clears the filter, f shows every account)",
                t[Token::Dim],
            )),
            body,
        );
        return;
    }
    let rows = &state.derived.accounts;
    list::draw_window(
        frame,
        body,
        &visible,
        cursor,
        &state.organization.offset,
        t,
        |&i| account_line(&rows[i], &widths, t),
    );

    if let (Some(note), Some(a)) = (note, selected) {
        let block = panel(" ✘ not scanned ", false, t)
            .border_style(t[Token::Error])
            .padding(ratatui::widgets::Padding::horizontal(1));
        let text = fit(
            &format!("{}: {note}", a.id),
            usize::from(below.width).saturating_mul(2),
        );
        frame.render_widget(
            Paragraph::new(Span::styled(text, t[Token::Text]))
                .block(block)
                .wrap(Wrap { trim: true }),
            below,
        );
    }
}
