"""Helpers for the aid stories: a valid bank card, uploads through the presigned POST, and
a worker's application taken to "submitted"."""
from __future__ import annotations

from typing import Any

import requests

from tests.conftest import body

ENTERPRISE = "zj/huz/nanxun/e-sanxing"
DISTRICT = "zj/huz/nanxun"
ILLNESS_DOCS = ("diagnosis", "household_register", "income_proof", "bank_card")


def luhn_card(prefix: str = "622202020011223344") -> str:
    digits = [int(c) for c in prefix]
    total = 0
    for i, d in enumerate(reversed(digits)):
        doubled = d * 2 - 9 if d > 4 else d * 2
        total += doubled if i % 2 == 0 else d
    return prefix + str((10 - total % 10) % 10)


CARD = luhn_card()


def draft(worker: Any, **overrides: Any) -> dict[str, Any]:
    payload = {"aid_type": "serious_illness", "household_size": 4, "household_income_fen": 4_800_000,
               "requested_fen": 1_000_000, "description": "父亲确诊尿毒症，需长期透析，家庭收入难以负担医疗费用。",
               "bank_card": CARD, "bank_name": "中国工商银行南浔支行", **overrides}
    response = worker.post("/aid/applications", payload)
    assert response.status_code == 201, response.body
    return body(response)


def upload(worker: Any, app_id: str, kind: str) -> dict[str, Any]:
    ticket = worker.post(f"/aid/applications/{app_id}/documents",
                         {"kind": kind, "filename": f"{kind}.jpg", "content_type": "image/jpeg"})
    assert ticket.status_code == 201, ticket.body
    t = body(ticket)
    sent = requests.post(t["url"], data=t["fields"], files={"file": (f"{kind}.jpg", b"\xff\xd8scan", "image/jpeg")},
                         timeout=10)
    assert sent.status_code in (200, 204), sent.text
    return t


def submitted(worker: Any, **overrides: Any) -> dict[str, Any]:
    app = draft(worker, **overrides)
    from chalicelib.aid.rules import AID_TYPES

    for kind in AID_TYPES[app["aid_type"]].required_docs:
        upload(worker, app["app_id"], kind)
    response = worker.post(f"/aid/applications/{app['app_id']}/submit")
    assert response.status_code == 200, response.body
    return body(response)


def step(admin: Any, app: dict[str, Any] | str, from_state: str, action: str, opinion: str = "",
         amount_fen: int | None = None) -> Any:
    app_id = app if isinstance(app, str) else app["app_id"]
    payload: dict[str, Any] = {"from_state": from_state, "action": action, "opinion": opinion}
    if amount_fen is not None:
        payload["amount_fen"] = amount_fen
    return admin.post(f"/aid/applications/{app_id}/steps", payload)
