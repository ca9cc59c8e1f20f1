//! Application layer: state, actions, update, effects and the source contract.

pub mod demo_source;
pub mod keymap;
pub mod source;
