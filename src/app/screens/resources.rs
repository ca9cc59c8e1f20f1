//! Resources: one row per resource; Enter opens the resource's findings.

use super::list::ListScreen;
use crate::app::derive::ResourceRow;
use crate::app::list::ListView;
use crate::app::orders::ResourceSort;
use crate::app::state::{ResourceDetail, Screen, State};

pub struct Resources;

impl ListScreen for Resources {
    type Row = ResourceRow;
    const FAILING_TAG: &'static str = "failing only";
    const FAILING_ON: &'static str = "showing failing resources only";
    const FAILING_OFF: &'static str = "showing all resources";
    const SORTED_BY: &'static str = "sorted by";

    fn view(state: &State) -> &ListView<ResourceSort> {
        &state.resources
    }
    fn view_mut(state: &mut State) -> &mut ListView<ResourceSort> {
        &mut state.resources
    }
    fn rows(state: &State) -> &[ResourceRow] {
        &state.derived.resources
    }

    fn open(state: &mut State) {
        let Some(row) = Resources::selected(state) else {
            return;
        };
        let mut detail = ResourceDetail {
            resource_id: row.id.clone(),
            selected: None,
        };
        let (list, _) = state.resource_findings(&detail);
        detail.selected = list
            .first()
            .map(|&i| state.assessment.findings[i].check_id.to_string());
        state.stack.push(Screen::ResourceDetail(detail));
    }
}
