#!/usr/bin/env python3
"""The quota benchmark (run through scripts/bench-live --quota): `parapet scan` of the
bench-live account (the small account plus 1,000 functions, 200 REST APIs, 1,000 secrets and
their triggers) through fault_proxy.py in quota mode: AWS's documented API request quotas per
region and bucket, over-quota requests answered with AWS's throttling errors, and 50 ms added
to every request.

Reports, as a Markdown table (stdout and target/bench-quota.md):
- at --quota-share 1.0: scan time against the quota floor (per bucket, Parapet's requests ÷
  the bucket's rate; the largest), throttling answers, unknown findings, and whether every
  finding is decided as in a scan without the proxy;
- at the default share (0.5), beside a second client drawing half of the tight buckets (a
  deploy pipeline): the same, against the floor at that share, and how often that second
  client would have been throttled;
- Prowler 5.x through the same proxy (when given): its time, the throttling answers it got,
  and the findings it lost (against its own run without the proxy).
Nothing is asserted.

    python bench_quota.py --parapet target/release/parapet [--prowler PATH] [--functions 1000 ...]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench_live import Child, account_args, get_json, log, scan, seed_account, REGION  # noqa: E402

# What a deploy pipeline draws (issue 19): half of each bucket a deploy uses.
DEPLOY = ("lambda.control-plane=0.5", "lambda.get-policy=0.5", "apigateway.total=0.5")


def quota_proxy(upstream, latency_ms, reserve=()):
    args = [os.path.join(HERE, "fault_proxy.py"), "--upstream", upstream, "--quota",
            "--latency-ms", str(latency_ms)]
    for r in reserve:
        args += ["--reserve", r]
    return Child(args, "PROXY_PORT")


def floor_seconds(stats, share):
    """The quota floor: per (region, bucket), the requests admitted ÷ (rate × share); the
    largest, and which bucket it is."""
    worst = (0.0, "-")
    for name, b in stats["quota"].items():
        seconds = b["admitted"] / (b["rate"] * share)
        worst = max(worst, (seconds, name))
    return worst


def decided_as(reference, snapshot):
    """(findings whose status differs from the reference's, unknown findings)."""
    ref = {(f["check_id"], f["resource_id"]): f["status"] for f in reference["findings"]}
    got = {(f["check_id"], f["resource_id"]): f["status"] for f in snapshot["findings"]}
    differ = sum(1 for k, s in ref.items() if got.get(k) != s) + sum(1 for k in got if k not in ref)
    unknown = sum(1 for f in snapshot["findings"] if f["status"] == "unknown")
    return differ, unknown


def prowler_findings(prowler, endpoint, home, tag):
    """(wall seconds, OCSF findings written) of one Prowler run, or None."""
    out = os.path.join(home, f"prowler-{tag}")
    env = dict(os.environ)
    env.update({
        "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true", "HOME": home,
    })
    env.pop("AWS_PROFILE", None)
    cmd = [prowler, "aws", "--no-banner", "--service", "awslambda", "apigateway", "apigatewayv2",
           "secretsmanager", "--region", REGION, "--excluded-check",
           "awslambda_function_no_secrets_in_code", "-M", "json-ocsf", "-o", out]
    start = time.monotonic()
    p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - start
    if p.returncode not in (0, 3):
        log(f"prowler exited {p.returncode}: {p.stderr[-1500:]}")
        return None
    count = 0
    for root, _, files in os.walk(out):
        for name in files:
            if name.endswith(".ocsf.json"):
                with open(os.path.join(root, name)) as f:
                    count += len(json.load(f))
    return wall, count


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    account_args(ap)
    ap.add_argument("--out", default="target/bench-quota.md")
    args = ap.parse_args()
    parapet = os.path.abspath(args.parapet)

    home = tempfile.mkdtemp(prefix="parapet-bench-quota-")
    os.makedirs(os.path.join(home, "config"))
    moto = Child([os.path.join(HERE, "moto_launcher.py")], "MOTO_PORT")
    proxies = []
    rows = []
    try:
        log(f"moto on {moto.endpoint}; seeding…")
        manifest, seed_s = seed_account(moto, args)
        functions = len(manifest["functions"]) + args.functions
        log(f"seeded in {seed_s:.0f} s")

        # The reference: every finding decided without any quota (pacing scaled out of the
        # way: at AWS's rates this scan alone would take as long as the one at share 0.5).
        _, _, reference = scan(parapet, moto.endpoint, home)
        findings = len(reference["findings"])
        ref_unknown = sum(1 for f in reference["findings"] if f["status"] == "unknown")
        log(f"reference scan: {findings} findings, {ref_unknown} unknown")

        results = {}
        for share, reserve in ((1.0, ()), (0.5, DEPLOY)):
            proxy = quota_proxy(moto.endpoint, args.latency_ms, reserve)
            proxies.append(proxy)
            extra = ["--quota-share", str(share)]
            log(f"scan at share {share} through the quota proxy…")
            wall, _, snapshot = scan(parapet, proxy.endpoint, home, extra=extra, quota_scale="1")
            stats = get_json(proxy.port, "/__proxy/stats")
            floor, bucket = floor_seconds(stats, share)
            throttled = stats["faults"].get("quota", 0)
            differ, unknown = decided_as(reference, snapshot)
            denied = sum(b["reserve_denied"] for b in stats["quota"].values())
            results[share] = (wall, floor, bucket, throttled, differ, unknown, denied, stats)
            log(f"share {share}: {wall:.1f} s, floor {floor:.1f} s ({bucket}), {throttled} "
                f"throttled, {differ} differ, {unknown} unknown")

        prowler = None
        if args.prowler:
            log("prowler without the proxy…")
            direct = prowler_findings(args.prowler, moto.endpoint, home, "direct")
            proxy = quota_proxy(moto.endpoint, args.latency_ms)
            proxies.append(proxy)
            log("prowler through the quota proxy…")
            quota = prowler_findings(args.prowler, proxy.endpoint, home, "quota")
            stats = get_json(proxy.port, "/__proxy/stats")
            if direct and quota:
                prowler = (quota[0], stats["faults"].get("quota", 0), direct[1] - quota[1],
                           direct[1], floor_seconds(stats, 1.0))
    finally:
        for p in proxies:
            p.stop()
        moto.stop()
        shutil.rmtree(home, ignore_errors=True)

    rows.append(("Account", "—", f"the bench-live account: {functions} functions; {findings} "
                 f"findings, {ref_unknown} unknown without the proxy"))
    for share, target in ((1.0, "≤ 1.15 × floor"), (0.5, "≤ 1.15 × floor at 0.5")):
        wall, floor, bucket, throttled, differ, unknown, denied, _ = results[share]
        label = "share 1.0" if share == 1.0 else "default share 0.5, a deploy pipeline drawing half"
        rows.append((f"Quota floor, {label}", "—", f"{floor:.1f} s (`{bucket}`)"))
        rows.append((f"Scan time, {label}", target, f"{wall:.1f} s ({wall / floor:.2f} × floor)"))
        rows.append((f"Throttling answers, {label}", "—", f"{throttled}"))
        rows.append((f"Findings not decided as without the proxy, {label}", "0",
                     f"{differ} ({unknown} unknown, {ref_unknown} without the proxy)"))
        if share == 0.5:
            rows.append(("Requests the deploy pipeline would have had throttled", "0",
                         f"{denied:.1f}"))
    if prowler:
        wall, throttled, lost, direct, (floor, bucket) = prowler
        rows.append(("Prowler 5.x through the same proxy", "—",
                     f"{wall:.1f} s ({wall / floor:.2f} × its own floor of {floor:.1f} s; "
                     f"{wall / results[1.0][0]:.2f} × Parapet at share 1.0), {throttled} "
                     f"throttling answers, {lost} of its {direct} findings missing"))
    else:
        rows.append(("Prowler 5.x through the same proxy", "—",
                     "not run (scripts/bench-live --quota --with-prowler)"))
    per_bucket = []
    for name, b in sorted(results[1.0][7]["quota"].items()):
        per_bucket.append(f"| `{name}` | {b['rate']:g} | {b['admitted']} | "
                          f"{b['admitted'] / b['rate']:.1f} s | {b['peak_per_second']} |")
    lines = ["| measure | target | measured |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    lines += ["", "Per bucket at share 1.0 (Parapet's requests; the floor is the largest time):",
              "", "| bucket | rate /s | requests | requests ÷ rate | most in one second |",
              "|---|---|---|---|---|"] + per_bucket
    lines += ["", f"Measured by `scripts/bench-live --quota` {args.describe}, +{args.latency_ms} "
              f"ms per request. Seeding took {seed_s:.0f} s."]
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
