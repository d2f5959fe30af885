"""Gonghui API: creates the app, registers middleware and each feature's blueprints."""
from chalice import Chalice

from chalicelib import features
from chalicelib.platform import http, middleware

app = Chalice(app_name="gonghui")
app.experimental_feature_flags.update(["WEBSOCKETS"])  # 光年间 chat's real-time delivery
http.bind(app)
middleware.install(app)
middleware.warm_up()  # in Lambda: tracer, clients and parameters during init
for name, blueprint in features.blueprints():
    app.register_blueprint(blueprint, name_prefix=name.replace(".", "_") + "_")
