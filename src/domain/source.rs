//! The contract between data sources (demo fixture now, AWS pollers next) and the app:
//! sources run as tokio tasks, receive [`SourceCommand`]s and send [`SourceEvent`]s. Nothing
//! downstream knows where the data came from.

use super::failure::Failure;
use std::sync::Arc;
use std::time::Duration;

use crate::domain::collection::{CollectionState, CollectionStatus};
use crate::domain::inventory::{Area, Inventory};
use crate::domain::snapshot::AccountInfo;

/// One (area, region) batch: the inventory parts that area owns for that region.
#[derive(Clone, Debug)]
pub struct Batch {
    pub area: Area,
    pub region: String,
    /// `Ok`, `Partial` or `Failed`.
    pub status: CollectionState,
    pub error: Option<Failure>,
    pub duration: Duration,
    pub inventory: Inventory,
    /// The requests the collection sent, per API quota bucket (`lambda.control-plane`, …):
    /// what the expected duration of the next collection at a quota share is made of.
    pub requests: std::collections::BTreeMap<String, u64>,
}

impl Batch {
    /// What the status strip shows and a snapshot records of this batch.
    pub fn collection_status(&self) -> CollectionStatus {
        CollectionStatus {
            account_id: self.inventory.account_id.clone(),
            area: self.area,
            region: self.region.clone(),
            status: self.status,
            error: self.error.clone(),
            duration_ms: Some(self.duration.as_millis() as u64),
            progress: None,
        }
    }
}

/// What is being scanned: the account (from STS), the profile, the regions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identity {
    pub account_id: String,
    pub profile: Option<String>,
    pub regions: Vec<String>,
}

#[derive(Clone, Debug)]
pub enum SourceEvent {
    /// Identity of what is being scanned.
    Identity(Identity),
    /// An area started collecting in a region.
    Started {
        area: Area,
        region: String,
    },
    /// Progress of a running collection, 0-100.
    Progress {
        area: Area,
        region: String,
        percent: u8,
    },
    Batch(Box<Batch>),
    /// The source cannot run at all (no credentials, unreachable endpoint): shown as a banner
    /// with what to do.
    Fatal {
        message: String,
        hint: String,
    },
    /// The source is still waiting for something it cannot go on without (STS naming the
    /// account behind the credentials): said after a few seconds, so a hung endpoint is not a
    /// silent screen.
    Waiting {
        what: String,
    },
    /// A source of several accounts: the accounts, once resolved (before any of their events).
    Accounts(Vec<AccountInfo>),
    /// One account's event, by the account's key (its id, or its profile for `--profile`).
    /// Its `Fatal` means that account cannot be collected; the others go on.
    OfAccount {
        key: String,
        event: Box<SourceEvent>,
    },
}

impl SourceEvent {
    /// The batch this event carries, if it is one.
    pub fn batch(&self) -> Option<&Batch> {
        match self {
            SourceEvent::Batch(b) => Some(b),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceCommand {
    /// Re-collect one area (all regions), or everything with `None`.
    Refresh(Option<Area>),
    /// Stop/resume periodic polling (manual refresh still works).
    SetPaused(bool),
    Shutdown,
}

/// One collection to run: an area in a region, what dependent areas read (the account's
/// inventory when the run starts) and the share of every quota bucket it may use (a periodic
/// poll of the live TUI takes less than a first collection or a refresh).
#[derive(Clone, Debug)]
pub struct Job {
    pub area: Area,
    pub region: String,
    pub current: Arc<Inventory>,
    pub share: f64,
}
