//! The checklist: one row per check; Enter opens the check's resources; `1`-`9` jump to a
//! category.

use super::list::ListScreen;
use crate::app::command::View;
use crate::app::derive::CheckRow;
use crate::app::list::ListView;
use crate::app::orders::CheckSort;
use crate::app::state::{CheckDetail, Level, Pane, Screen, State};
use crate::domain::finding::Category;

pub struct Checklist;

impl ListScreen for Checklist {
    type Row = CheckRow;
    const FAILING_TAG: &'static str = "failing only";
    const FAILING_ON: &'static str = "showing failing checks only";
    const FAILING_OFF: &'static str = "showing all checks";
    const SORTED_BY: &'static str = "sorted by";

    fn view(state: &State) -> &ListView<CheckSort> {
        &state.checklist
    }
    fn view_mut(state: &mut State) -> &mut ListView<CheckSort> {
        &mut state.checklist
    }
    fn rows(state: &State) -> &[CheckRow] {
        &state.derived.checks
    }

    fn open(state: &mut State) {
        let Some(row) = Checklist::selected(state) else {
            return;
        };
        let mut detail = CheckDetail {
            check_id: row.id.clone(),
            selected: None,
            focus: Pane::Resources,
            scroll: 0,
        };
        // Pin the cursor to a resource so it follows it when statuses change.
        let (list, _) = state.detail_findings(&detail);
        detail.selected = list
            .first()
            .map(|&i| state.assessment.findings[i].resource_id.to_string());
        state.stack.push(Screen::CheckDetail(detail));
    }
}

/// The checklist grouped by category, scrolled to the category's first check.
pub fn jump_to_category(state: &mut State, index: usize) {
    let Some(&category) = Category::ALL.get(index) else {
        return;
    };
    state.overview_selected = index;
    state.checklist.sort = CheckSort::Category;
    state.switch_view(View::Checklist);
    let (visible, _) = Checklist::visible(state);
    let rows = &state.derived.checks;
    match visible.iter().find(|&&i| rows[i].category == category) {
        Some(&i) => {
            state.checklist.selected = Some(rows[i].id.clone());
            // Scroll so the category's header row is at the top: the rows drawn above it
            // are the earlier categories' headers and checks.
            let mut before: Vec<Category> = visible
                .iter()
                .map(|&j| rows[j].category)
                .filter(|c| *c < category)
                .collect();
            let checks_before = before.len();
            before.dedup();
            state.checklist.offset.set(checks_before + before.len());
        }
        None => state.notify(
            Level::Info,
            format!("no {} checks match the current filters", category.title()),
        ),
    }
}
