//! What a list screen is ([`ListScreen`]) and the keys every list screen shares: moving,
//! Enter, `/` filter, `f` failing only, `s` sort, and Esc clearing the filter first.

use crate::app::keymap::Op;
use crate::app::list::{ListRow, ListSort, ListView, step};
use crate::app::state::{Level, LineInput, Prompt, State};

/// A screen that is a list: where its view and rows are, and what it does on its own.
pub trait ListScreen {
    type Row: ListRow;
    /// What the list's title says while failing-only is on.
    const FAILING_TAG: &'static str;
    /// What is said when failing-only turns on, and off.
    const FAILING_ON: &'static str;
    const FAILING_OFF: &'static str;
    /// Said before the order's label (`sorted by`).
    const SORTED_BY: &'static str;
    fn view(state: &State) -> &ListView<<Self::Row as ListRow>::Sort>;
    fn view_mut(state: &mut State) -> &mut ListView<<Self::Row as ListRow>::Sort>;
    fn rows(state: &State) -> &[Self::Row];
    /// Enter on the selected row.
    fn open(state: &mut State);

    /// Indices into the rows the list shows, in display order, and the cursor among them.
    fn visible(state: &State) -> (Vec<usize>, usize) {
        let rows = Self::rows(state);
        let view = Self::view(state);
        let visible = view.visible(rows);
        let cursor = view.cursor(rows, &visible);
        (visible, cursor)
    }

    /// The selected row, if any row is shown.
    fn selected(state: &State) -> Option<&Self::Row> {
        Self::view(state).selected_row(Self::rows(state))
    }
}

/// How far a moving key moves on any screen (a page is the last drawn list's height);
/// `None` for other keys.
pub fn delta(state: &State, op: Op) -> Option<isize> {
    let page = state.viewport.page.get().max(1) as isize;
    Some(match op {
        Op::Up => -1,
        Op::Down => 1,
        Op::PageUp => -page,
        Op::PageDown => page,
        Op::Top => isize::MIN / 2,
        Op::Bottom => isize::MAX / 2,
        _ => return None,
    })
}

/// The keys every list screen shares; `false` when `op` is not one of them.
pub fn on_op<L: ListScreen>(state: &mut State, op: Op) -> bool {
    if let Some(delta) = delta(state, op) {
        let (visible, cursor) = L::visible(state);
        let cur = step(cursor, delta, visible.len());
        let key = visible
            .get(cur)
            .map(|&i| L::rows(state)[i].key().to_string());
        L::view_mut(state).selected = key;
        return true;
    }
    match op {
        Op::Open => {
            L::open(state);
        }
        Op::Filter => {
            let input = LineInput::new(&L::view(state).filter);
            state.prompt = Some(Prompt::Filter { input });
        }
        Op::FailingOnly => {
            let view = L::view_mut(state);
            view.failing_only = !view.failing_only;
            let text = if view.failing_only {
                L::FAILING_ON
            } else {
                L::FAILING_OFF
            };
            state.notify(Level::Info, text);
        }
        Op::Sort => {
            let view = L::view_mut(state);
            view.sort = view.sort.next();
            let label = view.sort.label();
            state.notify(Level::Info, format!("{} {label}", L::SORTED_BY));
        }
        Op::Back if !L::view(state).filter.is_empty() => {
            L::view_mut(state).filter.clear();
        }
        _ => return false,
    }
    true
}
