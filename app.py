"""Gonghui API: creates the app, registers middleware and each feature's blueprints."""
from chalice import Chalice

from chalicelib import features
from chalicelib.platform import http, observability

app = Chalice(app_name="gonghui")
http.bind(app)
observability.install(app)
for name, blueprint in features.blueprints():
    app.register_blueprint(blueprint, name_prefix=name.replace(".", "_") + "_")
