"""A front-end team builds only from /openapi.json: a Python client generated from it
(``openapi-python-client``, into a temporary directory, never committed) drives one whole
光年间 journey and one whole 优享 journey against the API over HTTP.

- 光年间: 王小丽 logs in, passes the Alipay face check, is matched against 光年科技's roster in
  the background, signs the pledge, becomes active, fills in her profile and browses.
- 优享: 陈宏鑫, a new hire at 三行电气, finds a bed by roommate fit, applies, is approved in the
  background as a new hire, checks in and sees his room.

Every call goes through the generated functions and models; a call the generator could not
produce, or an answer it could not parse into its model, fails the test."""
from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PACKAGE = "gonghui_generated_client"


@pytest.fixture(scope="module")
def generated(chalice_app: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from chalicelib.platform.openapi import build

    root = tmp_path_factory.mktemp("client")
    spec = root / "openapi.json"
    spec.write_text(json.dumps(build(chalice_app), ensure_ascii=False), encoding="utf-8")
    generator = Path(sys.executable).with_name("openapi-python-client")
    done = subprocess.run([str(generator), "generate", "--path", str(spec), "--meta", "none",
                           "--output-path", str(root / PACKAGE)], check=False, capture_output=True, text=True,
                          timeout=300)
    assert (root / PACKAGE / "client.py").exists(), done.stdout + done.stderr
    skipped = [line for line in done.stdout.splitlines() if "will not be generated" in line or "Unable to" in line]
    assert not skipped, "\n".join(skipped)
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n.startswith(PACKAGE)]:
            del sys.modules[name]


class Api:
    """``api.call("dorms", "dorms_apply_for_bed", body={...}, building_id=...)`` → the parsed model."""

    def __init__(self, package: Any, base_url: str, token: str | None = None) -> None:
        self.package = package
        client_module = importlib.import_module(f"{PACKAGE}.client")
        self.client = (client_module.AuthenticatedClient(base_url=base_url, token=token, raise_on_unexpected_status=True)
                       if token else client_module.Client(base_url=base_url, raise_on_unexpected_status=True))

    def call(self, tag: str, operation: str, *, status: int | None = None, body: dict[str, Any] | None = None,
             **params: Any) -> Any:
        module = importlib.import_module(f"{PACKAGE}.api.{tag}.{operation}")
        if body is not None:
            hint = module.sync_detailed.__annotations__["body"]
            model_name = hint if isinstance(hint, str) else hint.__name__
            model = getattr(importlib.import_module(f"{PACKAGE}.models"), model_name.split("|")[0].strip())
            params["body"] = model.from_dict(body)
        response = module.sync_detailed(client=self.client, **params)
        ok = response.status_code == status if status else 200 <= response.status_code < 300
        assert ok, (operation, response.status_code, response.content[:300])
        assert response.parsed is not None, f"{operation}: the generated client could not parse {response.content[:300]!r}"
        return response.parsed

    def login(self, base_url: str, **who: Any) -> Api:
        tokens = self.call("accounts", "accounts_dev_login", body=who)
        return Api(self.package, base_url, tokens.access_token)


def test_a_generated_client_walks_the_guangnianjian_journey(generated, live_api, fakes, pump, monkeypatch):
    from local.demo import accounts as demo_accounts
    from local.demo import identity as demo_identity

    monkeypatch.setattr(demo_identity, "VERIFIED", 8)
    monkeypatch.setattr(demo_identity, "ACTIVE", 4)
    monkeypatch.setattr(demo_identity, "IN_BACKGROUND", False)
    demo_accounts.seed()
    demo_identity.seed()
    pump.drain()

    wang = Api(generated, live_api).login(live_api, role="worker", user_id="demo-xiaowang", org_path="zj/hz/xihu")
    started = wang.call("identity", "identity_start_face_check",
                        body={"real_name": "王小丽", "id_number": demo_identity.WANG_ID})
    fakes.complete_certify(started.certify_id)
    wang.call("identity", "identity_face_callback", body={"certify_id": started.certify_id, "result_code": "9000"})
    pump.drain()  # the roster match runs in the background
    assert wang.call("identity", "identity_my_status").state == "member_verified"
    pledge = wang.call("identity", "identity_pledge_text")
    assert wang.call("identity", "identity_accept_pledge", body={"version": pledge.version, "agree": True}).state \
        == "active"
    pump.drain()

    wang.call("profiles", "profiles_save_profile", body={
        "nickname": "小丽", "gender": "female", "birth_year": 1996, "height_cm": 163, "hometown": "浙江绍兴",
        "education": "bachelor", "industry": "互联网", "job": "产品经理", "city": "hz", "district": "xihu",
        "hobbies": ["reading", "photography"], "sports": ["hiking"], "free_tags": ["爱笑"],
        "intro": "喜欢周末去爬山，也喜欢安静地看书。",
        "seeking": {"gender": "male", "age_min": 25, "age_max": 38, "cities": ["hz"], "must_have": [],
                    "nice_to_have": ["hiking"]}})
    mine = wang.call("profiles", "profiles_my_profile")
    assert mine.nickname == "小丽"
    browse = wang.call("profiles", "profiles_browse")
    assert isinstance(browse.items, list)


def test_a_generated_client_walks_the_youxiang_dorm_journey(generated, live_api, pump):
    from local.demo import accounts as demo_accounts
    from local.demo import dorms as demo_dorms

    demo_accounts.seed()
    demo_dorms.seed()

    chen = Api(generated, live_api).login(live_api, role="worker", user_id="demo-worker")
    building = chen.call("dorms", "dorms_list_buildings").items[0]
    assert building.name == "工匠之家"
    best = chen.call("dorms", "dorms_recommend", building_id=building.building_id).items[0]
    applied = chen.call("dorms", "dorms_apply_for_bed", status=201, body={
        "building_id": building.building_id, "room_no": best.room_no, "bed_no": best.bed_no})
    assert applied.status == "submitted"
    assert "后台" in applied.next_step and "GET /dorms/me" in applied.next_step  # says what happens next
    pump.drain()  # decided in the background: a new hire is approved by the enterprise's rule
    approved = chen.call("dorms", "dorms_my_dorm").application
    assert approved.status == "approved" and "check-in" in approved.next_step
    chen.call("dorms", "dorms_check_in_myself", body={})
    assert chen.call("dorms", "dorms_my_dorm").room.room_no == best.room_no
