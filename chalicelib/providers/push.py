"""One seam to notify a person through the mini-program they use.

``channel`` is where the person signed in: ``"wechat"`` (recipient = openid) or
``"alipay"`` (recipient = Alipay user id). A refused/missing subscription is an expected
outcome, not an error: :func:`notify` answers ``False`` and logs only the channel and the
template, never the recipient or the message data.
"""
from __future__ import annotations

from chalicelib.platform.observability import logger

from . import alipay, wechat
from .base import SubscriptionRefused

__all__ = ["CHANNELS", "SubscriptionRefused", "notify"]

CHANNELS = ("wechat", "alipay")


def notify(channel: str, recipient: str, template_id: str, data: dict[str, str], page: str | None = None) -> bool:
    """Send one templated message. ``True`` when delivered to the platform, ``False`` when the
    person refused the subscription; any other failure raises ``ProviderError``."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown push channel {channel!r}; expected one of {CHANNELS}")
    try:
        if channel == "wechat":
            wechat.send_subscribe_message(recipient, template_id, data, page)
        else:
            alipay.send_template_message(recipient, template_id, data, page)
    except SubscriptionRefused:
        logger.info("push refused by subscriber", extra={"channel": channel, "template_id": template_id})
        return False
    logger.info("push sent", extra={"channel": channel, "template_id": template_id})
    return True
