"""Production smoke test: the stack of docker-compose.yml, without Docker.

Runs Bulletin with production settings (DEBUG off, a random key, WhiteNoise's hashed static
files) under gunicorn with gunicorn.conf.py, against this machine's PostgreSQL (a fresh database)
and Redis, and talks to it over real HTTP on loopback:

1. pages a reader and an editor use: home, issue, article, search, RSS, sitemap, static, admin login;
2. the same through nginx with deploy/nginx.conf itself (only its addresses and paths changed for
   loopback) and a certificate made by deploy/first_run.py: http sent to https, TLS, static and
   media headers, gzip, the upload limit, and an admin login whose CSRF check needs nginx's
   X-Forwarded-Proto;
3. Redis stopped mid-run: pages stay 200 and fast; when Redis is back, they still are;
4. PostgreSQL restarted mid-run: errors only inside the restart window, then 200s again within
   RECOVERY_SECONDS, with the same gunicorn;
5. a short wrk load test: no non-2xx/3xx responses and no socket errors.

Leaves PostgreSQL and Redis running and always stops gunicorn and nginx. Exits non-zero on any
failure. Run from the project root with `make smoke` (needs psql, redis-cli, pg_ctlcluster, nginx,
openssl and wrk).
"""

import contextlib
import gzip
import http.client
import importlib.util
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
# The same arguments as the Dockerfile's CMD and docker-compose's web service (tests/test_stack.py).
GUNICORN_ARGS = ["--config", "gunicorn.conf.py", "config.wsgi:application"]
# Variables the smoke run sets for the process rather than for the app's settings.
PROCESS_VARIABLES = {"DJANGO_SETTINGS_MODULE", "GUNICORN_BIND", "PYTHONUNBUFFERED"}
DATABASE = "bulletin_smoke"
REDIS_DB = 2
REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "-::1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis",
    "--logfile",
    "/var/log/redis/ci.log",
]
PG_VERSION = next(iter(sorted(os.listdir("/etc/postgresql"))), "15") if os.path.isdir("/etc/postgresql") else "15"
RECOVERY_SECONDS = 10
LOAD_SECONDS = int(os.environ.get("SMOKE_LOAD_SECONDS", 20))
LOAD_CONNECTIONS = 32
DEMO_EDITOR = ("editor", "Bianji-2026!")
SEARCH_WORD = "科协"


class SmokeFailure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise SmokeFailure(message)


def step(title):
    print(f"\n== {title}", flush=True)


# --- HTTP -----------------------------------------------------------------------------------


class Client:
    """A tiny HTTP(S) client that never follows redirects and keeps cookies whatever their flags."""

    def __init__(self, port, *, tls=None):
        self.port = port
        self.tls = tls  # an ssl.SSLContext for https
        self.cookies = {}

    @property
    def origin(self):
        return "https://localhost" if self.tls else "http://localhost"

    def request(self, method, path, *, body=None, headers=None, timeout=10):
        if self.tls:
            connection = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout, context=self.tls)
        else:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        all_headers = {"Host": "localhost", "User-Agent": "bulletin-smoke"}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        all_headers.update(headers or {})
        try:
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, dict((k.lower(), v) for k, v in response.getheaders()), content

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)


def expect_page(client, path, content_type, *, contains=None):
    started = time.monotonic()
    status, headers, body = client.get(path)
    elapsed = (time.monotonic() - started) * 1000
    type_ = headers.get("content-type", "")
    print(f"  {status} {path}  {type_}  {len(body)} B  {elapsed:.0f} ms")
    check(status == 200, f"{path}: expected 200, got {status}")
    check(type_.startswith(content_type), f"{path}: expected {content_type}, got {type_!r}")
    text = body.decode("utf-8", "replace")
    if contains:
        check(contains in text, f"{path}: {contains!r} not in the response")
    return text


# --- services -------------------------------------------------------------------------------


def run(command, *, env=None, quiet=True):
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stdout.write(result.stdout[-4000:])
        sys.stderr.write(result.stderr[-4000:])
        raise SmokeFailure(f"{' '.join(command[:4])} … exited {result.returncode}")
    if not quiet:
        sys.stdout.write(result.stdout)
    return result.stdout


def redis_up():
    result = subprocess.run(["redis-cli", "-p", "6379", "ping"], capture_output=True, text=True)
    return result.returncode == 0 and "PONG" in result.stdout


def postgres_up():
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode == 0


def ensure_services():
    """Whatever happened, leave Redis and PostgreSQL running for the rest of CI."""
    if not redis_up():
        subprocess.run(REDIS_START, check=False)
    if not postgres_up():
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, "main", "start"], check=False)
    for _ in range(50):
        if redis_up() and postgres_up():
            return True
        time.sleep(0.2)
    return False


def psql(*statements):
    command = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-q"]
    for statement in statements:
        command += ["-c", statement]
    run(command)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_environment(port, workdir):
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "BULLETIN_"))}
    environment.update(production_variables(port, workdir))
    return environment


def production_variables(port, workdir):
    """What differs from the process's environment: production settings for plain-http loopback."""
    return dict(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_ENV="production",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=f"http://127.0.0.1:{port}",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        REDIS_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        MEDIA_ACCEL_REDIRECT="1",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        # Plain http on loopback stands in for nginx + TLS: no redirect to https, cookies without
        # the Secure flag, no HSTS. Everything else stays as in production.
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )


class Gunicorn:
    def __init__(self, environment, log_path):
        self.log_path = log_path
        self.log = open(log_path, "w")  # noqa: SIM115 -- closed in stop()
        self.process = subprocess.Popen(
            [GUNICORN, *GUNICORN_ARGS],
            cwd=ROOT,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def alive(self):
        return self.process.poll() is None

    def stop(self):
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=25)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()

    def tail(self, lines=40):
        with contextlib.suppress(OSError):
            return "\n".join(Path(self.log_path).read_text(errors="replace").splitlines()[-lines:])
        return ""


def wait_until_serving(client, server, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        check(server.alive(), "gunicorn exited while starting")
        with contextlib.suppress(OSError, http.client.HTTPException):
            status, _, _ = client.get("/healthz", timeout=2)
            if status == 200:
                return
        time.sleep(0.3)
    raise SmokeFailure(f"/healthz did not answer 200 within {timeout} s")


class Nginx:
    """deploy/nginx.conf in front of gunicorn, on loopback ports, with a first-run certificate.

    The file is used as it is, but for the addresses and paths that differ outside docker-compose;
    each is replaced exactly where the file has it, so a change there fails here first.
    """

    def __init__(self, workdir, app_port, static_root, media_root):
        self.http_port, self.https_port = free_port(), free_port()
        tls = workdir / "tls"
        first_run = _load("first_run", ROOT / "deploy" / "first_run.py")
        first_run.ensure_certificate(tls, ["localhost", "127.0.0.1"])
        site = (ROOT / "deploy" / "nginx.conf").read_text()
        for original, replacement, times in (
            ("server web:8000;", f"server 127.0.0.1:{app_port};", 1),
            ("listen 80 default_server;", f"listen 127.0.0.1:{self.http_port} default_server;", 1),
            (
                "listen 443 ssl http2 default_server;",
                f"listen 127.0.0.1:{self.https_port} ssl http2 default_server;",
                1,
            ),
            (" /etc/nginx/tls/", f" {tls}/", 2),
            ("alias /srv/static/;", f"alias {static_root}/;", 1),
            # The public tree and the app's X-Accel-Redirect location, both in the media volume.
            ("alias /srv/media/;", f"alias {media_root}/;", 2),
        ):
            check(site.count(original) == times, f"deploy/nginx.conf no longer has {original!r} {times}×")
            site = site.replace(original, replacement)
        (workdir / "site.conf").write_text(site)
        temporary = workdir / "nginx-temp"
        temporary.mkdir()
        main = f"""
            worker_processes 1;
            daemon off;
            pid {workdir}/nginx.pid;
            error_log {workdir}/nginx-error.log warn;
            events {{ worker_connections 256; }}
            http {{
                include /etc/nginx/mime.types;
                default_type application/octet-stream;
                access_log off;
                client_body_temp_path {temporary}/body;
                proxy_temp_path {temporary}/proxy;
                fastcgi_temp_path {temporary}/fastcgi;
                uwsgi_temp_path {temporary}/uwsgi;
                scgi_temp_path {temporary}/scgi;
                include {workdir}/site.conf;
            }}
        """
        (workdir / "nginx.conf").write_text(main)
        self.error_log = workdir / "nginx-error.log"
        command = [shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(workdir), "-c", str(workdir / "nginx.conf")]
        run([*command, "-t"])
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        context = ssl.create_default_context(cafile=str(tls / "fullchain.pem"))
        self.https = Client(self.https_port, tls=context)
        self.http = Client(self.http_port)

    def wait(self, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            check(self.process.poll() is None, f"nginx exited: {self.error_log.read_text(errors='replace')[-2000:]}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                self.https.get("/healthz", timeout=2)
                return
            time.sleep(0.2)
        raise SmokeFailure(f"nginx did not answer within {timeout} s")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the checks -----------------------------------------------------------------------------


def reader_and_editor_pages(client, admin_login_path):
    step("Pages over HTTP")
    home = expect_page(client, "/", "text/html", contains="<html")
    issues = re.findall(r'href="(/issues/\d+/\d+/)"', home)
    check(issues, "the home page links to no issue")
    issue = issues[0]
    issue_page = expect_page(client, issue, "text/html")
    articles = re.findall(r'href="(/issues/\d+/\d+/[\w-]+/)"', home + issue_page)
    articles = [path for path in articles if not path.endswith(("/feed/", "/rss/", "/atom/"))]
    check(articles, "neither the home page nor the issue page links to an article")
    article = articles[0]
    expect_page(client, article, "text/html", contains="<article")
    expect_page(client, f"/search/?q={_quote(SEARCH_WORD)}", "text/html", contains="search-results")
    expect_page(client, "/feeds/rss/", "application/rss+xml", contains="<item>")
    expect_page(client, "/sitemap.xml", "application/xml", contains="<loc>")
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', home)
    check(stylesheet, "the home page links to no stylesheet under /static/")
    check(re.search(r"\.[0-9a-f]{12}\.css$", stylesheet.group(1)), f"static name is not hashed: {stylesheet.group(1)}")
    expect_page(client, stylesheet.group(1), "text/css")
    admin_login(client, admin_login_path)
    return [path for path in ("/", issue, article, f"/search/?q={_quote(SEARCH_WORD)}", "/feeds/rss/")]


def admin_login(client, login_path):
    session = Client(client.port, tls=client.tls)
    form = expect_page(session, login_path, "text/html")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    check(token, "no CSRF token on the admin login form")
    admin_index = login_path.rsplit("login/", 1)[0]
    username, password = DEMO_EDITOR
    body = _form(csrfmiddlewaretoken=token.group(1), username=username, password=password, next=admin_index)
    status, headers, _ = session.request(
        "POST",
        login_path,
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"{session.origin}{login_path}",
            "Origin": session.origin,
        },
    )
    print(f"  {status} POST {login_path} → {headers.get('location')}")
    check(status == 302, f"admin login as {username}: expected a redirect, got {status}")
    expect_page(session, admin_index, "text/html", contains='id="logout-form"')


def through_nginx(proxy, paths, admin_login_path, media_root):
    step(f"Through nginx: http on {proxy.http_port}, https on {proxy.https_port}")
    status, headers, _ = proxy.http.get("/issues/?page=2")
    print(f"  {status} http /issues/?page=2 → {headers.get('location')}")
    check(status == 301, f"plain http: expected a redirect to https, got {status}")
    check(headers.get("location") == "https://localhost/issues/?page=2", f"redirected to {headers.get('location')}")
    pages = {path: expect_page(proxy.https, path, "") for path in paths}
    home = pages["/"]
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', home).group(1)
    status, headers, body = proxy.https.get(stylesheet, headers={"Accept-Encoding": "gzip"})
    print(f"  {status} {stylesheet}  {headers.get('content-encoding')}  {headers.get('cache-control')}")
    check(status == 200 and "immutable" in headers.get("cache-control", ""), "static files are not cached for good")
    check(headers.get("content-encoding") == "gzip" and gzip.decompress(body), "static files are not sent gzipped")

    image = re.search(r'src="(/media/[^"]+)"', "".join(pages.values()))
    check(image, "no page shows an uploaded image under /media/")
    status, headers, _ = proxy.https.get(image.group(1))
    csp = headers.get("content-security-policy", "")
    print(f"  {status} {image.group(1)}  nosniff={headers.get('x-content-type-options')}  CSP: {csp}")
    check(status == 200 and headers.get("x-content-type-options") == "nosniff", "media without nosniff")
    check("default-src 'none'" in csp and "sandbox" in csp, "media without the script-forbidding CSP")

    unpublished = Path(media_root) / "articles" / "2026" / "smoke-unpublished.jpg"
    unpublished.parent.mkdir(parents=True, exist_ok=True)
    unpublished.write_bytes(b"an upload no published content holds")
    status, _, _ = proxy.https.get("/media/articles/2026/smoke-unpublished.jpg")
    print(f"  {status} an upload of no published content, asked for under /media/")
    check(status == 404, f"uploads readers may not see must not be served from the media volume, got {status}")

    proof = Path(media_root) / "issues" / "print" / "2026" / "smoke-proof.pdf"
    proof.parent.mkdir(parents=True, exist_ok=True)
    proof.write_bytes(b"%PDF-1.7 a proof no reader may fetch")
    status, _, _ = proxy.https.get("/media/issues/print/2026/smoke-proof.pdf")
    print(f"  {status} a stored print edition, asked for under /media/")
    check(status == 404, f"print editions must not be served from the media volume, got {status}")

    too_big = b"x" * (26 * 1024 * 1024)
    status, _, _ = proxy.https.request("POST", admin_login_path, body=too_big, headers={"Content-Type": "text/plain"})
    print(f"  {status} POST of 26 MB")
    check(status == 413, f"a body over client_max_body_size: expected 413, got {status}")
    admin_login(proxy.https, admin_login_path)


def _quote(text):
    from urllib.parse import quote

    return quote(text)


def _form(**fields):
    from urllib.parse import urlencode

    return urlencode(fields)


def status_of(client, path, timeout=10):
    started = time.monotonic()
    try:
        status, _, _ = client.get(path, timeout=timeout)
    except (OSError, http.client.HTTPException) as error:
        status = type(error).__name__
    return status, time.monotonic() - started


def redis_outage(client, paths):
    step("Fault: Redis stopped mid-run")
    subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], capture_output=True)
    for _ in range(50):
        if not redis_up():
            break
        time.sleep(0.1)
    check(not redis_up(), "Redis did not stop")
    slowest = 0.0
    try:
        for _ in range(3):
            for path in paths:
                status, seconds = status_of(client, path)
                slowest = max(slowest, seconds)
                check(status == 200, f"Redis down: {path} answered {status}")
        print(f"  Redis down: {3 * len(paths)} requests, all 200, slowest {slowest * 1000:.0f} ms")
        check(slowest < 5, f"Redis down: a request took {slowest:.1f} s (socket timeouts too long?)")
    finally:
        subprocess.run(REDIS_START, check=True, capture_output=True)
    for _ in range(50):
        if redis_up():
            break
        time.sleep(0.1)
    check(redis_up(), "Redis did not come back")
    for path in paths:
        status, _ = status_of(client, path)
        check(status == 200, f"Redis back: {path} answered {status}")
    keys = subprocess.run(
        ["redis-cli", "-p", "6379", "-n", str(REDIS_DB), "dbsize"], capture_output=True, text=True
    ).stdout.strip()
    print(f"  Redis back: pages 200 again; keys in the cache database now: {keys}")


def postgres_restart(client, paths):
    step("Fault: PostgreSQL restarted mid-run")
    results = []  # (monotonic time, path, status)
    stop = threading.Event()

    def poll():
        index = 0
        while not stop.is_set():
            path = paths[index % len(paths)]
            index += 1
            status, _ = status_of(client, path, timeout=15)
            results.append((time.monotonic(), path, status))
            time.sleep(0.05)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    time.sleep(1.5)
    began = time.monotonic()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, "main", "restart"],
        check=True,
        capture_output=True,
    )
    restarted = time.monotonic()
    # Keep polling until RECOVERY_SECONDS of steady 200s could have been seen after recovery.
    time.sleep(RECOVERY_SECONDS + 3)
    stop.set()
    poller.join(timeout=20)

    before = [r for r in results if r[0] < began]
    check(before and all(r[2] == 200 for r in before), f"errors before the restart: {before}")
    failures = [r for r in results if r[2] != 200]
    window = (failures[-1][0] - failures[0][0]) if failures else 0.0
    last_failure = max((r[0] for r in failures), default=restarted)
    recovery = max(0.0, last_failure - restarted)
    after = [r for r in results if r[0] > last_failure]
    print(
        f"  restart took {restarted - began:.1f} s; {len(results)} requests, {len(failures)} failed "
        f"({sorted({str(r[2]) for r in failures}) or 'none'}) within {window:.1f} s; "
        f"200s again {recovery:.1f} s after the restart returned"
    )
    check(all(r[0] >= began for r in failures), "a request failed before PostgreSQL went down")
    check(recovery <= RECOVERY_SECONDS, f"still failing {recovery:.1f} s after PostgreSQL was back")
    check(len(after) >= 10, f"too few requests after recovery to call it steady ({len(after)})")
    return restarted - began, window


def load_test(port, paths):
    step(f"Load: wrk, {LOAD_CONNECTIONS} connections, {LOAD_SECONDS} s")
    wrk = shutil.which("wrk")
    check(wrk, "wrk is not installed (apt-get install wrk)")
    lua = "\n".join(
        [
            "local paths = {" + ", ".join(f'"{p}"' for p in paths) + "}",
            "local i = 0",
            "request = function()",
            "  i = i + 1",
            '  return wrk.format("GET", paths[(i % #paths) + 1], {["Host"] = "localhost"})',
            "end",
        ]
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    try:
        result = subprocess.run(
            [
                wrk,
                "--threads",
                "2",
                "--connections",
                str(LOAD_CONNECTIONS),
                "--duration",
                f"{LOAD_SECONDS}s",
                "--timeout",
                "5s",
                "--latency",
                "--script",
                script.name,
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            timeout=LOAD_SECONDS + 30,
        )
    finally:
        os.unlink(script.name)
    output = result.stdout
    print("\n".join("  " + line for line in output.splitlines()))
    check(result.returncode == 0, f"wrk exited {result.returncode}: {result.stderr}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    check(total and int(total.group(1)) > 0, "wrk made no requests")
    check(not non_2xx, f"wrk: {non_2xx.group(1) if non_2xx else 0} responses were not 2xx/3xx")
    check(not socket_errors, f"wrk: socket errors: {socket_errors.group(0) if socket_errors else ''}")
    return float(rate.group(1)), p99.group(1) if p99 else "?", int(total.group(1))


# --- main -----------------------------------------------------------------------------------


def main():
    started = time.monotonic()
    check(ensure_services(), "PostgreSQL or Redis is not running and could not be started")
    workdir = Path(tempfile.mkdtemp(prefix="bulletin-smoke-"))
    workdir.chmod(0o755)  # nginx's workers read static and media files from here
    port = free_port()
    environment = production_environment(port, workdir)
    manage = [PYTHON, "manage.py"]
    server = proxy = None
    summary = {}
    try:
        step("Prepare: fresh database, migrate, collectstatic, demo content")
        psql(
            f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)",
            f"CREATE DATABASE {DATABASE} ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0",
        )
        subprocess.run(["redis-cli", "-p", "6379", "-n", str(REDIS_DB), "flushdb"], capture_output=True, check=True)
        run([*manage, "migrate", "--no-input"], env=environment)
        run([*manage, "collectstatic", "--no-input", "-v", "0"], env=environment)
        run([*manage, "load_demo", "--force"], env=environment)
        admin_login_path = run(
            [*manage, "shell", "-c", "from django.urls import reverse; print(reverse('admin:login'))"],
            env=environment,
        ).split()[-1]  # the shell may print its automatic imports first
        print(f"  prepared in {time.monotonic() - started:.0f} s; admin login at {admin_login_path}")

        step(f"Start gunicorn on 127.0.0.1:{port}")
        server = Gunicorn(environment, workdir / "gunicorn.log")
        client = Client(port)
        wait_until_serving(client, server)
        expect_page(client, "/healthz", "")
        status, _ = status_of(client, "/readyz")
        print(f"  /readyz {status}")
        check(status == 200, f"/readyz answered {status} with PostgreSQL and Redis up")

        paths = reader_and_editor_pages(client, admin_login_path)
        proxy = Nginx(workdir, port, environment["STATIC_ROOT"], environment["MEDIA_ROOT"])
        proxy.wait()
        through_nginx(proxy, paths, admin_login_path, environment["MEDIA_ROOT"])
        redis_outage(client, paths)
        summary["postgres restart"], summary["error window"] = postgres_restart(client, paths)
        summary["rate"], summary["p99"], summary["requests"] = load_test(port, paths[:3])
        check(server.alive(), "gunicorn died during the run")
    except (SmokeFailure, OSError, http.client.HTTPException, subprocess.SubprocessError) as failure:
        print(f"\nSMOKE FAILED: {failure!r}", file=sys.stderr)
        if server:
            print("--- gunicorn log (last lines) ---", file=sys.stderr)
            print(server.tail(), file=sys.stderr)
        return 1
    finally:
        if proxy:
            proxy.stop()
        if server:
            server.stop()
        services_ok = ensure_services()
        if services_ok:
            with contextlib.suppress(SmokeFailure):
                psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        shutil.rmtree(workdir, ignore_errors=True)
        if not services_ok:
            print("SMOKE: PostgreSQL or Redis could not be restarted", file=sys.stderr)

    step("Summary")
    print(
        f"  passed in {time.monotonic() - started:.0f} s; PostgreSQL restart {summary['postgres restart']:.1f} s, "
        f"errors only within {summary['error window']:.1f} s; wrk {summary['requests']} requests, "
        f"{summary['rate']:.0f} req/s, p99 {summary['p99']}, no errors"
    )
    return 0 if services_ok else 1


if __name__ == "__main__":
    sys.exit(main())
