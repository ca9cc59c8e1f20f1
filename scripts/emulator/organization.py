#!/usr/bin/env python3
"""Builds a three-account AWS Organization in the emulator (moto) for the multi-account tests.

    python organization.py --endpoint http://127.0.0.1:PORT --policy-file READ_ONLY.json \
                  --base-policy-file BASE.json [--role ParapetReadOnly]

- The emulator's default account (123456789012) becomes the management account, seeded with
  the small fixture (one of everything Parapet checks).
- `workload-b` and `workload-c` are created with Organizations CreateAccount and seeded through
  their OrganizationAccountAccessRole with a few plain functions, APIs and secrets: other
  postures than the management account's.
- Every account gets the read-only role (`--role`) with READ_ONLY.json (`parapet policy`).
- User `scanner` (management account) holds BASE.json (`parapet policy --base`) plus a Deny of
  sts:AssumeRole on workload-c's role: with IAM enforcement on, that account's assumption
  fails with AccessDenied, as when a member account lacks the role or does not trust the
  scanner. User `reader` holds READ_ONLY.json (a plain one-account identity).

Prints {"management", "accounts": {name: id}, "users": {name: {access_key_id,
secret_access_key}}} on stdout. Run it before switching IAM enforcement on. (Not named org.py:
the standard library's copy module imports `org` to detect Jython.)
"""

import argparse
import json
import sys

import boto3

from seed import ACCOUNT, Seeder


def log(msg):
    print(f"organization: {msg}", file=sys.stderr, flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--endpoint", required=True)
    p.add_argument("--region", default="us-east-1")
    p.add_argument("--policy-file", required=True)
    p.add_argument("--base-policy-file", required=True)
    p.add_argument("--role", default="ParapetReadOnly")
    args = p.parse_args()
    host = args.endpoint.split("//", 1)[-1].split(":", 1)[0]
    if host not in ("127.0.0.1", "localhost"):
        sys.exit("organization: refusing to touch anything but a loopback emulator")
    read_only = open(args.policy_file).read()
    base = json.load(open(args.base_policy_file))

    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=args.region
    )
    client = lambda svc, s=session: s.client(svc, endpoint_url=args.endpoint)
    org = client("organizations")
    org.create_organization(FeatureSet="ALL")
    for name in ("workload-b", "workload-c"):
        org.create_account(Email=f"{name}@example.com", AccountName=name)
    accounts = {a["Name"]: a["Id"] for a in org.list_accounts()["Accounts"]}
    accounts.pop(next(n for n, i in accounts.items() if i == ACCOUNT))
    log(f"organization: management {ACCOUNT}, members {accounts}")

    def assumed(account):
        creds = client("sts").assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
            RoleSessionName="seed",
        )["Credentials"]
        return (creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])

    trust = json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                       # moto evaluates the trust policy of a role in the caller's own
                       # account only, and matches the user's ARN there, not the root.
                       "Principal": {"AWS": [f"arn:aws:iam::{ACCOUNT}:root",
                                             f"arn:aws:iam::{ACCOUNT}:user/scanner"]}}],
    })
    seeders = {ACCOUNT: Seeder(args.endpoint, args.region)}
    for account in accounts.values():
        seeders[account] = Seeder(args.endpoint, args.region, account, assumed(account))
    seeders[ACCOUNT].seed_small()
    seeders[accounts["workload-b"]].seed_bulk(4, 1, 3)
    seeders[accounts["workload-c"]].seed_bulk(2, 0, 1)
    for account, seeder in seeders.items():
        seeder.iam.create_role(RoleName=args.role, AssumeRolePolicyDocument=trust)
        seeder.iam.put_role_policy(
            RoleName=args.role, PolicyName="parapet-read-only", PolicyDocument=read_only
        )

    iam = client("iam")
    denied = f"arn:aws:iam::{accounts['workload-c']}:role/{args.role}"
    scanner_policy = dict(base)
    scanner_policy["Statement"] = base["Statement"] + [
        {"Sid": "NotWorkloadC", "Effect": "Deny", "Action": "sts:AssumeRole", "Resource": denied}
    ]
    users = {}
    for user, policy in (("scanner", json.dumps(scanner_policy)), ("reader", read_only)):
        iam.create_user(UserName=user)
        iam.put_user_policy(UserName=user, PolicyName="parapet", PolicyDocument=policy)
        key = iam.create_access_key(UserName=user)["AccessKey"]
        users[user] = {
            "access_key_id": key["AccessKeyId"],
            "secret_access_key": key["SecretAccessKey"],
        }
    json.dump({"management": ACCOUNT, "accounts": accounts, "users": users}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
