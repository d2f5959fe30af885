"""A deployed stage never runs on the local stand-ins for the WeChat / Alipay / 浙政钉 app ids:
account subjects include the app id, so fixing it after launch would cut people off."""
from __future__ import annotations

import pytest

from chalicelib.platform.settings import LOCAL_APP_IDS, Settings, SettingsError

REAL = {"GONGHUI_WECHAT_APP_ID": "wx0123456789abcdef", "GONGHUI_ALIPAY_APP_ID": "2021004100000001",
        "GONGHUI_DINGTALK_APP_KEY": "gonghui-zzd-prod"}


@pytest.mark.parametrize("stage", ["dev", "prod"])
@pytest.mark.parametrize("missing", sorted(LOCAL_APP_IDS))
def test_a_deployed_stage_refuses_a_placeholder_app_id(stage: str, missing: str) -> None:
    for value in (None, LOCAL_APP_IDS[missing], ""):
        env = {"GONGHUI_STAGE": stage, **REAL}
        if value is None:
            env.pop(missing)
        else:
            env[missing] = value
        with pytest.raises(SettingsError, match=missing):
            Settings.from_env(env)


def test_a_deployed_stage_starts_with_its_own_app_ids_and_local_keeps_its_stand_ins() -> None:
    prod = Settings.from_env({"GONGHUI_STAGE": "prod", **REAL})
    assert (prod.wechat_app_id, prod.alipay_app_id, prod.dingtalk_app_key) == tuple(REAL.values())
    local = Settings.from_env({"GONGHUI_STAGE": "local"})
    assert local.wechat_app_id == LOCAL_APP_IDS["GONGHUI_WECHAT_APP_ID"]
