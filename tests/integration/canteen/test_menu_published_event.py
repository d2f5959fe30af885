"""Publishing a day's menu and its MenuPublished event are one unit (the transactional outbox):
the event reaches the bus once — even when the menu Lambda dies right after the first write and
the next run publishes the rest of the day — and not at all from a run whose writes found the
menus published by a concurrent run."""
from __future__ import annotations

from typing import Any

import pytest

from chalicelib.canteen import logic
from chalicelib.canteen.models import Menu
from tests.bus import EventSpy, LambdaKilled, killed_after_commit
from tests.integration.canteen.conftest import put_days

PUBLISH = "canteen_events_canteen_menu_publish_tomorrow"


@pytest.fixture
def spy(aws: Any, pump: Any) -> EventSpy:
    return EventSpy(pump)


def _menus(canteen_id: str) -> list[Menu]:
    return list(Menu.query(canteen_id))


def test_the_days_menu_is_announced_once_even_when_the_lambda_dies_after_the_first_write(
        canteen, pump, today, spy, monkeypatch):
    put_days(canteen, [today])
    with killed_after_commit(monkeypatch), pytest.raises(LambdaKilled):
        pump.run_schedule(PUBLISH)
    assert [m.status for m in _menus(canteen.canteen_id)].count("published") == 1  # the first write stood

    assert pump.run_schedule(PUBLISH)["published"] == 3  # the next run publishes the rest of the day
    assert {m.status for m in _menus(canteen.canteen_id)} == {"published"}
    events = spy.of("MenuPublished")
    assert [e["detail"]["data"] for e in events] == [{"canteen_id": canteen.canteen_id, "day": today.isoformat()}]


def test_a_run_whose_writes_lost_to_a_concurrent_run_announces_nothing(canteen, today, spy, monkeypatch):
    put_days(canteen, [today])
    real = logic.transaction
    interfered: list[bool] = []

    def a_concurrent_run_publishes_first() -> Any:
        if not interfered:
            interfered.append(True)
            for menu in _menus(canteen.canteen_id):
                menu.update(actions=[Menu.status.set("published")])
        return real()

    monkeypatch.setattr(logic, "transaction", a_concurrent_run_publishes_first)
    assert logic.publish_due_menus()["published"] == 0
    assert {m.status for m in _menus(canteen.canteen_id)} == {"published"}
    assert spy.of("MenuPublished") == [], "this run published nothing, so it announced nothing"
