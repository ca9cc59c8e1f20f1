//! Checks for apigw (see ../shared/CHECKS.md).

use crate::domain::catalogue::CheckDef;

pub const CHECKS: &[CheckDef] = &[];
