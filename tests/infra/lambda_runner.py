"""Run handlers the way Lambda's Python runtime does, on an unpacked package only.

    python3.12 -I -S lambda_runner.py TASK_ROOT OPT_DIR < invocations.json > results.json

Started with ``-I -S`` (no site-packages, no user site, no PYTHON* variables, not even this
script's folder), so the only importable code is the standard library, ``TASK_ROOT`` (the app
zip, Lambda's /var/task) and ``OPT_DIR/python`` (the layer, Lambda's /opt/python) — in the
order Lambda puts them. Reads a JSON list of ``{"handler", "event"}`` on stdin; writes one
result per invocation (the handler's return value or its error) and the time the first import
of each handler module took (the cold start's init) as JSON on stdout. Nothing here imports
anything but the standard library before the handlers do.
"""
import importlib
import json
import os
import sys
import time
import traceback
import uuid

task_root, opt_dir = sys.argv[1], sys.argv[2]
sys.path[:0] = [task_root, os.path.join(opt_dir, "python")]
os.environ.setdefault("LAMBDA_TASK_ROOT", task_root)


class Context:
    """The attributes of Lambda's context object the app and Powertools read."""

    def __init__(self, handler):
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "artifact")
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{os.environ.get('AWS_REGION')}:123456789012:function:{self.function_name}"
        self.memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512"))
        self.aws_request_id = uuid.uuid4().hex
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = "artifact"
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + 15

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def load(handler, init_ms):
    module_name, _, attr = handler.rpartition(".")
    started = time.perf_counter()
    module = importlib.import_module(module_name)
    init_ms.setdefault(module_name, round((time.perf_counter() - started) * 1000, 1))
    return getattr(module, attr)


def main():
    invocations = json.load(sys.stdin)
    results, init_ms = [], {}
    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # the app's JSON logs and EMF metrics go to stderr here
    for call in invocations:
        try:
            if "open_images" in call:  # the packaged Pillow, as the photo/roster code uses it
                from PIL import Image

                opened = []
                for path in call["open_images"]:
                    with Image.open(path) as image:
                        image.load()
                        opened.append({"format": image.format, "size": list(image.size)})
                results.append({"ok": True, "value": opened})
                continue
            handler = load(call["handler"], init_ms)
            # Chalice attaches the app's middleware (logging, metrics, tracing) to an event
            # handler only when app.py registers its blueprint.
            middleware = len(list(getattr(handler, "middleware_handlers", None) or []))
            results.append({"ok": True, "value": handler(call["event"], Context(call["handler"])),
                            "middleware": middleware})
        except BaseException as exc:
            results.append({"ok": False, "error": f"{type(exc).__name__}: {exc}",
                            "trace": traceback.format_exc()[-3000:]})
    loaded = sorted(name for name, module in list(sys.modules.items()) if name not in ("__main__", "__mp_main__")
                    if getattr(module, "__file__", None) and not str(module.__file__).startswith(
                        (task_root, opt_dir, sys.base_prefix, sys.prefix)))
    json.dump({"results": results, "init_ms": init_ms, "sys_path": sys.path,
               "foreign_modules": loaded}, real_stdout, default=str)


main()
