//! Parapet: the security posture of serverless AWS accounts, in the terminal.

pub mod domain;
pub mod export;
pub mod app;
pub mod demo;
pub mod config;
pub mod cli;
pub mod report;
pub mod ui;
