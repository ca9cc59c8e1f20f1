//! Helpers shared by the emulator test binaries (`mod support;`).

#![allow(dead_code)]

pub mod emulator;
