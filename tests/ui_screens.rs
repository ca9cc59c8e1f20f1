//! Whole-app snapshots: the real state, driven by synthetic keys and the demo account's
//! source events at a fixed clock, rendered into a TestBackend at 80×24 and 120×40.
//! Review changed `.snap` files like screenshots: they are what users see.

use crate::ui_support::*;
use parapet::app::action::{Action, ExportFailure};
use parapet::app::state::{Identity, Prompt, Screen, SourceKind, State, StateOptions};
use parapet::app::update::update;
use parapet::demo;
use parapet::domain::inventory::Area;
use parapet::domain::source::SourceEvent;
use parapet::ui::check_detail;

/// Snapshots the screen at both sizes.
fn snap(name: &str, state: &State) {
    snapshot(&format!("{name}__80x24"), text(state, 80, 24));
    snapshot(&format!("{name}__120x40"), text(state, 120, 40));
}

/// One snapshot, named `ui_screens__<name>` as when this file was a test binary of its own
/// (insta would prefix the module path of the suite otherwise).
fn snapshot(name: &str, screen: String) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(format!("ui_screens__{name}"), screen));
}

/// Presses keys, rendering between them like the real loop does (scrolling needs the
/// previous frame's sizes).
fn press_rendered(state: &mut State, keys: &str, w: u16, h: u16) {
    for c in keys.chars() {
        render(state, w, h);
        press(state, &c.to_string());
    }
}

#[test]
fn overview_while_areas_are_loading() {
    let mut s = empty_state();
    update(
        &mut s,
        Action::Source(SourceEvent::Identity(Identity {
            account_id: demo::DEMO_ACCOUNT.into(),
            profile: Some("shop-prod".into()),
            regions: vec![demo::PRIMARY_REGION.into(), demo::SECONDARY_REGION.into()],
        })),
    );
    let batches = demo::batches(NOW);
    for b in batches.iter().filter(|b| b.area == Area::Functions) {
        update(
            &mut s,
            Action::Source(SourceEvent::Batch(Box::new(b.clone()))),
        );
    }
    for (area, pct) in [
        (Area::Gateways, 70),
        (Area::Throttles, 35),
        (Area::Encryption, 0),
    ] {
        for region in [demo::PRIMARY_REGION, demo::SECONDARY_REGION] {
            update(
                &mut s,
                Action::Source(SourceEvent::Started {
                    area,
                    region: region.into(),
                }),
            );
            update(
                &mut s,
                Action::Source(SourceEvent::Progress {
                    area,
                    region: region.into(),
                    percent: pct,
                }),
            );
        }
    }
    tick(&mut s, 3);
    snap("overview_loading", &s);
    press(&mut s, "<tab>");
    snap("checklist_loading", &s);
}

#[test]
fn overview() {
    snap("overview", &demo_state());
}

#[test]
fn overview_with_a_region_filter_and_paused() {
    let mut s = demo_state();
    press(&mut s, ":region eu-west-1<enter>p");
    s.toast = None;
    snap("overview_eu_west_1_paused", &s);
}

#[test]
fn checklist() {
    let mut s = demo_state();
    press(&mut s, "<tab>");
    snap("checklist", &s);
}

#[test]
fn checklist_failing_only_by_impact_high_and_worse() {
    let mut s = demo_state();
    press(&mut s, "<tab>fs:sev high<enter>jj");
    s.toast = None;
    snap("checklist_failing_impact_sev_high", &s);
}

#[test]
fn checklist_filter_being_typed() {
    let mut s = demo_state();
    press(&mut s, "<tab>/rotation");
    snap("checklist_filter_prompt", &s);
}

#[test]
fn checklist_jump_to_a_category_puts_it_on_top() {
    let mut s = demo_state();
    press(&mut s, "4");
    snap("checklist_jump_secrets", &s);
}

#[test]
fn checklist_scrolled_to_the_bottom() {
    let mut s = demo_state();
    press(&mut s, "<tab>G");
    snap("checklist_bottom", &s);
}

#[test]
fn check_detail() {
    let mut s = demo_state();
    press(&mut s, "<tab><enter>");
    snap("check_detail", &s);
}

#[test]
fn check_detail_fix_pane_scrolled() {
    let mut s = demo_state();
    press(&mut s, "2<enter><tab>");
    press_rendered(&mut s, "jjjjjj", 80, 24);
    snapshot("check_detail_fix_scrolled__80x24", text(&s, 80, 24));
    let mut s = demo_state();
    press(&mut s, "2<enter><tab>");
    press_rendered(&mut s, "jjjjjj", 120, 40);
    snapshot("check_detail_fix_scrolled__120x40", text(&s, 120, 40));
}

#[test]
fn check_detail_with_a_muted_resource() {
    let mut s = demo_state();
    press(
        &mut s,
        "<tab><enter>xaccepted until the Q3 migration<enter>",
    );
    s.toast = None;
    snap("check_detail_muted", &s);
}

#[test]
fn mute_prompt() {
    let mut s = demo_state();
    press(&mut s, "<tab><enter>xdev only");
    snap("mute_prompt", &s);
}

/// Issue 18, 16: the dialog's own problems show inside it (the footer under it holds its
/// keys), and a save error wraps instead of being cut off.
#[test]
fn mute_problems_and_save_errors_are_shown_whole() {
    let mut s = demo_state();
    press(&mut s, "<tab><enter>xdev only<tab>2026-02-30<enter>");
    assert!(matches!(s.prompt, Some(Prompt::Mute(_))));
    snap("mute_prompt_problem", &s);
    let mut s = demo_state();
    update(
        &mut s,
        Action::Notify(
            parapet::app::state::Level::Error,
            "muted lambda.no-vpc on orders-api for this session only: cannot save \
             (/home/dev/src/shop/infrastructure/security/parapet-mutes.toml: permission denied)"
                .into(),
        ),
    );
    snap("save_error_toast", &s);
}

#[test]
fn resources() {
    let mut s = demo_state();
    press(&mut s, "<tab><tab>");
    snap("resources", &s);
}

#[test]
fn resource_detail() {
    let mut s = demo_state();
    press(&mut s, "<tab><tab><enter>j");
    snap("resource_detail", &s);
}

#[test]
fn help() {
    let mut s = demo_state();
    press(&mut s, "?");
    snap("help", &s);
    press(&mut s, "G");
    // G scrolls to the end once a frame has measured the text.
    let mut end80 = demo_state();
    press(&mut end80, "?");
    press_rendered(&mut end80, "G", 80, 24);
    snapshot("help_end__80x24", text(&end80, 80, 24));
    let mut end120 = demo_state();
    press(&mut end120, "?");
    press_rendered(&mut end120, "G", 120, 40);
    snapshot("help_end__120x40", text(&end120, 120, 40));
}

#[test]
fn command_line() {
    let mut s = demo_state();
    press(&mut s, "<tab>:theme li");
    snap("command_line", &s);
}

#[test]
fn export_overwrite_confirmation() {
    let mut s = demo_state();
    press(&mut s, "<tab>");
    let path = "/home/dev/.config/parapet/snapshots/parapet-111122223333-20260302T093012Z.json";
    update(
        &mut s,
        Action::ExportFinished {
            path: path.into(),
            result: Err(ExportFailure::AlreadyExists),
        },
    );
    assert!(matches!(s.prompt, Some(Prompt::ConfirmOverwrite { .. })));
    snap("export_confirm_overwrite", &s);
}

#[test]
fn toast_after_export() {
    let mut s = demo_state();
    let path = "/home/dev/.config/parapet/snapshots/parapet-111122223333-20260302T093012Z.json";
    update(
        &mut s,
        Action::ExportFinished {
            path: path.into(),
            result: Ok(()),
        },
    );
    snap("overview_exported_toast", &s);
}

#[test]
fn snapshot_file_opened() {
    let live = demo_state();
    let mut s = State::new(
        NOW,
        StateOptions {
            source: SourceKind::Snapshot {
                path: "/home/dev/snapshots/parapet-111122223333-20260301T180000Z.json".into(),
                generated_at: time::macros::datetime!(2026-03-01 18:00:00 UTC),
            },
            ..options()
        },
    );
    s.load_snapshot(
        Vec::new(),
        Identity {
            account_id: demo::DEMO_ACCOUNT.into(),
            profile: Some("shop-prod".into()),
            regions: vec![demo::PRIMARY_REGION.into(), demo::SECONDARY_REGION.into()],
        },
        live.assessment.findings.clone(),
        live.collection_statuses(),
    );
    snap("snapshot_overview", &s);
}

#[test]
fn source_cannot_run() {
    let mut s = empty_state();
    update(
        &mut s,
        Action::Source(SourceEvent::Fatal {
            message: "no AWS credentials found for profile shop-prod".into(),
            hint: "run `aws sso login --profile shop-prod`, or pick another with --profile".into(),
        }),
    );
    s.toast = None;
    snap("overview_fatal", &s);
}

#[test]
fn every_screen_survives_tiny_and_odd_sizes() {
    let sizes = [
        (1, 1),
        (20, 5),
        (39, 9),
        (40, 10),
        (41, 11),
        (60, 15),
        (80, 24),
        (100, 30),
        (250, 70),
        (300, 3),
        (3, 100),
    ];
    let scripts = [
        "",
        "<tab>",
        "<tab>G",
        "<tab><enter>",
        "<tab><enter><tab>jjjj",
        "<tab><tab>",
        "<tab><tab><enter>",
        "?",
        ":x",
        "<tab><enter>xr",
    ];
    for script in scripts {
        let mut s = demo_state();
        press(&mut s, script);
        for (w, h) in sizes {
            let buf = render(&s, w, h);
            assert_eq!(buf.area.width, w);
        }
    }
    let s = empty_state();
    for (w, h) in sizes {
        render(&s, w, h);
    }
}

#[test]
fn no_secret_value_ever_reaches_the_screen() {
    let mut s = demo_state();
    let theme = s.theme.clone();
    let ids: Vec<String> = s.derived.checks.iter().map(|c| c.id.clone()).collect();
    let mut panes = 0;
    for id in ids {
        // Every check's detail screen...
        s.stack.truncate(1);
        s.stack.push(Screen::Checklist);
        s.checklist.selected = Some(id.clone());
        press(&mut s, "<enter>");
        assert_no_secret(&text(&s, 160, 50), &id);
        // ...and the whole evidence & fix pane of every resource in it, unclipped.
        let Screen::CheckDetail(d) = s.screen().clone() else {
            panic!("expected a detail, got {:?}", s.screen())
        };
        for i in s.detail_findings(&d).0 {
            let f = &s.assessment.findings[i];
            let lines = check_detail::fix_lines(f, 100, &theme);
            let pane: Vec<String> = lines
                .iter()
                .map(|l| l.spans.iter().map(|sp| sp.content.as_ref()).collect())
                .collect();
            assert_no_secret(&pane.join("\n"), &format!("{id} on {}", f.resource_name));
            panes += 1;
        }
    }
    // Every resource's own findings.
    s.stack.truncate(1);
    press(&mut s, "<tab><tab>");
    for _ in 0..s.derived.resources.len() {
        press(&mut s, "<enter>");
        assert_no_secret(&text(&s, 160, 50), "resource detail");
        press(&mut s, "<esc>j");
    }
    assert!(panes > 300, "looked at {panes} fix panes");
}

fn assert_no_secret(screen: &str, context: &str) {
    for secret in demo::secret_values()
        .into_iter()
        .chain(demo::committed_secret_values())
    {
        let chars: Vec<char> = secret.chars().collect();
        for window in chars.windows(10) {
            let piece: String = window.iter().collect();
            assert!(
                !screen.contains(&piece),
                "{context}: a piece of a secret ({piece}) is on screen:\n{screen}"
            );
        }
    }
}

/// The demo against a baseline in which notifications-sms passed lambda.public-resource-policy
/// and payments-charge failed it.
fn baseline_state() -> State {
    let mut s = demo_state();
    let mut old = s.assessment.findings.clone();
    for f in old
        .iter_mut()
        .filter(|f| f.check_id == "lambda.public-resource-policy")
    {
        match f.resource_name.as_str() {
            "notifications-sms" => f.status = parapet::domain::finding::Status::Pass,
            "payments-charge" => f.status = parapet::domain::finding::Status::Fail,
            _ => {}
        }
    }
    s.set_baseline("vs shop-monday.json".into(), old);
    s
}

#[test]
fn checklist_with_changes_since_a_baseline() {
    let mut s = baseline_state();
    press(&mut s, "<tab>");
    snap("checklist_baseline", &s);
}

#[test]
fn check_detail_with_changes_since_a_baseline() {
    let mut s = baseline_state();
    press(&mut s, "<tab><enter>");
    snap("check_detail_baseline", &s);
}

#[test]
fn organization_overview() {
    snap("organization_overview", &organization_state());
}

#[test]
fn organization_sorted_filtered_and_an_unscanned_account_selected() {
    let mut s = organization_state();
    // By name, then the unscanned account's reason under the table.
    press(&mut s, "ssg");
    snap("organization_unscanned_selected", &s);
}

#[test]
fn organization_one_account_dashboard() {
    let mut s = organization_state();
    press(&mut s, "<enter>");
    snap("organization_account_dashboard", &s);
}

#[test]
fn organization_one_check_across_every_account() {
    let mut s = organization_state();
    press(&mut s, "<tab>");
    // The first failing check, with a row per account's resource.
    press(&mut s, "f<enter>");
    snap("organization_check_across_accounts", &s);
}

/// A code check: the detail says which advisories reach how many functions.
#[test]
fn check_detail_of_a_code_check_groups_by_advisory() {
    let mut s = demo_state();
    press(&mut s, "<tab>/layer holds a dependency<enter><enter>");
    snap("check_detail_by_advisory", &s);
    let shown = text(&s, 120, 40);
    assert!(
        shown.contains("lodash 4.17.15 · GHSA-35jh-r3h4-6jhm — 4 functions"),
        "{shown}"
    );
}

/// A function's view lists what its package and layers hold, vulnerable packages first.
#[test]
fn resource_detail_names_the_state_machines_that_call_the_function() {
    let mut s = demo_state();
    press(&mut s, "<tab><tab>/payments-charge<enter><enter>");
    snap("resource_detail_state_machines", &s);
    let shown = text(&s, 120, 40);
    assert!(
        shown.contains("state machine order-fulfilment (task Charge)"),
        "{shown}"
    );
    // In another region, by its full ARN.
    let mut s = demo_state();
    press(&mut s, "<tab><tab>/inventory-reserve<enter><enter>");
    let shown = text(&s, 120, 40);
    assert!(
        shown.contains("state machine order-fulfilment (task Reserve)"),
        "{shown}"
    );
}

#[test]
fn resource_detail_names_the_graphql_resolvers_that_call_the_function() {
    let mut s = demo_state();
    press(&mut s, "<tab><tab>/orders-create<enter><enter>");
    let shown = text(&s, 120, 40);
    // Through the data source of a pipeline resolver's function.
    assert!(
        shown.contains("GraphQL API storefront (resolver Mutation.checkout)"),
        "{shown}"
    );
    let mut s = demo_state();
    press(&mut s, "<tab><tab>/payments-refund<enter><enter>");
    let shown = text(&s, 120, 40);
    assert!(
        shown.contains("GraphQL API backoffice (resolver Mutation.refund)"),
        "{shown}"
    );
}

#[test]
fn resource_detail_lists_the_vulnerable_packages() {
    let mut s = demo_state();
    press(&mut s, "<tab><tab>/payments-webhook<enter><enter>");
    snap("resource_detail_packages", &s);
    let shown = text(&s, 120, 40);
    assert!(shown.contains("critical minimist 1.2.5 → 1.2.6"), "{shown}");
    assert!(shown.contains("(layer shop-node-common:3)"), "{shown}");
}
