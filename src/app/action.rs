//! Everything that can happen to the app (`Action`) and everything the app asks the outside
//! world to do (`Effect`). `update` turns the first into state changes and the second.

use std::path::PathBuf;

use crossterm::event::KeyEvent;
use time::OffsetDateTime;

use super::keymap::Op;
use crate::domain::source::{SourceCommand, SourceEvent};

#[derive(Clone, Debug)]
pub enum Action {
    /// A key press (releases and repeats are dropped by the run loop).
    Key(KeyEvent),
    /// A bound operation, as if its key was pressed.
    Op(Op),
    /// Bracketed paste (goes into an open prompt).
    Paste(String),
    /// The clock moved on (relative times, toasts).
    Tick(OffsetDateTime),
    /// The terminal was resized or resumed: redraw.
    Redraw,
    Source(SourceEvent),
    /// An export effect finished.
    ExportFinished {
        path: PathBuf,
        result: Result<(), ExportFailure>,
    },
    /// Something outside update went wrong or has news (clipboard, suspend).
    Notify(super::state::Level, String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportFailure {
    /// The file exists and `force` was false: ask before overwriting.
    AlreadyExists,
    Other(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    Source(SourceCommand),
    /// Write a snapshot of the current assessment.
    ExportSnapshot {
        path: PathBuf,
        force: bool,
    },
    /// Put text on the clipboard (OSC 52, works over SSH).
    CopyToClipboard(String),
    /// Ctrl-Z: restore the terminal and stop until `fg`.
    Suspend,
    Quit,
}
