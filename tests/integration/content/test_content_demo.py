"""The local stack's content demo: the district's news and legal article are readable by the
demo worker, and tomorrow's legal article appears when the schedule runs at its time."""
from __future__ import annotations

from datetime import timedelta

from tests.conftest import body
from tests.integration.content.support import PUBLISH, later


def test_the_demo_worker_reads_the_districts_articles_and_tomorrows_appears_on_time(login, pump):
    from local.demo import content

    content.seed()
    content.seed()  # a second start of the stack adds nothing
    worker = login("worker", user_id="demo-worker", org_path="zj/huz/nanxun/e-sanxing")
    assert [i["title"] for i in body(worker.get("/content/channels/legal/articles"))["items"]] \
        == ["劳动合同法：试用期工资怎么算"]
    assert len(body(worker.get("/content/search?q=职工书屋"))["items"]) == 1
    with later(timedelta(days=1, hours=12)):
        assert pump.run_schedule(PUBLISH) == {"published": 1}
    assert len(body(worker.get("/content/channels/legal/articles"))["items"]) == 2
