//! The terminal UI: one file per screen or widget; drawing is a pure function of the app state.

pub mod theme;
