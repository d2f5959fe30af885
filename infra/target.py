"""What one synthesis is for (stage, region, partition) and the process environment it needs.

The app's names (tables, queues, bucket, parameters) come from ``chalicelib.platform.settings``,
which reads ``os.environ`` once and caches it; queue names are even baked into the Chalice
decorators at import time. So :func:`prepare_environment` must run before anything imports
``chalicelib`` (``infra/app.py`` and ``infra/synth.py`` call it first thing).
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
INFRA_DIR = Path(__file__).resolve().parent
DEPLOYABLE_STAGES = ("dev", "prod")
DEFAULT_STAGE = "dev"
DEFAULT_REGION = "us-east-1"
CHINA_REGIONS = ("cn-north-1", "cn-northwest-1")
APP_ID_ENV = {"wechat_app_id": "GONGHUI_WECHAT_APP_ID", "alipay_app_id": "GONGHUI_ALIPAY_APP_ID",
              "dingtalk_app_key": "GONGHUI_DINGTALK_APP_KEY"}
STAGE_CONFIG = INFRA_DIR / "stages.json"


def _stage_config(stage: str) -> dict[str, str]:
    """Per-stage values operators keep in infra/stages.json (context overrides them)."""
    import json

    if not STAGE_CONFIG.exists():
        return {}
    return {k: v for k, v in json.loads(STAGE_CONFIG.read_text()).get(stage, {}).items() if isinstance(v, str)}


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


@dataclass(frozen=True)
class Target:
    """One stage in one region. Names follow ``chalicelib.platform.settings``."""

    stage: str
    region: str
    project_dir: Path = PROJECT_DIR
    uploads_bucket: str | None = None
    alarm_email: str | None = None
    # The stage's WeChat / Alipay / 浙政钉 app ids (account subjects include them, so they are
    # fixed before launch): context ``wechat_app_id``, ``alipay_app_id``, ``dingtalk_app_key``.
    app_ids: tuple[tuple[str, str], ...] = ()
    # The union console: the API URL it calls (``api_base``; its origin is the console's CSP
    # connect-src) and its own origin (``console_origin``; the API's CORS allows it). Optional.
    console_api_base: str = ""
    console_origin: str = ""

    def __post_init__(self) -> None:
        if self.stage not in DEPLOYABLE_STAGES:
            raise ValueError(f"stage must be one of {DEPLOYABLE_STAGES}, got {self.stage!r}")
        if not self.region or self.region.count("-") < 2:
            raise ValueError(f"not a region: {self.region!r}")

    @property
    def partition(self) -> str:
        return partition_of(self.region)

    @property
    def is_china(self) -> bool:
        return self.partition == "aws-cn"

    @property
    def prefix(self) -> str:
        return f"gonghui-{self.stage}"

    @property
    def stack_name(self) -> str:
        return f"gonghui-{self.stage}"

    @property
    def bucket_name(self) -> str:
        return self.uploads_bucket or f"{self.prefix}-uploads"

    @property
    def parameter_root(self) -> str:
        return f"/gonghui/{self.stage}"

    @property
    def event_bus(self) -> str:
        return "default"

    @property
    def is_prod(self) -> bool:
        return self.stage == "prod"

    def app_environment(self) -> dict[str, str]:
        """The GONGHUI_* variables every function gets (the stage's config adds the rest)."""
        return {
            "GONGHUI_STAGE": self.stage,
            "GONGHUI_PREFIX": self.prefix,
            "GONGHUI_EVENT_BUS": self.event_bus,
            "GONGHUI_UPLOADS_BUCKET": self.bucket_name,
            **{APP_ID_ENV[k]: v for k, v in self.app_ids},
            **({"GONGHUI_CORS_ORIGINS": self.console_origin} if self.console_origin else {}),
        }

    def require_app_ids(self) -> None:
        missing = sorted(set(APP_ID_ENV) - {k for k, v in self.app_ids if v})
        if missing:
            raise ValueError(f"stage {self.stage} needs its provider app ids: pass -c {'=… -c '.join(missing)}=… "
                             f"(or set them under \"{self.stage}\" in infra/stages.json)")

    @classmethod
    def from_context(cls, get: Any) -> Target:
        """``get`` is ``app.node.try_get_context``: ``-c stage=prod -c region=cn-north-1``."""
        region = (get("region") or os.environ.get("CDK_DEFAULT_REGION")
                  or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION)
        project_dir = get("project_dir")
        stage = get("stage") or DEFAULT_STAGE
        configured = _stage_config(stage)
        app_ids = tuple((k, str(get(k) or configured.get(k) or "")) for k in APP_ID_ENV)
        return cls(
            stage=stage,
            region=region,
            project_dir=Path(project_dir).resolve() if project_dir else PROJECT_DIR,
            uploads_bucket=get("uploads_bucket") or None,
            alarm_email=get("alarm_email") or configured.get("alarm_email") or None,
            app_ids=app_ids,
            console_api_base=str(get("api_base") or configured.get("api_base") or ""),
            console_origin=str(get("console_origin") or configured.get("console_origin") or "").rstrip("/"),
        )


def prepare_environment(target: Target) -> None:
    """Point this process at ``target`` before ``chalicelib`` is imported.

    Also makes sure ``import app`` (which Chalice does to read the app) finds the project's
    ``app.py`` and not ``infra/app.py``.
    """
    if any(name == "chalicelib" or name.startswith("chalicelib.") for name in sys.modules):
        from chalicelib.platform.settings import get_settings

        if get_settings().stage != target.stage or get_settings().resource_prefix != target.prefix:
            raise RuntimeError("chalicelib was imported before the infra environment was prepared")
    loaded_app = sys.modules.get("app")
    if loaded_app is not None and Path(getattr(loaded_app, "__file__", "") or "").resolve() \
            != (target.project_dir / "app.py").resolve():
        del sys.modules["app"]
    os.environ.update(target.app_environment())
    os.environ["AWS_DEFAULT_REGION"] = target.region
    os.environ["AWS_REGION"] = target.region
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        os.environ.pop(name, None)
    infra = str(INFRA_DIR)
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(infra)]
    project = str(target.project_dir)
    if project in sys.path:
        sys.path.remove(project)
    sys.path.insert(0, project)
