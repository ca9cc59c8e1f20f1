//! The Organization overview: one row per account; Enter looks at one account's dashboard.

use super::list::ListScreen;
use crate::app::derive::AccountRow;
use crate::app::list::ListView;
use crate::app::orders::AccountSort;
use crate::app::state::State;

pub struct Organization;

impl ListScreen for Organization {
    type Row = AccountRow;
    const FAILING_TAG: &'static str = "critical/high only";
    const FAILING_ON: &'static str =
        "showing accounts with critical or high failures, or not scanned";
    const FAILING_OFF: &'static str = "showing every account";
    const SORTED_BY: &'static str = "accounts sorted by";

    fn view(state: &State) -> &ListView<AccountSort> {
        &state.organization
    }
    fn view_mut(state: &mut State) -> &mut ListView<AccountSort> {
        &mut state.organization
    }
    fn rows(state: &State) -> &[AccountRow] {
        &state.derived.accounts
    }

    fn open(state: &mut State) {
        if let Some(id) = Organization::selected(state).map(|a| a.id.clone()) {
            state.enter_account(id);
        }
    }
}
