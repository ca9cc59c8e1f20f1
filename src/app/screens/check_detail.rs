//! A check's detail: its resources on the left, the selected one's evidence and fix on the
//! right; Tab and Enter move to the fix pane, which then scrolls.

use super::list::delta;
use crate::app::keymap::Op;
use crate::app::list::step;
use crate::app::state::{Pane, Screen, State};

pub fn on_op(state: &mut State, op: Op) -> bool {
    let Screen::CheckDetail(d) = state.screen().clone() else {
        return false;
    };
    if let Some(delta) = delta(state, op) {
        if d.focus == Pane::Fix {
            let max = state.viewport.text_max_scroll.get();
            let scroll = step(usize::from(d.scroll), delta, usize::from(max) + 1) as u16;
            if let Screen::CheckDetail(d) = state.screen_mut() {
                d.scroll = scroll;
            }
            return true;
        }
        let (list, cur) = state.detail_findings(&d);
        let cur = step(cur, delta, list.len());
        let selected = list
            .get(cur)
            .map(|&i| state.assessment.findings[i].resource_id.to_string());
        if let Screen::CheckDetail(d) = state.screen_mut() {
            d.selected = selected;
            d.scroll = 0;
        }
        return true;
    }
    let focus = match op {
        Op::Open => Pane::Fix,
        Op::NextPane | Op::PrevPane if d.focus == Pane::Fix => Pane::Resources,
        Op::NextPane | Op::PrevPane => Pane::Fix,
        _ => return false,
    };
    if let Screen::CheckDetail(d) = state.screen_mut() {
        d.focus = focus;
    }
    true
}
