//! Past one machine: which share of an account list one sharded scan takes
//! (`parapet scan --shard I/N`), and how the shards' snapshots become one organization
//! snapshot again (`parapet merge`, `parapet open DIR`). Pure: no I/O.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use super::snapshot::{AccountEntry, ShardInfo, Snapshot};

/// One share of an account list: the accounts at positions `index`, `index + count`, … of
/// the resolved list (sorted by account id for `--accounts`), so every shard gets the same
/// number of accounts, give or take one, and the same list always splits the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// 0-based (Kubernetes' `JOB_COMPLETION_INDEX`), below `count`.
    pub index: u32,
    pub count: u32,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("`{s}`: --shard wants I/N with 0 ≤ I < N, e.g. 0/4 (I counts from 0)");
        let (i, n) = s.trim().split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// Whether the account at `position` of the resolved list is this shard's.
    pub fn owns(&self, position: usize) -> bool {
        position % self.count as usize == self.index as usize
    }

    /// This shard's share of `items`, in their order.
    pub fn select<T>(&self, items: Vec<T>) -> Vec<T> {
        items
            .into_iter()
            .enumerate()
            .filter(|(i, _)| self.owns(*i))
            .map(|(_, t)| t)
            .collect()
    }

    /// What the shard's snapshot records: this share of `accounts` (the whole resolved list).
    pub fn info(&self, accounts: Vec<String>) -> ShardInfo {
        ShardInfo {
            index: self.index,
            count: self.count,
            accounts,
        }
    }
}

/// Why snapshots cannot be merged into one. Each message is one line and names the files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MergeError {
    Nothing,
    /// The same account in two parts.
    Duplicate {
        account: String,
        first: String,
        second: String,
    },
    /// Parts that do not belong together (other Parapet versions, other shard runs).
    Mixed {
        reason: String,
    },
    /// Shards of one run, but not all of them.
    Missing {
        count: u32,
        missing: Vec<u32>,
    },
    /// One part contradicts itself: a shard record that cannot be, a shard without all of
    /// its accounts or with another shard's, findings of an account it does not list.
    Part {
        label: String,
        reason: String,
    },
}

impl fmt::Display for MergeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MergeError::Nothing => write!(f, "nothing to merge: no snapshot given"),
            MergeError::Duplicate {
                account,
                first,
                second,
            } => write!(
                f,
                "account {account} is in both {first} and {second}: each account may be in one \
                 part only (merge the shards of one run, not two runs of the same accounts)"
            ),
            MergeError::Mixed { reason } => {
                write!(f, "the snapshots do not belong together: {reason}")
            }
            MergeError::Part { label, reason } => write!(f, "{label}: {reason}"),
            MergeError::Missing { count, missing } => write!(
                f,
                "shard{} {} of {count} missing: merge every shard of the run (shards count from 0)",
                if missing.len() == 1 { "" } else { "s" },
                missing
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        }
    }
}

impl std::error::Error for MergeError {}

/// The key an account is ordered and de-duplicated by: its id, or for a profile whose
/// identity could not be read, its profile.
fn key(a: &AccountEntry) -> String {
    if a.id.is_empty() {
        format!("profile:{}", a.profile.as_deref().unwrap_or(""))
    } else {
        a.id.clone()
    }
}

/// One snapshot of every account in `parts` (named by `label`, e.g. their file names):
/// accounts in the order of the shards' common account list (else in the order given),
/// findings and collections grouped by account in that order, scores recomputed. Refuses an
/// account in two parts, parts from different Parapet versions, shards of different runs and
/// an incomplete set of shards.
pub fn merge(parts: Vec<(String, Snapshot)>) -> Result<Snapshot, MergeError> {
    let Some((_, first)) = parts.first() else {
        return Err(MergeError::Nothing);
    };
    if let Some((label, other)) = parts
        .iter()
        .find(|(_, s)| s.tool.version != first.tool.version)
    {
        return Err(MergeError::Mixed {
            reason: format!(
                "{label} was written by Parapet {} and {} by {}",
                other.tool.version, parts[0].0, first.tool.version
            ),
        });
    }
    for (label, s) in &parts {
        check_part(label, s)?;
    }
    let order = shard_order(&parts)?;

    let mut owner: BTreeMap<String, &str> = BTreeMap::new();
    for (label, s) in &parts {
        for a in &s.accounts {
            if let Some(first) = owner.insert(key(a), label) {
                return Err(MergeError::Duplicate {
                    account: key(a),
                    first: first.to_string(),
                    second: label.clone(),
                });
            }
        }
    }

    let position = |k: &str, fallback: usize| -> usize {
        order
            .as_ref()
            .and_then(|o| o.iter().position(|x| x == k))
            .unwrap_or(fallback)
    };
    let mut accounts: Vec<(usize, AccountEntry)> = Vec::new();
    let mut findings = Vec::new();
    let mut collection = Vec::new();
    let mut weights = BTreeMap::new();
    let mut mutes: Vec<super::assessment::Mute> = Vec::new();
    let mut generated_at = first.generated_at;
    let tool = first.tool.clone();
    for (_, s) in parts {
        generated_at = generated_at.max(s.generated_at);
        weights.extend(s.score.weights);
        for m in s.mutes.into_iter().flatten() {
            if !mutes.contains(&m) {
                mutes.push(m);
            }
        }
        for a in s.accounts {
            // Profiles are listed by name in a shard's account list.
            let by_profile = a.profile.as_deref().map(|p| position(p, usize::MAX));
            let at = match by_profile {
                Some(p) if p != usize::MAX => p,
                _ => position(&key(&a), usize::MAX - 1),
            };
            accounts.push((at, a));
        }
        findings.extend(s.findings);
        collection.extend(s.collection);
    }
    // Stable: parts keep their order where the shard list says nothing.
    accounts.sort_by_key(|(at, _)| *at);
    let rank: BTreeMap<String, usize> = accounts
        .iter()
        .enumerate()
        .map(|(i, (_, a))| (a.id.clone(), i))
        .collect();
    let rank_of = |id: &str| rank.get(id).copied().unwrap_or(usize::MAX);
    findings.sort_by_key(|f| rank_of(&f.account_id));
    collection.sort_by_key(|c| rank_of(&c.account_id));

    let accounts = accounts.into_iter().map(|(_, a)| a.info()).collect();
    let mut merged = Snapshot::of_accounts(findings, accounts, collection, generated_at);
    merged.tool = tool;
    merged.mutes = (!mutes.is_empty()).then_some(mutes);
    // The parts' stored weights win over this catalogue's (the same, for parts of this
    // version; scored again only when they differ).
    if merged.score.weights != weights {
        merged.score.weights = weights;
        merged.rescore();
    }
    Ok(merged)
}

/// What one part must hold to be merged without losing or doubling anything: at least one
/// account; findings and collections only of the accounts it lists; for a shard, a possible
/// shard record and exactly the accounts that record assigns to it.
fn check_part(label: &str, s: &Snapshot) -> Result<(), MergeError> {
    let part = |reason: String| MergeError::Part {
        label: label.to_string(),
        reason,
    };
    // A shard may hold none (more shards than accounts); what it was assigned is checked
    // below.
    if s.accounts.is_empty() && s.shard.is_none() {
        return Err(part("lists no account: not a scan's snapshot".into()));
    }
    let listed = |id: &str| s.accounts.iter().any(|a| a.id == id);
    if let Some(f) = s.findings.iter().find(|f| !listed(&f.account_id)) {
        return Err(part(format!(
            "has findings of account {} but does not list it",
            f.account_id
        )));
    }
    if let Some(c) = s.collection.iter().find(|c| !listed(&c.account_id)) {
        return Err(part(format!(
            "has a collection of account {} but does not list it",
            c.account_id
        )));
    }
    let Some(info) = &s.shard else {
        return Ok(());
    };
    if info.count == 0 || info.index >= info.count {
        return Err(part(format!(
            "its shard record {}/{} cannot be (shards count from 0 to N-1)",
            info.index, info.count
        )));
    }
    let shard = Shard {
        index: info.index,
        count: info.count,
    };
    // An entry of the run's list names an account by id, or by profile for `--profile`.
    let names = |name: &str, a: &AccountEntry| a.id == name || a.profile.as_deref() == Some(name);
    let own: Vec<&String> = info
        .accounts
        .iter()
        .enumerate()
        .filter(|(p, _)| shard.owns(*p))
        .map(|(_, a)| a)
        .collect();
    let lacking: Vec<&str> = own
        .iter()
        .filter(|name| !s.accounts.iter().any(|a| names(name, a)))
        .map(|n| n.as_str())
        .collect();
    if !lacking.is_empty() {
        return Err(part(format!(
            "shard {shard} lacks account{} {} that its run assigned to it (cut short? scan that \
             shard again)",
            if lacking.len() == 1 { "" } else { "s" },
            lacking.join(", ")
        )));
    }
    if let Some(stray) = s
        .accounts
        .iter()
        .find(|a| !own.iter().any(|name| names(name, a)))
    {
        let whose = info
            .accounts
            .iter()
            .position(|name| names(name, stray))
            .map_or(
                "no shard's: it is not in the run's account list".to_string(),
                |p| format!("shard {}/{}'s", p % info.count as usize, info.count),
            );
        return Err(part(format!(
            "shard {shard} holds account {}, which is {whose}",
            key(stray)
        )));
    }
    Ok(())
}

/// The shards' common account list, when the parts are shards; an error when some are and
/// some are not, when they split different lists, or when a shard is missing or repeated.
fn shard_order(parts: &[(String, Snapshot)]) -> Result<Option<Vec<String>>, MergeError> {
    let sharded: Vec<(&String, &ShardInfo)> = parts
        .iter()
        .filter_map(|(l, s)| s.shard.as_ref().map(|sh| (l, sh)))
        .collect();
    if sharded.is_empty() {
        return Ok(None);
    }
    if sharded.len() != parts.len() {
        let plain = parts
            .iter()
            .find(|(_, s)| s.shard.is_none())
            .map_or("", |(l, _)| l.as_str());
        return Err(MergeError::Mixed {
            reason: format!(
                "{} is one shard of a sharded scan but {plain} is not",
                sharded[0].0
            ),
        });
    }
    let (label0, info0) = sharded[0];
    let mut seen: BTreeMap<u32, &String> = BTreeMap::new();
    for (label, info) in &sharded {
        if info.count != info0.count || info.accounts != info0.accounts {
            return Err(MergeError::Mixed {
                reason: format!(
                    "{label} and {label0} are shards of different scans (another account list \
                     or shard count)"
                ),
            });
        }
        if let Some(other) = seen.insert(info.index, label) {
            return Err(MergeError::Mixed {
                reason: format!(
                    "{other} and {label} are both shard {}/{}",
                    info.index, info.count
                ),
            });
        }
    }
    let missing: Vec<u32> = (0..info0.count).filter(|i| !seen.contains_key(i)).collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing {
            count: info0.count,
            missing,
        });
    }
    Ok(Some(info0.accounts.clone()))
}

#[cfg(test)]
mod tests;
