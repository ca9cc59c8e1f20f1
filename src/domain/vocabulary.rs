//! The domain's vocabulary: the poll areas and the AWS services that checks, findings,
//! listings and collection statuses are about. A leaf: it names nothing else of the domain,
//! so the inventory, the findings and the collection status can all use it without using
//! each other.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::listed::listed_enum;

listed_enum! {
    /// The poll areas: the five of the design card, the functions' triggers (event source
    /// mappings, SNS subscriptions, EventBridge rules and the sources' policies), and the
    /// opt-in code area.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Area {
        Functions,
        Gateways,
        Throttles,
        Encryption,
        Secrets,
        Triggers,
        /// What runs inside functions: their deployment packages and layers (opt-in:
        /// `--code`).
        Code,
        /// Step Functions state machines: their definitions, roles, logging and tracing.
        Workflows,
        /// AppSync GraphQL APIs: their authentication, limits, logging, keys' expiry, data
        /// sources and resolvers.
        Graphql,
        /// Cognito user pools (who may sign up) and identity pools (what guests may do).
        Users,
        /// The functions' log groups (how long their logs are kept).
        Logs,
    }
}

impl Area {
    pub fn as_str(self) -> &'static str {
        match self {
            Area::Functions => "functions",
            Area::Gateways => "gateways",
            Area::Throttles => "throttles",
            Area::Encryption => "encryption",
            Area::Secrets => "secrets",
            Area::Triggers => "triggers",
            Area::Code => "code",
            Area::Workflows => "workflows",
            Area::Graphql => "graphql",
            Area::Users => "users",
            Area::Logs => "logs",
        }
    }

    /// Collected only when asked for (`--code`, `[code] enabled`): without it the area
    /// makes no request and its checks are absent from the run.
    pub fn opt_in(self) -> bool {
        matches!(self, Area::Code)
    }
}

listed_enum! {
    /// The AWS service a check, finding or failed listing belongs to, by its IAM prefix.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "lowercase")]
    pub enum Service {
        Lambda,
        #[serde(rename = "apigateway")]
        ApiGateway,
        #[serde(rename = "apigatewayv2")]
        ApiGatewayV2,
        #[serde(rename = "secretsmanager")]
        SecretsManager,
        Kms,
        Iam,
        Sqs,
        Sns,
        /// Amazon EventBridge (IAM prefix `events`).
        #[serde(rename = "events")]
        EventBridge,
        /// Amazon Kinesis Data Streams (streams that trigger a function).
        Kinesis,
        /// AWS Step Functions (IAM prefix `states`).
        #[serde(rename = "states")]
        StepFunctions,
        /// AWS AppSync (GraphQL APIs).
        AppSync,
        /// Amazon Cognito user pools (IAM prefix `cognito-idp`).
        #[serde(rename = "cognito-idp")]
        CognitoIdp,
        /// Amazon Cognito identity pools (IAM prefix `cognito-identity`).
        #[serde(rename = "cognito-identity")]
        CognitoIdentity,
        /// Amazon CloudWatch Logs (the functions' log groups).
        Logs,
    }
}

impl Service {
    pub fn as_str(self) -> &'static str {
        match self {
            Service::Lambda => "lambda",
            Service::ApiGateway => "apigateway",
            Service::ApiGatewayV2 => "apigatewayv2",
            Service::SecretsManager => "secretsmanager",
            Service::Kms => "kms",
            Service::Iam => "iam",
            Service::Sqs => "sqs",
            Service::Sns => "sns",
            Service::EventBridge => "events",
            Service::StepFunctions => "states",
            Service::Kinesis => "kinesis",
            Service::AppSync => "appsync",
            Service::CognitoIdp => "cognito-idp",
            Service::CognitoIdentity => "cognito-identity",
            Service::Logs => "logs",
        }
    }

    /// The poll area that lists this service's resources (what `r` on one refreshes, and
    /// whose batch replaces the service's failed listings).
    pub fn area(self) -> Area {
        match self {
            Service::Lambda | Service::Iam => Area::Functions,
            Service::ApiGateway | Service::ApiGatewayV2 => Area::Gateways,
            Service::SecretsManager => Area::Secrets,
            Service::Kms => Area::Encryption,
            Service::Sqs | Service::Sns | Service::EventBridge | Service::Kinesis => Area::Triggers,
            Service::StepFunctions => Area::Workflows,
            Service::AppSync => Area::Graphql,
            Service::CognitoIdp | Service::CognitoIdentity => Area::Users,
            Service::Logs => Area::Logs,
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
