//! The overview: one tile per category; Enter (or `1`-`9` anywhere) opens the checklist at
//! that category.

use super::checklist;
use super::list::delta;
use crate::app::keymap::Op;
use crate::app::list::step;
use crate::app::state::State;
use crate::domain::finding::Category;

pub fn on_op(state: &mut State, op: Op) -> bool {
    if let Some(delta) = delta(state, op) {
        state.overview_selected = step(state.overview_selected, delta, Category::ALL.len());
        return true;
    }
    if op == Op::Open {
        checklist::jump_to_category(state, state.overview_selected);
        return true;
    }
    false
}
