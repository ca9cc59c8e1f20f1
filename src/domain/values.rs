//! AWS's enumerated values, parsed where they enter (the pollers and the demo) so that checks
//! match on variants, never on strings. Each is a small enum of the values AWS documents plus
//! `Other`, which keeps a value this version does not know exactly as AWS sent it (AWS adds
//! values; an unknown one must never read as a known one). Parsing trims and ignores case;
//! a value reads and writes as AWS spells it, so files and snapshots do not change.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Declares one AWS value enum: `Variant = "AWS_SPELLING"`, plus `Other(String)`.
macro_rules! aws_value {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version does not know (or an empty one), as AWS sent it.
            Other(String),
        }

        impl $name {
            /// Trims and ignores case: ` none ` is `NONE`.
            pub fn parse(value: &str) -> Self {
                let value = value.trim();
                $( if value.eq_ignore_ascii_case($text) { return $name::$variant; } )+
                $name::Other(value.to_string())
            }

            /// As AWS spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )+
                    $name::Other(value) => value,
                }
            }
        }

        impl Default for $name {
            /// No value: what an absent field used to read as (an empty string).
            fn default() -> Self {
                $name::Other(String::new())
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                $name::parse(value)
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                $name::parse(&value)
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                *self == $name::parse(other)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d).map(|s| $name::parse(&s))
            }
        }
    };
}

aws_value! {
    /// How a Lambda function is packaged (`PackageType`).
    pub enum PackageType { Zip = "Zip", Image = "Image" }
}

aws_value! {
    /// X-Ray tracing of a function (`TracingConfig.Mode`).
    pub enum TracingMode { Active = "Active", PassThrough = "PassThrough" }
}

aws_value! {
    /// What a code signing config does with an unsigned artifact
    /// (`CodeSigningPolicies.UntrustedArtifactOnDeployment`).
    pub enum UntrustedArtifact { Enforce = "Enforce", Warn = "Warn" }
}

aws_value! {
    /// Who may call a function URL (`AuthType`).
    pub enum UrlAuthType { None = "NONE", AwsIam = "AWS_IAM" }
}

aws_value! {
    /// How a Kinesis stream is encrypted at rest (`EncryptionType`).
    pub enum StreamEncryption { Kms = "KMS", None = "NONE" }
}

aws_value! {
    /// Where an AppSync GraphQL API answers (`visibility`; absent is `GLOBAL`).
    pub enum GraphqlVisibility { Global = "GLOBAL", Private = "PRIVATE" }
}

aws_value! {
    /// How an AppSync API authenticates callers (`authenticationType`, default or additional).
    pub enum GraphqlAuthType {
        ApiKey = "API_KEY",
        Iam = "AWS_IAM",
        UserPools = "AMAZON_COGNITO_USER_POOLS",
        Oidc = "OPENID_CONNECT",
        Lambda = "AWS_LAMBDA",
    }
}

aws_value! {
    /// What an AppSync API logs per field (`logConfig.fieldLogLevel`).
    pub enum FieldLogLevel { None = "NONE", Error = "ERROR", Info = "INFO", Debug = "DEBUG", All = "ALL" }
}

aws_value! {
    /// Whether an AppSync API answers introspection queries (`introspectionConfig`).
    pub enum Introspection { Enabled = "ENABLED", Disabled = "DISABLED" }
}

aws_value! {
    /// A Step Functions state machine's type (`type`).
    pub enum MachineType { Standard = "STANDARD", Express = "EXPRESS" }
}

aws_value! {
    /// What a state machine logs (`loggingConfiguration.level`; absent is `OFF`).
    pub enum MachineLogLevel { All = "ALL", Error = "ERROR", Fatal = "FATAL", Off = "OFF" }
}

aws_value! {
    /// A REST API's endpoint (`endpointConfiguration.types[0]`).
    pub enum EndpointType { Edge = "EDGE", Regional = "REGIONAL", Private = "PRIVATE" }
}

aws_value! {
    /// How a REST method or an HTTP/WebSocket route authorizes callers
    /// (`authorizationType` / `AuthorizationType`).
    pub enum AuthorizationType {
        None = "NONE",
        AwsIam = "AWS_IAM",
        Custom = "CUSTOM",
        CognitoUserPools = "COGNITO_USER_POOLS",
        Jwt = "JWT",
    }
}

impl AuthorizationType {
    /// Nobody is asked who calls: `NONE`, or no type at all.
    pub fn is_open(&self) -> bool {
        match self {
            AuthorizationType::None => true,
            AuthorizationType::Other(value) => value.is_empty(),
            _ => false,
        }
    }
}

aws_value! {
    /// An API Gateway authorizer's kind (REST: `TOKEN`, `REQUEST`, `COGNITO_USER_POOLS`;
    /// HTTP/WebSocket: `REQUEST`, `JWT`).
    pub enum AuthorizerType {
        Token = "TOKEN",
        Request = "REQUEST",
        CognitoUserPools = "COGNITO_USER_POOLS",
        Jwt = "JWT",
    }
}

aws_value! {
    /// An HTTP or WebSocket API (`ProtocolType`).
    pub enum ApiProtocol { Http = "HTTP", WebSocket = "WEBSOCKET" }
}

aws_value! {
    /// What an HTTP/WebSocket integration calls (`IntegrationType`).
    pub enum IntegrationType {
        Aws = "AWS",
        AwsProxy = "AWS_PROXY",
        Http = "HTTP",
        HttpProxy = "HTTP_PROXY",
        Mock = "MOCK",
    }
}

aws_value! {
    /// How an integration reaches its backend (`ConnectionType`).
    pub enum ConnectionType { Internet = "INTERNET", VpcLink = "VPC_LINK" }
}

aws_value! {
    /// A REST stage's execution logging (`methodSettings.*/*.loggingLevel`).
    pub enum LoggingLevel { Off = "OFF", Error = "ERROR", Info = "INFO" }
}

aws_value! {
    /// Who manages a KMS key (`KeyManager`).
    pub enum KeyManager { Aws = "AWS", Customer = "CUSTOMER" }
}

aws_value! {
    /// A KMS key's state (`KeyState`).
    pub enum KeyState {
        Creating = "Creating",
        Enabled = "Enabled",
        Disabled = "Disabled",
        PendingDeletion = "PendingDeletion",
        PendingImport = "PendingImport",
        PendingReplicaDeletion = "PendingReplicaDeletion",
        Unavailable = "Unavailable",
        Updating = "Updating",
    }
}

aws_value! {
    /// An event source mapping's state (`State`).
    pub enum MappingState {
        Creating = "Creating",
        Enabling = "Enabling",
        Enabled = "Enabled",
        Disabling = "Disabling",
        Disabled = "Disabled",
        Updating = "Updating",
        Deleting = "Deleting",
    }
}

#[cfg(test)]
mod tests;
