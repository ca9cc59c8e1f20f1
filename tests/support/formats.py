#!/usr/bin/env python3
"""Reads Parapet's export formats back with independent implementations and checks them.

    formats.py ocsf FILE       every element validated as an OCSF 1.5.0 DetectionFinding by
                               py-ocsf-models (the models Prowler builds its OCSF output with),
                               in pydantic's strict JSON mode, plus what the models do not
                               check: unknown keys (outside `unmapped`), class_uid 2004,
                               category_uid 2, type_uid = class_uid*100 + activity_id,
                               metadata.version 1.5.0
    formats.py asff FILE       every line one {"Findings": [...]} batch, validated as the input
                               of Security Hub's BatchImportFindings by botocore's own service
                               model (what `aws securityhub batch-import-findings` checks before
                               sending), plus what botocore's validator skips: enums, maximum
                               lengths, patterns, ISO-8601 times, at most 100 findings a batch,
                               1..32 resources, one region a batch matching the ProductArn
    formats.py csv FILE        parsed by Python's csv module (RFC 4180)
    formats.py markdown FILE   parsed by markdown-it-py (CommonMark + GFM tables)

On success prints one JSON object describing what was read (for the Rust test to compare with
the snapshot) and exits 0; on a problem prints each problem to stderr and exits 1.
"""
import csv
import json
import re
import sys
from datetime import datetime


def fail(problems):
    for p in problems:
        print(p, file=sys.stderr)
    sys.exit(1)


# ─── OCSF ───

def ocsf(path):
    import pydantic
    from py_ocsf_models import OCSF_VERSION
    from py_ocsf_models.events.findings.detection_finding import DetectionFinding

    def unknown_keys(model, data, where):
        out = []
        if not isinstance(data, dict) or not isinstance(model, pydantic.BaseModel):
            return out
        fields = type(model).model_fields
        for k, v in data.items():
            p = f"{where}.{k}" if where else k
            if k not in fields:
                out.append(f"{p}: unknown field")
            elif k != "unmapped":
                sub = getattr(model, k)
                if isinstance(sub, pydantic.BaseModel):
                    out += unknown_keys(sub, v, p)
                elif isinstance(sub, list) and isinstance(v, list):
                    for i, (m, d) in enumerate(zip(sub, v)):
                        out += unknown_keys(m, d, f"{p}[{i}]")
        return out

    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    if not isinstance(doc, list):
        fail([f"{path}: not a JSON array"])
    problems, uids, statuses = [], [], []
    for i, obj in enumerate(doc):
        errs = []
        try:
            model = DetectionFinding.model_validate_json(json.dumps(obj), strict=True)
        except pydantic.ValidationError as e:
            errs += [f"{'.'.join(str(x) for x in err['loc'])}: {err['msg']}" for err in e.errors()]
        else:
            errs += unknown_keys(model, obj, "")
            if obj.get("class_uid") != 2004:
                errs.append(f"class_uid {obj.get('class_uid')!r} is not 2004")
            if obj.get("category_uid") != 2:
                errs.append(f"category_uid {obj.get('category_uid')!r} is not 2")
            if obj.get("type_uid") != 2004 * 100 + obj.get("activity_id", -1):
                errs.append("type_uid is not class_uid*100 + activity_id")
            if obj.get("metadata", {}).get("version") != OCSF_VERSION:
                errs.append(f"metadata.version is not {OCSF_VERSION}")
        if errs:
            problems.append(f"finding[{i}] INVALID:\n  - " + "\n  - ".join(errs))
        else:
            uids.append(obj["finding_info"]["uid"])
            statuses.append([obj.get("status_code"), obj.get("status_id")])
    if problems:
        fail(problems)
    print(json.dumps({"count": len(doc), "uids": uids, "statuses": statuses,
                      "ocsf_version": OCSF_VERSION}))


# ─── ASFF ───

DOCUMENTED = {"Resources": (1, 32), "Types": (0, 50)}
MAX_LEN = {"Id": 512, "Title": 256, "Description": 1024}


def asff(path):
    import botocore.session
    from botocore.validate import ParamValidator

    model = botocore.session.get_session().get_service_model("securityhub")
    input_shape = model.operation_model("BatchImportFindings").input_shape
    finding_shape = input_shape.members["Findings"].member
    resource_types = set(model.shape_for("ResourceDetails").members)
    validator = ParamValidator()

    def strict(shape, value, where, errs):
        meta, t = shape.metadata, shape.type_name
        if t == "structure" and isinstance(value, dict):
            for k, v in value.items():
                if k in shape.members:
                    strict(shape.members[k], v, f"{where}.{k}", errs)
        elif t == "list" and isinstance(value, list):
            if "max" in meta and len(value) > meta["max"]:
                errs.append(f"{where}: {len(value)} items > {meta['max']}")
            for i, v in enumerate(value):
                strict(shape.member, v, f"{where}[{i}]", errs)
        elif t == "map" and isinstance(value, dict):
            for k, v in value.items():
                strict(shape.key, k, f"{where}<{k}>", errs)
                strict(shape.value, v, f"{where}[{k}]", errs)
        elif t == "string" and isinstance(value, str):
            if shape.enum and value not in shape.enum:
                errs.append(f"{where}: {value!r} not one of {shape.enum}")
            if "max" in meta and len(value) > meta["max"]:
                errs.append(f"{where}: longer than {meta['max']}")
            if "pattern" in meta and not re.fullmatch(meta["pattern"], value, re.S):
                errs.append(f"{where}: {value!r} does not match {meta['pattern']!r}")

    problems, count, batches, ids, regions = [], 0, 0, [], {}
    with open(path, encoding="utf-8") as fh:
        lines = [line for line in fh.read().split("\n") if line.strip()]
    for n, line in enumerate(lines, 1):
        doc = json.loads(line)
        batch = doc.get("Findings") if isinstance(doc, dict) else None
        if not isinstance(batch, list) or set(doc) != {"Findings"}:
            problems.append(f"line {n}: not a {{\"Findings\": [...]}} document")
            continue
        batches += 1
        if not 1 <= len(batch) <= 100:
            problems.append(f"line {n}: {len(batch)} findings, BatchImportFindings takes 1..100")
        report = validator.validate({"Findings": batch}, input_shape)
        if report.has_errors():
            problems.append(f"line {n}: {report.generate_report()}")
        batch_regions = set()
        for i, f in enumerate(batch):
            errs = []
            strict(finding_shape, f, "Finding", errs)
            for k, (lo, hi) in DOCUMENTED.items():
                if not lo <= len(f.get(k, [])) <= hi:
                    errs.append(f"{k}: {len(f.get(k, []))} items, documented range {lo}..{hi}")
            for k, hi in MAX_LEN.items():
                if len(f.get(k, "")) > hi:
                    errs.append(f"{k}: longer than {hi}")
            if f.get("SchemaVersion") != "2018-10-08":
                errs.append("SchemaVersion is not 2018-10-08")
            for k in ("CreatedAt", "UpdatedAt"):
                try:
                    datetime.fromisoformat(f.get(k, "").replace("Z", "+00:00"))
                except ValueError:
                    errs.append(f"{k}: not ISO-8601")
            for k in ("Severity", "Types"):
                if k not in f:
                    errs.append(f"{k}: missing")
            # A resource's Type is one Security Hub names a details shape for (the ASFF
            # resource types), or Other.
            for r in f.get("Resources", []):
                if r.get("Type") != "Other" and r.get("Type") not in resource_types:
                    errs.append(f"Resources: Type {r.get('Type')!r} is not an ASFF resource type")
            product = f"arn:aws:securityhub:{f.get('Region')}:{f.get('AwsAccountId')}:product/{f.get('AwsAccountId')}/default"
            if f.get("ProductArn") != product:
                errs.append(f"ProductArn {f.get('ProductArn')!r} is not the default product {product!r}")
            batch_regions.add(f.get("Region"))
            if errs:
                problems.append(f"line {n} finding[{i}] (Id={f.get('Id')!r}):\n  - " + "\n  - ".join(errs))
            else:
                ids.append(f["Id"])
                regions[f["Region"]] = regions.get(f["Region"], 0) + 1
        if len(batch_regions) > 1:
            problems.append(f"line {n}: findings of several regions {sorted(batch_regions)} in one batch")
        count += len(batch)
    if problems:
        fail(problems)
    import botocore
    print(json.dumps({"count": count, "batches": batches, "ids": ids, "regions": regions,
                      "botocore": botocore.__version__}))


# ─── CSV ───

def csv_(path):
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, strict=True))
    if not rows:
        fail([f"{path}: empty"])
    header, body = rows[0], rows[1:]
    bad = [f"row {i + 2}: {len(r)} fields, header has {len(header)}" for i, r in enumerate(body)
           if len(r) != len(header)]
    if bad:
        fail(bad)
    print(json.dumps({"header": header, "rows": [dict(zip(header, r)) for r in body]}))


# ─── Markdown ───

def markdown(path):
    from markdown_it import MarkdownIt

    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    headings, tables, links = [], [], 0
    for i, t in enumerate(tokens):
        if t.type == "heading_open":
            headings.append([int(t.tag[1]), tokens[i + 1].content])
        elif t.type == "table_open":
            tables.append({"rows": 0, "cells": []})
        elif t.type == "tr_open" and tables:
            tables[-1]["rows"] += 1
        elif t.type == "inline" and tables and tokens[i - 1].type in ("td_open", "th_open"):
            tables[-1]["cells"].append(t.content)
        elif t.type == "table_close":
            pass
    items = sum(1 for t in tokens if t.type == "list_item_open")
    print(json.dumps({"headings": headings, "tables": tables, "list_items": items,
                      "chars": len(text), "lines": text.count("\n")}))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("ocsf", "asff", "csv", "markdown"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    {"ocsf": ocsf, "asff": asff, "csv": csv_, "markdown": markdown}[sys.argv[1]](sys.argv[2])
