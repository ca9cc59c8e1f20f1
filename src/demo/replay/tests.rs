use super::*;
use crate::domain::collection::CollectionState;
use tokio::sync::mpsc::unbounded_channel;

const WAIT: Duration = Duration::from_secs(10);

fn start(
    options: DemoOptions,
) -> (
    UnboundedReceiver<SourceEvent>,
    UnboundedSender<SourceCommand>,
    JoinHandle<()>,
) {
    let (ev_tx, ev_rx) = unbounded_channel();
    let (cmd_tx, cmd_rx) = unbounded_channel();
    let handle = spawn(ev_tx, cmd_rx, options);
    (ev_rx, cmd_tx, handle)
}

/// Receives events until `batches` batches arrived; returns everything received.
async fn collect_batches(
    rx: &mut UnboundedReceiver<SourceEvent>,
    batches: usize,
) -> Vec<SourceEvent> {
    let mut out = Vec::new();
    let mut seen = 0;
    while seen < batches {
        let ev = tokio::time::timeout(WAIT, rx.recv())
            .await
            .expect("the demo source answers in time")
            .expect("the demo source is running");
        if matches!(ev, SourceEvent::Batch(_)) {
            seen += 1;
        }
        out.push(ev);
    }
    out
}

fn batches(events: &[SourceEvent]) -> Vec<&Batch> {
    events.iter().filter_map(SourceEvent::batch).collect()
}

fn regions() -> Vec<String> {
    demo::inventory(OffsetDateTime::now_utc()).regions
}

#[tokio::test]
async fn initial_load_sends_identity_then_every_area_and_region() {
    let (mut rx, _cmd, _h) = start(DemoOptions::instant());
    let regions = regions();
    let events = collect_batches(&mut rx, Area::ALL.len() * regions.len()).await;
    match &events[0] {
        SourceEvent::Identity(Identity {
            account_id,
            profile,
            regions: r,
        }) => {
            assert_eq!(account_id, demo::DEMO_ACCOUNT);
            assert_eq!(profile, &None);
            assert_eq!(r, &regions);
        }
        other => panic!("first event is {other:?}"),
    }
    let got = batches(&events);
    for area in Area::ALL {
        for region in &regions {
            let pos = |pred: &dyn Fn(&SourceEvent) -> bool| events.iter().position(pred);
            let started = pos(&|e| {
                    matches!(e, SourceEvent::Started { area: a, region: r } if *a == area && r == region)
                })
                .unwrap_or_else(|| panic!("{area:?} {region} started"));
            let progress = pos(&|e| {
                    matches!(e, SourceEvent::Progress { area: a, region: r, .. } if *a == area && r == region)
                })
                .unwrap_or_else(|| panic!("{area:?} {region} progress"));
            let done = pos(
                &|e| matches!(e, SourceEvent::Batch(b) if b.area == area && b.region == *region),
            )
            .unwrap_or_else(|| panic!("{area:?} {region} batch"));
            assert!(
                started < progress && progress < done,
                "{area:?} {region} order"
            );
            let b = got
                .iter()
                .find(|b| b.area == area && b.region == *region)
                .expect("batch");
            assert_ne!(b.status, CollectionState::Failed);
            assert_eq!(b.inventory.regions, std::slice::from_ref(region));
        }
    }
}

#[tokio::test]
async fn refresh_of_one_area_sends_only_that_area() {
    let (mut rx, cmd, _h) = start(DemoOptions::instant());
    let regions = regions();
    collect_batches(&mut rx, Area::ALL.len() * regions.len()).await;

    cmd.send(SourceCommand::Refresh(Some(Area::Secrets)))
        .unwrap();
    let events = collect_batches(&mut rx, regions.len()).await;
    for ev in &events {
        match ev {
            SourceEvent::Started { area, .. } | SourceEvent::Progress { area, .. } => {
                assert_eq!(*area, Area::Secrets)
            }
            SourceEvent::Batch(b) => assert_eq!(b.area, Area::Secrets),
            other => panic!("unexpected {other:?}"),
        }
    }
    let mut seen: Vec<&str> = batches(&events).iter().map(|b| b.region.as_str()).collect();
    seen.sort_unstable();
    let mut want: Vec<&str> = regions.iter().map(String::as_str).collect();
    want.sort_unstable();
    assert_eq!(seen, want);
    assert!(!batches(&events)[0].inventory.secrets.is_empty());

    // Nothing else is pending: a full refresh now starts with functions again.
    cmd.send(SourceCommand::Refresh(None)).unwrap();
    let events = collect_batches(&mut rx, Area::ALL.len() * regions.len()).await;
    assert!(matches!(
        events[0],
        SourceEvent::Started {
            area: Area::Functions,
            ..
        }
    ));
}

#[tokio::test]
async fn shutdown_ends_the_task() {
    let (_rx, cmd, handle) = start(DemoOptions::default());
    cmd.send(SourceCommand::Shutdown).unwrap();
    tokio::time::timeout(WAIT, handle)
        .await
        .expect("the task ends")
        .expect("without panicking");
}

#[tokio::test]
async fn dropping_the_receiver_ends_the_task() {
    let (rx, _cmd, handle) = start(DemoOptions::default());
    drop(rx);
    tokio::time::timeout(WAIT, handle)
        .await
        .expect("the task ends")
        .expect("without panicking");
}

#[tokio::test]
async fn periodic_polls_repeat_the_load_unless_paused() {
    let options = DemoOptions {
        speed: 0.0,
        interval: Duration::from_millis(20),
    };
    let n = Area::ALL.len() * regions().len();

    let (mut rx, _cmd, _h) = start(options);
    // Initial load plus at least one periodic round.
    let events = collect_batches(&mut rx, 2 * n).await;
    assert_eq!(batches(&events).len(), 2 * n);

    let (mut rx, cmd, _h) = start(options);
    cmd.send(SourceCommand::SetPaused(true)).unwrap();
    collect_batches(&mut rx, n).await;
    tokio::time::sleep(Duration::from_millis(120)).await;
    let mut extra = 0;
    while let Ok(ev) = rx.try_recv() {
        if matches!(ev, SourceEvent::Batch(_)) {
            extra += 1;
        }
    }
    assert_eq!(extra, 0, "no re-poll while paused");
    // A manual refresh still works while paused.
    cmd.send(SourceCommand::Refresh(Some(Area::Gateways)))
        .unwrap();
    let events = collect_batches(&mut rx, regions().len()).await;
    assert!(batches(&events).iter().all(|b| b.area == Area::Gateways));
}

#[test]
fn the_initial_load_is_staggered_and_well_under_two_seconds() {
    let steps = plan(&Area::ALL, 2, 1.0);
    let last = steps.iter().map(|p| p.after).max().unwrap();
    assert!(last < Duration::from_secs(2), "{last:?}");
    let done = |area| {
        steps
            .iter()
            .find(|p| p.area == area && p.region == 0 && p.step == Step::Done)
            .unwrap()
            .after
    };
    assert!(done(Area::Functions) < done(Area::Gateways));
    assert!(done(Area::Gateways) < done(Area::Throttles));
    assert!(done(Area::Throttles) < done(Area::Encryption));
    assert!(done(Area::Encryption) < done(Area::Secrets));
    // Twice the speed, half the time; speed 0 is instant.
    let fast = plan(&Area::ALL, 2, 2.0);
    let fast_last = fast.iter().map(|p| p.after).max().unwrap();
    assert!(
        fast_last.abs_diff(last / 2) < Duration::from_millis(1),
        "{fast_last:?}"
    );
    assert!(plan(&Area::ALL, 2, 0.0).iter().all(|p| p.after.is_zero()));
}
