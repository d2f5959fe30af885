"""Hardship aid under contention, measured: two admins acting on the same step at the same
moment (one approves, one rejects), and one disbursement delivered three times at once.
In-process moto (serialised per request like DynamoDB), real threads against the logic."""
from __future__ import annotations

import os

os.environ.update({"GONGHUI_STAGE": "local", "AWS_DEFAULT_REGION": "cn-north-1", "AWS_REGION": "cn-north-1",
                   "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"})
os.environ.pop("AWS_ENDPOINT_URL", None)

import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from moto import mock_aws

from local import moto_atomic

moto_atomic.patch_in_process()

ROUNDS = 20
PAYMENTS = 10
ENTERPRISE, DISTRICT = "zj/huz/nanxun/e-sanxing", "zj/huz/nanxun"


def main() -> None:
    import app as app_module
    from chalicelib.aid import logic
    from chalicelib.aid.models import AidApplication, AidPayment, AidStep
    from chalicelib.aid.rules import AID_TYPES
    from chalicelib.aid.schemas import AidDraftBody, StepBody, UploadRequest
    from chalicelib.platform import clock
    from chalicelib.platform.auth import Principal, Role
    from chalicelib.platform.aws import client
    from chalicelib.platform.errors import Conflict
    from chalicelib.platform.events import actor_of
    from chalicelib.platform.settings import get_settings
    from local import bootstrap
    from local.demo.aid import _card

    with mock_aws():
        bootstrap.reset_caches()
        bootstrap.create_all(app_module.app)
        enterprise = Principal("bench-ent", Role.ENTERPRISE_ADMIN, ENTERPRISE, "企业工会")
        admins = [Principal("bench-a", Role.UNION_ADMIN, DISTRICT, "区总工会甲"),
                  Principal("bench-b", Role.UNION_ADMIN, DISTRICT, "区总工会乙")]

        def submitted(n: int) -> str:
            worker = Principal(f"bench-w{n}", Role.WORKER, ENTERPRISE, f"职工{n}")
            app = logic.create_draft(worker, AidDraftBody(
                aid_type="family_hardship", household_size=3, household_income_fen=3_000_000, requested_fen=300_000,
                description="家庭生活困难，申请工会帮扶，基准测试。", bank_card=_card("621700123456789012"),
                bank_name=None, applicant_name=None))
            for kind in AID_TYPES["family_hardship"].required_docs:
                ticket = logic.request_upload(worker, app.app_id, UploadRequest(
                    kind=kind, filename="a.jpg", content_type="image/jpeg"))  # type: ignore[arg-type]
                client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=ticket.key, Body=b"x")
            logic.submit(worker, app.app_id)
            logic.take_step(enterprise, app.app_id, StepBody(from_state="enterprise_review", action="approve",
                                                             opinion="", amount_fen=None))
            return app.app_id

        exactly_one, latencies = 0, []
        for n in range(ROUNDS):
            app_id = submitted(n)
            bodies = [StepBody(from_state="district_review", action="approve", opinion="", amount_fen=200_000),
                      StepBody(from_state="district_review", action="reject", opinion="材料不实", amount_fen=None)]

            def act(i: int, app_id: str = app_id, bodies: list[StepBody] = bodies) -> str:
                started = time.perf_counter()
                try:
                    logic.take_step(admins[i], app_id, bodies[i])
                    return "won"
                except Conflict:
                    return "409"
                finally:
                    latencies.append((time.perf_counter() - started) * 1000)

            with ThreadPoolExecutor(max_workers=2) as pool:
                outcomes = list(pool.map(act, [0, 1]))
            steps = len(list(AidStep.query(app_id)))
            exactly_one += int(sorted(outcomes) == ["409", "won"] and steps == 3)

        paid_once = 0
        approved = []
        for n in range(PAYMENTS):
            app_id = submitted(100 + n)
            logic.take_step(admins[0], app_id, StepBody(from_state="district_review", action="approve", opinion="",
                                                        amount_fen=200_000))
            logic.start_notice(app_id)
            approved.append(app_id)
        clock.travel(timedelta(days=6))
        logic.close_due_notices()
        clock.reset()
        for app_id in approved:
            def deliver(_: int, app_id: str = app_id) -> bool:
                return logic.record_disbursement(app_id, 200_000, f"REF{app_id[-8:]}", actor=actor_of(admins[0]),
                                                 actor_name="财务", source="queue")

            with ThreadPoolExecutor(max_workers=3) as pool:
                recorded = list(pool.map(deliver, range(3)))
            payments = list(AidPayment.query(app_id))
            state = AidApplication.get(app_id).state
            paid_once += int(recorded.count(True) == 1 and len(payments) == 1 and state == "disbursed")

        from benchmarks.subsidy_worked_examples import _pad

        print("帮扶审批并发（in-process moto，真实线程）")
        rows = [("场景", "轮次", "符合预期", "预期"),
                ("两名管理员同时处理同一环节", str(ROUNDS), str(exactly_one), "恰好一人成功，另一人 409"),
                ("同一笔发放同时投递三次", str(PAYMENTS), str(paid_once), "只记一笔付款，三次投递都不报错")]
        for row in rows:
            print("  ".join(_pad(c, w) for c, w in zip(row, (28, 6, 10, 30), strict=True)))
        print(f"step latency under contention: median {statistics.median(latencies):.1f} ms, "
              f"max {max(latencies):.1f} ms over {len(latencies)} calls")


if __name__ == "__main__":
    main()
