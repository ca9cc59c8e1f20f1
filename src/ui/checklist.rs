//! The checklist: one row per check, grouped by category in catalogue order (or sorted flat),
//! with status glyph + word, severity word, title, failing/total and score impact.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::list;
use super::widgets::panel;
use super::widgets::{Col, col_widths, grade_token, row_line, severity_token, status_token, width};
use crate::app::derive::{self, CheckRow};
use crate::app::orders::CheckSort;
use crate::app::screens::checklist::Checklist;
use crate::app::screens::list::ListScreen;
use crate::app::state::State;
use crate::app::theme::{Theme, Token};
use crate::domain::finding::{Category, Status};
use crate::domain::score::grade;

enum Entry {
    Group(Category),
    Check(usize),
}

/// The box title: count and every active filter, so nothing is hidden silently.
pub fn title(state: &State, shown: usize) -> Vec<Span<'static>> {
    list::title::<Checklist>(
        state,
        "Checklist",
        format!("[{shown}/{}]", state.derived.checks.len()),
    )
}

pub fn columns(w: usize) -> (Vec<Col>, bool) {
    let wide = w >= 110;
    let mut cols = vec![Col::Fixed(9), Col::Fixed(8), Col::Fill];
    if wide {
        cols.push(Col::Fixed(38));
    }
    cols.extend([Col::Fixed(7), Col::Fixed(6)]);
    (cols, wide)
}

pub fn check_line(
    row: &CheckRow,
    loading: bool,
    changes: &str,
    widths: &[usize],
    wide: bool,
    t: &Theme,
) -> Line<'static> {
    let status = row.status;
    let status_cell = if loading && row.counts.total() == 0 {
        ("⟳ LOADING".to_string(), t[Token::StatusRunning], false)
    } else {
        (status.label().to_string(), t[status_token(status)], false)
    };
    let mut cells = vec![
        status_cell,
        (
            row.severity.as_str().to_string(),
            t[severity_token(row.severity)],
            false,
        ),
        (
            if changes.is_empty() {
                row.title.clone()
            } else {
                format!("{changes} {}", row.title)
            },
            if !changes.is_empty() {
                t[Token::Accent]
            } else if status == Status::NotApplicable {
                t[Token::Dim]
            } else {
                t[Token::Text]
            },
            false,
        ),
    ];
    if wide {
        cells.push((row.id.clone(), t[Token::Dim], false));
    }
    let total = row.counts.total();
    cells.push((
        if total == 0 {
            "—".into()
        } else {
            format!("{}/{}", row.counts.fail, total)
        },
        if row.counts.fail > 0 {
            t[Token::Fail]
        } else {
            t[Token::Dim]
        },
        true,
    ));
    cells.push(if row.impact > 0.0 {
        (format!("+{:.1}", row.impact), t[Token::Accent], true)
    } else {
        ("·".into(), t[Token::Dim], true)
    });
    row_line(cells, widths)
}

fn group_line(state: &State, category: Category, w: usize) -> Line<'static> {
    let t = &state.theme;
    let score = state
        .derived
        .score
        .categories
        .get(&category)
        .copied()
        .flatten();
    let failing = state
        .derived
        .checks
        .iter()
        .filter(|c| c.category == category && c.status == Status::Fail)
        .count();
    let mut spans = vec![
        Span::styled("── ", t[Token::Border]),
        Span::styled(category.title().to_string(), t[Token::Header]),
        Span::raw(" "),
    ];
    if let Some(s) = score {
        spans.push(Span::styled(
            format!("{s} {} ", grade(s)),
            t[grade_token(Some(grade(s)))],
        ));
    }
    if failing > 0 {
        spans.push(Span::styled(
            format!("✘ {failing} failing "),
            t[Token::Fail],
        ));
    }
    let used: usize = spans.iter().map(|s| width(&s.content)).sum();
    spans.push(Span::styled(
        "─".repeat(w.saturating_sub(used)),
        t[Token::Border],
    ));
    Line::from(spans)
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let (visible, cursor) = Checklist::visible(state);
    let block = panel("", true, t).title(Line::from(title(state, visible.len())));
    let Some(list::Table { head, body, row_w }) = list::table_panel(frame, area, block) else {
        return;
    };
    let (cols, wide) = columns(row_w);
    let widths = col_widths(&cols, row_w);
    let mut names = vec![("STATUS", false), ("SEVERITY", false), ("CHECK", false)];
    if wide {
        names.push(("ID", false));
    }
    names.extend([("FAILING", true), ("IMPACT", true)]);
    list::draw_header(frame, head, names, &widths, t);

    state.viewport.page.set(usize::from(body.height).max(1));
    if visible.is_empty() {
        let text = if state.assessment.findings.is_empty() && state.checklist.filter.is_empty() {
            "  collecting… checks fill in as each poll area reports".to_string()
        } else {
            "  no checks match the filters (esc clears the filter, f toggles failing only, :sev all)".to_string()
        };
        frame.render_widget(Paragraph::new(Span::styled(text, t[Token::Dim])), body);
        return;
    }
    let mut entries = Vec::with_capacity(visible.len() + 11);
    let mut selected_entry = 0;
    let mut last_group = None;
    for (pos, &i) in visible.iter().enumerate() {
        let c = &state.derived.checks[i];
        if state.checklist.sort == CheckSort::Category && last_group != Some(c.category) {
            entries.push(Entry::Group(c.category));
            last_group = Some(c.category);
        }
        if pos == cursor {
            selected_entry = entries.len();
        }
        entries.push(Entry::Check(i));
    }
    let height = usize::from(body.height);
    let off = &state.checklist.offset;
    let mut range = list::window(entries.len(), selected_entry, height, off);
    // Scrolling up onto a group's first check also shows the group's header.
    if range.start == selected_entry
        && selected_entry > 0
        && matches!(entries[selected_entry - 1], Entry::Group(_))
        && height > 1
    {
        off.set(selected_entry - 1);
        range = list::window(entries.len(), selected_entry, height, off);
    }
    let lines: Vec<Line<'static>> = entries[range.clone()]
        .iter()
        .map(|e| match e {
            Entry::Group(c) => group_line(state, *c, row_w),
            Entry::Check(i) => {
                let row = &state.derived.checks[*i];
                let loading = derive::area_of_check(&row.id).is_some_and(|a| state.area_pending(a));
                check_line(row, loading, state.check_changes(&row.id), &widths, wide, t)
            }
        })
        .collect();
    list::draw_rows(
        frame,
        body,
        lines,
        selected_entry.checked_sub(range.start),
        t,
    );
}
