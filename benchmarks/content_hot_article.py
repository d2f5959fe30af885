"""10,000 reads of one hot article on ONE moto server (as the local stack runs it).

2,500 workers each open the article four times, eight at once (concurrent threads, each read
the route's logic: audience check, the once-a-day read row and the reader's counter shard in
one transaction, then the counts). The figures: the read count must be exactly the number of
distinct readers (once per person per day), no read writes the article item (every DynamoDB
write is recorded by table), and the latency and rate of a read.

    python -m benchmarks content_hot_article     (BENCH_HOT_READERS, BENCH_HOT_REPEAT, BENCH_HOT_THREADS)
"""
from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor

from benchmarks import _moto
from benchmarks._table import percentile, print_table

READERS = int(os.environ.get("BENCH_HOT_READERS", "2500"))
REPEAT = int(os.environ.get("BENCH_HOT_REPEAT", "4"))
THREADS = int(os.environ.get("BENCH_HOT_THREADS", "8"))
DISTRICT = "zj/hz/xihu"


def main() -> None:
    server, _app, _pump = _moto.start()
    try:
        from chalicelib.content import logic as content
        from chalicelib.content.models import ContentArticle, ContentCounter, ContentDailyRead
        from chalicelib.content.schemas import ContentArticleDraft
        from chalicelib.platform.auth import Principal, Role

        author = Principal(user_id="xihu-editor", role=Role.UNION_ADMIN, org_path=DISTRICT)
        reviewer = Principal(user_id="xihu-reviewer", role=Role.UNION_ADMIN, org_path=DISTRICT)
        draft = ContentArticleDraft(channel_id="news", title="职工书屋冬季开放时间调整", body_html="<p>内容</p>",
                                    audience_org=DISTRICT)
        article = content.create_article(author, draft)
        content.submit(author, article.article_id)
        content.approve(reviewer, article.article_id)
        before = ContentArticle.get(article.article_id, consistent_read=True).serialize()

        readers = [Principal(user_id=f"w-{i:05d}", role=Role.WORKER, org_path=f"{DISTRICT}/e-{i % 40:02d}")
                   for i in range(READERS)]
        order = [r for _ in range(REPEAT) for r in readers]       # every reader comes back REPEAT times

        def read(reader: Principal) -> float:
            started = time.perf_counter()
            content.read_article(reader, article.article_id)
            return time.perf_counter() - started

        with _moto.Writes() as writes:
            started = time.perf_counter()
            with ThreadPoolExecutor(THREADS) as pool:
                latencies = list(pool.map(read, order))
            elapsed = time.perf_counter() - started
        counted = content.counts(article.article_id)["reads"]
        after = ContentArticle.get(article.article_id, consistent_read=True).serialize()
        article_table = ContentArticle.Meta.table_name
        print_table(f"{len(order):,} reads of one article ({READERS:,} readers × {REPEAT}, {THREADS} threads), "
                    "one moto server",
                    ["reads", "distinct readers", "read count", "exact", "writes to the article table",
                     "article item unchanged", "reads/s", "p50 ms", "p95 ms"],
                    [[len(order), READERS, counted, "yes" if counted == READERS else "NO",
                      writes.by_table.get(article_table, 0), "yes" if after == before else "NO",
                      len(order) / elapsed, 1000 * percentile(latencies, 50), 1000 * percentile(latencies, 95)]],
                    note="write attempts during the reads, by table (a repeat read's transaction is attempted and "
                         "cancelled by the once-a-day condition): " + ", ".join(
                        f"{t}: {n:,}" for t, n in sorted(writes.by_table.items()))
                    + f" (daily-read rows: {ContentDailyRead.Meta.table_name}, counter shards: "
                      f"{ContentCounter.Meta.table_name})")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
