//! Code signing, read per config rather than per function: ListCodeSigningConfigs, then
//! ListFunctionsByCodeSigningConfig for each config.

use std::collections::BTreeMap;

use super::errors::CallFailure;
use super::{Shared, fan_out, quotas};
use crate::domain::arn::function_ref;
use crate::domain::inventory::CodeSigning;

/// The largest page the Lambda list calls serve.
const PAGE: i32 = 50;

/// The code signing config covering each function ARN of the region (unqualified ARNs).
pub(crate) async fn code_signing(
    shared: &Shared,
    lambda: &aws_sdk_lambda::Client,
) -> Result<BTreeMap<String, CodeSigning>, CallFailure> {
    let configs = shared
        .pages(
            &quotas::LAMBDA_LIST_CODE_SIGNING_CONFIGS,
            |marker| {
                lambda
                    .list_code_signing_configs()
                    .set_marker(marker)
                    .max_items(PAGE)
                    .send()
            },
            |page| {
                let next = page.next_marker().map(str::to_string);
                (page.code_signing_configs.unwrap_or_default(), next)
            },
        )
        .await?;
    let covered = fan_out(configs.iter(), |c| async move {
        let arn = c.code_signing_config_arn();
        shared
            .pages(
                &quotas::LAMBDA_LIST_FUNCTIONS_BY_CODE_SIGNING_CONFIG,
                |marker| {
                    lambda
                        .list_functions_by_code_signing_config()
                        .code_signing_config_arn(arn)
                        .set_marker(marker)
                        .max_items(PAGE)
                        .send()
                },
                |page| {
                    let next = page.next_marker().map(str::to_string);
                    (page.function_arns.unwrap_or_default(), next)
                },
            )
            .await
    })
    .await;
    let mut out = BTreeMap::new();
    for (config, functions) in configs.iter().zip(covered) {
        let signing = CodeSigning {
            config_arn: config.code_signing_config_arn().to_string(),
            untrusted_artifact_on_deployment: config
                .code_signing_policies()
                .and_then(|p| p.untrusted_artifact_on_deployment())
                .map_or("Warn", |p| p.as_str())
                .into(),
        };
        for arn in functions? {
            let unqualified = match function_ref(&arn) {
                Some(r) if r.qualifier.is_some() => arn
                    .rsplit_once(':')
                    .map_or(arn.clone(), |(head, _)| head.to_string()),
                _ => arn,
            };
            out.insert(unqualified, signing.clone());
        }
    }
    Ok(out)
}
