//! The accounts being looked at, as one list (a single account is a list of one), and the one
//! fold of a source's events into it. The TUI's `update` and the headless `parapet scan` both
//! feed their events through [`Accounts::apply`]; neither keeps accounts any other way.

use std::collections::BTreeMap;

use time::OffsetDateTime;

use super::assessment::{Mute, apply_mutes};
use super::catalogue::Context;
use super::checks::evaluate_all;
use super::collection::{CollectionState, CollectionStatus};
use super::finding::Finding;
use super::inventory::Inventory;
use super::snapshot::{AccountError, AccountInfo};
use super::source::{Identity, SourceEvent};
use super::vocabulary::Area;

/// One (area, region)'s latest collection status.
#[derive(Clone, Debug, PartialEq)]
pub struct AreaStatus {
    pub status: CollectionStatus,
    /// When the last batch that was not `Failed` arrived.
    pub last_success: Option<OffsetDateTime>,
}

/// One account: who it is, what was collected, how the collection went.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Account {
    pub info: AccountInfo,
    /// How the source names it in [`SourceEvent::OfAccount`] (its id, or its profile); empty
    /// for the account of a one-account source, whose events come unwrapped.
    pub key: String,
    pub inventory: Inventory,
    /// Per (area, region).
    pub collection: BTreeMap<(Area, String), AreaStatus>,
    /// The requests of each (area, region)'s latest collection, per quota bucket.
    pub requests: BTreeMap<(Area, String), BTreeMap<String, u64>>,
    /// How many of the view's findings are this account's: they stand together, account
    /// after account in list order (see [`Accounts::span`]), so one account is assessed
    /// again without copying the others'.
    pub findings: usize,
}

impl Account {
    pub fn of(info: AccountInfo) -> Account {
        let key = if info.id.is_empty() {
            info.profile.clone().unwrap_or_default()
        } else {
            info.id.clone()
        };
        Account {
            info,
            key,
            ..Account::default()
        }
    }

    /// Who the account is, as its source identified it.
    pub fn identity(&self) -> Identity {
        Identity {
            account_id: self.info.id.clone(),
            profile: self.info.profile.clone(),
            regions: self.info.regions.clone(),
        }
    }

    /// The inventory's findings, mutes applied.
    pub fn assess(&self, ctx: &Context, mutes: &[Mute]) -> Vec<Finding> {
        let mut findings = evaluate_all(&self.inventory, ctx);
        apply_mutes(&mut findings, mutes, ctx.now.date());
        findings
    }

    /// The (area, region) statuses in (area, region) order.
    pub fn statuses(&self) -> impl Iterator<Item = &CollectionStatus> {
        self.collection.values().map(|s| &s.status)
    }

    /// Whether every one of `areas` (what the source collects) has been collected once
    /// (well or not) in every region.
    pub fn collected_once(&self, areas: &[Area]) -> bool {
        !self.info.regions.is_empty()
            && self.info.regions.iter().all(|r| {
                areas.iter().all(|a| {
                    self.collection
                        .get(&(*a, r.clone()))
                        .is_some_and(|s| s.status.status.is_done())
                })
            })
    }

    fn entry(&mut self, area: Area, region: &str) -> &mut AreaStatus {
        let account_id = self.info.id.clone();
        self.collection
            .entry((area, region.to_string()))
            .or_insert_with(|| AreaStatus {
                status: CollectionStatus {
                    account_id,
                    area,
                    region: region.to_string(),
                    status: CollectionState::Pending,
                    error: None,
                    duration_ms: None,
                    progress: None,
                },
                last_success: None,
            })
    }

    /// Records a status read from a snapshot taken at `at`.
    pub fn load_status(&mut self, status: CollectionStatus, at: Option<OffsetDateTime>) {
        let last_success = at.filter(|_| status.status != CollectionState::Failed);
        self.collection.insert(
            (status.area, status.region.clone()),
            AreaStatus {
                status,
                last_success,
            },
        );
    }
}

/// What an event changed, for whoever folds: what to re-evaluate, what to tell the user.
#[derive(Clone, Debug, PartialEq)]
pub enum Applied {
    /// Nothing the caller has to act on (an event for an unknown account).
    Nothing,
    /// An account was identified (its id, profile, regions).
    Identified,
    /// An (area, region)'s status changed; no findings did.
    Shown,
    /// The account at this index got a batch: its inventory changed.
    Batch { account: usize },
    /// The list was replaced (a source of several accounts resolved them).
    Listed,
    /// The account at this index could not be collected at all: its areas are failed and its
    /// checks `unknown` with the reason.
    Failed {
        account: usize,
        message: String,
        hint: String,
    },
    /// The source cannot run at all.
    Fatal { message: String, hint: String },
    /// The source waits for something (`account` when one account of several does).
    Waiting {
        account: Option<usize>,
        what: String,
    },
}

/// Every account, in the order the source listed them.
#[derive(Clone, Debug, PartialEq)]
pub struct Accounts {
    pub list: Vec<Account>,
}

impl Default for Accounts {
    /// One account, not identified yet.
    fn default() -> Accounts {
        Accounts {
            list: vec![Account::default()],
        }
    }
}

impl Accounts {
    /// The list of these accounts (one empty account when `infos` is empty).
    pub fn of(infos: Vec<AccountInfo>) -> Accounts {
        if infos.is_empty() {
            return Accounts::default();
        }
        Accounts {
            list: infos.into_iter().map(Account::of).collect(),
        }
    }

    /// Whether there are several accounts (the Organization overview exists).
    pub fn several(&self) -> bool {
        self.list.len() > 1
    }

    pub fn find(&self, id: &str) -> Option<&Account> {
        self.list.iter().find(|a| a.info.id == id)
    }

    /// Where the account at `index` stands among every account's findings.
    pub fn span(&self, index: usize) -> std::ops::Range<usize> {
        let start = self.list[..index].iter().map(|a| a.findings).sum();
        start..start + self.list[index].findings
    }

    /// Folds one source event in. A one-account source's events go to the first account; a
    /// source of several sends [`SourceEvent::Accounts`] first, then each account's events
    /// by its key.
    pub fn apply(&mut self, event: SourceEvent, now: OffsetDateTime) -> Applied {
        match event {
            SourceEvent::Accounts(infos) => {
                *self = Accounts::of(infos);
                Applied::Listed
            }
            SourceEvent::OfAccount { key, event } => {
                match self.list.iter().position(|a| a.key == key) {
                    Some(i) => self.apply_to(i, *event, now, true),
                    None => Applied::Nothing,
                }
            }
            event => {
                if self.list.is_empty() {
                    self.list.push(Account::default());
                }
                self.apply_to(0, event, now, false)
            }
        }
    }

    fn apply_to(
        &mut self,
        i: usize,
        event: SourceEvent,
        now: OffsetDateTime,
        nested: bool,
    ) -> Applied {
        let account = &mut self.list[i];
        match event {
            SourceEvent::Identity(identity) => {
                account.info.id = identity.account_id;
                if identity.profile.is_some() {
                    account.info.profile = identity.profile;
                }
                if account.info.regions.is_empty() {
                    account.info.regions = identity.regions;
                }
                Applied::Identified
            }
            SourceEvent::Started { area, region } => {
                let entry = account.entry(area, &region);
                entry.status.status = CollectionState::Running;
                entry.status.progress = Some(0);
                Applied::Shown
            }
            SourceEvent::Progress {
                area,
                region,
                percent,
            } => {
                let entry = account.entry(area, &region);
                entry.status.status = CollectionState::Running;
                entry.status.progress = Some(percent.min(100));
                Applied::Shown
            }
            SourceEvent::Batch(batch) => {
                let batch = *batch;
                if account.info.id.is_empty() && !batch.inventory.account_id.is_empty() {
                    account.info.id = batch.inventory.account_id.clone();
                }
                if !account.info.regions.contains(&batch.region) {
                    account.info.regions.push(batch.region.clone());
                }
                let mut status = batch.collection_status();
                status.account_id.clone_from(&account.info.id);
                let entry = account.entry(batch.area, &batch.region);
                entry.status = status;
                if batch.status != CollectionState::Failed {
                    entry.last_success = Some(now);
                }
                account
                    .requests
                    .insert((batch.area, batch.region.clone()), batch.requests);
                account
                    .inventory
                    .apply_batch(batch.area, &batch.region, batch.inventory);
                Applied::Batch { account: i }
            }
            SourceEvent::Fatal { message, hint } if nested => {
                let reason = format!("{message} — {hint}");
                account.info.error = Some(AccountError {
                    message: message.clone(),
                    hint: hint.clone(),
                });
                let (inventory, collection) =
                    Inventory::failed_account(&account.info.id, &account.info.regions, &reason);
                for status in collection {
                    // When it last delivered stays known.
                    let (area, region) = (status.area, status.region.clone());
                    account.entry(area, &region).status = status;
                }
                account.inventory = inventory;
                Applied::Failed {
                    account: i,
                    message,
                    hint,
                }
            }
            SourceEvent::Fatal { message, hint } => Applied::Fatal { message, hint },
            SourceEvent::Waiting { what } => Applied::Waiting {
                account: nested.then_some(i),
                what,
            },
            // Not nested.
            SourceEvent::Accounts(_) | SourceEvent::OfAccount { .. } => Applied::Nothing,
        }
    }
}

#[cfg(test)]
mod tests;
