"""Personal data (PIPL): ID-card and phone numbers are never stored or logged in plain text.

- ``lookup_hash``: keyed HMAC-SHA256, for finding a person by their number;
- ``seal`` / ``unseal``: AES-GCM, for the few places that must read the number back;
- ``mask_*``: what a person sees (``330106********1234``, ``138****5678``);
- ``scrub``: masks any number found in free text (used by the log formatter).
Keys come from SSM (``pii_key_parameter``); two subkeys are derived with HKDF.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import unicodedata
from datetime import date
from functools import lru_cache

from .errors import ValidationFailed

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# GB/T 2260 province-level codes.
PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
}

# Digits typed on a Chinese keyboard may be full-width (０-９): logs must mask those too.
_D = "[0-9０-９]"
_EDGE = "0-9０-９A-Za-z"
ID_PATTERN = re.compile(
    rf"(?<![{_EDGE}])([1-9１-９]{_D}{{5}})"
    rf"((?:[1１][89８９]|[2２][0０]){_D}{{2}}(?:[0０][1-9１-９]|[1１][0-2０-２])(?:[0０][1-9１-９]|[12１２]{_D}|[3３][01０１]))"
    rf"({_D}{{3}})([0-9０-９XxＸｘ])(?![{_EDGE}])"
)
PHONE_PATTERN = re.compile(
    rf"(?<![0-9０-９])(?:\+?[8８][6６][- ]?)?([1１][3-9３-９]{_D})[- ]?({_D}{{4}})[- ]?({_D}{{4}})(?![0-9０-９])"
)


def id_check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalize_id_number(raw: str) -> str:
    """Validate a resident ID number (GB 11643-1999) and return it upper-cased.

    Checks length and digits, a plausible province code, a real birth date not in the
    future, and the check digit. Raises ``ValidationFailed`` with a Chinese message.
    """
    # Full-width digits (中文输入法) become ASCII; any other script's digits are refused, so one
    # person's number has exactly one spelling (and one lookup hash).
    number = unicodedata.normalize("NFKC", raw or "").strip().upper()
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        raise ValidationFailed("身份证号码应为18位，最后一位可以是X", code="ID_NUMBER_FORMAT")
    if number[:2] not in PROVINCES:
        raise ValidationFailed("身份证号码的地区码不正确", code="ID_NUMBER_REGION")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise ValidationFailed("身份证号码中的出生日期不存在", code="ID_NUMBER_BIRTH_DATE") from exc
    if born > date.today() or born.year < 1900:
        raise ValidationFailed("身份证号码中的出生日期不合理", code="ID_NUMBER_BIRTH_DATE")
    if id_check_digit(number[:17]) != number[17]:
        raise ValidationFailed("身份证号码校验位不正确，请核对", code="ID_NUMBER_CHECKSUM")
    return number


def mask_id_number(number: str) -> str:
    """``330106********1234`` for an ID number (18 characters, or 15 for the first generation);
    anything else is masked whole (six plus four characters of a short string are all of it)."""
    return f"{number[:6]}********{number[-4:]}" if len(number) in (15, 18) else "*" * len(number)


def mask_phone(phone: str) -> str:
    """``138****5678`` for a mainland mobile number (with or without +86 / 0086); anything
    else (a landline, a short number, an ID number passed by mistake) is masked whole."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone or ""))
    for prefix in ("0086", "86"):
        if len(digits) == 11 + len(prefix) and digits.startswith(prefix):
            digits = digits[len(prefix):]
    if len(digits) == 11 and digits[0] == "1":
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * len(digits)


# Credentials never reach a log line either: a JWT (ours or a provider's) anywhere, and
# whatever follows "Bearer" (an Authorization header echoed in an error message).
JWT_PATTERN = re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
BEARER_PATTERN = re.compile(r"(?i)\b(bearer)(\s+|%20|\+)[A-Za-z0-9._~+/=-]{8,}")


def scrub(text: str) -> str:
    """Mask every ID-card and phone number, bearer token and JWT inside ``text``."""
    if not text:
        return text
    text = BEARER_PATTERN.sub(lambda m: f"{m.group(1)} [redacted]", text)
    text = JWT_PATTERN.sub("[redacted-jwt]", text)
    text = ID_PATTERN.sub(lambda m: f"{m.group(1)}********{m.group(3)}{m.group(4)}", text)
    return PHONE_PATTERN.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


@lru_cache(maxsize=4)
def _subkeys(master: bytes) -> tuple[bytes, bytes]:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    def derive(label: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(master)

    return derive(b"gonghui-pii-lookup"), derive(b"gonghui-pii-seal")


def _keys() -> tuple[bytes, bytes]:
    from .parameters import secret_bytes
    from .settings import get_settings

    return _subkeys(secret_bytes(get_settings().pii_key_parameter))


def lookup_hash(value: str, *, kind: str = "id") -> str:
    """Keyed hash for equality look-ups (``kind`` keeps ID and phone hashes apart)."""
    lookup_key, _ = _keys()
    digest = hmac.new(lookup_key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"h1:{digest}"


def seal(value: str) -> str:
    """Encrypt for storage (AES-256-GCM, random nonce)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    _, seal_key = _keys()
    nonce = os.urandom(12)
    sealed = AESGCM(seal_key).encrypt(nonce, value.encode(), b"gonghui")
    return "s1:" + base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(token: str) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not token.startswith("s1:"):
        raise ValueError("not a sealed value")
    raw = base64.urlsafe_b64decode(token[3:])
    _, seal_key = _keys()
    return AESGCM(seal_key).decrypt(raw[:12], raw[12:], b"gonghui").decode()
