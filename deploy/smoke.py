"""Production smoke test: the stack of docker-compose.yml, without Docker.

Runs Bulletin with production settings (DEBUG off, a random key, WhiteNoise's hashed static
files) under gunicorn with gunicorn.conf.py, against this machine's PostgreSQL (a fresh database)
and Redis, and talks to it over real HTTP on loopback:

1. pages a reader and an editor use: home, issue, article, search, RSS, sitemap, static, admin login;
2. the same through nginx with deploy/nginx.conf itself (only its addresses and paths changed for
   loopback) and a certificate made by deploy/first_run.py, in front of Varnish with
   deploy/varnish.vcl: http sent to https, TLS, static and media headers, gzip, the upload limit,
   and an admin login whose CSRF check needs nginx's X-Forwarded-Proto;
3. Varnish keeps the home page, never a request with a session, and an article taken through
   review and published is on the edge's home page within a second (purged by tag);
4. Redis stopped mid-run: pages stay 200 and fast; when Redis is back, they still are;
5. PostgreSQL restarted mid-run: errors only inside the restart window, then 200s again within
   RECOVERY_SECONDS, with the same gunicorn;
6. short wrk load tests, of gunicorn and of the edge: no non-2xx/3xx responses, no socket errors.

Leaves PostgreSQL and Redis running and always stops gunicorn, Varnish and nginx. Exits non-zero
on any failure. Run from the project root with `make smoke` (needs psql, redis-cli, pg_ctlcluster,
nginx, varnishd with the xkey vmod, openssl and wrk).

The stack it starts is in deploy/smoke_stack.py, the checks in deploy/smoke_checks.py.
"""

import contextlib
import http.client
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# `python deploy/smoke.py` puts deploy/ on the path, not the project root its parts are imported from.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy.smoke_checks import (
    expect_page,
    load_test,
    postgres_restart,
    reader_and_editor_pages,
    redis_outage,
    status_of,
    step,
    through_nginx,
    through_the_edge,
)
from deploy.smoke_stack import (
    DATABASE,
    PYTHON,
    REDIS_DB,
    Client,
    Gunicorn,
    Nginx,
    SmokeFailure,
    Varnish,
    check,
    ensure_services,
    free_port,
    production_environment,
    psql,
    run,
    wait_until_serving,
)


def main():
    started = time.monotonic()
    check(ensure_services(), "PostgreSQL or Redis is not running and could not be started")
    workdir = Path(tempfile.mkdtemp(prefix="bulletin-smoke-"))
    workdir.chmod(0o755)  # nginx's workers read static and media files from here
    port, edge_port = free_port(), free_port()
    environment = production_environment(port, workdir) | {"EDGE_PURGE_URLS": f"http://127.0.0.1:{edge_port}/"}
    manage = [PYTHON, "manage.py"]
    server = proxy = edge = None
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
        edge = Varnish(workdir, port, edge_port)
        edge.wait()
        proxy = Nginx(workdir, [edge.port], environment["STATIC_ROOT"], environment["MEDIA_ROOT"])
        proxy.wait()
        through_nginx(proxy, paths, admin_login_path, environment["MEDIA_ROOT"])
        admin = admin_login_path.removeprefix("/").removesuffix("login/")
        summary["purge"] = through_the_edge(edge, environment, port, admin)
        redis_outage(client, paths)
        summary["postgres restart"], summary["error window"] = postgres_restart(client, paths)
        summary["rate"], summary["p99"], summary["requests"] = load_test(port, paths[:3])
        summary["edge rate"], summary["edge p99"], _ = load_test(edge.port, ["/"])
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
        if edge:
            edge.stop()
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
        f"{summary['rate']:.0f} req/s, p99 {summary['p99']}, no errors; a publication on the edge's pages after "
        f"{summary['purge']:.2f} s; the home page from the edge {summary['edge rate']:.0f} req/s, p99 {summary['edge p99']}"
    )
    return 0 if services_ok else 1


if __name__ == "__main__":
    sys.exit(main())
