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
mod tests {
    use super::*;
    use crate::domain::collection::{CollectionState, CollectionStatus};
    use crate::domain::finding::{Finding, Status};
    use crate::domain::inventory::Area;
    use crate::domain::snapshot::AccountInfo;
    use time::macros::datetime;

    #[test]
    fn shards_parse_from_i_of_n_and_refuse_the_rest() {
        assert_eq!("2/4".parse(), Ok(Shard { index: 2, count: 4 }));
        assert_eq!(" 0 / 1 ".parse(), Ok(Shard { index: 0, count: 1 }));
        for bad in ["4/4", "1/0", "x/2", "2", "-1/3", "1/2/3", ""] {
            let e = bad.parse::<Shard>().unwrap_err();
            assert!(e.contains("I/N"), "{bad}: {e}");
        }
        assert_eq!(Shard { index: 1, count: 3 }.to_string(), "1/3");
    }

    #[test]
    fn every_account_is_in_exactly_one_shard_and_shares_differ_by_at_most_one() {
        let accounts: Vec<u32> = (0..50).collect();
        for count in 1..=7 {
            let shares: Vec<Vec<u32>> = (0..count)
                .map(|index| Shard { index, count }.select(accounts.clone()))
                .collect();
            let mut all: Vec<u32> = shares.iter().flatten().copied().collect();
            all.sort_unstable();
            assert_eq!(all, accounts, "{count} shards");
            let sizes: Vec<usize> = shares.iter().map(Vec::len).collect();
            let (min, max) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
            assert!(max - min <= 1, "{sizes:?}");
            // The same list always splits the same way.
            assert_eq!(
                Shard { index: 0, count }.select(accounts.clone()),
                shares[0]
            );
        }
    }

    fn finding(account: &str, check: &str, status: Status) -> Finding {
        Finding {
            account_id: account.into(),
            ..Finding::sample(check, "eu-west-1", &format!("fn-{account}"), status)
        }
    }

    fn info(id: &str) -> AccountInfo {
        AccountInfo {
            id: id.into(),
            regions: vec!["eu-west-1".into()],
            ..AccountInfo::default()
        }
    }

    fn status(account: &str) -> CollectionStatus {
        CollectionStatus {
            account_id: account.into(),
            area: Area::Functions,
            region: "eu-west-1".into(),
            status: CollectionState::Ok,
            error: None,
            duration_ms: Some(5),
            progress: None,
        }
    }

    const IDS: [&str; 3] = ["111111111111", "222222222222", "333333333333"];

    /// The snapshot one run over `ids` writes.
    fn run(ids: &[&str], minute: u8) -> Snapshot {
        let findings = ids
            .iter()
            .flat_map(|id| {
                let s = if id.starts_with('2') {
                    Status::Fail
                } else {
                    Status::Pass
                };
                [
                    finding(id, "lambda.public-url", s),
                    finding(id, "lambda.no-dlq", Status::Unknown),
                ]
            })
            .collect();
        Snapshot::of_accounts(
            findings,
            ids.iter().map(|id| info(id)).collect(),
            ids.iter().map(|id| status(id)).collect(),
            datetime!(2026-12-02 10:00 UTC) + time::Duration::minutes(minute.into()),
        )
    }

    fn shards(count: u32) -> Vec<(String, Snapshot)> {
        let all: Vec<String> = IDS.iter().map(|s| s.to_string()).collect();
        (0..count)
            .map(|index| {
                let shard = Shard { index, count };
                let ids = shard.select(IDS.to_vec());
                let mut s = run(&ids, index as u8);
                s.shard = Some(shard.info(all.clone()));
                (format!("shard-{index}.json"), s)
            })
            .collect()
    }

    #[test]
    fn merged_shards_equal_the_single_run_finding_for_finding() {
        let single = run(&IDS, 0);
        for count in [1, 2, 3] {
            // Given in any order.
            let mut parts = shards(count);
            parts.reverse();
            let merged = merge(parts).unwrap();
            assert_eq!(merged.findings, single.findings, "{count} shards");
            assert_eq!(merged.accounts, single.accounts);
            assert_eq!(merged.collection, single.collection);
            assert_eq!(merged.score, single.score);
            assert_eq!(merged.coverage, single.coverage);
            assert_eq!(merged.regions, single.regions);
            assert_eq!(merged.shard, None);
            assert!(merged.score_is_consistent());
            assert_eq!(
                merged.generated_at,
                datetime!(2026-12-02 10:00 UTC) + time::Duration::minutes((count - 1).into())
            );
        }
    }

    #[test]
    fn plain_snapshots_of_different_accounts_merge_in_the_order_given() {
        let parts = vec![
            ("b.json".to_string(), run(&IDS[1..2], 0)),
            ("a.json".to_string(), run(&IDS[0..1], 0)),
        ];
        let merged = merge(parts).unwrap();
        let ids: Vec<&str> = merged.accounts.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, [IDS[1], IDS[0]]);
        assert_eq!(merged.findings[0].account_id, IDS[1]);
    }

    #[test]
    fn merge_refuses_duplicates_mixtures_and_missing_shards() {
        let e = merge(vec![
            ("a.json".into(), run(&IDS[0..2], 0)),
            ("b.json".into(), run(&IDS[1..3], 0)),
        ])
        .unwrap_err();
        assert_eq!(
            e,
            MergeError::Duplicate {
                account: IDS[1].into(),
                first: "a.json".into(),
                second: "b.json".into()
            }
        );
        assert!(e.to_string().contains("in both a.json and b.json"), "{e}");

        let mut parts = shards(3);
        parts.remove(1);
        assert_eq!(
            merge(parts).unwrap_err().to_string(),
            "shard 1 of 3 missing: merge every shard of the run (shards count from 0)"
        );

        let mut parts = shards(2);
        parts.push(("plain.json".into(), run(&["444444444444"], 0)));
        let e = merge(parts).unwrap_err().to_string();
        assert!(e.contains("plain.json is not"), "{e}");

        let mut parts = shards(2);
        parts[1].1.shard.as_mut().unwrap().accounts.pop();
        assert!(matches!(merge(parts), Err(MergeError::Mixed { .. })));

        let mut parts = shards(2);
        let again = parts[0].clone();
        parts.push(("again.json".into(), again.1));
        // The same shard twice is caught before its accounts are.
        assert!(matches!(merge(parts), Err(MergeError::Mixed { .. })));

        let mut other = run(&IDS[2..3], 0);
        other.tool.version = "0.0.9".into();
        let e = merge(vec![
            ("a.json".into(), run(&IDS[0..1], 0)),
            ("old.json".into(), other),
        ])
        .unwrap_err()
        .to_string();
        assert!(e.contains("old.json was written by Parapet 0.0.9"), "{e}");
        assert_eq!(merge(Vec::new()), Err(MergeError::Nothing));
    }

    /// Issue 18, 4: merges that lost an account or doubled every finding.
    #[test]
    fn merge_refuses_parts_that_contradict_themselves() {
        let said = |parts: Vec<(String, Snapshot)>| match merge(parts) {
            Err(e @ MergeError::Part { .. }) => e.to_string(),
            other => panic!("{other:?}"),
        };
        // A shard without one of its own accounts (account silently gone).
        let mut parts = shards(2);
        let s0 = &mut parts[0].1;
        s0.accounts.retain(|a| a.id != IDS[2]);
        s0.findings.retain(|f| f.account_id != IDS[2]);
        s0.collection.retain(|c| c.account_id != IDS[2]);
        let e = said(parts);
        assert!(
            e.starts_with("shard-0.json: shard 0/2 lacks account 333333333333"),
            "{e}"
        );

        // Shard records that cannot be.
        for (index, count) in [(2, 2), (5, 2), (0, 0)] {
            let mut parts = shards(2);
            let sh = parts[1].1.shard.as_mut().unwrap();
            (sh.index, sh.count) = (index, count);
            let e = said(parts);
            assert!(e.contains("cannot be"), "{index}/{count}: {e}");
        }

        // An account in the wrong shard: shard 1 of 2 owns position 1 only.
        let mut parts = shards(2);
        let wrong = run(&[IDS[1], IDS[2]], 1);
        parts[1].1.accounts = wrong.accounts;
        parts[1].1.findings = wrong.findings;
        parts[1].1.collection = wrong.collection;
        let e = merge(parts).unwrap_err().to_string();
        assert!(
            e.contains("holds account 333333333333, which is shard 0/2's"),
            "{e}"
        );

        // `accounts: []`, and findings of an account the part does not list: both merged
        // with every finding doubled.
        let mut parts = shards(2);
        parts[1].1.accounts.clear();
        assert!(said(parts).contains("has findings of account"));
        let mut lone = run(&IDS[0..1], 0);
        lone.accounts.clear();
        lone.findings.clear();
        lone.collection.clear();
        assert!(
            said(vec![("empty.json".into(), lone)]).contains("lists no account"),
            "a plain snapshot of nothing"
        );
        // More shards than accounts: the shards past the list hold none, and merge.
        let merged = merge(shards(5)).unwrap();
        assert_eq!(merged.findings, run(&IDS, 0).findings);
        let mut plain = run(&IDS[0..1], 0);
        plain.findings.extend(run(&IDS[1..2], 0).findings);
        let e = said(vec![
            ("a.json".into(), plain),
            ("b.json".into(), run(&IDS[1..2], 0)),
        ]);
        assert_eq!(
            e,
            "a.json: has findings of account 222222222222 but does not list it"
        );
    }

    /// What one generated shard set undergoes before it is merged.
    #[derive(Clone, Debug)]
    enum Mutation {
        None,
        /// Shard `shard` loses its `nth` account (and that account's findings).
        DropAccount {
            shard: usize,
            nth: usize,
        },
        /// Shard `from`'s `nth` account (with its findings) moves to shard `to`.
        MoveAccount {
            from: usize,
            nth: usize,
            to: usize,
        },
        /// A shard's record says index `index` of `count`.
        Record {
            shard: usize,
            index: u32,
            count: u32,
        },
        /// One shard is left out, or given twice.
        DropShard {
            shard: usize,
        },
        Duplicate {
            shard: usize,
        },
        /// A shard's accounts list is emptied, its findings kept.
        ClearAccounts {
            shard: usize,
        },
        /// A finding of an account the shard does not list.
        Foreign {
            shard: usize,
        },
    }

    fn mutation() -> impl proptest::strategy::Strategy<Value = Mutation> {
        use proptest::prelude::*;
        let i = || 0usize..8;
        prop_oneof![
            2 => Just(Mutation::None),
            1 => (i(), i()).prop_map(|(shard, nth)| Mutation::DropAccount { shard, nth }),
            1 => (i(), i(), i()).prop_map(|(from, nth, to)| Mutation::MoveAccount { from, nth, to }),
            1 => (i(), 0u32..8, 0u32..8)
                .prop_map(|(shard, index, count)| Mutation::Record { shard, index, count }),
            1 => i().prop_map(|shard| Mutation::DropShard { shard }),
            1 => i().prop_map(|shard| Mutation::Duplicate { shard }),
            1 => i().prop_map(|shard| Mutation::ClearAccounts { shard }),
            1 => i().prop_map(|shard| Mutation::Foreign { shard }),
        ]
    }

    /// Moves `id`'s entry, findings and collections from `from` to `to`.
    fn take_account(from: &mut Snapshot, id: &str) -> Snapshot {
        let mut moved = from.clone();
        moved.accounts.retain(|a| a.id == id);
        moved.findings.retain(|f| f.account_id == id);
        moved.collection.retain(|c| c.account_id == id);
        from.accounts.retain(|a| a.id != id);
        from.findings.retain(|f| f.account_id != id);
        from.collection.retain(|c| c.account_id != id);
        moved
    }

    /// The id of one of `s`'s accounts (`nth` wrapped round), if it has any.
    fn nth_account(s: &Snapshot, nth: usize) -> Option<String> {
        s.accounts
            .get(nth % s.accounts.len().max(1))
            .map(|a| a.id.clone())
    }

    /// Applies `m` to the shards of one run; whether the set is still what that run wrote.
    fn mutate(parts: &mut Vec<(String, Snapshot)>, m: &Mutation) -> bool {
        let n = parts.len();
        match *m {
            Mutation::None => true,
            Mutation::DropAccount { shard, nth } => {
                let s = &mut parts[shard % n].1;
                let Some(id) = nth_account(s, nth) else {
                    return true;
                };
                take_account(s, &id);
                false
            }
            Mutation::MoveAccount { from, nth, to } => {
                let (from, to) = (from % n, to % n);
                let s = &mut parts[from].1;
                let Some(id) = nth_account(s, nth) else {
                    return true;
                };
                if from == to {
                    return true;
                }
                let moved = take_account(s, &id);
                let t = &mut parts[to].1;
                t.accounts.extend(moved.accounts);
                t.findings.extend(moved.findings);
                t.collection.extend(moved.collection);
                false
            }
            Mutation::Record {
                shard,
                index,
                count,
            } => {
                let sh = parts[shard % n].1.shard.as_mut().expect("a shard");
                let same = (sh.index, sh.count) == (index, count);
                (sh.index, sh.count) = (index, count);
                same
            }
            Mutation::DropShard { shard } => {
                parts.remove(shard % n);
                false
            }
            Mutation::Duplicate { shard } => {
                let again = parts[shard % n].clone();
                parts.push((format!("copy-of-{}", again.0), again.1));
                false
            }
            Mutation::ClearAccounts { shard } => {
                let s = &mut parts[shard % n].1;
                let had = !s.accounts.is_empty();
                s.accounts.clear();
                !had
            }
            Mutation::Foreign { shard } => {
                let s = &mut parts[shard % n].1;
                s.findings
                    .push(finding("999999999999", "lambda.no-vpc", Status::Fail));
                false
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            cases: 2_000,
            failure_persistence: None,
            ..Default::default()
        })]

        /// Issue 18: shard sets for merge. The shards of one run (any number of accounts and
        /// shards, more shards than accounts included), given in any order, merge into the
        /// single run's snapshot; any change that loses, moves, doubles or invents an account
        /// or a finding is refused, never merged.
        #[test]
        fn a_shard_set_merges_whole_or_not_at_all(
            accounts in 1usize..7,
            count in 1u32..6,
            rotate in 0usize..6,
            m in mutation(),
        ) {
            let ids: Vec<String> = (0..accounts).map(|i| format!("{}", 100_000_000_000u64 + i as u64)).collect();
            let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
            let single = run(&refs, 0);
            let mut parts: Vec<(String, Snapshot)> = (0..count)
                .map(|index| {
                    let shard = Shard { index, count };
                    let own = shard.select(refs.clone());
                    let mut s = run(&own, 0);
                    s.shard = Some(shard.info(ids.clone()));
                    (format!("shard-{index}.json"), s)
                })
                .collect();
            let intact = mutate(&mut parts, &m);
            let len = parts.len().max(1);
            parts.rotate_left(rotate % len);
            match merge(parts) {
                Ok(merged) => {
                    proptest::prop_assert!(intact, "merged after {m:?}");
                    proptest::prop_assert_eq!(&merged.findings, &single.findings);
                    proptest::prop_assert_eq!(&merged.accounts, &single.accounts);
                    proptest::prop_assert!(merged.score_is_consistent());
                }
                Err(e) => {
                    proptest::prop_assert!(!intact, "refused an intact set: {e}");
                    proptest::prop_assert!(!e.to_string().contains('\n'));
                }
            }
        }
    }
}
