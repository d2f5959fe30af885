"""Roster import throughput: a 100,000-row 智慧工会 export through the real import path
(presigned-key upload → S3 notification → split Lambda → chunk queue → chunk Lambda batch
writes → progress → completion) against raw ``BatchWriteItem`` of the same rows, on the
same moto server.

    .venv/bin/python -m benchmarks.identity_roster_import [rows]
"""
from __future__ import annotations

import csv
import io
import os
import socket
import sys
import time
from typing import Any


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(url: str) -> None:
    os.environ.update({
        "GONGHUI_STAGE": "local", "AWS_ENDPOINT_URL": url, "AWS_DEFAULT_REGION": "cn-north-1",
        "AWS_REGION": "cn-north-1", "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
        "GONGHUI_TRACING": "0", "POWERTOOLS_LOG_LEVEL": "WARNING", "POWERTOOLS_METRICS_DISABLED": "true",
    })
    os.environ.pop("AWS_PROFILE", None)


ENTERPRISES = ["e-lightyear", "e-westlake", "e-zhijiang", "e-longjing"]
XIHU = "zj/hz/xihu"


def _rows(count: int) -> list[list[str]]:
    from datetime import date, timedelta

    from chalicelib.platform import pii

    rows = []
    for n in range(count):
        birth = (date(1970, 1, 1) + timedelta(days=n % 12000)).strftime("%Y%m%d")
        first17 = f"330106{birth}{n // 12000 % 1000:03d}"
        rows.append([f"会员{n:06d}", first17 + pii.id_check_digit(first17), "杭州光年科技有限公司",
                     f"{XIHU}/{ENTERPRISES[n % len(ENTERPRISES)]}", "在会", ""])
    return rows


def _unique(rows: list[list[str]]) -> list[list[str]]:
    seen: set[str] = set()
    out = []
    for row in rows:
        if row[1] not in seen:
            seen.add(row[1])
            out.append(row)
    return out


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["姓名", "身份证号", "单位名称", "工会组织", "会员状态", "手机号"])
    writer.writerows(rows)
    return buffer.getvalue().encode("gbk")


def main() -> None:
    from moto.server import ThreadedMotoServer

    from local import moto_atomic

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    moto_atomic.patch_server()
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    _environment(f"http://127.0.0.1:{port}")
    try:
        _run(count)
    finally:
        server.stop()


def _run(count: int) -> None:
    import logging

    logging.disable(logging.WARNING)
    import app as app_module
    from chalicelib.identity import roster
    from chalicelib.identity.models import RosterEntry, RosterImport
    from chalicelib.identity.schemas import NewRosterImport
    from chalicelib.orgs.logic import create_node
    from chalicelib.orgs.schemas import NewOrg
    from chalicelib.platform import pii
    from chalicelib.platform.auth import Principal, Role
    from chalicelib.platform.aws import client
    from chalicelib.platform.settings import get_settings
    from local import bootstrap
    from local.pump import EventPump

    bootstrap.reset_caches()
    rule_queues = bootstrap.create_all(app_module.app)
    admin = Principal(user_id="bench-admin", role=Role.UNION_ADMIN, org_path=XIHU)
    for slug in ENTERPRISES:
        create_node(admin, NewOrg(parent_path=XIHU, slug=slug, name=f"{slug} 工会", region_code=None))
    rows = _unique(_rows(count))
    data = _csv(rows)
    pump = EventPump(app_module.app, rule_queues)

    # --- our path -----------------------------------------------------------------------------
    upload = roster.start_import(admin, NewRosterImport(scope=XIHU, file_name="名册.csv", file_format="csv",
                                                        mode="add"))
    started = time.perf_counter()
    client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=upload.object_key, Body=data)
    split_started = time.perf_counter()
    for source in pump.s3_sources():
        pump.pump_s3(source)
    split_s = time.perf_counter() - split_started
    written_started = time.perf_counter()
    pump.drain(max_rounds=100_000)
    ours_s = time.perf_counter() - started
    write_s = time.perf_counter() - written_started
    imp = RosterImport.get(upload.import_id)
    assert imp.status == "completed", imp.status
    accepted = int(imp.rows_accepted)

    # --- a replace dry run of the same file: every row read back and compared, nothing written -----
    dry = roster.start_import(admin, NewRosterImport(scope=XIHU, file_name="名册.csv", file_format="csv",
                                                     mode="replace", dry_run=True))
    client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=dry.object_key, Body=data)
    dry_started = time.perf_counter()
    for source in pump.s3_sources():
        pump.pump_s3(source)
    dry_s = time.perf_counter() - dry_started
    previewed = RosterImport.get(dry.import_id)
    assert previewed.status == "previewed" and int(previewed.rows_unchanged) == accepted, previewed.status

    # --- raw BatchWriteItem of the same items into a table of the same shape -------------------
    ddb = client("dynamodb")
    description = ddb.describe_table(TableName=RosterEntry.Meta.table_name)["Table"]
    raw_table = f"{RosterEntry.Meta.table_name}-raw"
    ddb.create_table(TableName=raw_table, KeySchema=description["KeySchema"],
                     AttributeDefinitions=description["AttributeDefinitions"], BillingMode="PAY_PER_REQUEST",
                     GlobalSecondaryIndexes=[{"IndexName": g["IndexName"], "KeySchema": g["KeySchema"],
                                              "Projection": g["Projection"]}
                                             for g in description.get("GlobalSecondaryIndexes", [])])
    now = "2026-11-29T00:00:00.000Z"
    items = [{"id_hash": {"S": pii.lookup_hash(r[1])}, "org_path": {"S": r[3]}, "name": {"S": r[0]},
              "enterprise": {"S": r[2]}, "status": {"S": "active"}, "roster_scope": {"S": XIHU},
              "import_id": {"S": upload.import_id}, "source": {"S": "import"}, "updated_at": {"S": now}}
             for r in rows]
    raw_started = time.perf_counter()
    for i in range(0, len(items), 25):
        pending: dict[str, Any] = {raw_table: [{"PutRequest": {"Item": it}} for it in items[i:i + 25]]}
        while pending:
            pending = ddb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
    raw_s = time.perf_counter() - raw_started

    print(f"Roster import, {len(rows):,} rows (GBK CSV, {len(data) / 1e6:.1f} MB), "
          f"one moto server at {os.environ['AWS_ENDPOINT_URL']}")
    print(f"{'path':<46}{'seconds':>10}{'rows/s':>12}")
    print(f"{'ours: upload → completed (end to end)':<46}{ours_s:>10.1f}{accepted / ours_s:>12,.0f}")
    print(f"{'  of which split Lambda (parse, check, hash)':<46}{split_s:>10.1f}{len(rows) / split_s:>12,.0f}")
    print(f"{'  of which chunk Lambdas (queue + writes)':<46}{write_s:>10.1f}{accepted / write_s:>12,.0f}")
    print(f"{'replace dry run, same file (split + counts)':<46}{dry_s:>10.1f}{len(rows) / dry_s:>12,.0f}")
    print(f"{'raw BatchWriteItem, same items':<46}{raw_s:>10.1f}{len(items) / raw_s:>12,.0f}")
    print(f"ratio ours end-to-end / raw: {(accepted / ours_s) / (len(items) / raw_s):.2f}; "
          f"chunk writes / raw: {(accepted / write_s) / (len(items) / raw_s):.2f}; "
          f"chunks: {int(imp.chunks_total)} of {roster.CHUNK_ROWS} rows; accepted {accepted:,}, "
          f"rejected {int(imp.rows_rejected):,}")


if __name__ == "__main__":
    main()
