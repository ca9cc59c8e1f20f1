//! Per (area, region) collection status: what the status strip shows and what a snapshot
//! records under `collection`.

use serde::{Deserialize, Serialize};

use super::failure::Failure;
use super::vocabulary::Area;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CollectionState {
    /// Not started yet.
    Pending,
    /// In flight.
    Running,
    /// Every call succeeded.
    Ok,
    /// The batch arrived but some calls failed (their findings are `unknown`).
    Partial,
    /// Nothing usable arrived.
    Failed,
}

impl CollectionState {
    /// Whether a collection finished (well or not).
    pub fn is_done(self) -> bool {
        matches!(
            self,
            CollectionState::Ok | CollectionState::Partial | CollectionState::Failed
        )
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CollectionStatus {
    /// The account collected; empty until the source names it (a snapshot fills it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub account_id: String,
    pub area: Area,
    pub region: String,
    pub status: CollectionState,
    /// First error (or a summary) for partial/failed batches.
    #[serde(default)]
    pub error: Option<Failure>,
    /// Wall time of the last completed collection.
    #[serde(default)]
    pub duration_ms: Option<u64>,
    /// Progress of a running collection, 0-100.
    #[serde(default, skip_serializing)]
    pub progress: Option<u8>,
}
