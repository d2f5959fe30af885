"""Clients for the outside systems: WeChat, Alipay, 浙政钉 (DingTalk) and the push seam.

Every client reads its base URL from settings and its secrets from SSM, and turns any
failure into ``ProviderError`` (502) or ``Unauthorized`` (401) with a Chinese message.
The local fakes in ``local/fakes`` speak the same protocols on the same paths.
"""


def reset_caches() -> None:
    """Forget every provider's cached tokens and keys (tests, the local stack, key rotation)."""
    from . import alipay, dingtalk, wechat

    wechat.reset_cache()
    alipay.reset_cache()
    dingtalk.reset_cache()
