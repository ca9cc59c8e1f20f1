//! `update()` driven by synthetic keys and source events, without a terminal: navigation,
//! filters, sort, drill-down, mute, export confirmation, command line, refresh, and what the
//! status strip makes of source events.

use std::path::PathBuf;
use std::time::Duration;

use crate::ui_support::*;
use parapet::app::action::{Action, Effect, ExportFailure};
use parapet::app::derive::AccountState;
use parapet::app::keymap::{Keymap, Op};
use parapet::app::screens::{
    checklist::Checklist, list::ListScreen, organization::Organization, resources::Resources,
};
use parapet::app::state::{
    AccountSort, CheckSort, Identity, Level, Pane, Prompt, Screen, SourceKind, State, StateOptions,
};
use parapet::app::update::update;
use parapet::demo;
use parapet::domain::assessment::Assessment;
use parapet::domain::collection::{CollectionState, CollectionStatus};
use parapet::domain::finding::{Category, Severity, Status};
use parapet::domain::inventory::{Area, Inventory};
use parapet::domain::source::{Batch, SourceCommand, SourceEvent};
use parapet::ui::status_strip;

fn checklist(state: &mut State) {
    press(state, "<tab>");
    assert_eq!(state.screen(), &Screen::Checklist);
}

fn selected_id(state: &State) -> String {
    Checklist::selected(state)
        .expect("a selected check")
        .id
        .clone()
}

fn strip(state: &State) -> String {
    status_strip::line(state, 500)
        .spans
        .iter()
        .map(|s| s.content.to_string())
        .collect()
}

fn toast(state: &State) -> String {
    state
        .toast
        .as_ref()
        .map(|t| t.message.text.clone())
        .unwrap_or_default()
}

/// Opens the detail of the first failing check and returns its id.
fn open_first_failing(state: &mut State) -> String {
    checklist(state);
    while Checklist::selected(state).unwrap().status != Status::Fail {
        press(state, "j");
    }
    let id = selected_id(state);
    press(state, "<enter>");
    id
}

#[test]
fn tab_cycles_the_main_views_and_q_goes_back_then_quits() {
    let mut s = demo_state();
    assert_eq!(s.screen(), &Screen::Overview);
    press(&mut s, "<tab>");
    assert_eq!(s.screen(), &Screen::Checklist);
    press(&mut s, "<tab>");
    assert_eq!(s.screen(), &Screen::Resources);
    press(&mut s, "<tab>");
    assert_eq!(s.screen(), &Screen::Overview);
    press(&mut s, "<backtab>");
    assert_eq!(s.screen(), &Screen::Resources);
    assert!(press(&mut s, "q").is_empty());
    assert_eq!(s.screen(), &Screen::Overview);
    assert!(!s.quit);
    assert_eq!(press(&mut s, "q"), vec![Effect::Quit]);
    assert!(s.quit);
}

#[test]
fn ctrl_c_and_shift_q_quit_from_anywhere_even_a_prompt() {
    let mut s = demo_state();
    checklist(&mut s);
    press(&mut s, "/abc");
    assert!(s.prompt.is_some());
    assert_eq!(press(&mut s, "<c-c>"), vec![Effect::Quit]);
    let mut s = demo_state();
    press(&mut s, "<tab><enter>");
    assert_eq!(press(&mut s, "Q"), vec![Effect::Quit]);
}

#[test]
fn moving_through_the_checklist_stays_in_bounds() {
    let mut s = demo_state();
    checklist(&mut s);
    let visible = Checklist::visible(&s).0;
    let first = s.derived.checks[visible[0]].id.clone();
    let second = s.derived.checks[visible[1]].id.clone();
    let last = s.derived.checks[*visible.last().unwrap()].id.clone();
    assert_eq!(selected_id(&s), first);
    press(&mut s, "k");
    assert_eq!(selected_id(&s), first);
    press(&mut s, "j");
    assert_eq!(selected_id(&s), second);
    press(&mut s, "G");
    assert_eq!(selected_id(&s), last);
    press(&mut s, "j<down>");
    assert_eq!(selected_id(&s), last);
    press(&mut s, "g");
    assert_eq!(selected_id(&s), first);
    s.viewport.page.set(10);
    press(&mut s, "<pgdn>");
    assert_eq!(selected_id(&s), s.derived.checks[visible[10]].id);
    press(&mut s, "<pgup>");
    assert_eq!(selected_id(&s), first);
}

#[test]
fn the_selection_follows_its_check_when_the_list_changes() {
    let mut s = demo_state();
    checklist(&mut s);
    press(&mut s, "jjjj");
    let id = selected_id(&s);
    press(&mut s, "s");
    assert_eq!(s.checklist.sort, CheckSort::Impact);
    assert_eq!(selected_id(&s), id, "sorting keeps the selected check");
    // A new batch re-evaluates everything; the selection stays put.
    for batch in demo::batches(NOW) {
        update(&mut s, Action::Source(SourceEvent::Batch(Box::new(batch))));
    }
    assert_eq!(selected_id(&s), id);
}

#[test]
fn filter_applies_while_typing_enter_keeps_it_esc_clears_it() {
    let mut s = demo_state();
    checklist(&mut s);
    let all = Checklist::visible(&s).0.len();
    press(&mut s, "/rotat");
    assert!(matches!(s.prompt, Some(Prompt::Filter { .. })));
    let shown = Checklist::visible(&s).0;
    assert!(!shown.is_empty() && shown.len() < all);
    for i in &shown {
        let c = &s.derived.checks[*i];
        assert!(
            c.id.contains("rotat") || c.title.to_lowercase().contains("rotat"),
            "{}",
            c.id
        );
    }
    press(&mut s, "<enter>");
    assert!(s.prompt.is_none());
    assert_eq!(s.checklist.filter, "rotat");
    assert_eq!(Checklist::visible(&s).0, shown);
    // Editing: backspace and ctrl-u.
    press(&mut s, "/<bs><bs>");
    assert_eq!(s.checklist.filter, "rot");
    press(&mut s, "<c-u>");
    assert_eq!(s.checklist.filter, "");
    press(&mut s, "zzz-nothing<enter>");
    assert!(Checklist::visible(&s).0.is_empty());
    // Esc on the list clears an active filter before going back.
    press(&mut s, "<esc>");
    assert_eq!(s.checklist.filter, "");
    assert_eq!(s.screen(), &Screen::Checklist);
    press(&mut s, "/kms<esc>");
    assert_eq!(
        s.checklist.filter, "",
        "esc in the prompt clears the filter"
    );
    assert_eq!(Checklist::visible(&s).0.len(), all);
}

#[test]
fn failing_only_shows_only_failing_checks_and_resources() {
    let mut s = demo_state();
    checklist(&mut s);
    let all = Checklist::visible(&s).0.len();
    press(&mut s, "f");
    assert!(s.checklist.failing_only);
    let shown = Checklist::visible(&s).0;
    assert!(!shown.is_empty());
    assert!(
        shown
            .iter()
            .all(|&i| s.derived.checks[i].status == Status::Fail)
    );
    assert!(shown.len() <= all);
    press(&mut s, "f");
    assert_eq!(Checklist::visible(&s).0.len(), all);

    press(&mut s, "<tab>");
    let all = Resources::visible(&s).0.len();
    press(&mut s, "f");
    let shown = Resources::visible(&s).0;
    assert!(shown.len() < all);
    assert!(
        shown
            .iter()
            .all(|&i| s.derived.resources[i].counts.fail > 0)
    );
}

#[test]
fn sort_cycles_and_impact_puts_the_biggest_gain_first() {
    let mut s = demo_state();
    checklist(&mut s);
    let order: Vec<CheckSort> = (0..5)
        .map(|_| {
            press(&mut s, "s");
            s.checklist.sort
        })
        .collect();
    assert_eq!(
        order,
        [
            CheckSort::Impact,
            CheckSort::Severity,
            CheckSort::Failing,
            CheckSort::Title,
            CheckSort::Category
        ]
    );
    press(&mut s, "s");
    let impacts: Vec<f64> = Checklist::visible(&s)
        .0
        .iter()
        .map(|&i| s.derived.checks[i].impact)
        .collect();
    assert!(impacts.windows(2).all(|w| w[0] >= w[1]), "{impacts:?}");
    assert!(impacts[0] > 0.0);
    assert!(toast(&s).contains("impact"));
    press(&mut s, "s");
    let sev: Vec<Severity> = Checklist::visible(&s)
        .0
        .iter()
        .map(|&i| s.derived.checks[i].severity)
        .collect();
    assert!(sev.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn the_default_order_is_grouped_by_category_in_catalogue_order() {
    let mut s = demo_state();
    checklist(&mut s);
    let cats: Vec<Category> = Checklist::visible(&s)
        .0
        .iter()
        .map(|&i| s.derived.checks[i].category)
        .collect();
    assert!(cats.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(cats[0], Category::Exposure);
}

#[test]
fn severity_filter_from_the_command_line() {
    let mut s = demo_state();
    checklist(&mut s);
    press(&mut s, ":sev high<enter>");
    assert_eq!(s.checklist.min_severity, Some(Severity::High));
    let sev: Vec<Severity> = Checklist::visible(&s)
        .0
        .iter()
        .map(|&i| s.derived.checks[i].severity)
        .collect();
    assert!(!sev.is_empty());
    assert!(
        sev.iter()
            .all(|x| matches!(x, Severity::Critical | Severity::High))
    );
    press(&mut s, ":sev all<enter>");
    assert_eq!(s.checklist.min_severity, None);
    press(&mut s, ":sev extreme<enter>");
    assert_eq!(s.toast.as_ref().unwrap().message.level, Level::Error);
    assert!(toast(&s).contains("unknown severity"));
}

#[test]
fn number_keys_jump_to_a_category() {
    let mut s = demo_state();
    press(&mut s, "4");
    assert_eq!(s.screen(), &Screen::Checklist);
    assert_eq!(Checklist::selected(&s).unwrap().category, Category::ALL[3]);
    // From the overview, Enter on a tile does the same.
    let mut s = demo_state();
    press(&mut s, "jj<enter>");
    assert_eq!(Checklist::selected(&s).unwrap().category, Category::Input);
}

#[test]
fn drill_down_and_back() {
    let mut s = demo_state();
    let id = open_first_failing(&mut s);
    let Screen::CheckDetail(d) = s.screen().clone() else {
        panic!("not a detail: {:?}", s.screen())
    };
    assert_eq!(d.check_id, id);
    assert_eq!(d.focus, Pane::Resources);
    // Failing resources come first.
    let first = s.selected_finding().unwrap().clone();
    assert_eq!(first.status, Status::Fail);
    assert_eq!(first.check_id, id);
    press(&mut s, "j");
    let second = s.selected_finding().unwrap().resource_id.clone();
    assert_ne!(second, first.resource_id);
    // Tab moves to the fix pane, enter too; Esc goes back to the checklist.
    press(&mut s, "<tab>");
    assert!(matches!(s.screen(), Screen::CheckDetail(d) if d.focus == Pane::Fix));
    press(&mut s, "<esc>");
    assert_eq!(s.screen(), &Screen::Checklist);
    assert_eq!(selected_id(&s), id);
}

#[test]
fn resources_drill_into_their_findings_and_on_to_the_check() {
    let mut s = demo_state();
    press(&mut s, "<tab><tab>");
    let visible = Resources::visible(&s).0;
    let resource = s.derived.resources[visible[0]].clone();
    assert!(resource.counts.fail > 0, "worst first");
    press(&mut s, "<enter>");
    let Screen::ResourceDetail(d) = s.screen().clone() else {
        panic!()
    };
    assert_eq!(d.resource_id, resource.id);
    let f = s.selected_finding().unwrap().clone();
    assert_eq!(f.resource_id, resource.id);
    press(&mut s, "<enter>");
    let Screen::CheckDetail(d) = s.screen().clone() else {
        panic!()
    };
    assert_eq!(d.check_id, f.check_id);
    assert_eq!(s.selected_finding().unwrap().resource_id, resource.id);
    press(&mut s, "hh");
    assert_eq!(s.screen(), &Screen::Resources);
}

#[test]
fn mute_with_a_reason_then_unmute() {
    let mut s = demo_state();
    open_first_failing(&mut s);
    let f = s.selected_finding().unwrap().clone();
    let score_before = s.assessment.score.clone();
    press(&mut s, "x");
    assert!(matches!(s.prompt, Some(Prompt::Mute(_))));
    press(&mut s, "accepted risk until Q3<enter>");
    assert!(s.prompt.is_none());
    let muted = s
        .assessment
        .findings
        .iter()
        .find(|x| x.check_id == f.check_id && x.resource_id == f.resource_id)
        .unwrap();
    assert_eq!(
        muted.status,
        Status::Fail,
        "the real status stays underneath"
    );
    assert_eq!(muted.shown(), Status::Muted);
    assert_eq!(muted.mute_text(), Some("accepted risk until Q3"));
    assert_eq!(
        s.assessment.score.coverage.muted,
        score_before.coverage.muted + 1
    );
    assert_eq!(
        s.assessment.score.coverage.fail,
        score_before.coverage.fail - 1
    );
    assert!(toast(&s).contains("for this session"));
    // The cursor stays on the muted resource; x again unmutes.
    assert_eq!(s.selected_finding().unwrap().resource_id, f.resource_id);
    press(&mut s, "x");
    assert!(s.prompt.is_none());
    assert_eq!(s.assessment.score, score_before);
    assert!(s.session_mutes.is_empty());
}

#[test]
fn a_mute_needs_a_reason_and_a_failing_finding() {
    let mut s = demo_state();
    open_first_failing(&mut s);
    press(&mut s, "x<enter>");
    assert!(s.session_mutes.is_empty());
    assert!(toast(&s).contains("reason is required"));
    assert!(
        matches!(s.prompt, Some(Prompt::Mute(_))),
        "the dialog stays open"
    );
    press(&mut s, "<esc>x   <esc>");
    assert!(s.prompt.is_none() && s.session_mutes.is_empty());
    press(&mut s, "G");
    assert_eq!(s.selected_finding().unwrap().status, Status::Pass);
    press(&mut s, "x");
    assert!(s.prompt.is_none());
    assert!(toast(&s).contains("only failing or unknown"));
}

#[test]
fn x_on_the_checklist_mutes_the_check_everywhere() {
    let mut s = demo_state();
    checklist(&mut s);
    press(&mut s, "f");
    let id = selected_id(&s);
    press(&mut s, "xdev account<enter>");
    assert_eq!(s.session_mutes.len(), 1);
    assert_eq!(s.session_mutes[0].resource, None);
    let row = s.check_row(&id).unwrap();
    assert_eq!(row.counts.fail, 0);
    assert!(row.counts.muted > 0);
    // With failing-only on, the muted check left the list; switch it off to unmute.
    press(&mut s, "f");
    while selected_id(&s) != id {
        press(&mut s, "j");
    }
    press(&mut s, "x");
    assert!(s.session_mutes.is_empty());
    assert!(s.check_row(&id).unwrap().counts.fail > 0);
}

#[test]
fn export_asks_before_overwriting() {
    let mut s = demo_state();
    let fx = press(&mut s, "e");
    let expected = PathBuf::from(
        "/home/dev/.config/parapet/snapshots/parapet-111122223333-20260302T093012Z.json",
    );
    assert_eq!(
        fx,
        vec![Effect::ExportSnapshot {
            path: expected.clone(),
            force: false
        }]
    );
    update(
        &mut s,
        Action::ExportFinished {
            path: expected.clone(),
            result: Err(ExportFailure::AlreadyExists),
        },
    );
    assert_eq!(
        s.prompt,
        Some(Prompt::ConfirmOverwrite {
            path: expected.clone()
        })
    );
    // Other keys do nothing while asking.
    assert!(press(&mut s, "jq").is_empty());
    assert_eq!(
        press(&mut s, "y"),
        vec![Effect::ExportSnapshot {
            path: expected.clone(),
            force: true
        }]
    );
    assert!(s.prompt.is_none());
    update(
        &mut s,
        Action::ExportFinished {
            path: expected.clone(),
            result: Ok(()),
        },
    );
    assert!(
        toast(&s).starts_with("exported /home/dev/.config/parapet/snapshots/parapet-111122223333-")
    );
    // Saying no keeps the file.
    update(
        &mut s,
        Action::ExportFinished {
            path: expected.clone(),
            result: Err(ExportFailure::AlreadyExists),
        },
    );
    assert!(press(&mut s, "n").is_empty());
    assert!(s.prompt.is_none());
    assert!(toast(&s).contains("cancelled"));
    // Other failures are reported.
    update(
        &mut s,
        Action::ExportFinished {
            path: expected,
            result: Err(ExportFailure::Other("disk full".into())),
        },
    );
    assert_eq!(s.toast.as_ref().unwrap().message.level, Level::Error);
}

#[test]
fn export_path_from_the_command_line_and_nothing_to_export_before_data() {
    let mut s = demo_state();
    let fx = press(&mut s, ":export /tmp/out.json<enter>");
    assert_eq!(
        fx,
        vec![Effect::ExportSnapshot {
            path: "/tmp/out.json".into(),
            force: false
        }]
    );
    let mut empty = empty_state();
    assert!(press(&mut empty, "e").is_empty());
    assert!(toast(&empty).contains("nothing to export"));
}

#[test]
fn command_line_theme_region_views_and_quit() {
    let mut s = demo_state();
    press(&mut s, ":theme light<enter>");
    assert_eq!(s.theme.name, "light");
    press(&mut s, ":theme neon<enter>");
    assert_eq!(s.theme.name, "light");
    assert!(toast(&s).contains("unknown theme `neon`"));
    press(&mut s, "t");
    assert_eq!(s.theme.name, "mono");

    let all = s.derived.resources.len();
    press(&mut s, ":region eu-west-1<enter>");
    assert_eq!(s.region.as_deref(), Some("eu-west-1"));
    assert!(s.derived.resources.len() < all);
    assert!(s.derived.resources.iter().all(|r| r.region == "eu-west-1"));
    press(&mut s, ":region mars-1<enter>");
    assert_eq!(s.region.as_deref(), Some("eu-west-1"));
    assert!(toast(&s).contains("unknown region"));
    press(&mut s, ":region all<enter>");
    assert_eq!(s.derived.resources.len(), all);

    press(&mut s, ":res<enter>");
    assert_eq!(s.screen(), &Screen::Resources);
    press(&mut s, ":help<enter>");
    assert!(matches!(s.screen(), Screen::Help { .. }));
    press(&mut s, ":bogus<enter>");
    assert!(toast(&s).contains("unknown command"));
    assert_eq!(press(&mut s, ":q<enter>"), vec![Effect::Quit]);
}

#[test]
fn refresh_pause_and_copy_become_effects() {
    let mut s = demo_state();
    assert_eq!(
        press(&mut s, "R"),
        vec![Effect::Source(SourceCommand::Refresh(None))]
    );
    checklist(&mut s);
    // The first check is a Lambda resource-policy check: the functions area.
    assert_eq!(
        press(&mut s, "r"),
        vec![Effect::Source(SourceCommand::Refresh(Some(
            Area::Functions
        )))]
    );
    press(&mut s, "/secret<enter>");
    while !selected_id(&s).starts_with("secrets.") {
        press(&mut s, "j");
    }
    assert_eq!(
        press(&mut s, "r"),
        vec![Effect::Source(SourceCommand::Refresh(Some(Area::Secrets)))]
    );
    assert_eq!(
        press(&mut s, "p"),
        vec![Effect::Source(SourceCommand::SetPaused(true))]
    );
    assert!(s.paused);
    assert_eq!(
        press(&mut s, "p"),
        vec![Effect::Source(SourceCommand::SetPaused(false))]
    );

    let mut s = demo_state();
    open_first_failing(&mut s);
    let f = s.selected_finding().unwrap().clone();
    let fx = press(&mut s, "c");
    assert_eq!(
        fx,
        vec![Effect::CopyToClipboard(f.remediation().cli.clone())]
    );
    assert!(
        f.remediation().cli.contains(f.resource_name.as_str()),
        "the CLI names the resource"
    );
    assert_eq!(press(&mut s, "<c-z>"), vec![Effect::Suspend]);
}

#[test]
fn source_events_drive_the_status_strip() {
    let mut s = empty_state();
    assert!(strip(&s).contains("functions ○ waiting"));
    update(
        &mut s,
        Action::Source(SourceEvent::Started {
            area: Area::Gateways,
            region: "us-east-1".into(),
        }),
    );
    update(
        &mut s,
        Action::Source(SourceEvent::Progress {
            area: Area::Gateways,
            region: "us-east-1".into(),
            percent: 40,
        }),
    );
    assert!(strip(&s).contains("gateways ⟳ 40%"), "{}", strip(&s));
    let batch = |area, status, error: Option<&str>| {
        Box::new(Batch {
            area,
            region: "us-east-1".into(),
            status,
            error: error.map(Into::into),
            duration: Duration::from_millis(800),
            inventory: Inventory::default(),
            requests: Default::default(),
        })
    };
    update(
        &mut s,
        Action::Source(SourceEvent::Batch(batch(
            Area::Gateways,
            CollectionState::Ok,
            None,
        ))),
    );
    tick(&mut s, 12);
    assert!(strip(&s).contains("gateways ✔ 12s ago"), "{}", strip(&s));
    update(
        &mut s,
        Action::Source(SourceEvent::Batch(batch(
            Area::Secrets,
            CollectionState::Failed,
            Some("AccessDenied: missing secretsmanager:ListSecrets"),
        ))),
    );
    assert!(
        strip(&s).contains("secrets ! AccessDenied"),
        "{}",
        strip(&s)
    );
    update(
        &mut s,
        Action::Source(SourceEvent::Batch(batch(
            Area::Functions,
            CollectionState::Partial,
            Some("ThrottlingException: rate exceeded"),
        ))),
    );
    assert!(
        strip(&s).contains("functions ◐ Throttling"),
        "{}",
        strip(&s)
    );
    let entry = &s.collection[&(Area::Gateways, "us-east-1".to_string())];
    assert_eq!(entry.status.duration_ms, Some(800));
    assert_eq!(entry.last_success, Some(NOW));
}

#[test]
fn batches_build_the_assessment_incrementally() {
    let mut s = empty_state();
    assert!(s.assessment.findings.is_empty());
    let batches = demo::batches(NOW);
    let first = batches
        .iter()
        .find(|b| b.area == Area::Functions)
        .unwrap()
        .clone();
    update(&mut s, Action::Source(SourceEvent::Batch(Box::new(first))));
    let after_one = s.assessment.findings.len();
    assert!(after_one > 0);
    for b in batches {
        update(&mut s, Action::Source(SourceEvent::Batch(Box::new(b))));
    }
    assert!(s.assessment.findings.len() > after_one);
    assert_eq!(
        s.identity.account_id,
        demo::DEMO_ACCOUNT,
        "learned from the batches"
    );
    assert!(s.assessment.score.overall.is_some());
}

#[test]
fn fatal_source_errors_are_kept_and_announced() {
    let mut s = empty_state();
    update(
        &mut s,
        Action::Source(SourceEvent::Fatal {
            message: "no AWS credentials found".into(),
            hint: "run aws sso login or set AWS_PROFILE".into(),
        }),
    );
    assert_eq!(
        s.fatal.as_ref().unwrap().message,
        "no AWS credentials found"
    );
    assert_eq!(s.toast.as_ref().unwrap().message.level, Level::Error);
}

#[test]
fn toasts_expire_with_the_clock() {
    let mut s = demo_state();
    press(&mut s, "s");
    assert!(s.toast.is_none(), "s does nothing on the overview");
    checklist(&mut s);
    press(&mut s, "s");
    assert!(s.toast.is_some());
    tick(&mut s, 3);
    assert!(s.toast.is_some());
    tick(&mut s, 2);
    assert!(s.toast.is_none());
    assert!(
        s.log.iter().any(|m| m.text.contains("sorted by impact")),
        "kept in the log"
    );
}

#[test]
fn snapshot_mode_reads_only_and_mutes_still_apply() {
    let mut live = demo_state();
    let findings = live.assessment.findings.clone();
    let mut s = State::new(
        NOW,
        StateOptions {
            source: SourceKind::Snapshot {
                path: "/tmp/snap.json".into(),
                generated_at: NOW,
            },
            ..options()
        },
    );
    s.load_snapshot(
        Vec::new(),
        Identity {
            account_id: "111122223333".into(),
            profile: None,
            regions: vec!["us-east-1".into()],
        },
        findings,
        vec![CollectionStatus {
            account_id: String::new(),
            area: Area::Functions,
            region: "us-east-1".into(),
            status: CollectionState::Ok,
            error: None,
            duration_ms: Some(1200),
            progress: None,
        }],
    );
    assert_eq!(s.assessment.score, live.assessment.score);
    assert!(press(&mut s, "R").is_empty());
    assert!(toast(&s).contains("snapshot"));
    assert!(press(&mut s, "p").is_empty());
    let id = open_first_failing(&mut s);
    press(&mut s, "xknown<enter>");
    assert_eq!(
        s.check_row(&id).unwrap().counts.muted,
        live.check_row(&id).unwrap().counts.muted + 1
    );
    press(&mut live, "q");
}

#[test]
fn user_key_overrides_drive_dispatch() {
    let (keymap, warnings) = Keymap::from_toml(
        "down = [\"n\", \"down\"]\nquit = \"ctrl-q\"\n",
        std::path::Path::new("keys.toml"),
    )
    .unwrap();
    assert!(warnings.is_empty());
    let mut s = State::new(
        NOW,
        StateOptions {
            keymap,
            ..options()
        },
    );
    feed_demo(&mut s);
    checklist(&mut s);
    let first = selected_id(&s);
    press(&mut s, "j");
    assert_eq!(selected_id(&s), first, "j no longer moves");
    press(&mut s, "n");
    assert_ne!(selected_id(&s), first);
    assert!(press(&mut s, "<c-c>").is_empty());
    assert_eq!(press(&mut s, "<c-q>"), vec![Effect::Quit]);
}

#[test]
fn no_color_keeps_mono_whatever_is_asked() {
    let mut s = State::new(
        NOW,
        StateOptions {
            no_color: true,
            theme: Some("light".into()),
            ..options()
        },
    );
    assert_eq!(s.theme.name, "mono");
    press(&mut s, "t");
    assert_eq!(s.theme.name, "mono");
    press(&mut s, ":theme dark<enter>");
    assert_eq!(s.theme.name, "mono");
    assert!(toast(&s).contains("NO_COLOR"));
}

#[test]
fn op_actions_work_like_their_keys() {
    let mut s = demo_state();
    update(&mut s, Action::Op(Op::NextPane));
    assert_eq!(s.screen(), &Screen::Checklist);
    update(&mut s, Action::Op(Op::Open));
    assert!(matches!(s.screen(), Screen::CheckDetail(_)));
    update(&mut s, Action::Op(Op::Help));
    assert!(matches!(s.screen(), Screen::Help { .. }));
    update(&mut s, Action::Op(Op::Help));
    assert!(matches!(s.screen(), Screen::CheckDetail(_)));
}

#[test]
fn paste_goes_into_the_open_prompt_only() {
    let mut s = demo_state();
    update(&mut s, Action::Paste("ignored".into()));
    assert!(s.prompt.is_none());
    checklist(&mut s);
    press(&mut s, "/");
    update(&mut s, Action::Paste("kms\n".into()));
    assert_eq!(s.checklist.filter, "kms");
}

/// A state fed with the demo whose mutes file is `path`, at `now`.
fn state_with_mutes_file(path: &std::path::Path, now: time::OffsetDateTime) -> State {
    let file = parapet::config::mutes::MutesFile::load(path).expect("mutes file");
    let mut s = State::new(
        now,
        parapet::app::state::StateOptions {
            mutes_file: Some(file),
            ..options()
        },
    );
    feed_demo(&mut s);
    s
}

/// The dialog's reason, expiry and scope reach the mutes file; the mute survives a restart,
/// applies until the day before its expiry and then says it expired.
#[test]
fn a_mute_made_in_the_dialog_survives_a_restart_and_expires_on_its_date() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mutes.toml");
    let mut s = state_with_mutes_file(&path, NOW);
    open_first_failing(&mut s);
    let f = s.selected_finding().unwrap().clone();
    press(&mut s, "xowned by the payments team<tab>2026-04-01<tab>");
    let Some(Prompt::Mute(d)) = &s.prompt else {
        panic!("the dialog is open")
    };
    assert!(!d.everywhere, "this resource by default");
    press(&mut s, " ");
    let Some(Prompt::Mute(d)) = &s.prompt else {
        panic!()
    };
    assert!(d.everywhere, "space switches the scope");
    press(&mut s, " <enter>");
    assert!(s.prompt.is_none());
    assert!(toast(&s).contains("until 2026-04-01"), "{}", toast(&s));
    assert!(
        toast(&s).contains(&path.display().to_string()),
        "{}",
        toast(&s)
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains(&format!("check = \"{}\"", f.check_id)),
        "{text}"
    );
    assert!(
        text.contains(&format!("resource = \"{}\"", f.resource_id)),
        "{text}"
    );
    assert!(
        text.contains("reason = \"owned by the payments team\""),
        "{text}"
    );
    assert!(text.contains("expires = 2026-04-01"), "{text}");
    assert!(s.session_mutes.is_empty(), "saved, not session-only");

    let find = |s: &State| {
        s.assessment
            .findings
            .iter()
            .find(|x| x.check_id == f.check_id && x.resource_id == f.resource_id)
            .unwrap()
            .clone()
    };
    // A restart the day before the expiry: still muted, the real status underneath.
    let day_before = time::macros::datetime!(2026-03-31 23:00 UTC);
    let again = find(&state_with_mutes_file(&path, day_before));
    assert_eq!((again.shown(), again.status), (Status::Muted, f.status));
    assert_eq!(again.mute.unwrap().expires.as_deref(), Some("2026-04-01"));
    // On the expiry date it applies no more, and the finding says so.
    let restarted = state_with_mutes_file(&path, time::macros::datetime!(2026-04-01 08:00 UTC));
    let expired = find(&restarted);
    assert_eq!(expired.shown(), f.status);
    assert_eq!(
        expired.mute_expired.unwrap().reason,
        "owned by the payments team"
    );

    // x on the muted finding removes the entry again.
    let mut s = state_with_mutes_file(&path, NOW);
    open_first_failing(&mut s);
    while s.selected_finding().unwrap().resource_id != f.resource_id {
        press(&mut s, "j");
    }
    press(&mut s, "x");
    assert!(toast(&s).contains("removed from"), "{}", toast(&s));
    let left = parapet::config::mutes::MutesFile::load(&path).unwrap();
    assert!(left.mutes.is_empty(), "{left:?}");
}

#[test]
fn the_mute_dialog_refuses_a_bad_or_past_expiry_and_keeps_what_was_typed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mutes.toml");
    let mut s = state_with_mutes_file(&path, NOW);
    open_first_failing(&mut s);
    press(&mut s, "xreason<tab>2026-02-30<enter>");
    assert!(toast(&s).contains("not a date"), "{}", toast(&s));
    let Some(Prompt::Mute(d)) = &s.prompt else {
        panic!("still open")
    };
    assert_eq!(d.reason.text, "reason");
    press(
        &mut s,
        "<bs><bs><bs><bs><bs><bs><bs><bs><bs><bs>2026-03-01<enter>",
    );
    assert!(toast(&s).contains("not after today"), "{}", toast(&s));
    press(&mut s, "<esc>");
    assert!(s.prompt.is_none());
    assert!(!path.exists(), "nothing was saved");
}

/// Live and demo mode: once every area of every region has arrived, the findings become the
/// session's baseline; a later batch that fixes something is marked ✔FIXED.
#[test]
fn changes_since_the_session_started_are_marked() {
    let mut s = demo_state();
    let b = s
        .baseline
        .as_ref()
        .expect("the first full collection set the baseline");
    assert_eq!(b.label, "since 09:30 UTC");
    assert!(b.changes.is_empty(), "nothing changed yet");

    // The same functions batch again, with payments-webhook's public policy removed.
    let mut batch = demo::batch_for(s.now, Area::Functions, demo::PRIMARY_REGION);
    for f in batch.inventory.functions.iter_mut() {
        if f.name == "payments-webhook" {
            std::sync::Arc::make_mut(f).policy = Ok(None);
        }
    }
    update(&mut s, Action::Source(SourceEvent::Batch(Box::new(batch))));
    let fixed = s
        .assessment
        .findings
        .iter()
        .find(|f| {
            f.check_id == "lambda.public-resource-policy" && f.resource_name == "payments-webhook"
        })
        .unwrap()
        .clone();
    assert_eq!(fixed.status, Status::Pass);
    assert_eq!(
        s.change_marker(&fixed),
        Some(parapet::domain::diff::Change::Resolved)
    );
    assert!(
        s.check_changes("lambda.public-resource-policy")
            .contains("✔FIXED×1")
    );
    assert_eq!(
        s.check_changes("lambda.no-vpc"),
        "",
        "other checks are unmarked"
    );
}

/// `parapet open NEW --baseline OLD`: a failing finding that passed in OLD is a regression, one
/// absent from OLD a new failure, and a finding that failed in OLD and passes now is fixed.
#[test]
fn a_baseline_snapshot_marks_new_regressed_and_fixed_findings() {
    let mut s = demo_state();
    let current = s.assessment.findings.clone();
    let failing: Vec<usize> = (0..current.len())
        .filter(|&i| current[i].status == Status::Fail)
        .collect();
    let passing = (0..current.len())
        .find(|&i| current[i].status == Status::Pass)
        .unwrap();
    let mut old = current.clone();
    old[failing[0]].status = Status::Pass; // now fails: a regression
    old[passing].status = Status::Fail; // now passes: fixed
    let new_failure = current[failing[1]].clone();
    old.retain(|f| {
        !(f.check_id == new_failure.check_id && f.resource_id == new_failure.resource_id)
    });
    s.set_baseline("vs old.json".into(), old);
    use parapet::domain::diff::Change;
    assert_eq!(
        s.change_marker(&current[failing[0]]),
        Some(Change::Regression)
    );
    assert_eq!(s.change_marker(&new_failure), Some(Change::NewFailure));
    assert_eq!(s.change_marker(&current[passing]), Some(Change::Resolved));
    assert_eq!(
        s.baseline.as_ref().unwrap().changes.len(),
        3,
        "nothing else changed"
    );
}

// ───────────── an Organization: several accounts in one view ─────────────

fn visible_ids(s: &State) -> Vec<String> {
    Organization::visible(s)
        .0
        .iter()
        .map(|&i| s.derived.accounts[i].id.clone())
        .collect()
}

#[test]
fn the_organization_overview_lists_each_account_with_its_own_score() {
    let s = organization_state();
    assert!(s.shows_organization());
    assert_eq!(s.scope(), parapet::app::keymap::Scope::Organization);
    let [shop, staging, sandbox] = ORG_ACCOUNTS;
    // Worst score first; the account without a score last.
    assert_eq!(visible_ids(&s), [shop, staging, sandbox]);
    let row = |id: &str| s.derived.accounts.iter().find(|a| a.id == id).unwrap();
    // Each account's score is the snapshot formula over its own findings.
    for id in [shop, staging] {
        let own: Vec<_> = s
            .assessment
            .findings
            .iter()
            .filter(|f| f.account_id == id)
            .cloned()
            .collect();
        let want = Assessment::from_findings(own).score;
        assert_eq!(row(id).score, want.overall, "{id}");
        assert_eq!(row(id).coverage, want.coverage.percent);
    }
    assert!(
        row(staging).score > row(shop).score,
        "staging fixed half its failures"
    );
    assert_eq!(row(sandbox).score, None);
    assert_eq!(row(sandbox).state, AccountState::NotScanned);
    assert!(
        row(sandbox)
            .error
            .as_ref()
            .unwrap()
            .contains("AccessDenied")
    );
    // The overall score is the organization's: every account's findings together.
    assert_eq!(
        s.derived.score.overall,
        Assessment::from_findings(s.assessment.findings.clone())
            .score
            .overall
    );
}

#[test]
fn enter_drills_into_one_account_and_esc_comes_back_to_the_organization() {
    let mut s = organization_state();
    let [shop, staging, _] = ORG_ACCOUNTS;
    press(&mut s, "j<enter>");
    assert_eq!(s.account.as_deref(), Some(staging));
    assert!(!s.shows_organization());
    assert_eq!(s.identity.account_id, staging);
    // Exactly today's dashboard, over that account's findings only.
    let own = s
        .assessment
        .findings
        .iter()
        .filter(|f| f.account_id == staging)
        .count();
    let listed: usize = s.derived.checks.iter().map(|c| c.findings.len()).sum();
    assert_eq!(listed, own);
    assert!(
        s.derived
            .resources
            .iter()
            .all(|r| r.id.contains(staging) || !r.id.contains(shop))
    );
    // The checklist and resources follow the account; esc on them goes back to its overview.
    press(&mut s, "<tab>");
    assert_eq!(*s.screen(), Screen::Checklist);
    press(&mut s, "<esc>");
    assert_eq!(
        s.account.as_deref(),
        Some(staging),
        "back to the account's overview"
    );
    press(&mut s, "<esc>");
    assert!(s.shows_organization());
    assert_eq!(
        s.organization.selected.as_deref(),
        Some(staging),
        "the cursor stays on the account left"
    );
    // q from an account also comes back, and quits only from the Organization.
    press(&mut s, "<enter>");
    assert!(press(&mut s, "q").is_empty());
    assert!(s.shows_organization());
    assert!(press(&mut s, "q").contains(&Effect::Quit));
}

#[test]
fn the_account_command_switches_by_id_or_name_and_all_comes_back() {
    let mut s = organization_state();
    let [shop, _, sandbox] = ORG_ACCOUNTS;
    press(&mut s, ":account sandbox<enter>");
    assert_eq!(s.account.as_deref(), Some(sandbox));
    press(&mut s, &format!(":account {shop}<enter>"));
    assert_eq!(s.account.as_deref(), Some(shop));
    press(&mut s, ":account 000000000000<enter>");
    assert_eq!(
        s.account.as_deref(),
        Some(shop),
        "an unknown account changes nothing"
    );
    assert!(
        s.toast
            .as_ref()
            .unwrap()
            .message
            .text
            .contains("unknown account `000000000000`")
    );
    press(&mut s, ":account all<enter>");
    assert_eq!(s.account, None);
    assert!(s.shows_organization());
}

#[test]
fn the_organization_sorts_and_filters() {
    let mut s = organization_state();
    let [shop, staging, sandbox] = ORG_ACCOUNTS;
    press(&mut s, "s");
    assert_eq!(s.organization.sort, AccountSort::Failing);
    assert_eq!(visible_ids(&s), [shop, staging, sandbox]);
    press(&mut s, "s");
    assert_eq!(visible_ids(&s), [sandbox, shop, staging], "by name");
    press(&mut s, "/staging<enter>");
    assert_eq!(visible_ids(&s), [staging]);
    press(&mut s, "<esc>");
    assert_eq!(visible_ids(&s).len(), 3, "esc clears the filter first");
    assert!(s.shows_organization());
    press(&mut s, "/7777<enter>");
    assert_eq!(visible_ids(&s), [sandbox], "ids match too");
    press(&mut s, "<esc>f");
    // Critical or high failures, or not scanned: all three here.
    assert_eq!(visible_ids(&s).len(), 3);
}

#[test]
fn one_check_across_every_account_counts_every_accounts_resources() {
    let mut s = organization_state();
    press(&mut s, "<tab>");
    let row = s
        .derived
        .checks
        .iter()
        .find(|c| c.id == "lambda.public-resource-policy")
        .unwrap();
    let accounts: std::collections::BTreeSet<&str> = row
        .findings
        .iter()
        .map(|&i| s.assessment.findings[i].account_id.as_str())
        .collect();
    assert_eq!(accounts.len(), 3, "{accounts:?}");
}

/// A live source of several accounts: each account's events arrive wrapped with its key; the
/// overview fills in per account, an account's `Fatal` makes it "not scanned" with unknown
/// findings, and the others are unaffected.
#[test]
fn a_live_source_of_several_accounts_keeps_each_account_apart() {
    use parapet::domain::snapshot::AccountInfo;
    let mut s = empty_state();
    let (shop, staging, lost) = (demo::DEMO_ACCOUNT, "444455556666", "777788889999");
    let regions = vec![demo::PRIMARY_REGION.to_string()];
    let info = |id: &str, profile: Option<&str>| AccountInfo {
        id: id.into(),
        profile: profile.map(String::from),
        regions: if id.is_empty() {
            Vec::new()
        } else {
            regions.clone()
        },
        ..AccountInfo::default()
    };
    update(
        &mut s,
        Action::Source(SourceEvent::Accounts(vec![
            info(shop, None),
            // A profile's account: its id comes with its identity.
            info("", Some("staging")),
            info(lost, None),
        ])),
    );
    assert!(s.shows_organization());
    let of = |key: &str, event: SourceEvent| {
        Action::Source(SourceEvent::OfAccount {
            key: key.into(),
            event: Box::new(event),
        })
    };
    update(
        &mut s,
        of(
            "staging",
            SourceEvent::Identity(Identity {
                account_id: staging.into(),
                profile: Some("staging".into()),
                regions: regions.clone(),
            }),
        ),
    );
    for (key, id) in [(shop, shop), ("staging", staging)] {
        for mut batch in demo::batches(NOW)
            .into_iter()
            .filter(|b| b.region == demo::PRIMARY_REGION)
        {
            batch.inventory.account_id = id.into();
            update(
                &mut s,
                of(
                    key,
                    SourceEvent::Started {
                        area: batch.area,
                        region: batch.region.clone(),
                    },
                ),
            );
            update(&mut s, of(key, SourceEvent::Batch(Box::new(batch))));
        }
    }
    update(
        &mut s,
        of(
            lost,
            SourceEvent::Fatal {
                message: "cannot assume arn:aws:iam::777788889999:role/R: AccessDenied".into(),
                hint: "check the role".into(),
            },
        ),
    );
    let row = |id: &str| s.derived.accounts.iter().find(|a| a.id == id).unwrap();
    assert_eq!(
        row(shop).state,
        AccountState::Partial,
        "the demo has partial areas"
    );
    assert_eq!(row(staging).name, "staging");
    // The same resources (their ARNs still name the shop's account, so cross-account checks
    // judge them differently): each scored on its own.
    assert!(row(shop).score.is_some() && row(staging).score.is_some());
    assert_eq!(row(lost).state, AccountState::NotScanned);
    assert_eq!(row(lost).score, None);
    let of_account = |id: &str| {
        s.assessment
            .findings
            .iter()
            .filter(|f| f.account_id == id)
            .collect::<Vec<_>>()
    };
    assert_eq!(of_account(shop).len(), of_account(staging).len());
    assert!(!of_account(lost).is_empty());
    assert!(of_account(lost).iter().all(|f| f.status == Status::Unknown));
    // Over every account the strip leaves the unscanned one out; in it, everything failed.
    assert!(
        s.collection
            .values()
            .all(|a| a.status.status != CollectionState::Failed)
    );
    press(&mut s, &format!(":account {lost}<enter>"));
    assert!(
        s.collection
            .values()
            .all(|a| a.status.status == CollectionState::Failed)
    );
    // A refresh goes to the source (which passes it to every account).
    let fx = press(&mut s, "R");
    assert!(fx.contains(&Effect::Source(SourceCommand::Refresh(None))));
}

/// Issue 19: live, once every area has reported in every region, the status strip shows the
/// least time a full collection takes at the periodic polls' quota share.
#[test]
fn the_status_strip_shows_the_expected_full_collection_at_the_quota_share() {
    let mut s = empty_state();
    s.quota_share = Some(0.25);
    update(
        &mut s,
        Action::Source(SourceEvent::Identity(Identity {
            account_id: "123456789012".into(),
            profile: None,
            regions: vec!["us-east-1".into()],
        })),
    );
    // Every area the source collects.
    for area in s.areas() {
        let mut requests = std::collections::BTreeMap::new();
        if area == Area::Functions {
            // 150 requests at 15/s × 0.25: 40 s.
            requests.insert("lambda.control-plane".to_string(), 150u64);
        }
        assert_eq!(s.expected_full, None, "not before every area reported");
        update(
            &mut s,
            Action::Source(SourceEvent::Batch(Box::new(Batch {
                area,
                region: "us-east-1".into(),
                status: CollectionState::Ok,
                error: None,
                duration: Duration::from_millis(800),
                inventory: Inventory::default(),
                requests,
            }))),
        );
    }
    assert_eq!(s.expected_full, Some(Duration::from_secs(40)));
    let shown = text(&s, 120, 40);
    assert!(shown.contains("full ≥ 40s @25%"), "{shown}");
}
