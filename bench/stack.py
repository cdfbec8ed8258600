"""The processes a benchmark run talks to: gunicorn with production settings, nginx serving the
same pages as static files, and wrk.

Production settings and gunicorn come from ``deploy/smoke_stack.py`` (the same environment and the
same ``gunicorn.conf.py``), pointed at the benchmark's own database and Redis database.
"""

import contextlib
import http.client
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

from deploy import smoke_stack

ROOT = smoke_stack.ROOT
PYTHON = smoke_stack.PYTHON
REDIS_DB = 3
NGINX = "/usr/sbin/nginx"
WRK = "/usr/bin/wrk"


def environment(database, workdir, port):
    """Production settings for plain http on loopback, against ``database`` and Redis db 3."""
    env = smoke_stack.production_environment(port, workdir)
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        REDIS_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
        MEDIA_ROOT=str(workdir / "media"),
        STATIC_ROOT=str(workdir / "static"),
        # As .env.example and docker-compose.yml: jobs (the print edition's PDFs) are queued in the
        # database for a worker; none runs here, so queued jobs cost the request their insert only.
        TASK_BACKEND="database",
        # bench/ and deploy/ are imported as packages of the project root.
        PYTHONPATH=str(ROOT),
    )
    return env


def database_exists(name):
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip() == "1"


def create_database(name):
    smoke_stack.psql(
        f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
        f"CREATE DATABASE {name} ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0",
    )


def cancel_queries(database):
    """Stop the queries still running for requests wrk gave up on, so they do not load the next run."""
    smoke_stack.psql(
        "SELECT pg_cancel_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{database}' AND state = 'active' AND pid <> pg_backend_pid()"
    )


def flush_redis():
    subprocess.run(["redis-cli", "-n", str(REDIS_DB), "flushdb"], check=True, capture_output=True)


def manage(env, *args):
    """Run ``manage.py`` with the benchmark's environment."""
    return smoke_stack.run([PYTHON, "manage.py", *args], env=env)


# gunicorn ------------------------------------------------------------------------------------


class Gunicorn(smoke_stack.Gunicorn):
    """gunicorn.conf.py as in production; ``app`` may name another WSGI application (the floor)."""

    def __init__(self, env, log_path, app="config.wsgi:application"):
        super().__init__(env, log_path, app=app)
        self.port = int(env["GUNICORN_BIND"].rsplit(":", 1)[1])
        smoke_stack.wait_until_serving(smoke_stack.Client(self.port), self)

    def workers(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]


# The yardstick of "a minimal Django page": startproject's settings, two small pages (an issue's
# contents, 2 queries; an article, 1 query), kept beside the project and copied to run.
PLAIN_SOURCE = ROOT.parent / "shared" / "bench" / "plain_django"
PLAIN_DATABASE = "bulletin_bench_plain"


class PlainDjango(smoke_stack.Gunicorn):
    """The plain-Django reference site on PostgreSQL, under the product's gunicorn configuration
    (the same workers), in a copy of its own in ``workdir``. ``paths``: its issue and article."""

    def __init__(self, workdir, port):
        folder = workdir / "plain_django"
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(PLAIN_SOURCE, folder)
        create_database(PLAIN_DATABASE)
        env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "BULLETIN_"))}
        env |= {
            "DJANGO_SETTINGS_MODULE": "plainsite.settings",
            "PLAIN_PG_NAME": PLAIN_DATABASE,
            "PLAIN_PG_HOST": "127.0.0.1",
            "PLAIN_PG_USER": "postgres",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
        }
        for command in (["migrate", "-v0"], ["seed_bench"]):
            subprocess.run([PYTHON, "manage.py", *command], cwd=folder, env=env, check=True, capture_output=True)
        super().__init__(env, workdir / "gunicorn-plain.log", cwd=folder, app="plainsite.wsgi:application")
        self.port = port
        client = smoke_stack.Client(port)
        for _ in range(100):
            with contextlib.suppress(OSError, http.client.HTTPException):
                status, _, body = client.get("/issue/1/", timeout=2)
                if status == 200:
                    article = re.search(rb'href="(/article/[^"]+/)"', body).group(1).decode()
                    self.paths = {"issue": "/issue/1/", "article": article}
                    return
            time.sleep(0.2)
        raise RuntimeError(f"the plain-Django site did not start: {self.tail()}")


def memory(pid):
    """Resident and proportional set size of a process, in MB (PSS shares the preloaded pages fairly)."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    pss = int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE).group(1))
    return {"rss_mb": round(rss / 1024, 1), "pss_mb": round(pss / 1024, 1)}


# nginx ---------------------------------------------------------------------------------------

NGINX_CONF = """\
worker_processes auto;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    types {{ text/html html; application/rss+xml xml; }}
    charset utf-8;
    server {{
        listen 127.0.0.1:{port};
        root {dir}/pages;
    }}
}}
"""


class Nginx:
    """nginx serving ``pages`` ({name: (bytes, extension)}) as static files on a loopback port."""

    def __init__(self, workdir, pages):
        self.dir = workdir / "nginx"
        (self.dir / "pages").mkdir(parents=True, exist_ok=True)
        (self.dir / "tmp").mkdir(exist_ok=True)
        self.paths = {}
        for name, (body, extension) in pages.items():
            (self.dir / "pages" / f"{name}.{extension}").write_bytes(body)
            self.paths[name] = f"/{name}.{extension}"
        # Workers run as nobody and must read the pages.
        for path in [workdir, *self.dir.rglob("*"), self.dir]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        self.port = smoke_stack.free_port()
        (self.dir / "nginx.conf").write_text(NGINX_CONF.format(dir=self.dir, port=self.port))
        self.process = subprocess.Popen(
            [NGINX, "-c", str(self.dir / "nginx.conf"), "-p", str(self.dir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for _ in range(50):
            with contextlib.suppress(OSError, http.client.HTTPException):
                if smoke_stack.Client(self.port).get(next(iter(self.paths.values())))[0] == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"nginx did not start: {(self.dir / 'error.log').read_text()}")

    def stop(self):
        self.process.send_signal(signal.SIGQUIT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


# wrk -----------------------------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(port, path, *, seconds, connections, headers=()):
    """One wrk run: requests/s, p50 and p99 latency in ms, and the count of errors."""
    command = [WRK, "--threads", "2", "--connections", str(connections), "--duration", f"{seconds}s"]
    command += ["--timeout", "10s", "--latency", "--header", "Host: localhost"]
    for header in headers:
        command += ["--header", header]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        # No answer within the run (or wrk's timeout): there is no latency to report.
        "p50_ms": round(_ms(percentiles["50"]), 2) if requests else None,
        "p99_ms": round(_ms(percentiles["99"]), 2) if requests else None,
        "requests": requests,
        "errors": (int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
    }
