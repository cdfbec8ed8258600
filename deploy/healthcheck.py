"""The Docker HEALTHCHECK: exit 0 when gunicorn in this container answers /healthz with 200.

It asks under a host name the app accepts (the first of ALLOWED_HOSTS), and says https as nginx
would, so neither the host check nor the redirect to https gets in the way.
"""

import os
import sys
import urllib.request

first = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip().lstrip(".*")
request = urllib.request.Request(
    "http://127.0.0.1:8000/healthz",
    headers={"Host": first or "localhost", "X-Forwarded-Proto": "https"},
)
try:
    with urllib.request.urlopen(request, timeout=4) as response:
        sys.exit(0 if response.status == 200 else 1)
except OSError as error:
    print(f"healthz: {error}", file=sys.stderr)
    sys.exit(1)
