//! AWS's API request quotas, and the pacing that keeps Parapet under them.
//!
//! Every API Parapet calls is an [`Api`] row: the IAM action it needs, its concurrency family,
//! and the quota [`Bucket`]s it draws from, each with the documented rate and the AWS page it
//! comes from (or, where AWS publishes no number, a conservative default marked as such).
//! Buckets are per account and region (IAM's are global) and shared by everything one process
//! runs: every area, every account of an Organization scan, the live scheduler's periodic polls
//! ([`pacer`] hands out one [`Pacer`] per account, region and bucket).
//!
//! A [`Pacer`] releases requests at `rate × share` (`--quota-share`), before they are sent, so
//! a scan runs at the quota instead of past it, and the account's own deploys keep the rest.
//! A throttling answer that still arrives (another client drew on the same bucket) halves the
//! pace, which then recovers with every answered request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tokio::time::Instant;

use super::Family;

/// Where a bucket's rate comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Stated on the AWS quota page `url`: `quote` is the row or sentence.
    Documented {
        url: &'static str,
        quote: &'static str,
    },
    /// Not stated for these operations; inferred from `url` as `why` says.
    Inferred {
        url: &'static str,
        why: &'static str,
    },
    /// AWS publishes no number: a conservative default, `why` says how it was chosen.
    Default { why: &'static str },
}

/// A quota: a rate several operations draw from together.
#[derive(Debug, PartialEq)]
pub struct Bucket {
    /// `service.name`, as the README's request table and the quota proxy name it.
    pub id: &'static str,
    /// Requests per second.
    pub rate: f64,
    /// The burst AWS documents (Parapet paces at the rate and never relies on it).
    pub burst: Option<u32>,
    /// One bucket for every region (IAM, Organizations), else one per region.
    pub global: bool,
    pub source: Source,
}

/// One API operation Parapet calls.
#[derive(Debug, PartialEq)]
pub struct Api {
    /// The SDK operation, as AWS names it (`GetPolicy`).
    pub operation: &'static str,
    /// The IAM action it needs (`lambda:GetPolicy`), as [`super::permissions::CALLS`] lists it.
    pub action: &'static str,
    pub family: Family,
    /// Every bucket a call draws one request from.
    pub buckets: &'static [&'static Bucket],
}

const LAMBDA_QUOTAS: &str =
    "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html";
const APIGW_QUOTAS: &str =
    "https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html";
const SECRETS_QUOTAS: &str =
    "https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html";
const KMS_QUOTAS: &str =
    "https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html";
const EVENTS_QUOTAS: &str =
    "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html";

pub static LAMBDA_CONTROL_PLANE: Bucket = Bucket {
    id: "lambda.control-plane",
    rate: 15.0,
    burst: None,
    global: false,
    source: Source::Documented {
        url: LAMBDA_QUOTAS,
        quote: "Remainder of the control plane API requests (excludes invocation, GetFunction, and \
                GetPolicy requests) | 15 requests per second across all APIs (not 15 requests per \
                second per API). Cannot be increased.",
    },
};

pub static LAMBDA_GET_POLICY_BUCKET: Bucket = Bucket {
    id: "lambda.get-policy",
    rate: 15.0,
    burst: None,
    global: false,
    source: Source::Documented {
        url: LAMBDA_QUOTAS,
        quote: "GetPolicy API requests | 15 requests per second. Cannot be increased.",
    },
};

pub static LAMBDA_GET_FUNCTION_BUCKET: Bucket = Bucket {
    id: "lambda.get-function",
    rate: 100.0,
    burst: None,
    global: false,
    source: Source::Documented {
        url: LAMBDA_QUOTAS,
        quote: "GetFunction API requests | 100 requests per second. Cannot be increased.",
    },
};

pub static APIGW_TOTAL: Bucket = Bucket {
    id: "apigateway.total",
    rate: 10.0,
    burst: Some(40),
    global: false,
    source: Source::Documented {
        url: APIGW_QUOTAS,
        quote: "Total operations | 10 requests per second with a burst quota of 40 requests per \
                second.",
    },
};

/// API Gateway V2's management calls: no row of their own.
pub static APIGWV2_TOTAL: Bucket = Bucket {
    id: "apigateway.total",
    rate: 10.0,
    burst: Some(40),
    global: false,
    source: Source::Inferred {
        url: APIGW_QUOTAS,
        why: "the page's quotas \"apply for all Amazon API Gateway API types\" and its management \
              table lists V2 actions; HTTP and WebSocket APIs' own quota pages have no request \
              rates: the same Total operations bucket as REST APIs",
    },
};

pub static APIGW_GET_RESOURCES: Bucket = Bucket {
    id: "apigateway.get-resources",
    rate: 2.5,
    burst: None,
    global: false,
    source: Source::Documented {
        url: APIGW_QUOTAS,
        quote: "GetResources | 5 requests every 2 seconds per account",
    },
};

pub static SECRETS_LIST: Bucket = Bucket {
    id: "secretsmanager.list-secrets",
    rate: 100.0,
    burst: None,
    global: false,
    source: Source::Documented {
        url: "https://aws.amazon.com/about-aws/whats-new/2022/11/aws-secrets-manager-increases-api-requests-per-second-limits/",
        quote: "ListSecrets: 100 requests per second (AWS announcement of November 2022; the \
                quota page's table did not show the row)",
    },
};

pub static SECRETS_RESOURCE_POLICY: Bucket = Bucket {
    id: "secretsmanager.resource-policy",
    rate: 50.0,
    burst: None,
    global: false,
    source: Source::Documented {
        url: SECRETS_QUOTAS,
        quote: "Combined rate of DeleteResourcePolicy, GetResourcePolicy, PutResourcePolicy, and \
                ValidateResourcePolicy API requests | Each supported Region: 50 per second",
    },
};

pub static KMS_DESCRIBE_KEY_BUCKET: Bucket = Bucket {
    id: "kms.describe-key",
    rate: 2000.0,
    burst: None,
    global: false,
    source: Source::Documented {
        url: KMS_QUOTAS,
        quote: "DescribeKey request rate | 2000",
    },
};

pub static KMS_GET_KEY_ROTATION_STATUS_BUCKET: Bucket = Bucket {
    id: "kms.get-key-rotation-status",
    rate: 1000.0,
    burst: None,
    global: false,
    source: Source::Documented {
        url: KMS_QUOTAS,
        quote: "GetKeyRotationStatus request rate | 1000",
    },
};

pub static KMS_GET_KEY_POLICY_BUCKET: Bucket = Bucket {
    id: "kms.get-key-policy",
    rate: 1000.0,
    burst: None,
    global: false,
    source: Source::Documented {
        url: KMS_QUOTAS,
        quote: "GetKeyPolicy request rate | 1000",
    },
};

pub static KMS_LIST_ALIASES_BUCKET: Bucket = Bucket {
    id: "kms.list-aliases",
    rate: 500.0,
    burst: None,
    global: false,
    source: Source::Documented {
        url: KMS_QUOTAS,
        quote: "ListAliases request rate | 500",
    },
};

pub static IAM_READS: Bucket = Bucket {
    id: "iam.reads",
    rate: 10.0,
    burst: None,
    global: true,
    source: Source::Default {
        why: "IAM publishes no request rate for its read APIs (its quota page lists object and \
              size quotas, and STS rates); 10 per second for the whole account, IAM being global",
    },
};

pub static SQS_ATTRIBUTES: Bucket = Bucket {
    id: "sqs.control-plane",
    rate: 10.0,
    burst: None,
    global: false,
    source: Source::Default {
        why: "SQS publishes no request rate for GetQueueAttributes (its quota pages give message \
              and queue limits only); 10 per second per region",
    },
};

pub static SNS_LIST_SUBSCRIPTIONS_BUCKET: Bucket = Bucket {
    id: "sns.list-subscriptions",
    rate: 30.0,
    burst: None,
    global: false,
    source: Source::Documented {
        url: "https://docs.aws.amazon.com/sns/latest/api/API_ListSubscriptions.html",
        quote: "This action is throttled at 30 transactions per second (TPS).",
    },
};

pub static SNS_GET_TOPIC_ATTRIBUTES_BUCKET: Bucket = Bucket {
    id: "sns.get-topic-attributes",
    rate: 10.0,
    burst: None,
    global: false,
    source: Source::Default {
        why: "the GetTopicAttributes reference gives no rate (ListTopics and ListSubscriptions \
              say 30 per second); a third of theirs, 10 per second per region",
    },
};

pub static EVENTS_CONTROL_PLANE: Bucket = Bucket {
    id: "events.control-plane",
    rate: 50.0,
    burst: None,
    global: false,
    source: Source::Documented {
        url: EVENTS_QUOTAS,
        quote: "Throttle limit in transactions per second for control plane APIs | Each supported \
                Region: 50 per second (taken as one bucket for every control-plane call)",
    },
};

const SFN_QUOTAS: &str = "https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html#service-limits-api-action-throttling-general";

pub static SFN_LIST_STATE_MACHINES_BUCKET: Bucket = Bucket {
    id: "states.list-state-machines",
    rate: 5.0,
    burst: Some(100),
    global: false,
    source: Source::Documented {
        url: SFN_QUOTAS,
        quote: "API name | Bucket size | Refill rate per second (large Regions, then the others): \
                ListStateMachines | 100 | 5 | 100 | 5",
    },
};

pub static SFN_DESCRIBE_STATE_MACHINE_BUCKET: Bucket = Bucket {
    id: "states.describe-state-machine",
    rate: 20.0,
    burst: Some(200),
    global: false,
    source: Source::Documented {
        url: SFN_QUOTAS,
        quote: "API name | Bucket size | Refill rate per second (large Regions, then the others): \
                DescribeStateMachine | 200 | 20 | 200 | 20",
    },
};

pub static KINESIS_DESCRIBE_STREAM_SUMMARY_BUCKET: Bucket = Bucket {
    id: "kinesis.describe-stream-summary",
    rate: 20.0,
    burst: None,
    global: false,
    source: Source::Documented {
        url: "https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DescribeStreamSummary.html",
        quote: "DescribeStreamSummary has a limit of 20 transactions per second per account. \
                (taken per region, as Kinesis's other limits are)",
    },
};

pub static APPSYNC_CONTROL_PLANE: Bucket = Bucket {
    id: "appsync.control-plane",
    rate: 10.0,
    burst: None,
    global: false,
    source: Source::Default {
        why: "AppSync publishes no request rate for its control-plane listings (its quota page \
              gives the data plane's request tokens per second); 10 per second per region for \
              all of them together",
    },
};

const COGNITO_QUOTAS: &str =
    "https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html";

pub static COGNITO_USER_POOL_READ: Bucket = Bucket {
    id: "cognito-idp.user-pool-read",
    rate: 15.0,
    burst: None,
    global: false,
    source: Source::Documented {
        url: COGNITO_QUOTAS,
        quote: "UserPoolRead (DescribeUserPool, ListUserPools) | Operations that read your user \
                pools. | 15 | No",
    },
};

pub static COGNITO_IDENTITY_READ: Bucket = Bucket {
    id: "cognito-identity.pool-read",
    rate: 5.0,
    burst: None,
    global: false,
    source: Source::Default {
        why: "the identity pools' rate table gives no rate for ListIdentityPools, \
              DescribeIdentityPool or GetIdentityPoolRoles; its lowest listing rate \
              (ListIdentities, 5 per second) for the three together",
    },
};

pub static LOGS_DESCRIBE_LOG_GROUPS_BUCKET: Bucket = Bucket {
    id: "logs.describe-log-groups",
    rate: 5.0,
    burst: None,
    global: false,
    source: Source::Documented {
        url: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html",
        quote: "DescribeLogGroups | 5 transactions per second (TPS/account/Region). You can \
                request a quota increase.",
    },
};

macro_rules! api {
    ($name:ident, $op:literal, $action:literal, $family:ident, [$($bucket:ident),+]) => {
        pub static $name: Api = Api {
            operation: $op,
            action: $action,
            family: Family::$family,
            buckets: &[$(&$bucket),+],
        };
    };
}

api!(
    LAMBDA_LIST_FUNCTIONS,
    "ListFunctions",
    "lambda:ListFunctions",
    Lambda,
    [LAMBDA_CONTROL_PLANE]
);
api!(
    LAMBDA_GET_FUNCTION,
    "GetFunction",
    "lambda:GetFunction",
    Lambda,
    [LAMBDA_GET_FUNCTION_BUCKET]
);
api!(
    LAMBDA_GET_LAYER_VERSION,
    "GetLayerVersion",
    "lambda:GetLayerVersion",
    Lambda,
    [LAMBDA_CONTROL_PLANE]
);
api!(
    LAMBDA_GET_POLICY,
    "GetPolicy",
    "lambda:GetPolicy",
    Lambda,
    [LAMBDA_GET_POLICY_BUCKET]
);
api!(
    LAMBDA_GET_FUNCTION_URL_CONFIG,
    "GetFunctionUrlConfig",
    "lambda:GetFunctionUrlConfig",
    Lambda,
    [LAMBDA_CONTROL_PLANE]
);
api!(
    LAMBDA_LIST_FUNCTION_URL_CONFIGS,
    "ListFunctionUrlConfigs",
    "lambda:ListFunctionUrlConfigs",
    Lambda,
    [LAMBDA_CONTROL_PLANE]
);
api!(
    LAMBDA_GET_FUNCTION_EVENT_INVOKE_CONFIG,
    "GetFunctionEventInvokeConfig",
    "lambda:GetFunctionEventInvokeConfig",
    Lambda,
    [LAMBDA_CONTROL_PLANE]
);
api!(
    LAMBDA_LIST_ALIASES,
    "ListAliases",
    "lambda:ListAliases",
    Lambda,
    [LAMBDA_CONTROL_PLANE]
);
api!(
    LAMBDA_LIST_CODE_SIGNING_CONFIGS,
    "ListCodeSigningConfigs",
    "lambda:ListCodeSigningConfigs",
    Lambda,
    [LAMBDA_CONTROL_PLANE]
);
api!(
    LAMBDA_LIST_FUNCTIONS_BY_CODE_SIGNING_CONFIG,
    "ListFunctionsByCodeSigningConfig",
    "lambda:ListFunctionsByCodeSigningConfig",
    Lambda,
    [LAMBDA_CONTROL_PLANE]
);
api!(
    LAMBDA_GET_FUNCTION_CONCURRENCY,
    "GetFunctionConcurrency",
    "lambda:GetFunctionConcurrency",
    Lambda,
    [LAMBDA_CONTROL_PLANE]
);
api!(
    LAMBDA_LIST_EVENT_SOURCE_MAPPINGS,
    "ListEventSourceMappings",
    "lambda:ListEventSourceMappings",
    Lambda,
    [LAMBDA_CONTROL_PLANE]
);

api!(
    IAM_LIST_ATTACHED_ROLE_POLICIES,
    "ListAttachedRolePolicies",
    "iam:ListAttachedRolePolicies",
    Iam,
    [IAM_READS]
);
api!(
    IAM_LIST_ROLE_POLICIES,
    "ListRolePolicies",
    "iam:ListRolePolicies",
    Iam,
    [IAM_READS]
);
api!(
    IAM_GET_POLICY,
    "GetPolicy",
    "iam:GetPolicy",
    Iam,
    [IAM_READS]
);
api!(
    IAM_GET_POLICY_VERSION,
    "GetPolicyVersion",
    "iam:GetPolicyVersion",
    Iam,
    [IAM_READS]
);
api!(
    IAM_GET_ROLE_POLICY,
    "GetRolePolicy",
    "iam:GetRolePolicy",
    Iam,
    [IAM_READS]
);

api!(
    APIGW_GET_REST_APIS,
    "GetRestApis",
    "apigateway:GET",
    ApiGateway,
    [APIGW_TOTAL]
);
api!(
    APIGW_GET_STAGES,
    "GetStages",
    "apigateway:GET",
    ApiGateway,
    [APIGW_TOTAL]
);
api!(
    APIGW_GET_RESOURCES_API,
    "GetResources",
    "apigateway:GET",
    ApiGateway,
    [APIGW_GET_RESOURCES, APIGW_TOTAL]
);
api!(
    APIGW_GET_AUTHORIZERS,
    "GetAuthorizers",
    "apigateway:GET",
    ApiGateway,
    [APIGW_TOTAL]
);
api!(
    APIGW_GET_REQUEST_VALIDATORS,
    "GetRequestValidators",
    "apigateway:GET",
    ApiGateway,
    [APIGW_TOTAL]
);
api!(
    APIGW_GET_DOMAIN_NAMES,
    "GetDomainNames",
    "apigateway:GET",
    ApiGateway,
    [APIGW_TOTAL]
);
api!(
    APIGW_GET_BASE_PATH_MAPPINGS,
    "GetBasePathMappings",
    "apigateway:GET",
    ApiGateway,
    [APIGW_TOTAL]
);
api!(
    APIGW_GET_USAGE_PLANS,
    "GetUsagePlans",
    "apigateway:GET",
    ApiGateway,
    [APIGW_TOTAL]
);

api!(
    APIGWV2_GET_APIS,
    "GetApis",
    "apigateway:GET",
    ApiGatewayV2,
    [APIGWV2_TOTAL]
);
api!(
    APIGWV2_GET_STAGES,
    "GetStages",
    "apigateway:GET",
    ApiGatewayV2,
    [APIGWV2_TOTAL]
);
api!(
    APIGWV2_GET_ROUTES,
    "GetRoutes",
    "apigateway:GET",
    ApiGatewayV2,
    [APIGWV2_TOTAL]
);
api!(
    APIGWV2_GET_INTEGRATIONS,
    "GetIntegrations",
    "apigateway:GET",
    ApiGatewayV2,
    [APIGWV2_TOTAL]
);
api!(
    APIGWV2_GET_AUTHORIZERS,
    "GetAuthorizers",
    "apigateway:GET",
    ApiGatewayV2,
    [APIGWV2_TOTAL]
);
api!(
    APIGWV2_GET_AUTHORIZER,
    "GetAuthorizer",
    "apigateway:GET",
    ApiGatewayV2,
    [APIGWV2_TOTAL]
);
api!(
    APIGWV2_GET_DOMAIN_NAMES,
    "GetDomainNames",
    "apigateway:GET",
    ApiGatewayV2,
    [APIGWV2_TOTAL]
);

api!(
    SECRETS_LIST_SECRETS,
    "ListSecrets",
    "secretsmanager:ListSecrets",
    SecretsManager,
    [SECRETS_LIST]
);
api!(
    SECRETS_GET_RESOURCE_POLICY,
    "GetResourcePolicy",
    "secretsmanager:GetResourcePolicy",
    SecretsManager,
    [SECRETS_RESOURCE_POLICY]
);

api!(
    KMS_DESCRIBE_KEY,
    "DescribeKey",
    "kms:DescribeKey",
    Kms,
    [KMS_DESCRIBE_KEY_BUCKET]
);
api!(
    KMS_GET_KEY_ROTATION_STATUS,
    "GetKeyRotationStatus",
    "kms:GetKeyRotationStatus",
    Kms,
    [KMS_GET_KEY_ROTATION_STATUS_BUCKET]
);
api!(
    KMS_GET_KEY_POLICY,
    "GetKeyPolicy",
    "kms:GetKeyPolicy",
    Kms,
    [KMS_GET_KEY_POLICY_BUCKET]
);
api!(
    KMS_LIST_ALIASES,
    "ListAliases",
    "kms:ListAliases",
    Kms,
    [KMS_LIST_ALIASES_BUCKET]
);

api!(
    SQS_GET_QUEUE_ATTRIBUTES,
    "GetQueueAttributes",
    "sqs:GetQueueAttributes",
    Sqs,
    [SQS_ATTRIBUTES]
);
api!(
    SNS_LIST_SUBSCRIPTIONS,
    "ListSubscriptions",
    "sns:ListSubscriptions",
    Sns,
    [SNS_LIST_SUBSCRIPTIONS_BUCKET]
);
api!(
    SNS_GET_TOPIC_ATTRIBUTES,
    "GetTopicAttributes",
    "sns:GetTopicAttributes",
    Sns,
    [SNS_GET_TOPIC_ATTRIBUTES_BUCKET]
);
api!(
    EVENTS_LIST_EVENT_BUSES,
    "ListEventBuses",
    "events:ListEventBuses",
    EventBridge,
    [EVENTS_CONTROL_PLANE]
);
api!(
    EVENTS_LIST_RULES,
    "ListRules",
    "events:ListRules",
    EventBridge,
    [EVENTS_CONTROL_PLANE]
);
api!(
    EVENTS_LIST_TARGETS_BY_RULE,
    "ListTargetsByRule",
    "events:ListTargetsByRule",
    EventBridge,
    [EVENTS_CONTROL_PLANE]
);
api!(
    KINESIS_DESCRIBE_STREAM_SUMMARY,
    "DescribeStreamSummary",
    "kinesis:DescribeStreamSummary",
    Kinesis,
    [KINESIS_DESCRIBE_STREAM_SUMMARY_BUCKET]
);
api!(
    SFN_LIST_STATE_MACHINES,
    "ListStateMachines",
    "states:ListStateMachines",
    StepFunctions,
    [SFN_LIST_STATE_MACHINES_BUCKET]
);
api!(
    SFN_DESCRIBE_STATE_MACHINE,
    "DescribeStateMachine",
    "states:DescribeStateMachine",
    StepFunctions,
    [SFN_DESCRIBE_STATE_MACHINE_BUCKET]
);
api!(
    EVENTS_DESCRIBE_EVENT_BUS,
    "DescribeEventBus",
    "events:DescribeEventBus",
    EventBridge,
    [EVENTS_CONTROL_PLANE]
);
api!(
    APPSYNC_LIST_GRAPHQL_APIS,
    "ListGraphqlApis",
    "appsync:ListGraphqlApis",
    AppSync,
    [APPSYNC_CONTROL_PLANE]
);
api!(
    APPSYNC_LIST_API_KEYS,
    "ListApiKeys",
    "appsync:ListApiKeys",
    AppSync,
    [APPSYNC_CONTROL_PLANE]
);
api!(
    APPSYNC_LIST_DATA_SOURCES,
    "ListDataSources",
    "appsync:ListDataSources",
    AppSync,
    [APPSYNC_CONTROL_PLANE]
);
api!(
    APPSYNC_LIST_FUNCTIONS,
    "ListFunctions",
    "appsync:ListFunctions",
    AppSync,
    [APPSYNC_CONTROL_PLANE]
);
api!(
    APPSYNC_LIST_TYPES,
    "ListTypes",
    "appsync:ListTypes",
    AppSync,
    [APPSYNC_CONTROL_PLANE]
);
api!(
    APPSYNC_LIST_RESOLVERS,
    "ListResolvers",
    "appsync:ListResolvers",
    AppSync,
    [APPSYNC_CONTROL_PLANE]
);
api!(
    COGNITO_LIST_USER_POOLS,
    "ListUserPools",
    "cognito-idp:ListUserPools",
    CognitoIdp,
    [COGNITO_USER_POOL_READ]
);
api!(
    COGNITO_DESCRIBE_USER_POOL,
    "DescribeUserPool",
    "cognito-idp:DescribeUserPool",
    CognitoIdp,
    [COGNITO_USER_POOL_READ]
);
api!(
    COGNITO_LIST_IDENTITY_POOLS,
    "ListIdentityPools",
    "cognito-identity:ListIdentityPools",
    CognitoIdentity,
    [COGNITO_IDENTITY_READ]
);
api!(
    COGNITO_DESCRIBE_IDENTITY_POOL,
    "DescribeIdentityPool",
    "cognito-identity:DescribeIdentityPool",
    CognitoIdentity,
    [COGNITO_IDENTITY_READ]
);
api!(
    COGNITO_GET_IDENTITY_POOL_ROLES,
    "GetIdentityPoolRoles",
    "cognito-identity:GetIdentityPoolRoles",
    CognitoIdentity,
    [COGNITO_IDENTITY_READ]
);
api!(
    LOGS_DESCRIBE_LOG_GROUPS,
    "DescribeLogGroups",
    "logs:DescribeLogGroups",
    Logs,
    [LOGS_DESCRIBE_LOG_GROUPS_BUCKET]
);

/// Every API the pollers call, in the order of the README's quota table.
pub static APIS: &[&Api] = &[
    &LAMBDA_LIST_FUNCTIONS,
    &LAMBDA_GET_POLICY,
    &LAMBDA_LIST_FUNCTION_URL_CONFIGS,
    &LAMBDA_GET_FUNCTION_URL_CONFIG,
    &LAMBDA_LIST_ALIASES,
    &LAMBDA_GET_FUNCTION_EVENT_INVOKE_CONFIG,
    &LAMBDA_LIST_CODE_SIGNING_CONFIGS,
    &LAMBDA_LIST_FUNCTIONS_BY_CODE_SIGNING_CONFIG,
    &LAMBDA_GET_FUNCTION_CONCURRENCY,
    &LAMBDA_LIST_EVENT_SOURCE_MAPPINGS,
    &LAMBDA_GET_FUNCTION,
    &LAMBDA_GET_LAYER_VERSION,
    &IAM_LIST_ATTACHED_ROLE_POLICIES,
    &IAM_LIST_ROLE_POLICIES,
    &IAM_GET_POLICY,
    &IAM_GET_POLICY_VERSION,
    &IAM_GET_ROLE_POLICY,
    &APIGW_GET_REST_APIS,
    &APIGW_GET_STAGES,
    &APIGW_GET_RESOURCES_API,
    &APIGW_GET_AUTHORIZERS,
    &APIGW_GET_REQUEST_VALIDATORS,
    &APIGW_GET_DOMAIN_NAMES,
    &APIGW_GET_BASE_PATH_MAPPINGS,
    &APIGW_GET_USAGE_PLANS,
    &APIGWV2_GET_APIS,
    &APIGWV2_GET_STAGES,
    &APIGWV2_GET_ROUTES,
    &APIGWV2_GET_INTEGRATIONS,
    &APIGWV2_GET_AUTHORIZERS,
    &APIGWV2_GET_AUTHORIZER,
    &APIGWV2_GET_DOMAIN_NAMES,
    &SECRETS_LIST_SECRETS,
    &SECRETS_GET_RESOURCE_POLICY,
    &KMS_DESCRIBE_KEY,
    &KMS_GET_KEY_ROTATION_STATUS,
    &KMS_GET_KEY_POLICY,
    &KMS_LIST_ALIASES,
    &SQS_GET_QUEUE_ATTRIBUTES,
    &SNS_LIST_SUBSCRIPTIONS,
    &SNS_GET_TOPIC_ATTRIBUTES,
    &EVENTS_LIST_EVENT_BUSES,
    &EVENTS_LIST_RULES,
    &EVENTS_LIST_TARGETS_BY_RULE,
    &EVENTS_DESCRIBE_EVENT_BUS,
    &KINESIS_DESCRIBE_STREAM_SUMMARY,
    &SFN_LIST_STATE_MACHINES,
    &SFN_DESCRIBE_STATE_MACHINE,
    &APPSYNC_LIST_GRAPHQL_APIS,
    &APPSYNC_LIST_API_KEYS,
    &APPSYNC_LIST_DATA_SOURCES,
    &APPSYNC_LIST_FUNCTIONS,
    &APPSYNC_LIST_TYPES,
    &APPSYNC_LIST_RESOLVERS,
    &COGNITO_LIST_USER_POOLS,
    &COGNITO_DESCRIBE_USER_POOL,
    &COGNITO_LIST_IDENTITY_POOLS,
    &COGNITO_DESCRIBE_IDENTITY_POOL,
    &COGNITO_GET_IDENTITY_POOL_ROLES,
    &LOGS_DESCRIBE_LOG_GROUPS,
];

/// Every distinct bucket of [`APIS`], by id, in first-use order.
pub fn buckets() -> Vec<&'static Bucket> {
    let mut out: Vec<&'static Bucket> = Vec::new();
    for b in APIS.iter().flat_map(|a| a.buckets.iter().copied()) {
        if !out.iter().any(|o| o.id == b.id) {
            out.push(b);
        }
    }
    out
}

pub use crate::domain::quota::{
    DEFAULT_PERIODIC_SHARE, DEFAULT_SHARE, Shares, duration_text, parse_share,
};

/// Paces one bucket of one account and region: requests leave at most `rate × share ×
/// slowdown` a second (a virtual schedule: each request takes the next free slot).
#[derive(Debug)]
pub struct Pacer {
    rate: f64,
    state: Mutex<PacerState>,
}

#[derive(Debug)]
struct PacerState {
    /// When the next request may leave.
    next: Option<Instant>,
    /// 1.0, or less after throttling answers.
    slowdown: f64,
    /// Requests released so far.
    released: u64,
    /// Throttling answers received.
    throttled: u64,
}

/// The slowest a throttled bucket goes: a tenth of its share.
const MIN_SLOWDOWN: f64 = 0.1;
/// What every answered request gives back after a throttling answer halved the pace.
const RECOVERY: f64 = 0.02;

impl Pacer {
    pub fn new(rate: f64) -> Pacer {
        Pacer {
            rate,
            state: Mutex::new(PacerState {
                next: None,
                slowdown: 1.0,
                released: 0,
                throttled: 0,
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, PacerState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits for this request's slot at `share` of the rate.
    pub async fn acquire(self: &Arc<Self>, share: f64) {
        acquire(std::slice::from_ref(self), share).await;
    }

    /// The time between two requests at `share` (with the current slowdown).
    fn interval(&self, state: &PacerState, share: f64) -> Duration {
        let per_second = (self.rate * share.clamp(0.0001, 1.0) * state.slowdown).max(0.001);
        Duration::from_secs_f64(1.0 / per_second)
    }

    /// A throttling answer: half the pace, and no request for a second.
    pub fn throttled(&self) {
        let mut s = self.state();
        s.throttled += 1;
        s.slowdown = (s.slowdown * 0.5).max(MIN_SLOWDOWN);
        let later = Instant::now() + Duration::from_secs(1);
        s.next = Some(s.next.map_or(later, |n| n.max(later)));
    }

    /// An answer that was not throttling: the pace recovers a little.
    pub fn answered(&self) {
        let mut s = self.state();
        s.slowdown = (s.slowdown + RECOVERY).min(1.0);
    }

    /// (requests released, throttling answers received).
    pub fn counts(&self) -> (u64, u64) {
        let s = self.state();
        (s.released, s.throttled)
    }
}

/// Waits for one request's slot in every one of `pacers` at once: the request leaves when
/// the last of them allows, and that moment is taken in all of them. (Taking each bucket's
/// next slot on its own would let a request held back by one bucket leave right after the
/// previous one in another: two requests inside one slot of that other bucket.)
pub async fn acquire(pacers: &[Arc<Pacer>], share: f64) {
    if pacers.is_empty() {
        return;
    }
    let wait = {
        // Locked in one order (by address), so two requests on the same buckets cannot each
        // hold one lock and wait for the other.
        let mut order: Vec<&Arc<Pacer>> = pacers.iter().collect();
        order.sort_by_key(|p| Arc::as_ptr(p) as usize);
        order.dedup_by_key(|p| Arc::as_ptr(p) as usize);
        let mut states: Vec<_> = order.iter().map(|p| p.state()).collect();
        let now = Instant::now();
        let at = states
            .iter()
            .filter_map(|s| s.next)
            .fold(now, |at, next| at.max(next));
        for (pacer, state) in order.iter().zip(states.iter_mut()) {
            let interval = pacer.interval(state, share);
            state.next = Some(at + interval);
            state.released += 1;
        }
        at - now
    };
    if !wait.is_zero() {
        tokio::time::sleep(wait).await;
    }
}

/// `PARAPET_QUOTA_SCALE`: every rate multiplied, for tests and benchmarks against a quota
/// proxy whose rates are scaled the same way (`scripts/emulator/fault_proxy.py --quota
/// --quota-scale`). 1 unless set to a positive number.
pub fn scale() -> f64 {
    static SCALE: OnceLock<f64> = OnceLock::new();
    *SCALE.get_or_init(|| {
        std::env::var("PARAPET_QUOTA_SCALE")
            .ok()
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s > 0.0)
            .unwrap_or(1.0)
    })
}

/// The one pacer of `bucket` for `account` in `region` (every region, for a global bucket),
/// shared by everything this process runs.
pub fn pacer(account: &str, region: &str, bucket: &'static Bucket) -> Arc<Pacer> {
    type Key = (String, String, &'static str);
    static PACERS: OnceLock<Mutex<HashMap<Key, Arc<Pacer>>>> = OnceLock::new();
    let region = if bucket.global { "*" } else { region };
    let mut map = PACERS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    Arc::clone(
        map.entry((account.to_string(), region.to_string(), bucket.id))
            .or_insert_with(|| Arc::new(Pacer::new(bucket.rate * scale()))),
    )
}

/// The least time `requests` (per bucket id) can take at `share`: the slowest bucket's
/// requests ÷ (its rate × share). This is the floor no client can beat.
pub fn floor(requests: &HashMap<&'static str, u64>, share: f64) -> Duration {
    buckets()
        .iter()
        .map(|b| {
            let n = requests.get(b.id).copied().unwrap_or(0) as f64;
            n / (b.rate * share.clamp(0.0001, 1.0))
        })
        .fold(Duration::ZERO, |worst, secs| {
            worst.max(Duration::from_secs_f64(secs))
        })
}

/// The least time the requests of a collection can take at `share`: per (region, bucket),
/// requests ÷ (rate × share), a global bucket's requests summed over regions; the largest,
/// named `bucket (region)`. `None` when nothing was sent.
pub fn floor_of(
    requests: &std::collections::BTreeMap<(String, String), u64>,
    share: f64,
) -> Option<(Duration, String)> {
    let all = buckets();
    let mut per: std::collections::BTreeMap<(String, &'static str), u64> = Default::default();
    for ((region, id), n) in requests {
        let Some(bucket) = all.iter().find(|b| b.id == id) else {
            continue;
        };
        let region = if bucket.global {
            "*".to_string()
        } else {
            region.clone()
        };
        *per.entry((region, bucket.id)).or_default() += n;
    }
    per.into_iter()
        .filter_map(|((region, id), n)| Some(((region, *all.iter().find(|b| b.id == id)?), n)))
        .map(|((region, bucket), n)| {
            let secs = n as f64 / (bucket.rate * scale() * share.clamp(0.0001, 1.0));
            let at = if region == "*" {
                bucket.id.to_string()
            } else {
                format!("{} in {region}", bucket.id)
            };
            (Duration::from_secs_f64(secs), at)
        })
        .max_by_key(|(d, _)| *d)
}

/// What a scan at `share` can expect, said when it starts: Lambda's control-plane bucket is
/// the tightest for most accounts, and Parapet sends about two of its requests per function
/// (the URL listing and the alias listing).
pub fn expectation(share: f64) -> String {
    let rate = LAMBDA_CONTROL_PLANE.rate * scale() * share;
    let per_thousand = Duration::from_secs_f64(2.0 * 1000.0 / rate);
    format!(
        "parapet scan: paced to {:.0}% of AWS's API quotas (--quota-share): Lambda allows {} \
         control-plane requests a second per region, so about {:.1} functions a second here, \
         {} per 1,000 functions",
        share * 100.0,
        LAMBDA_CONTROL_PLANE.rate * scale(),
        rate / 2.0,
        duration_text(per_thousand)
    )
}

#[cfg(test)]
mod tests;
