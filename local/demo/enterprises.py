"""Demo enterprise register: 浙江三行电气科技有限公司 in 南浔 (the demo enterprise the other
features use, union node ``zj/huz/nanxun/e-sanxing``), registered by 南浔区总工会 with a valid
credit code, so its legal person can sign in through the 浙江政务服务网 fake:
``GET $FAKES/_fake/zwfw/ssotoken?credit_code=91330503MA2B3C4D5N`` → ``POST /auth/zwfw``."""
from __future__ import annotations

from chalicelib.enterprises import logic
from chalicelib.enterprises.schemas import EnterpriseBody
from chalicelib.platform.auth import Principal, Role
from local.fakes.zwfw import DEMO_COMPANIES

NANXUN_ADMIN = Principal("demo-nanxun-admin", Role.UNION_ADMIN, "zj/huz/nanxun", "南浔区总工会 杨老师")
SANXING_CODE = "91330503MA2B3C4D5N"


def seed() -> None:
    if logic.by_credit_code(SANXING_CODE) is not None:
        return
    name, _ = DEMO_COMPANIES[SANXING_CODE]
    logic.register(NANXUN_ADMIN, EnterpriseBody(credit_code=SANXING_CODE, name=name,
                                                org_path="zj/huz/nanxun/e-sanxing", industry="manufacturing",
                                                size="medium", union_founded=True))
