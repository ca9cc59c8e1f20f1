use super::*;
use crate::domain::failure::Failure;
use crate::domain::source::Batch;
use std::time::Duration;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-03-01 12:00:00 UTC);

fn batch(account: &str, area: Area, region: &str, status: CollectionState) -> SourceEvent {
    let mut inventory = Inventory {
        account_id: account.into(),
        regions: vec![region.into()],
        ..Inventory::default()
    };
    if status == CollectionState::Failed {
        inventory.account_id.clear();
    }
    SourceEvent::Batch(Box::new(Batch {
        area,
        region: region.into(),
        status,
        error: (status == CollectionState::Failed).then(|| Failure::parse("AccessDenied: no")),
        duration: Duration::from_millis(40),
        inventory,
        requests: [("lambda.control-plane".to_string(), 3)].into(),
    }))
}

fn of(key: &str, event: SourceEvent) -> SourceEvent {
    SourceEvent::OfAccount {
        key: key.into(),
        event: Box::new(event),
    }
}

#[test]
fn a_one_account_source_folds_into_a_list_of_one() {
    let mut accounts = Accounts::default();
    let identity = Identity {
        account_id: "111122223333".into(),
        profile: Some("prod".into()),
        regions: vec!["us-east-1".into()],
    };
    assert_eq!(
        accounts.apply(SourceEvent::Identity(identity.clone()), NOW),
        Applied::Identified
    );
    let started = SourceEvent::Started {
        area: Area::Functions,
        region: "us-east-1".into(),
    };
    assert_eq!(accounts.apply(started, NOW), Applied::Shown);
    let a = &accounts.list[0];
    let running = &a.collection[&(Area::Functions, "us-east-1".to_string())];
    assert_eq!(running.status.status, CollectionState::Running);
    assert_eq!(running.status.progress, Some(0));
    assert_eq!(running.last_success, None);

    let got = accounts.apply(
        batch(
            "111122223333",
            Area::Functions,
            "eu-west-1",
            CollectionState::Ok,
        ),
        NOW,
    );
    assert_eq!(got, Applied::Batch { account: 0 });
    assert!(!accounts.several());
    let a = &accounts.list[0];
    assert_eq!(a.identity().account_id, identity.account_id);
    assert_eq!(a.identity().profile, identity.profile);
    // A batch's region not named by the identity is added after the identity's.
    assert_eq!(a.info.regions, ["us-east-1", "eu-west-1"]);
    let done = &a.collection[&(Area::Functions, "eu-west-1".to_string())];
    assert_eq!(done.status.status, CollectionState::Ok);
    assert_eq!(done.status.account_id, "111122223333");
    assert_eq!(done.status.duration_ms, Some(40));
    assert_eq!(done.last_success, Some(NOW));
    assert_eq!(a.requests.len(), 1);
    assert_eq!(a.inventory.regions, ["eu-west-1"]);
    assert!(!a.collected_once(&Area::ALL));
}

#[test]
fn a_failed_batch_keeps_when_the_area_last_delivered() {
    let mut accounts = Accounts::default();
    let later = NOW + time::Duration::minutes(5);
    accounts.apply(
        batch(
            "111122223333",
            Area::Secrets,
            "us-east-1",
            CollectionState::Ok,
        ),
        NOW,
    );
    accounts.apply(
        batch("", Area::Secrets, "us-east-1", CollectionState::Failed),
        later,
    );
    let a = &accounts.list[0];
    let s = &a.collection[&(Area::Secrets, "us-east-1".to_string())];
    assert_eq!(s.status.status, CollectionState::Failed);
    assert_eq!(s.last_success, Some(NOW));
    // The id the first batch named stays: a failed batch carries none.
    assert_eq!(a.info.id, "111122223333");
    assert_eq!(s.status.account_id, "111122223333");
}

#[test]
fn a_source_of_several_accounts_folds_each_by_its_key() {
    let mut accounts = Accounts::default();
    let info = |id: &str, profile: Option<&str>| AccountInfo {
        id: id.into(),
        profile: profile.map(String::from),
        regions: vec!["us-east-1".into()],
        ..AccountInfo::default()
    };
    let listed = SourceEvent::Accounts(vec![info("111122223333", None), info("", Some("dev"))]);
    assert_eq!(accounts.apply(listed, NOW), Applied::Listed);
    assert!(accounts.several());
    assert_eq!(accounts.list[1].key, "dev");

    // The profile's account learns its id from its identity; its key stays.
    let identity = Identity {
        account_id: "444455556666".into(),
        profile: None,
        regions: vec!["eu-west-1".into()],
    };
    assert_eq!(
        accounts.apply(of("dev", SourceEvent::Identity(identity)), NOW),
        Applied::Identified
    );
    let dev = &accounts.list[1];
    assert_eq!(dev.info.id, "444455556666");
    assert_eq!(dev.info.profile.as_deref(), Some("dev"));
    // Regions the listing named are kept.
    assert_eq!(dev.info.regions, ["us-east-1"]);

    let got = accounts.apply(
        of(
            "dev",
            batch(
                "444455556666",
                Area::Gateways,
                "us-east-1",
                CollectionState::Ok,
            ),
        ),
        NOW,
    );
    assert_eq!(got, Applied::Batch { account: 1 });
    assert!(accounts.list[0].collection.is_empty());
    assert_eq!(accounts.find("444455556666").unwrap().collection.len(), 1);

    // An unknown key changes nothing.
    let before = accounts.clone();
    let stray = of(
        "nobody",
        batch(
            "999999999999",
            Area::Gateways,
            "us-east-1",
            CollectionState::Ok,
        ),
    );
    assert_eq!(accounts.apply(stray, NOW), Applied::Nothing);
    assert_eq!(accounts, before);
}

#[test]
fn one_account_that_cannot_be_collected_fails_alone_and_the_source_goes_on() {
    let mut accounts = Accounts::of(vec![
        AccountInfo {
            id: "111122223333".into(),
            regions: vec!["us-east-1".into(), "eu-west-1".into()],
            ..AccountInfo::default()
        },
        AccountInfo {
            id: "444455556666".into(),
            regions: vec!["us-east-1".into()],
            ..AccountInfo::default()
        },
    ]);
    let fatal = SourceEvent::Fatal {
        message: "AccessDenied: cannot assume the role".into(),
        hint: "check the role's trust policy".into(),
    };
    let got = accounts.apply(of("111122223333", fatal.clone()), NOW);
    assert_eq!(
        got,
        Applied::Failed {
            account: 0,
            message: "AccessDenied: cannot assume the role".into(),
            hint: "check the role's trust policy".into(),
        }
    );
    let failed = &accounts.list[0];
    assert_eq!(
        failed.info.error.as_ref().map(|e| e.message.as_str()),
        Some("AccessDenied: cannot assume the role")
    );
    // Every area of every region failed (an opt-in one is never asked for), so the account
    // counts as collected once.
    assert_eq!(failed.collection.len(), (Area::ALL.len() - 1) * 2);
    assert!(failed.collection.keys().all(|(a, _)| !a.opt_in()));
    assert!(
        failed
            .statuses()
            .all(|s| s.status == CollectionState::Failed)
    );
    let polled: Vec<Area> = Area::ALL.into_iter().filter(|a| !a.opt_in()).collect();
    assert!(failed.collected_once(&polled));
    assert!(accounts.list[1].collection.is_empty());

    // The same event unwrapped is the whole source failing: nothing is folded in.
    let before = accounts.clone();
    assert!(matches!(accounts.apply(fatal, NOW), Applied::Fatal { .. }));
    assert_eq!(accounts, before);
}

/// Two accounts known by their ids, nothing collected yet.
fn two_accounts() -> Accounts {
    let info = |id: &str| AccountInfo {
        id: id.into(),
        ..AccountInfo::default()
    };
    Accounts::of(vec![info("111122223333"), info("444455556666")])
}

#[test]
fn waiting_says_which_account_waits() {
    let mut accounts = two_accounts();
    let waiting = |what: &str| SourceEvent::Waiting { what: what.into() };
    assert_eq!(
        accounts.apply(waiting("STS"), NOW),
        Applied::Waiting {
            account: None,
            what: "STS".into()
        }
    );
    assert_eq!(
        accounts.apply(of("444455556666", waiting("STS")), NOW),
        Applied::Waiting {
            account: Some(1),
            what: "STS".into()
        }
    );
}

#[test]
fn each_account_is_assessed_alone_and_its_span_follows_the_accounts_before_it() {
    let mut accounts = two_accounts();
    let ctx = Context::new(NOW);
    let mut all = Vec::new();
    for (i, a) in accounts.list.iter_mut().enumerate() {
        // Nothing could be read: every check is unknown, once per account.
        a.inventory = Inventory::failed_account(&a.info.id, &["us-east-1".into()], "no").0;
        let own = a.assess(&ctx, &[]);
        assert!(!own.is_empty(), "account {i}");
        assert!(own.iter().all(|f| f.account_id == a.info.id));
        a.findings = own.len();
        all.extend(own);
    }
    let (first, second) = (accounts.span(0), accounts.span(1));
    assert_eq!(first.start, 0);
    assert_eq!(first.end, second.start);
    assert_eq!(second.end, all.len());
    assert!(all[second].iter().all(|f| f.account_id == "444455556666"));
}
