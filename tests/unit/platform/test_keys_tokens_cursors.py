"""The app's secrets at work: tokens that expire and cannot be forged, cursors that cannot be
edited or replayed on another list, and personal numbers sealed at rest (keys in SSM)."""
from __future__ import annotations

import base64
import json
from datetime import timedelta

import jwt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.platform import clock
from chalicelib.platform.auth import AUDIENCE, ISSUER, Principal, Role, issue_token, principal_from_header
from chalicelib.platform.errors import BadRequest, Unauthorized
from chalicelib.platform.pagination import decode_cursor, encode_cursor

WORKER = Principal(user_id="w-1", role=Role.WORKER, org_path="zj/huz/nanxun/e-sanxing", name="张三")


def refused(authorization: str | None) -> str:
    with pytest.raises(Unauthorized) as error:
        principal_from_header(authorization)
    assert error.value.status == 401 and error.value.message
    return error.value.code


@pytest.fixture
def restore_clock():
    yield
    clock.reset()


# --- tokens -------------------------------------------------------------------------------

def test_a_fresh_access_token_names_its_caller(keys):
    token, _ = issue_token(WORKER)
    assert principal_from_header(f"Bearer {token}") == WORKER


def test_an_access_token_stops_working_when_it_expires(keys, restore_clock):
    token, claims = issue_token(WORKER)
    clock.travel(timedelta(seconds=claims["exp"] - claims["iat"] - 2))
    assert principal_from_header(f"Bearer {token}").user_id == "w-1"
    clock.travel(timedelta(seconds=3))
    assert refused(f"Bearer {token}") == "TOKEN_EXPIRED"


def test_a_refresh_token_is_not_an_access_token(keys):
    refresh, _ = issue_token(WORKER, kind="refresh", family="f-1")
    assert refused(f"Bearer {refresh}") == "TOKEN_INVALID"


def test_a_token_signed_with_another_key_is_refused(keys):
    _, claims = issue_token(WORKER)
    forged = jwt.encode({**claims, "role": "platform_admin"}, "not-the-key-" * 4, algorithm="HS256")
    assert refused(f"Bearer {forged}") == "TOKEN_INVALID"


def test_an_unsigned_alg_none_token_is_refused(keys):
    _, claims = issue_token(WORKER)
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "JWT"}).encode()).rstrip(b"=")
    payload = base64.urlsafe_b64encode(json.dumps({**claims, "role": "platform_admin"}).encode()).rstrip(b"=")
    unsigned = f"{header.decode()}.{payload.decode()}."
    assert refused(f"Bearer {unsigned}") == "TOKEN_INVALID"


def test_a_token_with_its_payload_edited_is_refused(keys):
    token, claims = issue_token(WORKER)
    header, _, signature = token.split(".")
    payload = base64.urlsafe_b64encode(json.dumps({**claims, "role": "platform_admin"}).encode()).rstrip(b"=")
    assert refused(f"Bearer {header}.{payload.decode()}.{signature}") == "TOKEN_INVALID"


def test_a_token_for_another_audience_or_an_unknown_role_is_refused(keys):
    from chalicelib.platform.auth import _signing_key

    _, claims = issue_token(WORKER)
    other_audience = jwt.encode({**claims, "aud": "another-api"}, _signing_key(), algorithm="HS256")
    unknown_role = jwt.encode({**claims, "role": "superuser"}, _signing_key(), algorithm="HS256")
    assert (claims["aud"], claims["iss"]) == (AUDIENCE, ISSUER)
    assert refused(f"Bearer {other_audience}") == "TOKEN_INVALID"
    assert refused(f"Bearer {unknown_role}") == "TOKEN_INVALID"


@pytest.mark.parametrize("header", ["", None])
def test_no_token_is_token_missing(keys, header):
    assert refused(header) == "TOKEN_MISSING"


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", "token abc", "Bearer not.a.jwt"])
def test_a_malformed_authorization_header_is_token_invalid(keys, header):
    assert refused(header) == "TOKEN_INVALID"


# --- cursors ------------------------------------------------------------------------------

LAST_KEY = {"pk": {"S": "org#zj/huz"}, "sk": {"S": "child#nanxun"}}


def test_a_cursor_brings_back_the_position_it_was_made_for(keys):
    cursor = encode_cursor(LAST_KEY, bound_to="children:zj/huz")
    assert cursor and "nanxun" not in cursor  # opaque
    assert decode_cursor(cursor, bound_to="children:zj/huz") == LAST_KEY
    assert encode_cursor(None, bound_to="children:zj/huz") is None
    assert decode_cursor(None, bound_to="children:zj/huz") is None


def test_a_cursor_replayed_on_another_list_is_refused(keys):
    cursor = encode_cursor(LAST_KEY, bound_to="children:zj/huz")
    with pytest.raises(BadRequest) as error:
        decode_cursor(cursor, bound_to="children:zj/hz")
    assert error.value.code == "INVALID_CURSOR"
    assert error.value.message == "分页游标无效或已被篡改，请从第一页重新开始"


@pytest.fixture
def pinned_cursor_key(keys):
    from chalicelib.platform.aws import client
    from chalicelib.platform.settings import get_settings
    from local import bootstrap

    client("ssm").put_parameter(Name=get_settings().jwt_key_parameter, Type="SecureString", Overwrite=True,
                                Value="pinned-test-key-" + "0" * 32)
    bootstrap.reset_caches(keep_clients=True)


def test_the_cursor_format_is_pinned_so_pages_in_flight_survive_a_deploy(pinned_cursor_key):
    """HMAC-SHA256 (key: SHA-256 of "gonghui-cursor:" + the signing key), first 16 bytes, then
    the compact sorted JSON, URL-safe base64 without padding."""
    assert encode_cursor(LAST_KEY, bound_to="children:zj/huz") == (
        "Fed770HKshnVzVB-uMFKDXsiayI6eyJwayI6eyJTIjoib3JnI3pqL2h1eiJ9LCJzayI6eyJTIjoiY2hpbGQjbmFueHVuIn19LCJx"
        "IjoiY2hpbGRyZW46emovaHV6In0")


def test_a_position_gives_one_cursor_whatever_order_its_key_arrives_in(pinned_cursor_key):
    reordered = {"sk": LAST_KEY["sk"], "pk": LAST_KEY["pk"]}
    assert encode_cursor(reordered, bound_to="children:zj/huz") == encode_cursor(LAST_KEY, bound_to="children:zj/huz")


def test_every_cursor_comes_back_whatever_its_length(pinned_cursor_key):
    for n in range(300):
        position = {"pk": {"S": "p" * (n % 7)}, "sk": {"S": f"s#{n}"}}
        cursor = encode_cursor(position, bound_to="list")
        assert cursor is not None and not cursor.endswith("=")
        assert decode_cursor(cursor, bound_to="list") == position


def test_a_cursor_edited_anywhere_is_refused(keys):
    cursor = encode_cursor(LAST_KEY, bound_to="audit:zj/huz")
    assert cursor is not None
    raw = bytearray(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    for position in range(0, len(raw), 7):
        edited = bytearray(raw)
        edited[position] ^= 0x01
        text = base64.urlsafe_b64encode(bytes(edited)).decode().rstrip("=")
        with pytest.raises(BadRequest):
            decode_cursor(text, bound_to="audit:zj/huz")


def test_a_cursor_from_another_key_is_refused(keys):
    """Keys rotate with each local start; an old cursor ends politely, not with a 500."""
    import hashlib
    import hmac

    payload = json.dumps({"k": LAST_KEY, "q": "audit:zj"}, separators=(",", ":"), sort_keys=True).encode()
    mac = hmac.new(b"some-other-key", payload, hashlib.sha256).digest()[:16]
    foreign = base64.urlsafe_b64encode(mac + payload).decode().rstrip("=")
    with pytest.raises(BadRequest):
        decode_cursor(foreign, bound_to="audit:zj")


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=120))
def test_any_text_as_a_cursor_is_a_clear_400(keys, text):
    if not text:
        assert decode_cursor(text, bound_to="x") is None
        return
    with pytest.raises(BadRequest) as error:
        decode_cursor(text, bound_to="x")
    assert error.value.code == "INVALID_CURSOR"


# --- personal numbers at rest ---------------------------------------------------------------

def test_a_sealed_number_reads_back_and_never_shows_the_number(keys):
    from chalicelib.platform.pii import seal, unseal

    sealed = seal("330106199001011234")
    assert sealed.startswith("s1:") and "330106199001011234" not in sealed
    assert unseal(sealed) == "330106199001011234"
    assert seal("330106199001011234") != sealed  # a fresh nonce each time: equal numbers look different


def test_a_sealed_value_that_was_altered_does_not_open(keys):
    from cryptography.exceptions import InvalidTag

    from chalicelib.platform.pii import seal, unseal

    raw = bytearray(base64.urlsafe_b64decode(seal("13812345678")[3:]))
    raw[-1] ^= 0x01
    with pytest.raises(InvalidTag):
        unseal("s1:" + base64.urlsafe_b64encode(bytes(raw)).decode())
    with pytest.raises(ValueError, match=r"^not a sealed value$"):
        unseal("13812345678")


def test_the_lookup_hash_finds_the_same_person_and_keeps_kinds_apart(keys):
    from chalicelib.platform.pii import lookup_hash

    first = lookup_hash("330106199001011234")
    assert first == lookup_hash("330106199001011234")
    assert first.startswith("h1:") and "330106" not in first
    assert first != lookup_hash("330106199001011235")
    assert lookup_hash("13812345678", kind="phone") != lookup_hash("13812345678", kind="id")


def test_the_lookup_hash_depends_on_the_key_in_ssm(keys):
    """Without the key nobody can test guesses against stored hashes."""
    from chalicelib.platform.pii import lookup_hash
    from local import bootstrap

    before = lookup_hash("330106199001011234")
    bootstrap.seed_parameters()  # new random keys
    bootstrap.reset_caches(keep_clients=True)
    assert lookup_hash("330106199001011234") != before


def test_the_lookup_hash_scheme_is_pinned_so_stored_hashes_stay_findable(keys):
    """Every stored ID and phone hash was made by this scheme (HKDF-SHA256 subkey
    "gonghui-pii-lookup", HMAC-SHA256 over "<kind>:<number>", "h1:" + hex). Changing any part
    orphans them all: that needs a new prefix and a migration, never a silent edit."""
    from chalicelib.platform.aws import client
    from chalicelib.platform.pii import lookup_hash
    from chalicelib.platform.settings import get_settings
    from local import bootstrap

    client("ssm").put_parameter(Name=get_settings().pii_key_parameter, Type="SecureString", Overwrite=True,
                                Value=base64.b64encode(bytes(range(32))).decode())
    bootstrap.reset_caches(keep_clients=True)

    assert lookup_hash("330106199001011234") == \
        "h1:3a9f7c499318bdad01649e4e0aab0708cc75e518cbf86ebde7c5fa8d85567e1c"
    assert lookup_hash("13812345678", kind="phone") == \
        "h1:f997f63d2292544d51710d46ec91fd32b09a236894e125fbee932ca062d1b2ab"
