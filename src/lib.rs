//! Parapet: the security posture of serverless AWS accounts, in the terminal.

pub mod app;
pub mod aws;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod export;
pub mod inspect;
pub mod osv_db;
pub mod report;
pub mod scan;
pub mod tui;
pub mod ui;
