"""The demo login is a local-stage convenience: it must never switch on by accident."""
from __future__ import annotations

import pytest

from chalicelib.platform.settings import Settings


def test_an_explicit_local_stage_enables_the_demo_login():
    assert Settings.from_env({"GONGHUI_STAGE": "local"}).dev_login_enabled is True


def test_a_missing_or_empty_stage_setting_keeps_the_demo_login_off():
    """Given a Lambda whose environment lost GONGHUI_STAGE, when settings load, then the
    demo-token login stays closed (it used to default to local and open)."""
    assert Settings.from_env({}).dev_login_enabled is False
    assert Settings.from_env({"GONGHUI_STAGE": ""}).dev_login_enabled is False


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_other_stages_keep_the_demo_login_off(stage):
    real_ids = {"GONGHUI_WECHAT_APP_ID": "wx1234", "GONGHUI_ALIPAY_APP_ID": "2021001", "GONGHUI_DINGTALK_APP_KEY": "zzd"}
    assert Settings.from_env({"GONGHUI_STAGE": stage, **real_ids}).dev_login_enabled is False
