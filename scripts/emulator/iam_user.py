#!/usr/bin/env python3
"""Creates an IAM user on the emulator with exactly one inline policy and an access key.

    python iam_user.py --endpoint http://127.0.0.1:PORT --user NAME --policy-file FILE

Prints {"user": ..., "access_key_id": ..., "secret_access_key": ...} on stdout. Run it before
switching IAM enforcement on (POST /moto-api/reset-auth with body 0): the dummy admin keys it
uses are not a user the emulator knows.
"""

import argparse
import json
import sys

import boto3


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--endpoint", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--policy-file", required=True)
    args = p.parse_args()
    host = args.endpoint.split("//", 1)[-1].split(":", 1)[0]
    if host not in ("127.0.0.1", "localhost"):
        sys.exit("iam_user: refusing to touch anything but a loopback emulator")
    with open(args.policy_file) as f:
        policy = json.load(f)
    iam = boto3.client(
        "iam",
        endpoint_url=args.endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    iam.create_user(UserName=args.user)
    iam.put_user_policy(
        UserName=args.user, PolicyName="parapet-read-only", PolicyDocument=json.dumps(policy)
    )
    key = iam.create_access_key(UserName=args.user)["AccessKey"]
    json.dump(
        {
            "user": args.user,
            "access_key_id": key["AccessKeyId"],
            "secret_access_key": key["SecretAccessKey"],
        },
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    main()
