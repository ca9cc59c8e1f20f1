//! Every integration test in one binary, so the suite links once and its tests (UI, files,
//! CLI, real terminal, emulator) run side by side instead of one binary after another.
//! Each module is the file of the same name beside this one.

mod support;
mod ui_support;

mod architecture;
mod catalogue;
mod cli;
mod cli_failures;
mod demo_account;
mod deploy;
mod drift;
mod emulator_code;
mod emulator_faults;
mod emulator_iam;
mod emulator_org;
mod emulator_quota;
mod emulator_scan;
mod formats;
mod inspect;
mod live_cli;
mod mutelist;
mod osv_reference;
mod readme;
mod robustness;
mod robustness_readers;
mod snapshot_files;
mod tmux_e2e;
mod ui_colors;
mod ui_config_files;
mod ui_screens;
mod ui_update;
