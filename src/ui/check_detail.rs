//! Check detail: what the check is and why it matters, the resources it looked at (failing
//! first), and for the selected resource the evidence that decided and the fix with the
//! resource's real names filled in (console steps, CLI, Terraform).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::list;
use super::widgets::panel;
use super::widgets::{
    Col, col_widths, fit, row_line, severity_span, status_span, status_token, width, wrap_code,
    wrap_words,
};
use crate::app::state::{CheckDetail, Pane, State};
use crate::app::theme::{Theme, Token};
use crate::domain::advisory_groups::{AdvisoryGroup, advisory_groups};
use crate::domain::checks;
use crate::domain::finding::Finding;

/// ` by advisory  lodash 4.17.15 · GHSA-35jh-r3h4-6jhm — 4 functions; …`, as many as fit.
fn by_advisory(groups: &[AdvisoryGroup], w: usize, t: &Theme) -> Line<'static> {
    let mut spans = vec![Span::styled(" by advisory ", t[Token::Dim])];
    let mut used = 13;
    for (i, g) in groups.iter().enumerate() {
        let n = g.reach();
        let text = format!(
            "{}{} — {n} function{}",
            if i > 0 { "; " } else { " " },
            g.advisory,
            if n == 1 { "" } else { "s" }
        );
        let left = groups.len() - i;
        let more = format!("  +{left} more");
        if used + width(&text) + if left > 1 { width(&more) } else { 0 } > w {
            spans.push(Span::styled(more, t[Token::Dim]));
            break;
        }
        used += width(&text);
        spans.push(Span::styled(
            text,
            t[super::widgets::severity_token(g.severity)],
        ));
    }
    Line::from(spans)
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State, d: &CheckDetail) {
    let t = &state.theme;
    let Some(row) = state.check_row(&d.check_id) else {
        let text = format!("  {} is not in this assessment", d.check_id);
        frame.render_widget(Paragraph::new(Span::styled(text, t[Token::Dim])), area);
        return;
    };
    let def = checks::find(&row.id);
    let w = usize::from(area.width).saturating_sub(2);

    // ── heading: title, status, id line, rationale ──
    let mut info: Vec<Line> = Vec::new();
    info.push(Line::from(vec![
        Span::raw(" "),
        Span::styled(row.title.clone(), t[Token::Title]),
        Span::raw("  "),
        status_span(row.status, t),
        Span::styled(
            format!("  {}/{} failing", row.counts.fail, row.counts.total()),
            t[Token::Dim],
        ),
    ]));
    // id · severity · impact · category · FSBP · service, as many as fit.
    let mut second = vec![
        Span::raw(" "),
        Span::styled(row.id.clone(), t[Token::Accent]),
        Span::styled(" · ", t[Token::Dim]),
        severity_span(row.severity, t),
    ];
    let mut extras = Vec::new();
    if row.impact > 0.0 {
        extras.push(Span::styled(
            format!("impact +{:.1}", row.impact),
            t[Token::Accent],
        ));
    }
    extras.push(Span::styled(
        row.category.title().to_string(),
        t[Token::Dim],
    ));
    if let Some(fsbp) = def.and_then(|d| d.fsbp) {
        extras.push(Span::styled(format!("FSBP {fsbp}"), t[Token::Dim]));
    }
    extras.push(Span::styled(row.service.as_str(), t[Token::Dim]));
    let mut used: usize = second.iter().map(|s| width(&s.content)).sum();
    for e in extras {
        if used + 3 + width(&e.content) > w {
            break;
        }
        used += 3 + width(&e.content);
        second.push(Span::styled(" · ", t[Token::Dim]));
        second.push(e);
    }
    info.push(Line::from(second));
    let rationale = def.map(|d| d.rationale).unwrap_or_default();
    let max_rationale = if area.height >= 30 { 4 } else { 2 };
    let wrapped = wrap_words(rationale, w);
    let truncated = wrapped.len() > max_rationale;
    for (i, l) in wrapped.iter().take(max_rationale).enumerate() {
        let text = if truncated && i + 1 == max_rationale {
            fit(&format!("{l} …"), w)
        } else {
            l.clone()
        };
        info.push(Line::from(Span::styled(format!(" {text}"), t[Token::Text])));
    }

    // The code checks: which advisories, reaching how many functions.
    let groups = advisory_groups(row.findings.iter().map(|&i| &state.assessment.findings[i]));
    if !groups.is_empty() {
        info.push(by_advisory(&groups, w, t));
    }

    let (findings, cursor) = state.detail_findings(d);
    let rest = area.height.saturating_sub(info.len() as u16);
    let table_h = (findings.len() as u16 + 3).clamp(4, (rest * 2 / 5).max(4));
    let [head, table, fix] = Layout::vertical([
        Constraint::Length(info.len() as u16),
        Constraint::Length(table_h),
        Constraint::Min(0),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(info), head);

    // ── resources table ──
    let focus_table = d.focus == Pane::Resources;
    let mut title = vec![
        Span::styled(" Resources ", t[Token::Title]),
        Span::styled(format!("[{}] ", findings.len()), t[Token::Dim]),
    ];
    if row.counts.not_applicable > 0 {
        title.push(Span::styled(
            format!("+{} not applicable ", row.counts.not_applicable),
            t[Token::Dim],
        ));
    }
    let block = panel("", focus_table, t).title(Line::from(title));
    if let Some(list::Table {
        head: th,
        body: tb,
        row_w,
    }) = list::table_panel(frame, table, block)
    {
        let wide = row_w >= 90;
        let name_w = (row_w / 3).clamp(10, 40);
        // One check across every account of an Organization: which account each row is.
        let across = state.is_organization() && state.account.is_none();
        let mut cols = vec![Col::Fixed(9)];
        if across {
            cols.push(Col::Fixed(12));
        }
        cols.push(Col::Fixed(name_w));
        if wide {
            cols.push(Col::Fixed(14));
        }
        cols.push(Col::Fill);
        let widths = col_widths(&cols, row_w);
        let mut names = vec![("STATUS", false)];
        if across {
            names.push(("ACCOUNT", false));
        }
        names.push(("RESOURCE", false));
        if wide {
            names.push(("REGION", false));
        }
        names.push(("WHY", false));
        list::draw_header(frame, th, names, &widths, t);
        if focus_table {
            state.viewport.page.set(usize::from(tb.height).max(1));
        }
        if findings.is_empty() {
            frame.render_widget(
                Paragraph::new(Span::styled(
                    "  no resources in scope for this check",
                    t[Token::Dim],
                )),
                tb,
            );
        }
        let offset = &state.viewport.detail_offset;
        list::draw_window(frame, tb, &findings, cursor, offset, t, |&i| {
            let f = &state.assessment.findings[i];
            let mut cells = vec![(
                f.shown().label().to_string(),
                t[status_token(f.shown())],
                false,
            )];
            if across {
                cells.push((f.account_id.to_string(), t[Token::Dim], false));
            }
            cells.push(match state.change_marker(f) {
                Some(c) => (
                    format!("{} {}", c.marker(), f.resource_name),
                    t[Token::Accent],
                    false,
                ),
                None => (f.resource_name.to_string(), t[Token::Text], false),
            });
            if wide {
                cells.push((f.region.to_string(), t[Token::Dim], false));
            }
            cells.push((f.message.to_string(), t[Token::Dim], false));
            row_line(cells, &widths)
        });
    }

    // ── evidence and fix ──
    let focus_fix = d.focus == Pane::Fix;
    let selected = findings.get(cursor).and_then(|&i| state.finding(i));
    let name = selected.map_or(String::new(), |f| f.resource_name.to_string());
    let block = panel("", focus_fix, t)
        .title(Line::from(vec![
            Span::styled(format!(" {} ", fit(&name, 40)), t[Token::Title]),
            Span::styled("evidence & fix ", t[Token::Dim]),
        ]))
        .title(
            Line::from(vec![
                Span::styled(" c", t[Token::Key]),
                Span::styled(" copies the CLI ", t[Token::Dim]),
            ])
            .right_aligned(),
        );
    let inner = block.inner(fix);
    frame.render_widget(block, fix);
    let Some(f) = selected else { return };
    let mut lines = fix_lines(f, usize::from(inner.width), t);
    if truncated {
        lines.push(Line::default());
        lines.push(section("WHY IT MATTERS", t));
        for l in wrap_words(rationale, usize::from(inner.width).saturating_sub(2)) {
            lines.push(Line::from(Span::styled(format!(" {l}"), t[Token::Text])));
        }
    }
    let max = lines.len().saturating_sub(usize::from(inner.height)) as u16;
    state.viewport.text_max_scroll.set(max);
    if focus_fix {
        state.viewport.page.set(usize::from(inner.height).max(1));
    }
    let scroll = d.scroll.min(max);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), inner);
}

fn section(name: &str, t: &Theme) -> Line<'static> {
    Line::from(Span::styled(format!(" {name}"), t[Token::Header]))
}

/// The lines of the evidence & fix pane, wrapped to `w` so scrolling is exact.
pub fn fix_lines(f: &Finding, w: usize, t: &Theme) -> Vec<Line<'static>> {
    let body = w.saturating_sub(3).max(8);
    let mut lines = Vec::new();
    lines.push(Line::from(vec![
        Span::raw(" "),
        Span::styled(f.resource_name.clone(), t[Token::Text]),
        Span::styled(format!("  {}", f.region), t[Token::Dim]),
    ]));
    for l in wrap_code(&f.resource_id, body) {
        lines.push(Line::from(Span::styled(format!(" {l}"), t[Token::Dim])));
    }
    let status = status_span(f.shown(), t);
    let msg_lines = wrap_words(&f.message, body.saturating_sub(width(&status.content) + 1));
    for (i, l) in msg_lines.iter().enumerate() {
        let lead = if i == 0 {
            status.clone()
        } else {
            Span::raw(" ".repeat(width(&status.content)))
        };
        lines.push(Line::from(vec![
            Span::raw(" "),
            lead,
            Span::raw(" "),
            Span::styled(l.clone(), t[Token::Text]),
        ]));
    }
    for l in mute_lines(f, body) {
        lines.push(Line::from(Span::styled(format!(" {l}"), t[Token::Muted])));
    }
    if !f.evidence.is_empty() {
        lines.push(Line::default());
        lines.push(section("EVIDENCE", t));
        let fw = f
            .evidence
            .iter()
            .map(|e| width(&e.field))
            .max()
            .unwrap_or(0)
            .min(body / 2);
        for e in &f.evidence {
            let value_w = body.saturating_sub(fw + 3).max(8);
            for (i, v) in wrap_code(&e.value, value_w).into_iter().enumerate() {
                let field = if i == 0 {
                    fit(&e.field, fw)
                } else {
                    String::new()
                };
                lines.push(Line::from(vec![
                    Span::styled(format!("   {field:<fw$} "), t[Token::Dim]),
                    Span::styled(v, t[Token::Text]),
                ]));
            }
        }
    }
    let r = f.remediation();
    if !r.summary.is_empty() {
        lines.push(Line::default());
        lines.push(section("FIX", t));
        for l in wrap_words(&r.summary, body) {
            lines.push(Line::from(Span::styled(format!("   {l}"), t[Token::Text])));
        }
    }
    if !r.console.is_empty() {
        lines.push(Line::default());
        lines.push(section("CONSOLE", t));
        for (n, step) in r.console.iter().enumerate() {
            for (i, l) in wrap_words(step, body.saturating_sub(4))
                .into_iter()
                .enumerate()
            {
                let lead = if i == 0 {
                    format!("   {}. ", n + 1)
                } else {
                    "      ".into()
                };
                lines.push(Line::from(vec![
                    Span::styled(lead, t[Token::Dim]),
                    Span::styled(l, t[Token::Text]),
                ]));
            }
        }
    }
    if !r.cli.trim().is_empty() {
        lines.push(Line::default());
        lines.push(Line::from(vec![
            Span::styled(" CLI", t[Token::Header]),
            Span::styled("  (c copies)", t[Token::Dim]),
        ]));
        for l in wrap_code(&r.cli, body) {
            lines.push(Line::from(Span::styled(
                format!("   {l}"),
                t[Token::Accent],
            )));
        }
    }
    if !r.terraform.trim().is_empty() {
        lines.push(Line::default());
        lines.push(section("TERRAFORM", t));
        for l in wrap_code(&r.terraform, body) {
            lines.push(Line::from(Span::styled(format!("   {l}"), t[Token::Text])));
        }
    }
    if let Some(def) = checks::find(&f.check_id) {
        lines.push(Line::default());
        lines.push(section("REFERENCES", t));
        for rf in def.references() {
            lines.push(Line::from(vec![
                Span::styled(format!("   {:<10} ", rf.label), t[Token::Dim]),
                Span::styled(rf.url.to_string(), t[Token::Accent]),
            ]));
        }
    }
    lines
}

/// What the detail views say of a finding's mute: the mute in force (with the real status it
/// hides, its expiry and where it was made), or a mute that has expired.
pub fn mute_lines(f: &Finding, width: usize) -> Vec<String> {
    let text = if let Some(m) = &f.mute {
        let mut t = format!("muted ({} underneath): {}", f.status.as_str(), m.reason);
        if let Some(e) = &m.expires {
            t.push_str(&format!(" · until {e}"));
        }
        if let Some(src) = &m.source {
            t.push_str(&format!(" · {src}"));
        }
        t
    } else if let Some(reason) = f.mute_text() {
        format!("muted: {reason}")
    } else if let Some(m) = &f.mute_expired {
        format!(
            "mute expired {}: {}",
            m.expires.as_deref().unwrap_or("?"),
            m.reason
        )
    } else {
        return Vec::new();
    };
    wrap_words(&text, width)
}
