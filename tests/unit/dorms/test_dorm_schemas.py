"""Request rules that need no database: a rejection needs a reason, residents fit their room,
a room sheet has no duplicate numbers, facilities and room types come from fixed lists."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from chalicelib.dorms.schemas import ApplyForBed, Decision, RoomImport, RoomSpec


def test_a_rejection_without_a_reason_is_refused_but_an_approval_needs_none():
    assert Decision(approve=True).reason is None
    with pytest.raises(ValidationError, match="原因"):
        Decision(approve=False)


def test_residents_must_fit_the_room_type_and_not_share_a_bed():
    base = {"room_no": "301", "room_type": "double", "gender": "male", "floor": 3}
    RoomSpec.model_validate({**base, "residents": [{"bed_no": 2, "resident_ref": "sx-1"}]})
    for residents in ([{"bed_no": 3, "resident_ref": "sx-1"}],
                      [{"bed_no": 1, "resident_ref": "sx-1"}, {"bed_no": 1, "resident_ref": "sx-2"}]):
        with pytest.raises(ValidationError):
            RoomSpec.model_validate({**base, "residents": residents})


def test_a_room_sheet_with_a_repeated_room_number_is_refused():
    room = {"room_no": "301", "room_type": "single", "gender": "female", "floor": 3}
    with pytest.raises(ValidationError, match="房间号重复"):
        RoomImport.model_validate({"rooms": [room, room]})


@pytest.mark.parametrize("field,value", [("room_type", "suite"), ("gender", "x"), ("facilities", ["sauna"]),
                                         ("rent_fen", -1), ("floor", 200)])
def test_unknown_types_facilities_and_out_of_range_numbers_are_refused(field, value):
    room = {"room_no": "301", "room_type": "single", "gender": "female", "floor": 3, field: value}
    with pytest.raises(ValidationError):
        RoomSpec.model_validate(room)


def test_an_application_names_a_building_id_and_a_bed_between_1_and_8():
    ApplyForBed(building_id="b-abc123def456", room_no="301", bed_no=8)
    with pytest.raises(ValidationError):
        ApplyForBed(building_id="b-abc123def456", room_no="301", bed_no=0)
    with pytest.raises(ValidationError):
        ApplyForBed(building_id="../../etc", room_no="301")
