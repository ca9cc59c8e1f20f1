//! Checks for apigwv2 (see ../shared/CHECKS.md).

use crate::domain::catalogue::CheckDef;

pub const CHECKS: &[CheckDef] = &[];
