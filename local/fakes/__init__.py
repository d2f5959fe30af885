"""Local fakes of WeChat, Alipay and 浙政钉 for tests and the local stack (never shipped).

    from local.fakes import start_fakes
    fake = start_fakes()            # 127.0.0.1, free port, background thread
    fake.wechat_login_code("o-1")   # mint a one-time code
    fake.stop()

Run in the foreground with ``python -m local.fakes --port 8765``.
"""
from .server import FakeProviders, start_fakes

__all__ = ["FakeProviders", "start_fakes"]
