"""浙江政务服务网 legal-person login (法人登录) against the running fake: the portal's redirect
with an ``ssotoken``, its server-side validation through the signed IRS gateway call."""
from __future__ import annotations

import http.client
import urllib.parse
from datetime import timedelta

import pytest

from chalicelib.platform import clock, parameters
from chalicelib.platform.errors import ProviderError, Unauthorized
from chalicelib.platform.settings import get_settings
from chalicelib.providers import zwfw
from local.fakes import FakeProviders
from local.fakes.testing import seed_parameters

CODE = "91330503MA2B3C4D5N"


def _portal_redirect(fake: FakeProviders, callback: str) -> dict[str, str]:
    """The browser at the portal's login entry: where it is sent back to, and with what."""
    connection = http.client.HTTPConnection(fake.host if fake.host not in ("", "0.0.0.0") else "127.0.0.1",
                                            fake.port, timeout=5)
    query = urllib.parse.urlencode({"spappurl": callback, "credit_code": CODE})
    connection.request("GET", f"/opensso/spsaehandler/metaAlias/sp?{query}")
    response = connection.getresponse()
    assert response.status == 302
    location = urllib.parse.urlsplit(response.getheader("Location") or "")
    connection.close()
    assert f"{location.scheme}://{location.netloc}{location.path}" == callback
    return dict(urllib.parse.parse_qsl(location.query))


def test_given_the_portals_redirect_when_the_token_is_validated_then_the_legal_person_is_known(fake):
    back = _portal_redirect(fake, "https://console.example/enterprise/sso")
    assert back["ssoticket"]
    person = zwfw.legal_person_by_token(back["ssotoken"])
    assert person.credit_code == CODE
    assert (person.company_name, person.legal_representative) == ("浙江三行电气科技有限公司", "沈国强")


def test_given_a_used_or_expired_token_then_it_is_refused(fake):
    token = fake.zwfw_ssotoken(CODE)
    zwfw.legal_person_by_token(token)
    with pytest.raises(Unauthorized) as used:
        zwfw.legal_person_by_token(token)
    assert (used.value.status, used.value.code) == (401, "ZWFW_TOKEN_INVALID")
    late = fake.zwfw_ssotoken(CODE)
    clock.travel(timedelta(minutes=6))
    with pytest.raises(Unauthorized):
        zwfw.legal_person_by_token(late)


def test_given_a_wrong_secret_key_then_the_gateway_refuses_the_signature_and_we_answer_502(fake):
    seed_parameters(fake, {get_settings().zwfw_secret_parameter: "not-the-secret"})
    parameters.reset_parameters()
    with pytest.raises(ProviderError) as caught:
        zwfw.legal_person_by_token(fake.zwfw_ssotoken(CODE))
    assert (caught.value.status, caught.value.code) == (502, "ZWFW_ERROR")
