//! The one list: selection, filter, failing-only, minimum severity, sort and viewport, over
//! any row type. The checklist, resources and Organization screens are this list with their
//! own rows and orders (`app/orders.rs`); the keys they share are handled once, in
//! `app/screens/list.rs`.

use std::cell::Cell;
use std::fmt::Debug;

use crate::domain::finding::Severity;

/// A row of a list screen.
pub trait ListRow: Sized {
    type Sort: ListSort<Self>;
    /// What the selection follows when rows change (a check id, an ARN, an account id).
    fn key(&self) -> &str;
    /// Whether the row matches a filter (given lower-cased).
    fn matches(&self, needle: &str) -> bool;
    /// Whether the row stays with failing-only on.
    fn failing(&self) -> bool;
    /// The severity the minimum-severity filter compares (rows without one always stay).
    fn severity(&self) -> Option<Severity> {
        None
    }
}

/// The orders of a list, cycled by `s`.
pub trait ListSort<R>: Copy + Eq + Debug {
    fn next(self) -> Self;
    fn label(self) -> &'static str;
    /// Puts `idx` (indices into `rows`, in row order) into this order.
    fn order(self, rows: &[R], idx: &mut [usize]);
}

/// One list's selection, filters, order and scroll offset.
#[derive(Clone, Debug, PartialEq)]
pub struct ListView<S> {
    /// The selected row's key (stable across re-evaluation).
    pub selected: Option<String>,
    pub filter: String,
    pub failing_only: bool,
    /// Show rows of this severity or worse.
    pub min_severity: Option<Severity>,
    pub sort: S,
    /// The first row drawn (drawing keeps the selection visible and remembers it here).
    pub offset: Cell<usize>,
}

impl<S: Copy + Eq + Debug> ListView<S> {
    pub fn new(sort: S) -> ListView<S> {
        ListView {
            selected: None,
            filter: String::new(),
            failing_only: false,
            min_severity: None,
            sort,
            offset: Cell::new(0),
        }
    }

    /// Indices into `rows` the list shows, in display order.
    pub fn visible<R: ListRow<Sort = S>>(&self, rows: &[R]) -> Vec<usize>
    where
        S: ListSort<R>,
    {
        let needle = self.filter.to_lowercase();
        let mut idx: Vec<usize> = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| !self.failing_only || r.failing())
            .filter(|(_, r)| match (self.min_severity, r.severity()) {
                (Some(min), Some(s)) => s <= min,
                _ => true,
            })
            .filter(|(_, r)| needle.is_empty() || r.matches(&needle))
            .map(|(i, _)| i)
            .collect();
        self.sort.order(rows, &mut idx);
        idx
    }

    /// Index into `visible` of the selected row (0 when the selection is gone).
    pub fn cursor<R: ListRow>(&self, rows: &[R], visible: &[usize]) -> usize {
        self.selected
            .as_ref()
            .and_then(|key| visible.iter().position(|&i| rows[i].key() == key))
            .unwrap_or(0)
    }

    /// The selected row, if any row is shown.
    pub fn selected_row<'a, R: ListRow<Sort = S>>(&self, rows: &'a [R]) -> Option<&'a R>
    where
        S: ListSort<R>,
    {
        let visible = self.visible(rows);
        visible.get(self.cursor(rows, &visible)).map(|&i| &rows[i])
    }

    /// The title's tags for the active filters (`/text`, then `failing` when it is on).
    pub fn tags(&self, failing: &str) -> Vec<String> {
        let mut tags = Vec::new();
        if !self.filter.is_empty() {
            tags.push(format!("/{}", self.filter));
        }
        if self.failing_only {
            tags.push(failing.to_string());
        }
        if let Some(s) = self.min_severity {
            tags.push(format!("sev≥{s}"));
        }
        tags
    }
}

/// `cursor` moved by `delta`, kept within `0..len`.
pub fn step(cursor: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    (cursor as isize)
        .saturating_add(delta)
        .clamp(0, len as isize - 1) as usize
}
