//! The list screens, one module each (its rows' view, what Enter does, what it says), and
//! the one place that sends a key or a filter edit to the list on screen.

pub mod checklist;
pub mod list;
pub mod organization;
pub mod resources;

use crate::app::keymap::{Op, Scope};
use crate::app::state::State;
use list::ListScreen;

/// Runs `$body` with `$L` as the list screen on screen, or `$other` when it is not a list.
macro_rules! with_list {
    ($state:expr, $L:ident => $body:expr, else $other:expr) => {
        match $state.screen().scope() {
            Scope::Organization => {
                type $L = organization::Organization;
                $body
            }
            Scope::Checklist => {
                type $L = checklist::Checklist;
                $body
            }
            Scope::Resources => {
                type $L = resources::Resources;
                $body
            }
            _ => $other,
        }
    };
}

/// The keys the list on screen handles itself; `false` for other screens and keys.
pub fn on_op(state: &mut State, op: Op) -> bool {
    with_list!(state, L => list::on_op::<L>(state, op), else false)
}

/// The filter of the list on screen (what a filter prompt edits).
pub fn filter_mut(state: &mut State) -> Option<&mut String> {
    with_list!(state, L => Some(&mut L::view_mut(state).filter), else None)
}
