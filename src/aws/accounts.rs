//! Which accounts one run scans and how each is reached: the base credentials' own account,
//! one account per `--profile`, or `--accounts ID,…|org` through `--assume-role` (the
//! Organization's ACTIVE accounts from Organizations ListAccounts). Reads only.

use aws_sdk_organizations::types::AccountStatus;

use super::client::{self, Assume, AwsOptions, SetupError};
use super::errors::{self, FailureKind};

/// The role every account of `--accounts` is read through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleSpec {
    pub name: String,
    pub external_id: Option<String>,
}

/// How a run chooses its accounts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum AccountsSpec {
    /// The base credentials' own account (no `--accounts`, at most one `--profile`).
    #[default]
    Base,
    /// `--profile A --profile B …`: each profile's account, in the order given.
    Profiles(Vec<String>),
    /// `--accounts ID,…`: each account through the role, sorted by id.
    Listed { ids: Vec<String>, role: RoleSpec },
    /// `--accounts org`: every ACTIVE account of the Organization, through the role.
    Organization { role: RoleSpec },
}

impl AccountsSpec {
    /// Whether the run covers several accounts (failures are then isolated per account).
    pub fn is_multi(&self) -> bool {
        !matches!(self, AccountsSpec::Base)
    }

    /// The spec the command line asks for: `profiles` (`--profile`, repeatable), `accounts`
    /// (`--accounts`), `role` and `external_id`.
    pub fn from_flags(
        profiles: &[String],
        accounts: Option<&str>,
        role: Option<&str>,
        external_id: Option<&str>,
    ) -> Result<AccountsSpec, String> {
        let role = role.map(|name| RoleSpec {
            name: name.trim().to_string(),
            external_id: external_id.map(String::from),
        });
        match (accounts, role) {
            (None, Some(_)) => Err("--assume-role needs --accounts ID,… or --accounts org".into()),
            (None, None) if external_id.is_some() => {
                Err("--external-id needs --accounts and --assume-role".into())
            }
            (None, None) if profiles.len() > 1 => Ok(AccountsSpec::Profiles(profiles.to_vec())),
            (None, None) => Ok(AccountsSpec::Base),
            (Some(_), None) => Err(
                "--accounts needs --assume-role ROLE_NAME: the role Parapet assumes in each account"
                    .into(),
            ),
            (Some(_), Some(_)) if profiles.len() > 1 => Err(
                "--accounts takes one --profile (the base credentials the role is assumed from)"
                    .into(),
            ),
            (Some(_), Some(role)) if role.name.is_empty() || role.name.starts_with("arn:") => Err(
                "--assume-role takes the role's name (e.g. ParapetReadOnly), not an ARN: the \
                 ARN differs per account"
                    .into(),
            ),
            (Some(list), Some(role)) if list.trim().eq_ignore_ascii_case("org") => {
                Ok(AccountsSpec::Organization { role })
            }
            (Some(list), Some(role)) => {
                let mut ids = Vec::new();
                for id in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
                        return Err(format!(
                            "--accounts: `{id}` is not a 12-digit account id (or pass `org`)"
                        ));
                    }
                    ids.push(id.to_string());
                }
                if ids.is_empty() {
                    return Err("--accounts: no account id given".into());
                }
                ids.sort();
                ids.dedup();
                Ok(AccountsSpec::Listed { ids, role })
            }
        }
    }
}

/// One account to scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Known before the scan for `--accounts`; a profile's comes from STS.
    pub id: Option<String>,
    /// The Organization's name for the account, or the profile's name.
    pub name: Option<String>,
    /// Credentials, regions and the role to assume.
    pub aws: AwsOptions,
    /// The role's ARN, when one is assumed.
    pub role_arn: Option<String>,
}

impl Target {
    /// What a shard list names the account by: its id, else its profile.
    pub fn key(&self) -> String {
        self.id
            .clone()
            .or_else(|| self.aws.profile.clone())
            .unwrap_or_default()
    }
}

/// The accounts of a run, in a stable order, and the regions each is scanned in (empty when
/// every profile decides its own).
pub async fn resolve(base: &AwsOptions, spec: &AccountsSpec) -> Result<Vec<Target>, SetupError> {
    let (ids, role): (Vec<(String, Option<String>)>, &RoleSpec) = match spec {
        AccountsSpec::Base => {
            return Ok(vec![Target {
                id: None,
                name: client::profile_name(base),
                aws: base.clone(),
                role_arn: None,
            }]);
        }
        AccountsSpec::Profiles(profiles) => {
            return Ok(profiles
                .iter()
                .map(|p| Target {
                    id: None,
                    name: Some(p.clone()),
                    aws: AwsOptions {
                        profile: Some(p.clone()),
                        ..base.clone()
                    },
                    role_arn: None,
                })
                .collect());
        }
        AccountsSpec::Listed { ids, role } => {
            (ids.iter().map(|id| (id.clone(), None)).collect(), role)
        }
        AccountsSpec::Organization { role } => (organization_accounts(base).await?, role),
    };
    let config = client::load(base).await;
    let regions = client::regions(base, &config)?;
    let partition = client::partition(&regions[0]);
    Ok(ids
        .into_iter()
        .map(|(id, name)| {
            let assume = Assume {
                account_id: id.clone(),
                role_name: role.name.clone(),
                external_id: role.external_id.clone(),
            };
            Target {
                id: Some(id),
                name,
                role_arn: Some(assume.role_arn(partition)),
                aws: AwsOptions {
                    assume: Some(assume),
                    regions: regions.clone(),
                    ..base.clone()
                },
            }
        })
        .collect())
}

/// The Organization's ACTIVE accounts (id, name), sorted by id, from the base credentials
/// (the management account or a delegated administrator).
async fn organization_accounts(
    base: &AwsOptions,
) -> Result<Vec<(String, Option<String>)>, SetupError> {
    let config = client::load(base).await;
    let regions = client::regions(base, &config)?;
    let config = client::with_region(config, &regions[0]);
    let org = aws_sdk_organizations::Client::new(&config);
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = org
            .list_accounts()
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|err| {
                let failure = errors::classify(&err, "organizations:ListAccounts");
                let code = aws_smithy_types::error::metadata::ProvideErrorMetadata::code(&err)
                    .unwrap_or_default()
                    .to_string();
                org_error(failure.kind, &failure.reason(), &code)
            })?;
        for a in page.accounts() {
            if a.status() == Some(&AccountStatus::Active)
                && let Some(id) = a.id()
            {
                out.push((id.to_string(), a.name().map(String::from)));
            }
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    if out.is_empty() {
        return Err(SetupError {
            message: "the Organization lists no ACTIVE account".into(),
            hint: "pass the accounts yourself: --accounts ID,ID,…".into(),
        });
    }
    Ok(out)
}

fn org_error(kind: FailureKind, reason: &str, code: &str) -> SetupError {
    if code == "AWSOrganizationsNotInUseException" {
        return SetupError {
            message: "the base account is not in an AWS Organization".into(),
            hint: "pass the accounts yourself: --accounts ID,ID,…".into(),
        };
    }
    match kind {
        FailureKind::Denied => SetupError {
            message: format!("cannot list the Organization's accounts ({reason})"),
            hint: "run from the management account or a delegated administrator whose \
                   credentials may organizations:ListAccounts (`parapet policy`), or pass \
                   --accounts ID,ID,…"
                .into(),
        },
        _ => SetupError {
            message: format!("cannot list the Organization's accounts ({reason})"),
            hint: "check the credentials and the endpoint, or pass --accounts ID,ID,…".into(),
        },
    }
}

#[cfg(test)]
mod tests;
