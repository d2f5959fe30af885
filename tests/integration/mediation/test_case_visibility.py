"""A mediation case is readable by exactly its parties, its mediator and the mediator's
supervisors. Every other caller — a colleague, another enterprise, a same-union staff member not
assigned, another district, the platform — gets 404 on every route of the case, and nothing
about the case (nor its access log) changes."""
from __future__ import annotations

from typing import Any

from chalicelib.mediation.models import MediationAccess, MediationCase
from tests.conftest import body
from tests.quality.routes import all_routes

from .conftest import accept_and_assign, file_wage_case

SAMPLE_BODIES = {
    "evidence": {"filename": "a.jpg", "content_type": "image/jpeg", "size_bytes": 100},
    "decision": {"action": "accept"},
    "mediator": {"mediator_id": "ua-peer"},
    "sessions": {"venue_id": "v-0123456789ab", "date": "2030-01-01", "start": "09:00"},
    "agreement": {"text": "被申请人一次性支付工资一万二千元整。"},
    "failure": {"reason": "分歧大", "arbitration_referral": "缙云县劳动人事争议仲裁委员会"},
    "extension": {"days": 5},
}


def _case_routes(chalice_app: Any) -> list[Any]:
    return [r for r in all_routes(chalice_app) if r.path.startswith("/mediation/cases/{case_id}")]


def _snapshot(case_id: str) -> tuple[dict[str, Any], int]:
    case = MediationCase.get(case_id, consistent_read=True)
    return case.attribute_values, len(list(MediationAccess.query(case_id)))


def test_exactly_parties_mediator_and_supervisors_read_the_case(cast, chalice_app):
    # given a wage-arrears case accepted by 缙云 and assigned to a 新建镇 centre mediator
    case_id = file_wage_case(cast)["case_id"]
    accept_and_assign(cast, case_id)

    # then the parties, the mediator and the supervisors read it, each in their standing
    readers = {cast.worker: "applicant", cast.employer: "respondent", cast.mediator: "mediator",
               cast.district: "supervisor", cast.city: "supervisor"}
    for session, relation in readers.items():
        response = session.get(f"/mediation/cases/{case_id}")
        assert response.status_code == 200, (session.user_id, response.body)
        assert body(response)["your_relation"] == relation

    # and every read is in the access log, with who and when
    log = body(cast.city.get(f"/mediation/cases/{case_id}/access-log"))["items"]
    assert [(e["user_id"], e["action"]) for e in log][:5] == [
        (s.user_id, "read") for s in readers]
    assert all(e["at"].endswith("Z") for e in log)

    # when everyone else walks every route of the case
    before = _snapshot(case_id)
    outsiders = [cast.colleague, cast.other_employer, cast.centre_peer, cast.other_district, cast.platform]
    for session in outsiders:
        for route in _case_routes(chalice_app):
            path = route.path.replace("{case_id}", case_id)
            last = [p for p in route.path.split("/") if p and not p.startswith("{")][-1]
            payload = SAMPLE_BODIES.get(last) if route.method in ("POST", "PUT", "PATCH") else None
            response = getattr(session, route.method.lower())(path, **({"body": payload} if payload else {}))
            # then: 404 where their role may call the route, 403 ROLE_FORBIDDEN where it may not
            code = body(response)["code"]
            assert (response.status_code, code) in ((404, "MEDIATION_CASE_NOT_FOUND"), (403, "ROLE_FORBIDDEN")), \
                (session.user_id, route.method, route.path, response.status_code, code)
            if session.tokens["account"]["role"] in route.spec.roles:
                assert response.status_code == 404, (session.user_id, route.method, route.path)
    # and nothing changed, not even the access log
    assert _snapshot(case_id) == before


def test_an_unknown_case_and_someone_elses_case_look_the_same(cast):
    case_id = file_wage_case(cast)["case_id"]
    missing = cast.colleague.get("/mediation/cases/c-doesnotexist")
    theirs = cast.colleague.get(f"/mediation/cases/{case_id}")
    assert missing.status_code == theirs.status_code == 404
    assert body(missing) == body(theirs)
