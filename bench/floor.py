"""The least a Python page can cost: fixed bytes from a bare WSGI callable under the production
gunicorn configuration, with no Django at all. Served beside nginx to show how much of the gap
between a cached page and a static file is the Python server itself.
"""

import os
from pathlib import Path

BODY = Path(os.environ["BENCH_FLOOR_BODY"]).read_bytes()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
