//! A resource's detail: its findings; Enter opens the selected finding's check at its fix.

use super::list::delta;
use crate::app::keymap::Op;
use crate::app::list::step;
use crate::app::state::{CheckDetail, Pane, Screen, State};

pub fn on_op(state: &mut State, op: Op) -> bool {
    let Screen::ResourceDetail(d) = state.screen().clone() else {
        return false;
    };
    let (list, cur) = state.resource_findings(&d);
    if let Some(delta) = delta(state, op) {
        let cur = step(cur, delta, list.len());
        let selected = list
            .get(cur)
            .map(|&i| state.assessment.findings[i].check_id.to_string());
        if let Screen::ResourceDetail(d) = state.screen_mut() {
            d.selected = selected;
        }
        return true;
    }
    if op != Op::Open {
        return false;
    }
    if let Some(f) = list.get(cur).and_then(|&i| state.finding(i)) {
        let detail = CheckDetail {
            check_id: f.check_id.to_string(),
            selected: Some(f.resource_id.to_string()),
            focus: Pane::Fix,
            scroll: 0,
        };
        state.stack.push(Screen::CheckDetail(detail));
    }
    true
}
