"""Reference data: the province, its eleven cities and the districts/counties Gonghui serves
first (GB/T 2260 codes). Seeded by the local stack and by a deploy-time script; enterprises
are registered by the district unions through ``POST /orgs``."""
from __future__ import annotations

PROVINCE = ("zj", "浙江省总工会", "330000")
CITIES = [
    ("hz", "杭州市总工会", "330100"), ("nb", "宁波市总工会", "330200"), ("wz", "温州市总工会", "330300"),
    ("jx", "嘉兴市总工会", "330400"), ("huz", "湖州市总工会", "330500"), ("sx", "绍兴市总工会", "330600"),
    ("jh", "金华市总工会", "330700"), ("qz", "衢州市总工会", "330800"), ("zs", "舟山市总工会", "330900"),
    ("tz", "台州市总工会", "331000"), ("ls", "丽水市总工会", "331100"),
]
DISTRICTS = [
    ("zj/hz", "xihu", "杭州市西湖区总工会", "330106"),
    ("zj/huz", "nanxun", "湖州市南浔区总工会", "330503"),
    ("zj/ls", "jinyun", "丽水市缙云县总工会", "331122"),
    ("zj/nb", "yuyao", "余姚市总工会", "330281"),
]


def nodes() -> list[dict[str, str]]:
    """Every reference node as ``{path, parent_path, name, level, region_code}``."""
    slug, name, code = PROVINCE
    result = [{"path": slug, "parent_path": "-", "name": name, "level": "province", "region_code": code}]
    result += [{"path": f"zj/{s}", "parent_path": "zj", "name": n, "level": "city", "region_code": c}
               for s, n, c in CITIES]
    result += [{"path": f"{p}/{s}", "parent_path": p, "name": n, "level": "district", "region_code": c}
               for p, s, n, c in DISTRICTS]
    return result
