//! Scrolling lists: only the rows on screen are built, the selection stays visible, and the
//! selected row is marked with `▶` and the theme's selection style (reverse video in mono).

use std::cell::Cell;
use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::widgets::row_line;
use crate::app::list::ListSort;
use crate::app::screens::list::ListScreen;
use crate::app::theme::{Theme, Token};

/// The rows to draw for a list of `len` with `selected`, `height` rows tall. Keeps the
/// previous offset when the selection is still on screen (no jumping), and remembers the
/// new one in `offset`.
pub fn window(len: usize, selected: usize, height: usize, offset: &Cell<usize>) -> Range<usize> {
    if height == 0 || len == 0 {
        offset.set(0);
        return 0..0;
    }
    let mut start = offset.get().min(len.saturating_sub(height));
    if selected < start {
        start = selected;
    } else if selected >= start + height {
        start = selected + 1 - height;
    }
    offset.set(start);
    start..(start + height).min(len)
}

/// Where a table drawn in a panel goes: its header row, its body, and the rows' width (the
/// panel's inside less the selection gutter).
pub struct Table {
    pub head: Rect,
    pub body: Rect,
    pub row_w: usize,
}

/// Draws `block` over `area` and splits its inside into a header row and a body; `None` when
/// nothing fits inside.
pub fn table_panel(frame: &mut Frame, area: Rect, block: Block<'_>) -> Option<Table> {
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return None;
    }
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    let row_w = usize::from(inner.width).saturating_sub(2);
    Some(Table { head, body, row_w })
}

/// The two-cell gutter: `▶ ` for the selected row.
pub fn marker(selected: bool) -> Span<'static> {
    Span::raw(if selected { "▶ " } else { "  " })
}

/// A table's header row: the column names (`true`: right-aligned) in the header style, after
/// the selection gutter.
pub fn draw_header(
    frame: &mut Frame,
    area: Rect,
    names: Vec<(&str, bool)>,
    widths: &[usize],
    theme: &Theme,
) {
    let h = theme[Token::Header];
    let cells = names
        .into_iter()
        .map(|(name, right)| (name.to_string(), h, right))
        .collect();
    let mut line = row_line(cells, widths);
    line.spans.insert(0, Span::raw("  "));
    frame.render_widget(Paragraph::new(line), area);
}

/// Draws the rows of `items` that fit in `area` around `cursor` (only those rows are built,
/// by `line`), keeping the selection visible with `offset`; nothing when there are none.
pub fn draw_window<T>(
    frame: &mut Frame,
    area: Rect,
    items: &[T],
    cursor: usize,
    offset: &Cell<usize>,
    theme: &Theme,
    line: impl FnMut(&T) -> Line<'static>,
) {
    let range = window(items.len(), cursor, usize::from(area.height), offset);
    if range.is_empty() {
        return;
    }
    let lines = items[range.clone()].iter().map(line).collect();
    draw_rows(frame, area, lines, cursor.checked_sub(range.start), theme);
}

/// Draws prepared lines; `selected` (index into `lines`) gets the marker and selection style
/// across the whole width.
pub fn draw_rows(
    frame: &mut Frame,
    area: Rect,
    lines: Vec<Line<'static>>,
    selected: Option<usize>,
    theme: &Theme,
) {
    let lines: Vec<Line<'static>> = lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            let is_sel = selected == Some(i);
            let mut spans = vec![marker(is_sel)];
            spans.extend(line.spans);
            let mut line = Line::from(spans).style(line.style);
            if is_sel {
                let used: usize = line.spans.iter().map(|s| s.content.chars().count()).sum();
                let fill = usize::from(area.width).saturating_sub(used);
                line.spans.push(Span::raw(" ".repeat(fill)));
                line = line.patch_style(theme[Token::Selection]);
            }
            line
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// A list screen's title: its name and `[shown/total]`, then every active filter (the list's,
/// then the region filter), so nothing is hidden silently, then the sort order.
pub fn title<L: ListScreen>(
    state: &crate::app::state::State,
    name: &str,
    count: String,
) -> Vec<Span<'static>> {
    let view = L::view(state);
    let tags = view.tags(L::FAILING_TAG);
    let sort = view.sort.label();
    let t = &state.theme;
    let mut spans = vec![
        Span::styled(format!(" {name} "), t[Token::Title]),
        Span::styled(format!("{count} "), t[Token::Dim]),
    ];
    for tag in tags.into_iter().chain(state.region.clone()) {
        spans.push(Span::styled(tag, t[Token::Warning]));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(format!("sort:{sort} "), t[Token::Dim]));
    spans
}

#[cfg(test)]
mod tests;
