//! Pure domain: inventory model, check catalogue, scoring, detectors, policy evaluation,
//! snapshot schema. No tokio, ratatui or AWS SDK types here.

pub mod accounts;
pub mod advisory_groups;
pub mod arn;
pub mod assessment;
pub mod catalogue;
pub mod checks;
pub mod code_secrets;
pub mod cognito;
pub mod collection;
pub mod detectors;
pub mod diff;
pub mod entry_points;
pub mod failure;
pub mod finding;
pub mod graphql;
pub mod iam;
pub mod inventory;
pub mod listed;
pub mod mutelist;
pub mod osv;
pub mod packages;
pub mod policy;
pub mod quota;
pub mod remediation;
pub mod runtimes;
pub mod score;
pub mod shard;
pub mod snapshot;
pub mod source;
pub mod text;
pub mod triggers;
pub mod values;
pub mod vocabulary;
pub mod workflows;
