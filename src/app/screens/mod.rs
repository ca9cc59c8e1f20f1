//! Each screen's own keys and behaviour, one module a screen: the list screens (their view,
//! rows, what Enter does, what they say; the keys lists share are `list.rs`'s), and the
//! overview, the detail screens and help. This is the one place that sends a key, or a filter
//! edit, to the screen it is for.

pub mod check_detail;
pub mod checklist;
pub mod help;
pub mod list;
pub mod organization;
pub mod overview;
pub mod resource_detail;
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

/// The keys the screen on display handles itself (moving, Enter, a list's filter and order,
/// a detail's panes); `false` for the keys every screen shares.
pub fn on_op(state: &mut State, op: Op) -> bool {
    with_list!(state, L => list::on_op::<L>(state, op), else match state.screen().scope() {
        Scope::Overview => overview::on_op(state, op),
        Scope::CheckDetail => check_detail::on_op(state, op),
        Scope::ResourceDetail => resource_detail::on_op(state, op),
        Scope::Help => help::on_op(state, op),
        _ => false,
    })
}

/// The filter of the list on screen (what a filter prompt edits).
pub fn filter_mut(state: &mut State) -> Option<&mut String> {
    with_list!(state, L => Some(&mut L::view_mut(state).filter), else None)
}
