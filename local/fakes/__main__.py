"""``python -m local.fakes --port N``: run the provider fakes in the foreground."""
from __future__ import annotations

import argparse
import json
import sys

from .server import FakeProviders


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.fakes", description=__doc__)
    parser.add_argument("--port", type=int, default=8765, help="port to listen on (0: any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--verbose", action="store_true", help="print each request's method and path")
    parser.add_argument("--print-ssm", action="store_true",
                        help="print the SSM parameters (JSON) the app needs to talk to these fakes")
    args = parser.parse_args(argv)

    fake = FakeProviders(args.port, host=args.host, verbose=args.verbose)
    print(f"Gonghui provider fakes listening on {fake.url}", flush=True)
    for name, value in fake.environment().items():
        print(f"  {name}={value}", flush=True)
    print(f"  SSM parameters: GET {fake.url}/_fake/ssm-parameters", flush=True)
    if args.print_ssm:
        print(json.dumps(fake.ssm_parameters(), ensure_ascii=False, indent=2), flush=True)
    try:
        fake.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
