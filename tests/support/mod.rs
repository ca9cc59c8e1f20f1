//! Helpers shared by the emulator tests.

pub mod emulator;
pub mod osv;
