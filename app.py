"""Gonghui API: creates the app, registers middleware and each feature's blueprints."""
from typing import Any

from chalice import Chalice

from chalicelib import features
from chalicelib.platform import cors, http, middleware

app = Chalice(app_name="gonghui")
app.experimental_feature_flags.update(["WEBSOCKETS"])  # 光年间 chat's real-time delivery
http.bind(app)
middleware.install(app)
middleware.warm_up()  # in Lambda: tracer, clients and parameters during init
for name, blueprint in features.blueprints():
    app.register_blueprint(blueprint, name_prefix=name.replace(".", "_") + "_")
cors.install(app)  # after the blueprints: one preflight route per path, origins per stage


def __getattr__(name: str) -> Any:
    """``app.<handler name>`` (e.g. ``app.audit_events_record_domain_events``): the Lambda entry
    point infra gives every event handler, so that Lambda loads this module — the app with its
    middleware — first. A blueprint module imported on its own runs its handlers bare."""
    try:
        return app.handler_map[name]
    except KeyError:
        raise AttributeError(f"module 'app' has no attribute {name!r}") from None
