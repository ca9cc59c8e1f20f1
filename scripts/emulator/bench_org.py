#!/usr/bin/env python3
"""The Organization benchmark (run through scripts/bench-org): `parapet scan --accounts org
--assume-role ROLE` against the emulator with N accounts (default 50), each seeded with the
small account (one of everything Parapet checks).

Reports, as a Markdown table (stdout and target/bench-org.md): scan time against the
emulator's floor for the requests the scan needs (requests counted at a proxy ÷ moto's
measured maximum rate), peak RSS, and the scan again behind a proxy adding 50 ms to every
request (AWS round-trips), as accounts per minute. Nothing is asserted.

    python bench_org.py --parapet target/release/parapet [--accounts 50] [--latency-ms 50]
"""

import argparse
import os
import shutil
import sys
import tempfile
import time

import boto3

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench_live import Child, get_json, measure_rate  # noqa: E402
from bench_live import scan as bench_scan  # noqa: E402
from seed import ACCOUNT, Seeder  # noqa: E402

REGION = "us-east-1"
ROLE = "ParapetReadOnly"


def log(msg):
    print(f"bench-org: {msg}", file=sys.stderr, flush=True)


def organization(endpoint, n):
    """The management account plus n-1 created members, each seeded with the small account.
    Returns (account ids, the management account's manifest)."""
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    )
    org = session.client("organizations", endpoint_url=endpoint)
    sts = session.client("sts", endpoint_url=endpoint)
    org.create_organization(FeatureSet="ALL")
    for i in range(1, n):
        org.create_account(Email=f"member-{i:03d}@example.com", AccountName=f"member-{i:03d}")
    token = None
    ids = []
    while True:
        page = org.list_accounts(**({"NextToken": token} if token else {}))
        ids += [a["Id"] for a in page["Accounts"]]
        token = page.get("NextToken")
        if not token:
            break
    manifest = None
    for account in ids:
        if account == ACCOUNT:
            seeder = Seeder(endpoint, REGION)
        else:
            c = sts.assume_role(
                RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                RoleSessionName="seed",
            )["Credentials"]
            seeder = Seeder(endpoint, REGION, account,
                            (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]))
        seeder.seed_small()
        if account == ACCOUNT:
            manifest = seeder.manifest
    return ids, manifest


def scan(parapet, endpoint, home, timed=False, accounts="org"):
    """One scan of `accounts` (`org`, or ids) through the role: bench_live's scan."""
    return bench_scan(parapet, endpoint, home, timed,
                      ("--accounts", accounts, "--assume-role", ROLE))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parapet", required=True)
    ap.add_argument("--accounts", type=int, default=50)
    ap.add_argument("--latency-ms", type=int, default=50)
    ap.add_argument("--out", default="target/bench-org.md")
    ap.add_argument("--describe", default="")
    args = ap.parse_args()
    parapet = os.path.abspath(args.parapet)

    home = tempfile.mkdtemp(prefix="parapet-bench-org-")
    os.makedirs(os.path.join(home, "config"))
    moto = Child([os.path.join(HERE, "moto_launcher.py")], "MOTO_PORT")
    proxies = []
    try:
        log(f"moto on {moto.endpoint}; an Organization of {args.accounts} accounts, each "
            "seeded with the small account…")
        start = time.monotonic()
        ids, manifest = organization(moto.endpoint, args.accounts)
        seed_s = time.monotonic() - start
        log(f"seeded {len(ids)} accounts in {seed_s:.0f} s")

        api_id = next(iter(manifest["rest"]["ids"].values()))
        rate = measure_rate(moto.port, ("orders-fn", "prod/db/master", api_id))
        log(f"emulator sustains {rate:.0f} requests/s")

        scan(parapet, moto.endpoint, home)
        times, rss, cpu = [], None, None
        for _ in range(2):
            wall, r, snapshot = scan(parapet, moto.endpoint, home, timed=True)
            times.append(wall)
            if r:
                rss = max(rss or 0, r[0])
                cpu = r[1] if cpu is None else min(cpu, r[1])
        scan_s = min(times)
        scanned = [a for a in snapshot["accounts"] if not a.get("error")]
        findings = len(snapshot["findings"])
        log(f"scan: {scan_s:.2f} s, {len(scanned)} of {len(snapshot['accounts'])} accounts, "
            f"{findings} findings")

        counter = Child([os.path.join(HERE, "fault_proxy.py"), "--upstream", moto.endpoint],
                        "PROXY_PORT")
        proxies.append(counter)
        scan(parapet, counter.endpoint, home)
        requests = get_json(counter.port, "/__proxy/stats")["requests"]
        floor = requests / rate
        log(f"{requests} requests (floor {floor:.2f} s)")

        slow = Child([os.path.join(HERE, "fault_proxy.py"), "--upstream", moto.endpoint,
                      "--latency-ms", str(args.latency_ms)], "PROXY_PORT")
        proxies.append(slow)
        slow_s, _, _ = scan(parapet, slow.endpoint, home)
        log(f"scan with {args.latency_ms} ms per request: {slow_s:.2f} s")
        # One account alone behind the latency: how long an account's chain of dependent
        # calls takes when the emulator is not the bottleneck.
        one_s, _, _ = scan(parapet, slow.endpoint, home, accounts=ids[-1])
        log(f"one account with {args.latency_ms} ms per request: {one_s:.2f} s")
    finally:
        for p in proxies:
            p.stop()
        moto.stop()
        shutil.rmtree(home, ignore_errors=True)

    n = len(snapshot["accounts"])
    per_minute = n / slow_s * 60
    # One machine's ceiling behind real latency, from the measured parts: 16 accounts are
    # collected at once, each taking `one_s`; Parapet's own CPU per account; the in-flight cap.
    at_once = 16
    by_latency = at_once / one_s * 60
    by_cpu = (os.cpu_count() or 1) / (cpu / n) * 60 if cpu else None
    by_cap = 256 / (args.latency_ms / 1000) / (requests / n) * 60
    rows = [
        ("Organization", "—", f"{n} accounts (the management account and {n - 1} members), "
         f"each the small account; {len(scanned)} scanned, {findings} findings"),
        ("Requests in all", "—", f"{requests} ({requests / n:.0f} per account, "
         "AssumeRole and ListAccounts included)"),
        ("Emulator's max request rate (moto, measured)", "—", f"{rate:.0f} requests/s"),
        ("Emulator floor (requests ÷ rate)", "—", f"{floor:.2f} s"),
        ("Scan time (best of 2)", f"≤ 1.3 × floor = {1.3 * floor:.2f} s",
         f"{scan_s:.2f} s ({scan_s / floor:.2f} × floor)"),
        (f"Scan time, +{args.latency_ms} ms per request (proxy)", "—",
         f"{slow_s:.2f} s ({per_minute:.0f} accounts per minute; the emulator's rate bounds it)"),
        (f"One account alone, +{args.latency_ms} ms per request", "—", f"{one_s:.2f} s"),
        ("Parapet's CPU time (user + system), whole scan", "—",
         f"{cpu:.2f} s ({cpu / n * 1000:.0f} ms per account)" if cpu else "n/a"),
        (f"One machine behind {args.latency_ms} ms, accounts per minute (derived)", "—",
         f"≈ {min(x for x in (by_latency, by_cpu, by_cap) if x):.0f}: the least of "
         f"{at_once} at once ÷ {one_s:.2f} s = {by_latency:.0f}, "
         + (f"{os.cpu_count()} cores ÷ CPU per account = {by_cpu:.0f}, " if by_cpu else "")
         + f"256 in flight ÷ {args.latency_ms} ms ÷ {requests / n:.0f} requests = {by_cap:.0f}"),
        ("Peak RSS (`/usr/bin/time -v`)", "—",
         f"{rss / 1024:.1f} MiB" if rss else "n/a (/usr/bin/time missing)"),
    ]
    lines = ["| measure | target | measured |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    lines += ["", f"Measured by `scripts/bench-org` {args.describe}. Seeding took {seed_s:.0f} s."]
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
