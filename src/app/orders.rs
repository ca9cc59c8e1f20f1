//! What makes each screen's rows a list: their keys, filters and orders (`ListRow`,
//! `ListSort`). One block per list screen.

use std::cmp::Reverse;

use super::derive::{AccountRow, AccountState, CheckRow, ResourceRow, status_rank};
use super::list::{ListRow, ListSort};
use crate::domain::finding::{Severity, Status};

// ───────────── the checklist ─────────────

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckSort {
    /// Grouped by category in catalogue order.
    Category,
    /// Most score points to gain first.
    Impact,
    Severity,
    /// Most failing resources first.
    Failing,
    Title,
}

impl ListSort<CheckRow> for CheckSort {
    fn next(self) -> CheckSort {
        match self {
            CheckSort::Category => CheckSort::Impact,
            CheckSort::Impact => CheckSort::Severity,
            CheckSort::Severity => CheckSort::Failing,
            CheckSort::Failing => CheckSort::Title,
            CheckSort::Title => CheckSort::Category,
        }
    }

    fn label(self) -> &'static str {
        match self {
            CheckSort::Category => "category",
            CheckSort::Impact => "impact",
            CheckSort::Severity => "severity",
            CheckSort::Failing => "failing",
            CheckSort::Title => "title",
        }
    }

    fn order(self, rows: &[CheckRow], idx: &mut [usize]) {
        match self {
            CheckSort::Category => {}
            CheckSort::Impact => idx.sort_by(|a, b| {
                rows[*b]
                    .impact
                    .total_cmp(&rows[*a].impact)
                    .then(rows[*a].severity.cmp(&rows[*b].severity))
            }),
            CheckSort::Severity => {
                idx.sort_by_key(|&i| (rows[i].severity, status_rank(rows[i].status)))
            }
            CheckSort::Failing => {
                idx.sort_by_key(|&i| (Reverse(rows[i].counts.fail), rows[i].severity))
            }
            CheckSort::Title => idx.sort_by(|a, b| rows[*a].title.cmp(&rows[*b].title)),
        }
    }
}

impl ListRow for CheckRow {
    type Sort = CheckSort;
    fn key(&self) -> &str {
        &self.id
    }
    fn matches(&self, needle: &str) -> bool {
        self.id.to_lowercase().contains(needle)
            || self.title.to_lowercase().contains(needle)
            || self.category.as_str().contains(needle)
            || self.service.as_str().contains(needle)
    }
    fn failing(&self) -> bool {
        self.status == Status::Fail
    }
    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }
}

// ───────────── resources ─────────────

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceSort {
    /// Highest severity-weighted failing count first.
    Risk,
    Kind,
    Name,
    Region,
}

impl ListSort<ResourceRow> for ResourceSort {
    fn next(self) -> ResourceSort {
        match self {
            ResourceSort::Risk => ResourceSort::Kind,
            ResourceSort::Kind => ResourceSort::Name,
            ResourceSort::Name => ResourceSort::Region,
            ResourceSort::Region => ResourceSort::Risk,
        }
    }

    fn label(self) -> &'static str {
        match self {
            ResourceSort::Risk => "risk",
            ResourceSort::Kind => "kind",
            ResourceSort::Name => "name",
            ResourceSort::Region => "region",
        }
    }

    fn order(self, rows: &[ResourceRow], idx: &mut [usize]) {
        let by_name = |a: &usize, b: &usize| rows[*a].name.cmp(&rows[*b].name);
        match self {
            ResourceSort::Risk => idx.sort_by(|a, b| {
                rows[*b]
                    .risk
                    .cmp(&rows[*a].risk)
                    .then(rows[*b].counts.unknown.cmp(&rows[*a].counts.unknown))
                    .then_with(|| by_name(a, b))
            }),
            ResourceSort::Kind => idx.sort_by(|a, b| {
                rows[*a]
                    .kind
                    .label()
                    .cmp(rows[*b].kind.label())
                    .then_with(|| by_name(a, b))
            }),
            ResourceSort::Name => idx.sort_by(by_name),
            ResourceSort::Region => idx.sort_by(|a, b| {
                rows[*a]
                    .region
                    .cmp(&rows[*b].region)
                    .then_with(|| by_name(a, b))
            }),
        }
    }
}

impl ListRow for ResourceRow {
    type Sort = ResourceSort;
    fn key(&self) -> &str {
        &self.id
    }
    fn matches(&self, needle: &str) -> bool {
        self.name.to_lowercase().contains(needle)
            || self.id.to_lowercase().contains(needle)
            || self.kind.label().contains(needle)
            || self.region.contains(needle)
    }
    fn failing(&self) -> bool {
        self.counts.fail > 0
    }
}

// ───────────── the Organization overview ─────────────

/// How the Organization overview orders its accounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountSort {
    /// Lowest score first (accounts without a score last).
    Score,
    /// Most critical, then high failures first.
    Failing,
    Name,
    Id,
    /// Lowest coverage first.
    Coverage,
}

impl ListSort<AccountRow> for AccountSort {
    fn next(self) -> AccountSort {
        match self {
            AccountSort::Score => AccountSort::Failing,
            AccountSort::Failing => AccountSort::Name,
            AccountSort::Name => AccountSort::Id,
            AccountSort::Id => AccountSort::Coverage,
            AccountSort::Coverage => AccountSort::Score,
        }
    }

    fn label(self) -> &'static str {
        match self {
            AccountSort::Score => "score",
            AccountSort::Failing => "failing",
            AccountSort::Name => "name",
            AccountSort::Id => "id",
            AccountSort::Coverage => "coverage",
        }
    }

    fn order(self, rows: &[AccountRow], idx: &mut [usize]) {
        match self {
            AccountSort::Score => idx.sort_by_key(|&i| (rows[i].score.is_none(), rows[i].score)),
            AccountSort::Failing => idx.sort_by_key(|&i| Reverse((rows[i].critical, rows[i].high))),
            AccountSort::Name => idx.sort_by_key(|&i| rows[i].name.to_lowercase()),
            AccountSort::Id => idx.sort_by_key(|&i| rows[i].id.clone()),
            AccountSort::Coverage => idx.sort_by_key(|&i| rows[i].coverage),
        }
    }
}

impl ListRow for AccountRow {
    type Sort = AccountSort;
    fn key(&self) -> &str {
        &self.id
    }
    fn matches(&self, needle: &str) -> bool {
        self.id.contains(needle) || self.name.to_lowercase().contains(needle)
    }
    /// With a failing critical or high finding, or not scanned.
    fn failing(&self) -> bool {
        self.critical + self.high > 0 || self.state == AccountState::NotScanned
    }
}
