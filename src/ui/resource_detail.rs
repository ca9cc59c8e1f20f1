//! One resource's findings (every check that looked at it), with a preview of the selected
//! finding; Enter opens the check detail at this resource.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::list;
use super::widgets::panel;
use super::widgets::{
    Col, col_widths, fit, row_line, severity_token, status_span, status_token, wrap_words,
};
use crate::app::state::{ResourceDetail, State};
use crate::app::theme::Token;
use crate::domain::checks;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, d: &ResourceDetail) {
    let t = &state.theme;
    let Some(r) = state.resource_row(&d.resource_id) else {
        let text = format!("  {} is not in this assessment", d.resource_id);
        frame.render_widget(Paragraph::new(Span::styled(text, t[Token::Dim])), area);
        return;
    };
    let w = usize::from(area.width).saturating_sub(2);
    let info = vec![
        Line::from(vec![
            Span::raw(" "),
            Span::styled(r.name.clone(), t[Token::Title]),
            Span::styled(
                format!("  {} · {}", r.kind.label(), r.region),
                t[Token::Dim],
            ),
            Span::raw("  "),
            Span::styled(
                format!("✘ {} failing", r.counts.fail),
                if r.counts.fail > 0 {
                    t[Token::Fail]
                } else {
                    t[Token::Dim]
                },
            ),
            Span::styled(format!(" · {} checks", r.counts.total()), t[Token::Dim]),
        ]),
        Line::from(Span::styled(format!(" {}", fit(&r.id, w)), t[Token::Dim])),
    ];
    let mut info = info;
    if let Some(line) = triggers_line(state, &r.id, w) {
        info.push(line);
    }
    info.extend(package_lines(
        state,
        &r.id,
        w,
        if area.height >= 30 { 4 } else { 2 },
    ));
    let head_height = info.len() as u16;
    let (findings, cursor) = state.resource_findings(d);
    let [head, table, preview] = Layout::vertical([
        Constraint::Length(head_height),
        Constraint::Min(5),
        Constraint::Length(if area.height >= 24 { 8 } else { 5 }),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(info), head);

    let block = panel("", true, t).title(Line::from(vec![
        Span::styled(" Findings ", t[Token::Title]),
        Span::styled(format!("[{}] ", findings.len()), t[Token::Dim]),
    ]));
    if let Some(list::Table {
        head: th,
        body: tb,
        row_w,
    }) = list::table_panel(frame, table, block)
    {
        let wide = row_w >= 100;
        let mut cols = vec![Col::Fixed(9), Col::Fixed(8), Col::Fill];
        if wide {
            cols.push(Col::Fixed(38));
        }
        let widths = col_widths(&cols, row_w);
        let mut names = vec![("STATUS", false), ("SEVERITY", false), ("CHECK", false)];
        if wide {
            names.push(("ID", false));
        }
        list::draw_header(frame, th, names, &widths, t);
        state.viewport.page.set(usize::from(tb.height).max(1));
        let offset = &state.viewport.resource_detail_offset;
        list::draw_window(frame, tb, &findings, cursor, offset, t, |&i| {
            let f = &state.assessment.findings[i];
            let title =
                checks::find(&f.check_id).map_or(f.check_id.to_string(), |c| c.title.to_string());
            let mut cells = vec![
                (
                    f.shown().label().to_string(),
                    t[status_token(f.shown())],
                    false,
                ),
                (
                    f.severity.as_str().to_string(),
                    t[severity_token(f.severity)],
                    false,
                ),
                match state.change_marker(f) {
                    Some(c) => (format!("{} {title}", c.marker()), t[Token::Accent], false),
                    None => (title.to_string(), t[Token::Text], false),
                },
            ];
            if wide {
                cells.push((f.check_id.to_string(), t[Token::Dim], false));
            }
            row_line(cells, &widths)
        });
    }

    let block = panel("", false, t).title(Line::from(vec![
        Span::styled(" Finding ", t[Token::Title]),
        Span::styled("· enter opens the fix ", t[Token::Dim]),
    ]));
    let inner = block.inner(preview);
    frame.render_widget(block, preview);
    let Some(f) = findings.get(cursor).and_then(|&i| state.finding(i)) else {
        return;
    };
    let iw = usize::from(inner.width).saturating_sub(2);
    let mut lines = vec![Line::from(vec![
        Span::raw(" "),
        status_span(f.shown(), t),
        Span::styled(format!("  {}", f.check_id), t[Token::Accent]),
    ])];
    for l in wrap_words(&f.message, iw) {
        lines.push(Line::from(Span::styled(format!(" {l}"), t[Token::Text])));
    }
    for l in super::check_detail::mute_lines(f, iw) {
        lines.push(Line::from(Span::styled(format!(" {l}"), t[Token::Muted])));
    }
    for e in &f.evidence {
        lines.push(Line::from(vec![
            Span::styled(format!("   {} ", e.field), t[Token::Dim]),
            Span::styled(e.value.clone(), t[Token::Text]),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// What runs inside the function (read with `--code`): how many packages its package and
/// layers hold, then its vulnerable packages, most severe first (at most `most` lines).
fn package_lines(
    state: &State,
    resource_id: &str,
    width: usize,
    most: usize,
) -> Vec<Line<'static>> {
    let t = &state.theme;
    let Some(reports) = state.accounts.list.iter().find_map(|a| {
        let f = a
            .inventory
            .functions
            .iter()
            .find(|f| f.arn == resource_id)?;
        a.inventory.code_reports(f)
    }) else {
        return Vec::new();
    };
    let mut counts = Vec::new();
    let mut unread = Vec::new();
    let mut vulnerable = Vec::new();
    for (place, report) in &reports {
        match report {
            Some(Ok(r)) => {
                counts.push(format!("{} in {place}", r.contents.packages.len()));
                vulnerable.extend(r.vulnerabilities.iter().map(|v| (place.clone(), v)));
            }
            Some(Err(e)) => unread.push(format!("{place}: {e}")),
            None => unread.push(format!("{place}: not read")),
        }
    }
    vulnerable.sort_by_key(|(_, v)| v.severity);
    let mut head = vec![
        Span::styled(" packages ", t[Token::Dim]),
        Span::styled(counts.join(" · "), t[Token::Text]),
    ];
    if !unread.is_empty() {
        head.push(Span::styled(
            fit(
                &format!("  unread: {}", unread.join("; ")),
                width.saturating_sub(30),
            ),
            t[Token::Unknown],
        ));
    }
    let mut lines = vec![Line::from(head)];
    let shown = if vulnerable.len() > most {
        most - 1
    } else {
        most
    };
    for (place, v) in vulnerable.iter().take(shown) {
        let fixed = v
            .fixed
            .as_deref()
            .map_or_else(|| "no fix".to_string(), |f| format!("→ {f}"));
        let text = format!(
            "{} {} {fixed}  {}  ({place})",
            v.package,
            v.version,
            v.ids.join(", ")
        );
        lines.push(Line::from(vec![
            Span::styled(
                format!("   {:<8} ", v.severity.as_str()),
                t[severity_token(v.severity)],
            ),
            Span::styled(fit(&text, width.saturating_sub(13)), t[Token::Text]),
        ]));
    }
    if vulnerable.len() > shown {
        lines.push(Line::from(Span::styled(
            format!("   +{} more vulnerable packages", vulnerable.len() - shown),
            t[Token::Dim],
        )));
    }
    lines
}

/// `triggered by SQS queue orders-in (mapping …) · SNS topic order-events · state machine
/// order-fulfilment (task Charge) · GraphQL API storefront (resolver Query.order)`: what
/// makes a function run besides a gateway route, from the collected inventory (none for a
/// snapshot file).
fn triggers_line(state: &State, resource_id: &str, width: usize) -> Option<Line<'static>> {
    let t = &state.theme;
    let (inventory, f) = state.accounts.list.iter().find_map(|a| {
        let f = a
            .inventory
            .functions
            .iter()
            .find(|f| f.arn == resource_id)?;
        Some((&a.inventory, f))
    })?;
    let triggers = crate::domain::triggers::triggers_of(inventory, f);
    let machines = crate::domain::workflows::callers_of(inventory, f);
    let resolvers = crate::domain::graphql::callers_of(inventory, f);
    if triggers.is_empty() && machines.is_empty() && resolvers.is_empty() {
        return None;
    }
    let list: Vec<String> = triggers
        .iter()
        .map(|tr| match &tr.qualifier {
            Some(q) => format!("{} → :{q}", tr.source_label()),
            None => tr.source_label(),
        })
        .chain(
            machines
                .iter()
                .map(|(m, state)| format!("state machine {} (task {state})", m.name)),
        )
        .chain(
            resolvers
                .iter()
                .map(|(api, field)| format!("GraphQL API {} (resolver {field})", api.name)),
        )
        .collect();
    Some(Line::from(vec![
        Span::styled(" triggered by ", t[Token::Dim]),
        Span::styled(
            fit(&list.join(" · "), width.saturating_sub(14)),
            t[Token::Text],
        ),
    ]))
}
