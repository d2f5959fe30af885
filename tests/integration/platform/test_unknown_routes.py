"""An unknown route is a 404 in our error shape — on the in-process client and the local HTTP
server alike, as the deployed gateway answers (infra's MISSING_AUTHENTICATION_TOKEN response) —
and the caller's bearer token is never echoed back."""
from __future__ import annotations

import requests

from tests.conftest import body

PATHS = [("GET", "/no/such/route"), ("POST", "/identity/nothing-here"), ("DELETE", "/profiles"),
         ("GET", "/me/extra/segments")]


def _assert_not_found(status: int, text: str, token: str) -> None:
    import json

    assert status == 404, text
    answer = json.loads(text)
    assert answer["code"] == "NOT_FOUND" and answer["message"] and answer["details"] == []
    assert token not in text and "Authorization" not in text


def test_unknown_routes_answer_404_in_our_shape_without_echoing_the_token(login):
    worker = login("worker", user_id="w-wanderer")
    token = worker.tokens["access_token"]
    for method, path in PATHS:
        for headers in ({}, {"Authorization": f"Bearer {token}"}):
            response = worker.http.request(method, path, headers=headers, body=b"")
            _assert_not_found(response.status_code, response.body.decode(), token)
    assert body(worker.get("/me"))["user_id"] == "w-wanderer"  # known routes are untouched


def test_the_local_http_server_answers_the_same(live_api, login):
    token = login("worker", user_id="w-wanderer").tokens["access_token"]
    for method, path in PATHS:
        response = requests.request(method, f"{live_api}{path}", headers={"Authorization": f"Bearer {token}"},
                                    timeout=30)
        _assert_not_found(response.status_code, response.text, token)
