//! Help: the keys of every screen and this session's messages, scrolled with the moving keys.

use super::list::delta;
use crate::app::keymap::Op;
use crate::app::list::step;
use crate::app::state::{Screen, State};

pub fn on_op(state: &mut State, op: Op) -> bool {
    let (Screen::Help { scroll }, Some(delta)) = (state.screen(), delta(state, op)) else {
        return false;
    };
    let max = state.viewport.text_max_scroll.get();
    let s = step(usize::from(*scroll), delta, usize::from(max) + 1) as u16;
    if let Screen::Help { scroll } = state.screen_mut() {
        *scroll = s;
    }
    true
}
