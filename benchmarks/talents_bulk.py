"""Bulk declaration of 千名技能人才 by XLSX: a 1,000-row file with a share of bad rows (bad ID
checksum, unknown occupation, unknown level, not on the roster, a person twice), declared
through the real path (presigned-key upload → read, check every row, roster BatchGetItem,
already-declared BatchGetItem, transactions of 45 declarations + their events + the counter),
then the same file uploaded again. Checks the rejected list row by row and that the second
upload declares nobody; prints the time and the AWS calls of each upload.

    .venv/bin/python -m benchmarks.talents_bulk [rows] [bad share]
"""
from __future__ import annotations

import io
import os
import socket
import sys
import time
from collections import Counter


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


DISTRICT = "zj/huz/nanxun"
ENTERPRISE = f"{DISTRICT}/e-bench"
TEXT = "十年以上一线生产经验，获评企业岗位能手，带徒多名。"
BAD_KINDS = ["ID_NUMBER_CHECKSUM", "TALENT_OCCUPATION_UNKNOWN", "TALENT_LEVEL_UNKNOWN", "TALENT_NOT_ON_ROSTER",
             "TALENT_DUPLICATE_ROW"]


def _person(n: int) -> tuple[str, str]:
    from datetime import date, timedelta

    from chalicelib.platform import pii

    birth = (date(1970, 1, 1) + timedelta(days=n % 9000)).strftime("%Y%m%d")
    first17 = f"330503{birth}{n // 9000 % 1000:03d}"
    return f"技工{n:04d}", first17 + pii.id_check_digit(first17)


def _file(count: int, bad_share: float) -> tuple[bytes, dict[int, str], list[tuple[str, str]]]:
    """The XLSX, the expected rejections (row → code) and the people on the roster."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "申报表"
    sheet.append(["姓名", "身份证号", "职业编码", "技能等级", "推荐理由"])
    every = max(1, round(1 / bad_share)) if bad_share > 0 else count + 1
    expected: dict[int, str] = {}
    roster: list[tuple[str, str]] = []
    bad = 0
    for n in range(count):
        row_number = n + 2
        name, number = _person(n)
        row = [name, number, "6-31-01-03", "三级/高级工", TEXT]
        if n % every == every - 1 and n > 0:
            kind = BAD_KINDS[bad % len(BAD_KINDS)]
            bad += 1
            expected[row_number] = kind
            if kind == "ID_NUMBER_CHECKSUM":
                row[1] = number[:-1] + ("0" if number[-1] != "0" else "1")
            elif kind == "TALENT_OCCUPATION_UNKNOWN":
                row[2] = "6-99-99-99"
            elif kind == "TALENT_LEVEL_UNKNOWN":
                row[3] = "特级工"
            elif kind == "TALENT_DUPLICATE_ROW":
                row[0], row[1] = _person(n - 1)       # the row above, again
        if expected.get(row_number) not in ("TALENT_NOT_ON_ROSTER", "TALENT_DUPLICATE_ROW"):
            roster.append((name, number))
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), expected, roster


def main() -> None:
    from moto.server import ThreadedMotoServer

    from local import moto_atomic

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    bad_share = float(sys.argv[2]) if len(sys.argv) > 2 else 0.1
    moto_atomic.patch_server()
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    _environment(f"http://127.0.0.1:{port}")
    try:
        _run(count, bad_share)
    finally:
        server.stop()


def _run(count: int, bad_share: float) -> None:
    import logging

    logging.disable(logging.WARNING)
    import app as app_module
    from benchmarks._table import print_table
    from chalicelib.identity.models import RosterEntry
    from chalicelib.orgs.logic import create_node
    from chalicelib.orgs.schemas import NewOrg
    from chalicelib.platform import clock, pii
    from chalicelib.platform.auth import Principal, Role
    from chalicelib.platform.aws import CallRecorder, client, install_recorder, uninstall_recorder
    from chalicelib.platform.settings import get_settings
    from chalicelib.talents import logic
    from chalicelib.talents.schemas import TalentRoundBody
    from local import bootstrap

    bootstrap.reset_caches()
    bootstrap.create_all(app_module.app)
    union = Principal(user_id="bench-nanxun", role=Role.UNION_ADMIN, org_path=DISTRICT, name="南浔区总工会")
    create_node(union, NewOrg(parent_path=DISTRICT, slug="e-bench", name="南浔压测企业工会", region_code=None))
    admin = Principal(user_id="bench-enterprise", role=Role.ENTERPRISE_ADMIN, org_path=ENTERPRISE, name="企业工会")
    deadline = (clock.today_shanghai().replace(month=12, day=31)).isoformat()
    rnd = logic.open_round(union, TalentRoundBody(year=2026, title="压测批次", deadline=deadline,
                                                  quota_per_enterprise=count, city_step=False))
    content, expected, roster = _file(count, bad_share)
    now = clock.now_iso()
    with RosterEntry.batch_write() as batch:
        for name, number in roster:
            batch.save(RosterEntry(pii.lookup_hash(number), ENTERPRISE, name=name, enterprise="压测企业",
                                   status="active", roster_scope=ENTERPRISE, import_id="ri-bench", updated_at=now))

    rows = []
    results = []
    for attempt in ("first upload", "same file again"):
        ticket = logic.bulk_ticket(admin, rnd.round_id)
        client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=ticket.fields["key"], Body=content)
        recorder = CallRecorder()
        install_recorder(recorder)
        started = time.perf_counter()
        result = logic.bulk_declare(admin, rnd.round_id, ticket.upload_id)
        seconds = time.perf_counter() - started
        uninstall_recorder(recorder)
        results.append(result)
        calls = Counter(c.operation for c in recorder.calls)
        rows.append([attempt, result.rows, result.declared, result.already_declared, len(result.rejected),
                     seconds, sum(calls.values()), calls.get("TransactWriteItems", 0), calls.get("BatchGetItem", 0)])
    first, second = results
    got = {r.row: r.code for r in first.rejected}
    assert got == expected, f"rejected rows differ: {sorted(set(got.items()) ^ set(expected.items()))[:10]}"
    assert all(r.reason for r in first.rejected)
    assert first.declared == count - len(expected) and second.declared == 0
    assert second.already_declared == first.declared and {r.row: r.code for r in second.rejected} == expected
    print_table(f"Bulk declaration by XLSX: {count} rows, {len(expected)} bad ({', '.join(BAD_KINDS)})",
                ["upload", "rows", "declared", "already declared", "rejected", "seconds", "AWS calls",
                 "TransactWriteItems", "BatchGetItem"], rows,
                note="moto server on this machine (every call is a local HTTP round trip); the rejected list was "
                     "checked row by row against the rows made bad, the second upload declared nobody")


if __name__ == "__main__":
    main()
