"""光年间 spaces at 1,000 and 100,000 posts: items read and DynamoDB calls per page of the topic
square, a topic page (newest and hottest), a planet feed and a forum board — bounded by the
page size, whatever the number of posts; no Scan.

moto in-process (mock_aws) with the partition-aware Query the other read benchmarks use. The
posts (a quarter in a planet, a quarter in a forum board, half in the feed spread over 50
topics) are inserted straight into moto's tables, as ``logic.create_post`` would have written
them (the benchmark measures reading); the pages go through the same logic functions the HTTP
routes call, with every botocore call recorded.

Run: .venv/bin/python -m benchmarks.social_spaces_reads
"""
from __future__ import annotations

import os
import random
import time
from datetime import timedelta
from typing import Any

os.environ.update({"GONGHUI_STAGE": "local", "AWS_DEFAULT_REGION": "cn-north-1", "AWS_REGION": "cn-north-1",
                   "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"})
os.environ.pop("AWS_ENDPOINT_URL", None)

from moto import mock_aws

from benchmarks._table import print_table
from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.aws import CallRecorder, install_recorder, reset_work, set_work

SIZES = tuple(int(x) for x in os.environ.get("BENCH_SIZES", "1000,100000").split(","))
PAGE = 20
PAGES = 2
TOPICS = 50
AUTHORS = 200
ORG = "zj/huz/nanxun/e-sanxing"
PLANET, BOARD = "pl-00be0c01", "b-00b0a4d1"


def _put(table: Any, model_item: Any) -> None:
    from moto.dynamodb.models.dynamo_type import DynamoType, Item

    attrs = model_item.serialize()
    hash_name = type(model_item)._hash_key_attribute().attr_name
    range_attr = type(model_item)._range_key_attribute()
    hk = DynamoType(attrs[hash_name])
    if range_attr is None:
        table.items[hk] = Item(hk, None, attrs)
    else:
        rk = DynamoType(attrs[range_attr.attr_name])
        table.items[hk][rk] = Item(hk, rk, attrs)


def _fill(n: int) -> None:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from chalicelib.platform.settings import get_settings
    from chalicelib.social import heat
    from chalicelib.social.models import Board, Planet, PlanetMember, Post, Standing, Topic, TopicPost
    from chalicelib.social.tagging import topic_id_of

    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][get_settings().region]

    def table(model: Any) -> Any:
        return backend.get_table(model.Meta.table_name)

    rnd = random.Random(5)
    now = clock.now()
    for a in [*(f"a{i:03d}" for i in range(AUTHORS)), "viewer"]:
        _put(table(Standing), Standing(a, identity_status="active", org=ORG, sanction="none"))
    _put(table(Planet), Planet(PLANET, name="徒步星球", interest="hiking", owner="a000", org=ORG, cap=2000,
                               members=AUTHORS, status="approved", listed_interest="hiking",
                               created_at=clock.isoformat(now)))
    _put(table(PlanetMember), PlanetMember(PLANET, "viewer", role="member", state="member",
                                           updated_at=clock.isoformat(now)))
    _put(table(Board), Board(BOARD, org=ORG, name="食堂建议", created_by="admin", created_at=clock.isoformat(now)))
    topic_ids = [topic_id_of(f"话题{i}") for i in range(TOPICS)]
    topic_heat = dict.fromkeys(topic_ids, 0.0)
    topic_posts = dict.fromkeys(topic_ids, 0)
    posts_t, topic_post_t = table(Post), table(TopicPost)
    for i in range(n):
        at = clock.isoformat(now - timedelta(seconds=(n - i) * 30))
        post_id = f"p-{i:020d}"
        space = f"planet#{PLANET}" if i % 4 == 0 else f"board#{BOARD}" if i % 4 == 1 else None
        topic = topic_ids[rnd.randrange(TOPICS)] if space is None else None
        _put(posts_t, Post(post_id, author=f"a{rnd.randrange(AUTHORS):03d}", org=ORG, text=f"第{i}条", created_at=at,
                           day=None if space else at[:10], status="visible", space=space,
                           title=f"帖子{i}" if space and space.startswith("board") else None,
                           topics=[topic] if topic else None, likes=rnd.randrange(5)))
        if topic:
            h = heat.POST_WEIGHT * heat.growth(at) * (1 + rnd.random())
            topic_heat[topic] += h
            topic_posts[topic] += 1
            _put(topic_post_t, TopicPost(topic, f"{at}#{post_id}", post_id=post_id, heat=h))
    for i, topic_id in enumerate(topic_ids):
        _put(table(Topic), Topic(topic_id, name=f"话题{i}", status="approved", listed="square", featured=i < 5,
                                 org=ORG, created_by="staff", created_at=clock.isoformat(now),
                                 posts=topic_posts[topic_id], heat=topic_heat[topic_id]))


def _measure(n: int) -> list[tuple[Any, ...]]:
    from chalicelib.social import forum, planets, topics
    from chalicelib.social.tagging import topic_id_of
    from local import bootstrap

    rows: list[tuple[Any, ...]] = []
    with mock_aws():
        bootstrap.reset_caches()
        import app as app_module

        bootstrap.create_all(app_module.app)
        started = time.perf_counter()
        _fill(n)
        print(f"  N={n:,}: posts inserted in {time.perf_counter() - started:.1f}s", flush=True)
        viewer = Principal(user_id="viewer", role=Role.WORKER, org_path=ORG)
        topic = topic_id_of("话题7")
        lists = [
            ("话题广场（按热度）", lambda c: topics.square(viewer, limit=PAGE, cursor=c)),
            ("话题页 最新", lambda c: topics.topic_posts(viewer, topic, "newest", limit=PAGE, cursor=c)),
            ("话题页 最热", lambda c: topics.topic_posts(viewer, topic, "hottest", limit=PAGE, cursor=c)),
            ("星球动态", lambda c: planets.feed(viewer, PLANET, limit=PAGE, cursor=c)),
            ("论坛版块", lambda c: forum.threads(viewer, BOARD, limit=PAGE, cursor=c)),
        ]
        recorder = CallRecorder()
        install_recorder(recorder)
        for name, read in lists:
            cursor = None
            for page_no in range(1, PAGES + 1):
                recorder.clear()
                token = set_work("bench:spaces")
                try:
                    page = read(cursor)
                finally:
                    reset_work(token)
                calls = [c for c in recorder.calls if c.service == "dynamodb"]
                scans = sum(1 for c in calls if c.operation == "Scan")
                rows.append((name, page_no, n, len(page.items), sum(c.items_read for c in calls), len(calls), scans))
                cursor = page.next_cursor
                if not cursor:
                    break
        bootstrap.reset_caches()
    return rows


def main() -> None:
    from local import moto_speed

    moto_speed.partition_aware_query()
    print(f"光年间 spaces: items read and DynamoDB calls per page (page size {PAGE})")
    rows = [r for n in SIZES for r in _measure(n)]
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    print_table("每页读取的条目数（page size 20）",
                ["list", "page", "posts", "shown", "items read", "calls", "Scan"], rows,
                note="items read: every item DynamoDB returned for the page (Query, GetItem, BatchGetItem), "
                     "including the viewer's standing, likes and follow checks.")


if __name__ == "__main__":
    main()
