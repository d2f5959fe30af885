"""What the packaged app is made of, read from the app itself (never a hand-kept list):
which feature owns each table, queue, route and handler, which features a feature's code
reaches into (its imports), and which features use the uploads bucket or the WebSocket API.

The stacks use it to give every function a role reaching only its feature's resources plus
the shared ones (see :data:`SHARED_FEATURES`).
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Every function may use these features' tables (sign-in, people, the org tree) and the
# platform's (idempotency). Everything else is reached only through a feature's own code.
SHARED_FEATURES = ("accounts", "orgs")
PLATFORM = "platform"
# Feature groups deployed together (one functions stack each, so every stack stays far below
# CloudFormation's 500 resources). A feature not listed goes to the last group.
GROUPS: dict[str, tuple[str, ...]] = {
    "people": ("system", "orgs", "accounts", "audit", "identity", "profiles", "social", "messaging"),
    "enterprise": ("enterprises", "talents", "craftsmen"),
    "services": ("aid", "subsidy", "dorms", "canteen", "bookings"),
}
API_FUNCTION = "APIHandler"  # Chalice's; it stays the `system` feature's API function


@dataclass
class FunctionInfo:
    logical_id: str
    feature: str
    kind: str  # "api" | "websocket" | "sqs" | "schedule" | "s3"
    handler: str


@dataclass
class AppModel:
    sam: dict[str, Any]
    features: tuple[str, ...]
    functions: dict[str, FunctionInfo] = field(default_factory=dict)
    route_features: dict[tuple[str, str], str] = field(default_factory=dict)  # (path, method) -> feature
    table_owner: dict[str, str] = field(default_factory=dict)  # table short name -> feature
    queue_owner: dict[str, str] = field(default_factory=dict)  # queue name (and dlq name) -> feature
    imports: dict[str, set[str]] = field(default_factory=dict)  # feature -> features its code imports
    bucket_users: set[str] = field(default_factory=set)
    websocket_users: set[str] = field(default_factory=set)

    def reach(self, feature: str) -> set[str]:
        """The features whose tables/queues a function of ``feature`` may touch: its own, the
        ones its code imports (transitively) and the shared ones."""
        seen: set[str] = set()
        todo = [feature, *SHARED_FEATURES]
        while todo:
            f = todo.pop()
            if f in seen:
                continue
            seen.add(f)
            todo.extend(self.imports.get(f, ()))
        return seen | {PLATFORM}

    def group_of(self, feature: str) -> str:
        for name, members in GROUPS.items():
            if feature in members:
                return name
        return list(GROUPS)[-1]


def feature_of_module(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "chalicelib" else PLATFORM


def _imports(project_dir: Path, features: tuple[str, ...]) -> dict[str, set[str]]:
    names = "|".join(re.escape(f) for f in features)
    pattern = re.compile(rf"chalicelib[./]({names})\b")
    found: dict[str, set[str]] = {}
    for feature in features:
        folder = project_dir / "chalicelib" / feature
        text = "\n".join(p.read_text() for p in folder.rglob("*.py")) if folder.exists() else ""
        found[feature] = set(pattern.findall(text)) - {feature}
    return found


def _users_of(project_dir: Path, features: tuple[str, ...], needle: re.Pattern[str]) -> set[str]:
    return {f for f in features if any(needle.search(p.read_text())
                                       for p in (project_dir / "chalicelib" / f).rglob("*.py"))}


def read_app(sam: dict[str, Any], project_dir: Path) -> AppModel:
    """Call after ``chalice package`` (the app module is loaded) in the target's environment."""
    from chalice.app import RouteEntry

    from chalicelib import features as registry
    from chalicelib.platform.settings import get_settings
    from chalicelib.tables import all_models

    app = sys.modules["app"].app
    model = AppModel(sam=sam, features=tuple(registry.FEATURES))
    prefix = get_settings().resource_prefix + "-"
    for m in all_models():
        model.table_owner[m.Meta.table_name.removeprefix(prefix)] = feature_of_module(m.__module__)
    for feature in model.features:
        module = registry._module(feature, "specs")
        for spec in getattr(module, "QUEUES", ()) if module else ():
            model.queue_owner[spec.name] = feature
            model.queue_owner[spec.dlq_name] = feature
    for path, methods in app.routes.items():
        for method, entry in methods.items():
            if isinstance(entry, RouteEntry):
                model.route_features[(path, method.lower())] = feature_of_module(entry.view_function.__module__)
    model.imports = _imports(project_dir, model.features)
    model.bucket_users = _users_of(project_dir, model.features, re.compile(r"uploads_bucket|presign"))
    model.websocket_users = _users_of(project_dir, model.features,
                                      re.compile(r"apigatewaymanagementapi|post_to_connection"))
    handler_feature = {}
    for name, handler in app.handler_map.items():
        func = getattr(handler, "func", None)
        if func is not None:
            handler_feature[f"app.{name}"] = feature_of_module(func.__module__)
            handler_feature[f"{func.__module__}.{func.__name__}"] = feature_of_module(func.__module__)
    for logical_id, resource in sam["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        handler = resource["Properties"]["Handler"]
        events = [e["Type"] for e in (resource["Properties"].get("Events") or {}).values()]
        if logical_id == API_FUNCTION:
            model.functions[logical_id] = FunctionInfo(logical_id, "system", "api", handler)
            continue
        kind = ("sqs" if "SQS" in events else "schedule" if events else
                "websocket" if logical_id.startswith("Websocket") else "s3")
        model.functions[logical_id] = FunctionInfo(logical_id, handler_feature[handler], kind, handler)
    return model


def dump(model: AppModel) -> str:
    """For debugging: ``print(dump(model))``."""
    return json.dumps({"functions": {k: vars(v) for k, v in model.functions.items()},
                       "imports": {k: sorted(v) for k, v in model.imports.items()},
                       "bucket_users": sorted(model.bucket_users),
                       "websocket_users": sorted(model.websocket_users)}, indent=1, ensure_ascii=False)
