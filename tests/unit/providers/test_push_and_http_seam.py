"""The push seam's routing, and the shared HTTP primitive's failure handling."""
from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.platform.errors import ProviderError
from chalicelib.providers import alipay, push, wechat
from chalicelib.providers.base import HttpResponse, SubscriptionRefused, fetch, json_body


class Recorder:
    def __init__(self, error: Exception | None = None) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.error = error

    def __call__(self, *args: Any) -> None:
        self.calls.append(args)
        if self.error:
            raise self.error


@pytest.fixture
def senders(monkeypatch: pytest.MonkeyPatch) -> dict[str, Recorder]:
    recorders = {"wechat": Recorder(), "alipay": Recorder()}
    monkeypatch.setattr(wechat, "send_subscribe_message", recorders["wechat"])
    monkeypatch.setattr(alipay, "send_template_message", recorders["alipay"])
    return recorders


@pytest.mark.parametrize("channel", ["wechat", "alipay"])
def test_given_a_channel_when_notifying_then_only_that_platform_is_called(
        senders: dict[str, Recorder], channel: Any) -> None:
    """Given a person on ``channel``, when notified, then that platform's sender gets the
    recipient, template, data and page, the other one nothing, and the answer is True."""
    assert push.notify(channel, "r-1", "tpl", {"k": "v"}, page="pages/p") is True
    other = "alipay" if channel == "wechat" else "wechat"
    assert senders[channel].calls == [("r-1", "tpl", {"k": "v"}, "pages/p")]
    assert senders[other].calls == []


def test_given_the_person_refused_when_notifying_then_false_and_no_personal_data_logged(
        senders: dict[str, Recorder], caplog: pytest.LogCaptureFixture) -> None:
    """Given the platform reports a refused subscription, when notified, then False, and the
    log record names the channel and template but not the recipient or the data."""
    senders["wechat"].error = SubscriptionRefused()
    with caplog.at_level(logging.INFO):
        assert push.notify("wechat", "openid-secret-person", "tpl-9", {"name": "张三丰"}) is False
    records = [r for r in caplog.records if "refused" in r.getMessage()]
    assert records, "the refusal is logged"
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "tpl-9" in logged and "wechat" in logged
    assert "openid-secret-person" not in logged and "张三丰" not in logged


def test_given_another_provider_failure_when_notifying_then_it_propagates(senders: dict[str, Recorder]) -> None:
    senders["alipay"].error = ProviderError("支付宝服务暂时不可用，请稍后再试", code="ALIPAY_ERROR")
    with pytest.raises(ProviderError) as caught:
        push.notify("alipay", "2088", "tpl", {})
    assert caught.value.code == "ALIPAY_ERROR"


def test_given_an_unknown_channel_when_notifying_then_value_error(senders: dict[str, Recorder]) -> None:
    with pytest.raises(ValueError):
        push.notify("sms", "138", "tpl", {})
    assert senders["wechat"].calls == senders["alipay"].calls == []


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_given_nothing_listens_when_fetching_then_unavailable_without_the_url() -> None:
    """Given a dead endpoint, when fetched with a secret in the query, then
    ``<PROVIDER>_UNAVAILABLE`` and neither the error nor its chain shows the URL."""
    url = f"http://127.0.0.1:{_closed_port()}/cgi-bin/token?secret=s3cr3t"
    with pytest.raises(ProviderError) as caught:
        fetch("GET", url, provider="wechat")
    assert (caught.value.status, caught.value.code) == (502, "WECHAT_UNAVAILABLE")
    assert "s3cr3t" not in str(caught.value) and caught.value.__cause__ is None
    assert caught.value.__suppress_context__


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(listener.getsockname()[1])
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def test_given_a_provider_that_hangs_when_fetching_then_timeout_becomes_unavailable(silent_server: int) -> None:
    with pytest.raises(ProviderError) as caught:
        fetch("GET", f"http://127.0.0.1:{silent_server}/gateway.do", provider="alipay", timeout=0.3)
    assert caught.value.code == "ALIPAY_UNAVAILABLE"


def test_given_a_non_http_url_when_fetching_then_refused() -> None:
    with pytest.raises(ValueError):
        fetch("GET", "file:///etc/passwd", provider="wechat")


@pytest.mark.parametrize("response", [HttpResponse(502, b"{}"), HttpResponse(200, b"<html>busy</html>"),
                                      HttpResponse(200, b"[1, 2]"), HttpResponse(200, b"\xff\xfe")])
def test_given_an_unusable_answer_when_decoding_then_provider_error(response: Any) -> None:
    with pytest.raises(ProviderError) as caught:
        json_body(response, "dingtalk")
    assert caught.value.code == "DINGTALK_ERROR"
