//! Parapet: the security posture of serverless AWS accounts, in the terminal.

pub mod domain;
pub mod app;
