"""The bed state machine under any sequence of applications, decisions, check-ins, check-outs,
cancellations and expiries (hypothesis stateful): a bed is held or occupied by exactly the
worker whose tenancy points at it, a worker never has two, rooms count what their beds say."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from chalicelib.dorms import logic
from chalicelib.dorms.models import DormApplication, DormBed, DormRoom, Tenancy
from chalicelib.dorms.schemas import ApplyForBed, CheckIn, Decision, DormProfileIn, NewBuilding, RoomImport
from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.errors import DomainError
from tests.integration.dorms.conftest import SANXING, rooms_sheet

ADMIN = Principal(user_id="sanxing-admin", role=Role.ENTERPRISE_ADMIN, org_path=SANXING)
WORKERS = [Principal(user_id=f"w{i}", role=Role.WORKER, org_path=SANXING) for i in range(4)]
worker_ix = st.integers(0, len(WORKERS) - 1)


class BedLifecycle(RuleBasedStateMachine):
    building_id = ""

    @initialize()
    def fresh_building(self) -> None:
        building = logic.create_building(ADMIN, NewBuilding(org_path=SANXING, name="工匠之家"))
        logic.import_rooms(ADMIN, building.building_id, RoomImport.model_validate(rooms_sheet(301, 2)))
        self.building_id = building.building_id
        for worker in WORKERS:
            Tenancy(worker.user_id).delete()
            logic.save_profile(worker, DormProfileIn(gender="male", hometown="重庆", share_hometown=True))

    def _app(self, i: int) -> DormApplication | None:
        try:
            return DormApplication.get(Tenancy.get(WORKERS[i].user_id).application_id)
        except (Tenancy.DoesNotExist, DormApplication.DoesNotExist):
            return None

    def _try(self, action: Any) -> None:
        try:
            action()
        except DomainError as exc:
            assert exc.status < 500, exc

    @rule(i=worker_ix, room=st.sampled_from(["301", "302"]), bed=st.none() | st.integers(1, 2))
    def apply(self, i: int, room: str, bed: int | None) -> None:
        self._try(lambda: logic.apply_for_bed(WORKERS[i], ApplyForBed(building_id=self.building_id, room_no=room,
                                                                      bed_no=bed)))

    @rule(i=worker_ix)
    def rules_run(self, i: int) -> None:
        app = self._app(i)
        if app is not None:
            logic.complete_application(app.application_id)

    @rule(i=worker_ix, approve=st.booleans())
    def decide(self, i: int, approve: bool) -> None:
        app = self._app(i)
        if app is not None:
            self._try(lambda: logic.decide(ADMIN, app.application_id,
                                           Decision(approve=approve, reason=None if approve else "另有安排")))

    @rule(i=worker_ix)
    def check_in(self, i: int) -> None:
        self._try(lambda: logic.check_in(WORKERS[i], None, CheckIn()))

    @rule(i=worker_ix)
    def check_out(self, i: int) -> None:
        app = self._app(i)
        if app is not None:
            self._try(lambda: logic.check_out(ADMIN, self.building_id, app.room_no, int(app.bed_no)))

    @rule(i=worker_ix)
    def cancel(self, i: int) -> None:
        self._try(lambda: logic.cancel_my_application(WORKERS[i]))

    @rule()
    def time_passes(self) -> None:
        clock.travel(timedelta(days=30))
        try:
            logic.expire_holds()
        finally:
            clock.reset()

    @invariant()
    def beds_tenancies_and_rooms_agree(self) -> None:
        if not self.building_id:
            return
        beds = list(DormBed.query(self.building_id))
        tenancies = {t.user_id: t for t in Tenancy.batch_get([w.user_id for w in WORKERS])}
        taken = [b for b in beds if b.status != "free"]
        assert len({b.application_id for b in taken}) == len(taken)
        for bed in beds:
            if bed.status == "free":
                assert bed.application_id is None and bed.vacancy_pk
                continue
            assert bed.vacancy_pk is None
            app = DormApplication.get(bed.application_id)
            tenancy = tenancies[app.user_id]
            assert tenancy.application_id == app.application_id and tenancy.bed_key == bed.bed_key
            assert app.status in (("checked_in",) if bed.status == "occupied" else ("submitted", "pending", "approved"))
        assert len(tenancies) == len(taken)
        for room in DormRoom.query(self.building_id):
            occupied = {b.bed_no for b in beds if b.room_no == room.room_no and b.status == "occupied"}
            assert room.occupied == len(occupied)
            assert set(room.roommates.as_dict()) == {str(n) for n in occupied}


def test_any_sequence_of_dorm_steps_keeps_beds_tenancies_and_rooms_consistent(nanxun):
    run_state_machine_as_test(BedLifecycle, settings=settings(
        max_examples=10, stateful_step_count=10, deadline=None, derandomize=True, database=None,
        suppress_health_check=list(HealthCheck)))
