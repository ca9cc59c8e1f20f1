//! Application layer: state, actions, update, effects and the source contract.

pub mod action;
pub mod command;
pub mod derive;
pub mod keymap;
pub mod scheduler;
pub mod state;
pub mod theme;
pub mod update;
