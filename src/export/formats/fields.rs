//! What every finding-per-row format derives the same way from a finding (OCSF, ASFF, CSV):
//! its status as the format sees it, its account and partition, the AWS resource type and
//! the Security Hub controls. A leaf the formats share, so that none of them imports the
//! module that dispatches to it.

use crate::domain::checks;
use crate::domain::finding::{Finding, ResourceKind, Status};
use crate::domain::snapshot::Snapshot;

/// The account of a finding: its own, or the snapshot's for a finding that names none.
pub(super) fn account_of<'a>(snapshot: &'a Snapshot, f: &'a Finding) -> &'a str {
    if f.account_id.is_empty() {
        snapshot.primary_id()
    } else {
        &f.account_id
    }
}

/// A finding's real status and whether a mute covers it: a muted finding keeps its real
/// status (`Status::Muted` only in snapshots from before mutes kept it).
pub(super) fn status_of(f: &Finding) -> (Status, bool) {
    (f.status, f.is_muted())
}

/// The AWS resource type of a finding's resource, as Security Hub names it (ASFF
/// `Resources[].Type`, OCSF `resources[].type` in Prowler's convention); `Other` where AWS
/// has none.
pub(super) fn aws_resource_type(f: &Finding) -> &'static str {
    match checks::resource_kind(f) {
        ResourceKind::Function => "AwsLambdaFunction",
        ResourceKind::RestApi => "AwsApiGatewayRestApi",
        ResourceKind::Stage if f.service == crate::domain::finding::Service::ApiGatewayV2 => {
            "AwsApiGatewayV2Stage"
        }
        ResourceKind::Stage => "AwsApiGatewayStage",
        ResourceKind::HttpApi => "AwsApiGatewayV2Api",
        ResourceKind::Secret => "AwsSecretsManagerSecret",
        ResourceKind::Key => "AwsKmsKey",
        ResourceKind::Queue => "AwsSqsQueue",
        ResourceKind::Topic => "AwsSnsTopic",
        ResourceKind::Bus => "AwsEventsEventbus",
        ResourceKind::Layer => "AwsLambdaLayerVersion",
        ResourceKind::StateMachine => "AwsStepFunctionStateMachine",
        ResourceKind::Stream => "AwsKinesisStream",
        ResourceKind::GraphqlApi => "AwsAppSyncGraphQlApi",
        // Security Hub has no details shape for Cognito pools (botocore's model, checked by
        // tests/support/formats.py).
        ResourceKind::Domain
        | ResourceKind::UserPool
        | ResourceKind::IdentityPool
        | ResourceKind::Mapping
        | ResourceKind::Listing
        | ResourceKind::Other => "Other",
    }
}

/// The partition of the account's ARNs (`aws`, `aws-cn`, `aws-us-gov`), from the findings'
/// ARNs; `aws` when none says.
pub(super) fn partition(snapshot: &Snapshot) -> String {
    snapshot
        .findings
        .iter()
        .find_map(|f| {
            crate::domain::arn::Arn::parse(&f.resource_id).map(|a| a.partition.to_string())
        })
        .unwrap_or_else(|| "aws".to_string())
}

/// The FSBP controls a finding's check is anchored to (`Lambda.1`), as compliance references.
pub(super) fn fsbp_controls(check_id: &str) -> Vec<String> {
    checks::find(check_id)
        .and_then(|c| c.fsbp)
        .map(|s| {
            s.split([',', ';', '/'])
                .map(|c| c.trim().trim_start_matches("FSBP").trim().to_string())
                .filter(|c| !c.is_empty())
                .collect()
        })
        .unwrap_or_default()
}
