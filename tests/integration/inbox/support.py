from __future__ import annotations

from chalicelib.platform import pii


def make_id(n: int) -> str:
    first17 = f"330503{1980 + n % 20}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return first17 + pii.id_check_digit(first17)


def verified_members(prefix: str, org_path: str, count: int, *, pledged: int = 0, start: int = 0) -> list[str]:
    """Members verified before this system (identity's bulk path), placed in ``org_path``."""
    from chalicelib.identity.logic import load_verified_members

    records = [{"user_id": f"{prefix}-{n:05d}", "id_number": make_id(start + n), "real_name": "张三",
                "org_path": org_path, "enterprise": org_path.rsplit("/", 1)[-1], "pledged": n < pledged}
               for n in range(count)]
    for i in range(0, len(records), 500):
        load_verified_members(records[i:i + 500], source="测试", roster_scope=f"{org_path}/legacy")
    return [r["user_id"] for r in records]
