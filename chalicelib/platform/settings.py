"""One validated settings object, read from the environment once.

Every other module asks :func:`get_settings`; nothing else reads ``os.environ``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache

STAGES = ("local", "dev", "prod")
# The local stage's stand-ins for the provider app ids. Account subjects include the app id,
# so a deployed stage running on one of these would strand every account made meanwhile.
LOCAL_APP_IDS = {
    "GONGHUI_WECHAT_APP_ID": "wx-gonghui-local",
    "GONGHUI_ALIPAY_APP_ID": "2021000000000000",
    "GONGHUI_DINGTALK_APP_KEY": "gonghui-zzd-local",
}
# The union console next to the local API (``make run``): the local stage's default CORS origins.
LOCAL_CONSOLE_ORIGINS = "http://127.0.0.1:8000,http://localhost:8000"


class SettingsError(RuntimeError):
    """The environment does not describe a runnable stage."""


def _int(env: dict[str, str], name: str, default: int, *, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from exc
    if not low <= value <= high:
        raise SettingsError(f"{name} must be within [{low}, {high}], got {value}")
    return value


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    resource_prefix: str
    event_bus_name: str
    uploads_bucket: str
    jwt_key_parameter: str
    pii_key_parameter: str
    parameter_max_age: int
    access_token_ttl: int
    refresh_token_ttl: int
    max_body_bytes: int
    tracing_enabled: bool
    aws_endpoint_url: str | None
    wechat_api_base: str
    wechat_app_id: str
    wechat_secret_parameter: str
    alipay_gateway: str
    alipay_app_id: str
    alipay_private_key_parameter: str
    alipay_public_key_parameter: str
    dingtalk_api_base: str
    dingtalk_app_key: str
    dingtalk_secret_parameter: str
    # 浙江政务服务网 legal-person SSO (法人统一身份认证) through the IRS gateway: its base URL,
    # the gateway access key (AK) and our project id; the secret key (SK) is in SSM.
    zwfw_api_base: str = "https://bcdsg.zj.gov.cn:8443"
    zwfw_access_key: str = "gonghui-zwfw-local"
    zwfw_project_id: str = "gonghui-local"
    zwfw_secret_parameter: str = "/gonghui/local/zwfw-secret-key"
    extra: dict[str, str] = field(default_factory=dict)
    # The WebSocket API's management endpoint (``https://{api}.execute-api.../{stage}``, or the
    # local gateway); None means "derive it from the connection's domain and stage".
    ws_endpoint: str | None = None
    # Was GONGHUI_STAGE set at all? A missing setting falls back to "local" names, but must
    # never switch on what only the local stage may do (fail closed).
    stage_declared: bool = False
    # Origins a browser may call the API from: the union console of this stage (see platform/cors.py).
    cors_origins: tuple[str, ...] = ()
    # ``https://sqs.<region>.<suffix>/<account>/``: queue URLs without GetQueueUrl (see
    # ``platform.queues.QUEUE_URL_PREFIX_ENV``); None means "ask SQS".
    queue_url_prefix: str | None = None
    # set by the Lambda runtime: build clients during init, not on the first request
    in_lambda: bool = False
    # A roster import in "replace" mode that would mark more than this share of a scope's
    # active members as left is refused unless the admin confirms it.
    roster_max_leave_percent: int = 10

    @property
    def dev_login_enabled(self) -> bool:
        """The demo-token login exists only on a stage explicitly declared ``local``."""
        return self.stage_declared and self.stage == "local"

    def table_name(self, short: str) -> str:
        return f"{self.resource_prefix}-{short}"

    def queue_name(self, short: str, *, fifo: bool = False) -> str:
        name = f"{self.resource_prefix}-{short}"
        return f"{name}.fifo" if fifo else name

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        stage = env.get("GONGHUI_STAGE") or "local"
        if stage not in STAGES:
            raise SettingsError(f"GONGHUI_STAGE must be one of {STAGES}, got {stage!r}")
        if stage != "local":
            placeholders = sorted(k for k, v in LOCAL_APP_IDS.items() if env.get(k, v) in ("", v))
            if placeholders:
                raise SettingsError(f"stage {stage} needs real provider app ids; set {', '.join(placeholders)} "
                                    "(infra passes them from infra/stages.json)")
        prefix = env.get("GONGHUI_PREFIX", f"gonghui-{stage}")
        param_root = f"/gonghui/{stage}"
        return cls(
            stage=stage,
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "cn-north-1",
            resource_prefix=prefix,
            event_bus_name=env.get("GONGHUI_EVENT_BUS", "default"),
            uploads_bucket=env.get("GONGHUI_UPLOADS_BUCKET", f"{prefix}-uploads"),
            jwt_key_parameter=env.get("GONGHUI_JWT_KEY_PARAM", f"{param_root}/jwt-signing-key"),
            pii_key_parameter=env.get("GONGHUI_PII_KEY_PARAM", f"{param_root}/pii-key"),
            parameter_max_age=_int(env, "GONGHUI_PARAMETER_MAX_AGE", 300, low=0, high=86400),
            access_token_ttl=_int(env, "GONGHUI_ACCESS_TTL", 900, low=60, high=86400),
            refresh_token_ttl=_int(env, "GONGHUI_REFRESH_TTL", 14 * 86400, low=3600, high=90 * 86400),
            max_body_bytes=_int(env, "GONGHUI_MAX_BODY_BYTES", 256 * 1024, low=1024, high=6 * 1024 * 1024),
            tracing_enabled=env.get("GONGHUI_TRACING", "0" if stage == "local" else "1") == "1",
            aws_endpoint_url=env.get("AWS_ENDPOINT_URL") or None,
            wechat_api_base=env.get("GONGHUI_WECHAT_API", "https://api.weixin.qq.com"),
            wechat_app_id=env.get("GONGHUI_WECHAT_APP_ID", LOCAL_APP_IDS["GONGHUI_WECHAT_APP_ID"]),
            wechat_secret_parameter=f"{param_root}/wechat-app-secret",
            alipay_gateway=env.get("GONGHUI_ALIPAY_GATEWAY", "https://openapi.alipay.com/gateway.do"),
            alipay_app_id=env.get("GONGHUI_ALIPAY_APP_ID", LOCAL_APP_IDS["GONGHUI_ALIPAY_APP_ID"]),
            alipay_private_key_parameter=f"{param_root}/alipay-app-private-key",
            alipay_public_key_parameter=f"{param_root}/alipay-public-key",
            dingtalk_api_base=env.get("GONGHUI_DINGTALK_API", "https://openplatform.dg-work.cn"),
            dingtalk_app_key=env.get("GONGHUI_DINGTALK_APP_KEY", LOCAL_APP_IDS["GONGHUI_DINGTALK_APP_KEY"]),
            dingtalk_secret_parameter=f"{param_root}/dingtalk-app-secret",
            zwfw_api_base=env.get("GONGHUI_ZWFW_API", "https://bcdsg.zj.gov.cn:8443"),
            zwfw_access_key=env.get("GONGHUI_ZWFW_ACCESS_KEY", "gonghui-zwfw-local"),
            zwfw_project_id=env.get("GONGHUI_ZWFW_PROJECT_ID", "gonghui-local"),
            zwfw_secret_parameter=f"{param_root}/zwfw-secret-key",
            extra={k: v for k, v in env.items() if k.startswith("GONGHUI_X_")},
            ws_endpoint=env.get("GONGHUI_WS_ENDPOINT") or None,
            stage_declared=bool(env.get("GONGHUI_STAGE")),
            cors_origins=tuple(o.strip().rstrip("/") for o in env.get(
                "GONGHUI_CORS_ORIGINS", LOCAL_CONSOLE_ORIGINS if stage == "local" else "").split(",") if o.strip()),
            queue_url_prefix=env.get("GONGHUI_QUEUE_URL_PREFIX") or None,
            in_lambda=bool(env.get("AWS_LAMBDA_FUNCTION_NAME")),
            roster_max_leave_percent=_int(env, "GONGHUI_ROSTER_MAX_LEAVE_PERCENT", 10, low=0, high=100),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()


def reset_settings() -> None:
    """Forget the cached settings (tests and the local stack change the environment)."""
    get_settings.cache_clear()
