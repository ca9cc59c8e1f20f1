//! Resources: every function, API, stage, secret, key and domain with its findings — the
//! second way in (by thing rather than by check).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::list;
use super::widgets::panel;
use super::widgets::{Col, col_widths, row_line, severity_token};
use crate::app::derive::{Counts, ResourceRow};
use crate::app::screens::list::ListScreen;
use crate::app::screens::resources::Resources;
use crate::app::state::State;
use crate::app::theme::{Theme, Token};

fn title(state: &State, shown: usize) -> Vec<Span<'static>> {
    let count = format!("[{shown}/{}]", state.derived.resources.len());
    list::title::<Resources>(state, "Resources", count)
}

/// `✘ 3  ? 1  ✔ 12` as separate styled cells.
pub fn count_cells(c: &Counts, t: &Theme) -> Vec<(String, ratatui::style::Style, bool)> {
    let cell = |glyph: &str, n: usize, token: Token| {
        if n == 0 {
            (format!("{glyph} ·"), t[Token::Dim], false)
        } else {
            (format!("{glyph} {n}"), t[token], false)
        }
    };
    vec![
        cell("✘", c.fail, Token::Fail),
        cell("?", c.unknown, Token::Unknown),
        cell("✔", c.pass, Token::Pass),
    ]
}

fn resource_line(r: &ResourceRow, widths: &[usize], wide: bool, t: &Theme) -> Line<'static> {
    let mut cells = vec![
        (r.kind.label().to_string(), t[Token::Dim], false),
        (r.name.clone(), t[Token::Text], false),
    ];
    if wide {
        cells.push((r.region.clone(), t[Token::Dim], false));
    }
    cells.push(match r.worst {
        Some(s) => (s.as_str().to_string(), t[severity_token(s)], false),
        None => ("—".into(), t[Token::Dim], false),
    });
    cells.extend(count_cells(&r.counts, t));
    row_line(cells, widths)
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let (visible, cursor) = Resources::visible(state);
    let block = panel("", true, t).title(Line::from(title(state, visible.len())));
    let Some(list::Table { head, body, row_w }) = list::table_panel(frame, area, block) else {
        return;
    };
    let wide = row_w >= 80;
    let mut cols = vec![Col::Fixed(11), Col::Fill];
    if wide {
        cols.push(Col::Fixed(14));
    }
    cols.extend([Col::Fixed(8), Col::Fixed(5), Col::Fixed(5), Col::Fixed(5)]);
    let widths = col_widths(&cols, row_w);
    let mut names = vec![("KIND", false), ("NAME", false)];
    if wide {
        names.push(("REGION", false));
    }
    names.extend([
        ("WORST", false),
        ("FAIL", false),
        ("UNKN", false),
        ("PASS", false),
    ]);
    list::draw_header(frame, head, names, &widths, t);
    state.viewport.page.set(usize::from(body.height).max(1));
    if visible.is_empty() {
        let text = if state.derived.resources.is_empty() {
            "  collecting… resources appear as each poll area reports"
        } else {
            "  no resources match (esc clears the filter, f toggles failing only)"
        };
        frame.render_widget(Paragraph::new(Span::styled(text, t[Token::Dim])), body);
        return;
    }
    let rows = &state.derived.resources;
    list::draw_window(
        frame,
        body,
        &visible,
        cursor,
        &state.resources.offset,
        t,
        |&i| resource_line(&rows[i], &widths, wide, t),
    );
}
