//! Application layer: state, actions, update, effects and the source contract.

pub mod action;
pub mod command;
pub mod demo_source;
pub mod derive;
pub mod keymap;
pub mod run;
pub mod source;
pub mod state;
pub mod terminal;
pub mod update;
