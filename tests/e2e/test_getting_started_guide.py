"""The README's "Getting started locally" and `make run`'s banner tell a newcomer the same
things: every demo account, every fake control URL, the test people's ID numbers, the 浙政钉
staff ids and the port options (listed once, in local/guide.py) — and the ID numbers are the
ones the demo really loads."""
from __future__ import annotations

from pathlib import Path

from local import guide
from local.demo import accounts as demo_accounts
from local.demo import identity as demo_identity

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Getting started locally", 1)[1].split("\n## ", 1)[0]


def test_the_readme_names_everything_the_banner_prints():
    banner = guide.banner("http://127.0.0.1:8000", "http://127.0.0.1:9", "ws://127.0.0.1:8001/local")
    for body, _who, _shows in guide.DEMO_ACCOUNTS:
        assert body in SECTION and body in banner
    for _what, route, _args in guide.FAKE_CONTROLS:
        path = route.split(" ", 1)[1]
        assert f"$FAKES{path}" in SECTION and path in banner
    for name, number, _what in guide.TEST_PEOPLE:
        assert f"| {name} | `{number}` |" in SECTION and number in banner
    for user_id, account_id in demo_accounts.DINGTALK_IDS.items():
        assert f"`{account_id}`" in SECTION and user_id in SECTION
        assert account_id in banner
    for flag, _default, _what in guide.PORTS:
        for option in flag.split(" / "):
            if option.startswith("-"):
                assert f"`{option}`" in SECTION, option


def test_the_test_people_are_the_ones_the_demo_loads():
    assert [number for _n, number, _w in guide.TEST_PEOPLE] == \
        [demo_identity.WANG_ID, demo_identity.LI_ID, demo_identity.CHEN_ID]
    assert demo_identity.CHEN["user_id"] == "demo-worker" and demo_identity.CHEN["real_name"] == "陈宏鑫"
