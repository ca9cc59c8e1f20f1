//! Application layer: state, actions, update, effects and the source contract.

pub mod action;
pub mod command;
pub mod derive;
pub mod keymap;
pub mod list;
pub mod orders;
pub mod scheduler;
pub mod screens;
pub mod state;
pub mod theme;
pub mod update;
