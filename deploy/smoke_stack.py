"""The stack the production smoke test (deploy/smoke.py) runs, as docker-compose.yml runs it:
production settings for loopback, this machine's PostgreSQL and Redis, gunicorn with
gunicorn.conf.py, deploy/nginx.conf in front of it, and the small HTTP client that talks to them.

bench/ starts the same stack; tests/test_stack.py keeps it what docker-compose.yml runs.
"""

import contextlib
import http.client
import importlib.util
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
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


class SmokeFailure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise SmokeFailure(message)


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


def production_environment(port, workdir, **names):
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "BULLETIN_"))}
    environment.update(production_variables(port, workdir, **names))
    return environment


def production_variables(port, workdir, *, database=DATABASE, redis_db=REDIS_DB):
    """What differs from the process's environment: production settings for plain-http loopback."""
    return dict(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_ENV="production",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=f"http://127.0.0.1:{port}",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        REDIS_URL=f"redis://127.0.0.1:6379/{redis_db}",
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


class Process:
    """A long-running process of the stack, its output in a log file; stopped as compose stops it."""

    def __init__(self, command, environment, log_path, *, cwd=ROOT):
        self.log_path = log_path
        self.log = open(log_path, "w")  # noqa: SIM115 -- closed in stop()
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
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


class Gunicorn(Process):
    """gunicorn as the Dockerfile starts it; ``app`` may name another WSGI application."""

    def __init__(self, environment, log_path, *, cwd=ROOT, app=GUNICORN_ARGS[-1]):
        config = "gunicorn.conf.py"
        if cwd != ROOT:
            # A node in a working directory of its own: the code and its settings are found from
            # the project, nothing from the current directory.
            config = str(ROOT / config)
            environment = {**environment, "PYTHONPATH": str(ROOT)}
        super().__init__([GUNICORN, "--config", config, app], environment, log_path, cwd=cwd)


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

    def __init__(self, workdir, app_ports, static_root, media_root):
        """``app_ports``: where nginx's upstream sends what it does not serve itself."""
        self.http_port, self.https_port = free_port(), free_port()
        tls = workdir / "tls"
        first_run = _load("first_run", ROOT / "deploy" / "first_run.py")
        first_run.ensure_certificate(tls, ["localhost", "127.0.0.1"])
        site = (ROOT / "deploy" / "nginx.conf").read_text()
        for original, replacement, times in (
            # Varnish, or (several web nodes and no edge) the nodes themselves.
            ("server varnish:80;", " ".join(f"server 127.0.0.1:{port};" for port in app_ports), 1),
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


class Varnish(Process):
    """deploy/varnish.vcl in front of the app on a loopback port, the backend's address replaced
    on the two lines that name it; varnishd itself as Debian packages it, with the xkey vmod."""

    def __init__(self, workdir, app_port, port):
        self.port = port
        folder = workdir / "varnish"
        folder.mkdir()
        vcl = (ROOT / "deploy" / "varnish.vcl").read_text()
        for original, replacement in (
            ('    .host = "web";', '    .host = "127.0.0.1";'),
            ('    .port = "8000";', f'    .port = "{app_port}";'),
        ):
            check(vcl.count(original) == 1, f"deploy/varnish.vcl no longer has {original.strip()!r} once")
            vcl = vcl.replace(original, replacement)
        (folder / "site.vcl").write_text(vcl)
        command = [shutil.which("varnishd") or "/usr/sbin/varnishd", "-F", "-n", str(folder / "state")]
        command += ["-a", f"127.0.0.1:{self.port}", "-f", str(folder / "site.vcl"), "-s", "malloc,64m"]
        super().__init__(command, None, folder / "varnishd.log")
        self.client = Client(self.port)

    def wait(self, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            check(self.alive(), f"varnishd exited: {self.tail()}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                if self.client.get("/healthz", timeout=2)[0] == 200:
                    return
            time.sleep(0.2)
        raise SmokeFailure(f"varnishd did not answer within {timeout} s")

    @property
    def purge_url(self):
        return f"http://127.0.0.1:{self.port}/"


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
