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
