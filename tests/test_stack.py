"""The Docker stack (Dockerfile, docker-compose.yml, deploy/nginx.conf) stays what CI proves.

No Docker engine runs in CI, so deploy/smoke.py runs the same gunicorn command and settings
against the machine's PostgreSQL and Redis; these tests keep the two from drifting apart.
"""

import importlib.util
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from publishing import edge

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_COMMAND = ["gunicorn", "--config", "gunicorn.conf.py", "config.wsgi:application"]


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, ROOT / path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def dockerfile():
    return (ROOT / "Dockerfile").read_text()


@pytest.fixture(scope="module")
def nginx():
    return (ROOT / "deploy" / "nginx.conf").read_text()


@pytest.fixture(scope="module")
def smoke():
    return load_module("deploy/smoke_stack.py", "bulletin_smoke_stack")


def env_example():
    """Variables .env.example sets, and those it documents in comments (`# NAME=default`)."""
    text = (ROOT / ".env.example").read_text()
    values = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", text, re.MULTILINE))
    documented = set(re.findall(r"^#\s*([A-Z][A-Z0-9_]*)=", text, re.MULTILINE))
    return values, documented


def interpolated(value, variables):
    """What compose makes of ``${NAME:-default}`` in ``value``, with ``variables`` read from .env."""
    return re.sub(r"\$\{([A-Z][A-Z0-9_]*):-([^}]*)\}", lambda m: variables.get(m.group(1)) or m.group(2), str(value))


def runtime_stage(dockerfile):
    return re.split(r"^FROM ", dockerfile, flags=re.MULTILINE)[-1]


def location(nginx, prefix):
    block = re.search(rf"location {re.escape(prefix)} \{{(.*?)\n    \}}", nginx, re.DOTALL)
    assert block, f"no location {prefix} in deploy/nginx.conf"
    return block.group(1)


def test_docker_ci_and_compose_run_the_same_gunicorn_command(compose, dockerfile, smoke):
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE)
    assert yaml.safe_load(cmd.group(1)) == GUNICORN_COMMAND
    assert compose["services"]["web"]["command"] == GUNICORN_COMMAND
    assert ["gunicorn", *smoke.GUNICORN_ARGS] == GUNICORN_COMMAND
    assert (ROOT / "gunicorn.conf.py").is_file()


def test_gunicorn_workers_follow_web_concurrency_and_are_capped(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert load_module("gunicorn.conf.py", "gunicorn_conf").workers == 3
    monkeypatch.delenv("WEB_CONCURRENCY")
    config = load_module("gunicorn.conf.py", "gunicorn_conf")
    assert 3 <= config.workers <= 8
    assert config.bind == "0.0.0.0:8000"
    assert config.accesslog == "-"


def test_image_is_multi_stage_non_root_and_built_from_the_hashed_lock(dockerfile):
    assert len(re.findall(r"^FROM python:3.11-slim", dockerfile, re.MULTILINE)) == 2
    assert "--require-hashes -r requirements.lock" in dockerfile
    runtime = runtime_stage(dockerfile)
    assert "COPY --from=build /venv /venv" in runtime
    assert re.search(r"^USER (?!root|0\b)\w+", runtime, re.MULTILINE)
    assert not re.search(r"build-essential|gcc|-dev\b", runtime), "no compilers or headers at run time"
    assert "collectstatic" in runtime
    assert "EXPOSE 8000" in runtime


def test_image_has_what_the_print_edition_needs(dockerfile):
    runtime = runtime_stage(dockerfile)
    for package in ("fonts-noto-cjk", "libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"):
        assert package in runtime, package
        assert package in (ROOT / ".ci" / "run").read_text(), package


def test_image_health_check_asks_the_liveness_endpoint(dockerfile):
    healthcheck = re.search(r"^HEALTHCHECK .*?(?<!\\)$", dockerfile, re.MULTILINE | re.DOTALL)
    assert healthcheck and 'CMD ["python", "deploy/healthcheck.py"]' in healthcheck.group(0)
    assert "http://127.0.0.1:8000/healthz" in (ROOT / "deploy" / "healthcheck.py").read_text()


def test_compose_runs_postgres_16_redis_7_and_nginx_in_front(compose):
    services = compose["services"]
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert services["nginx"]["image"].startswith("nginx")
    assert "ports" not in services["web"], "only nginx should be reachable from outside"
    published = {port.split(":")[-1] for port in services["nginx"]["ports"]}
    assert published == {"80", "443"}


def test_web_waits_for_a_one_shot_migrate_and_collectstatic(compose):
    services = compose["services"]
    migrate = services["migrate"]
    command = " ".join(migrate["command"])
    assert "manage.py migrate" in command
    assert "manage.py collectstatic" in command
    assert migrate["restart"] == "no"
    assert services["web"]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert migrate["depends_on"]["db"] == {"condition": "service_healthy"}
    for name in ("migrate", "web"):
        assert services[name]["env_file"] == ".env"


def test_database_static_and_media_live_in_named_volumes(compose):
    named = set(compose["volumes"])
    mounts = {}
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source, target = volume.split(":")[:2]
            if not source.startswith("."):
                assert source in named, f"{name}: {source} is not a named volume"
            mounts.setdefault(source, set()).add((name, target))
    assert ("db", "/var/lib/postgresql/data") in mounts["postgres-data"]
    assert ("web", "/app/media") in mounts["media"]
    assert ("nginx", "/srv/media") in mounts["media"]
    assert ("nginx", "/srv/static") in mounts["static"]
    assert ("migrate", "/app/staticfiles") in mounts["static"]


def test_every_variable_compose_and_gunicorn_read_is_in_env_example(compose):
    values, documented = env_example()
    text = (ROOT / "docker-compose.yml").read_text()
    interpolated = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))
    assert interpolated <= set(values) | documented
    gunicorn = set(re.findall(r"environ\.get\(\"([A-Z][A-Z0-9_]*)\"", (ROOT / "gunicorn.conf.py").read_text()))
    assert gunicorn <= set(values) | documented
    first_run = set(re.findall(r'environ(?:\.get\(|\[)"([A-Z][A-Z0-9_]*)"', (ROOT / "deploy/first_run.py").read_text()))
    for name in ("migrate", "web"):
        for variable in compose["services"][name]["environment"]:
            known = variable in values or variable.removesuffix("_FILE") in values
            assert known or variable in first_run | {"FORWARDED_ALLOW_IPS"}, variable


def test_env_example_points_the_app_at_the_compose_services(compose):
    values, _ = env_example()
    db = compose["services"]["db"]["environment"]
    password = re.search(r":-([^}]*)\}", db["POSTGRES_PASSWORD"]).group(1)
    assert values["DATABASE_URL"] == f"postgres://{db['POSTGRES_USER']}:{password}@db:5432/{db['POSTGRES_DB']}"
    assert values["REDIS_URL"].startswith("redis://redis:6379/")
    assert values["STATIC_ROOT"] == "/app/staticfiles"
    assert values["MEDIA_ROOT"] == "/app/media"
    assert values["DEBUG"] == "0"
    assert {"localhost", "127.0.0.1"} <= set(values["ALLOWED_HOSTS"].split(","))


def test_every_process_of_production_shares_one_redis(compose, smoke):
    services = compose["services"]
    for name in ("migrate", "web", "worker"):
        redis_url = services[name]["environment"]["REDIS_URL"]
        assert re.fullmatch(r"\$\{REDIS_URL:-redis://redis:6379/\d+\}", redis_url), name
    smoke_variables = smoke.production_variables(8000, Path("/tmp"))
    assert smoke_variables["DJANGO_ENV"] == "production"
    assert smoke_variables["REDIS_URL"].startswith("redis://127.0.0.1:6379/")


def test_a_fresh_install_needs_no_secret_in_env_example(compose):
    values, _ = env_example()
    assert values["SECRET_KEY"] == "", "an example key would end up in production"
    services = compose["services"]
    assert shlex.split(services["migrate"]["command"][-1])[:2] == ["python", "deploy/first_run.py"]
    key_file = services["web"]["environment"]["SECRET_KEY_FILE"]
    for name in ("migrate", "web", "worker", "scheduler"):
        assert services[name]["environment"]["SECRET_KEY_FILE"] == key_file
        assert any(
            key_file.startswith(volume.split(":")[1] + "/")
            for volume in services[name]["volumes"]
            if volume.startswith("secrets:")
        ), f"{name} does not see the generated key"
    assert not any(volume.startswith("secrets:") for volume in services["nginx"]["volumes"])


def test_nginx_serves_the_certificate_the_first_run_makes(compose, nginx):
    services = compose["services"]
    made_in = services["migrate"]["environment"]["TLS_DIR"]
    assert f"tls:{made_in}" in services["migrate"]["volumes"]
    mounted = next(volume.split(":")[1] for volume in services["nginx"]["volumes"] if volume.startswith("tls:"))
    assert f"ssl_certificate {mounted}/fullchain.pem;" in nginx
    assert f"ssl_certificate_key {mounted}/privkey.pem;" in nginx
    assert "return 301 https://$host$request_uri;" in nginx


@pytest.fixture
def first_run():
    return load_module("deploy/first_run.py", "first_run")


def openssl(*arguments):
    return subprocess.run(["openssl", *arguments], check=True, capture_output=True, text=True).stdout


def test_first_run_generates_a_private_key_once_and_keeps_it(first_run, tmp_path):
    path = tmp_path / "secrets" / "secret_key"

    assert first_run.ensure_secret_key(path, "") == "generated"
    key = path.read_text()
    assert len(key) >= 50 and path.stat().st_mode & 0o777 == 0o600
    assert first_run.ensure_secret_key(path, "") == "kept"
    assert path.read_text() == key
    assert first_run.ensure_secret_key(path, "chosen-by-the-operator") == "set from SECRET_KEY"
    assert path.read_text() == "chosen-by-the-operator"


def test_first_run_makes_a_certificate_for_the_allowed_hosts_and_never_replaces_one(first_run, tmp_path):
    outcome = first_run.ensure_certificate(tmp_path, ["kexie.example.org", "127.0.0.1", "*"])

    assert outcome == "self-signed for kexie.example.org, 127.0.0.1"
    text = openssl("x509", "-in", str(tmp_path / "fullchain.pem"), "-noout", "-text")
    assert "DNS:kexie.example.org" in text and "IP Address:127.0.0.1" in text
    assert (tmp_path / "privkey.pem").stat().st_mode & 0o777 == 0o600
    before = (tmp_path / "fullchain.pem").read_bytes()
    assert first_run.ensure_certificate(tmp_path, ["localhost"]) == "kept"
    assert (tmp_path / "fullchain.pem").read_bytes() == before


def test_ci_smoke_sets_only_variables_the_app_knows(smoke, tmp_path):
    values, _ = env_example()
    variables = set(smoke.production_variables(8000, tmp_path)) - smoke.PROCESS_VARIABLES
    assert variables <= set(values), "the smoke test sets a variable the settings no longer read"
    assert smoke.production_variables(8000, tmp_path)["DEBUG"] == "0"


def test_nginx_accepts_uploads_up_to_the_image_limit(nginx):
    values, _ = env_example()
    size = re.search(r"client_max_body_size (\d+)m;", nginx)
    assert size and int(size.group(1)) >= int(values["IMAGE_MAX_MB"])


def test_uploaded_media_cannot_run_script(nginx):
    media = location(nginx, "/media/")
    assert re.search(r'add_header X-Content-Type-Options "nosniff" always;', media)
    csp = re.search(r'add_header Content-Security-Policy "([^"]+)" always;', media)
    assert csp and "default-src 'none'" in csp.group(1) and "sandbox" in csp.group(1)
    assert "alias /srv/media/;" in media


def test_print_editions_are_never_served_straight_from_the_media_volume(nginx):
    from bulletin.models import IssuePrint

    folder = IssuePrint._meta.get_field("file").upload_to.split("%")[0]
    assert f"location ^~ /media/{folder}" in nginx
    assert "return 404;" in location(nginx, f"^~ /media/{folder}")


def test_static_files_are_cached_for_good_and_the_rest_is_proxied(nginx):
    static = location(nginx, "/static/")
    assert "immutable" in static and "alias /srv/static/;" in static
    assert "gzip on;" in nginx
    proxy = location(nginx, "/")
    assert "proxy_pass http://bulletin_app;" in proxy
    assert "X-Forwarded-For" in proxy and "X-Forwarded-Proto" in proxy
    assert "server varnish:80;" in nginx


def test_compose_mounts_the_nginx_config_that_is_tested(compose):
    volumes = compose["services"]["nginx"]["volumes"]
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in volumes


def test_ci_runs_the_smoke_test():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make smoke" in ci
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^smoke:.*\n\t(.+)$", makefile, re.MULTILINE)
    assert recipe and shlex.split(recipe.group(1))[-1] == "deploy/smoke.py"


def test_the_app_starts_from_a_copied_env_example_as_compose_passes_it(compose, tmp_path):
    """`cp .env.example .env && docker compose up`, minus Docker: first run, then the deploy check."""
    from tests.test_settings import run_with_settings

    values, _ = env_example()
    passed = {
        name: interpolated(value, values) for name, value in compose["services"]["migrate"]["environment"].items()
    }
    in_containers = {**values, **passed}
    # The containers' paths, here under tmp_path.
    for name in ("SECRET_KEY_FILE", "TLS_DIR", "STATIC_ROOT", "MEDIA_ROOT"):
        in_containers[name] = str(tmp_path / in_containers[name].lstrip("/"))
    environment = {name: str(value) for name, value in in_containers.items()}

    first_run = run_with_settings([sys.executable, "deploy/first_run.py"], **environment)
    assert first_run.returncode == 0, first_run.stderr
    assert "secret key generated" in first_run.stderr
    deploy_check = run_with_settings(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], **environment
    )
    assert deploy_check.returncode == 0, deploy_check.stderr
    assert "System check identified no issues" in deploy_check.stdout


def test_the_long_running_services_reach_postgresql_through_pgbouncer_in_transaction_mode(compose):
    pgbouncer = load_module("deploy/pgbouncer.py", "bulletin_pgbouncer")
    services = compose["services"]
    bouncer = services["pgbouncer"]["environment"]
    db = services["db"]["environment"]
    # The mode and pool CI's tests and bench/ run through are the ones compose runs.
    assert bouncer["POOL_MODE"] == pgbouncer.POOL_MODE == "transaction"
    assert int(bouncer["DEFAULT_POOL_SIZE"]) == pgbouncer.POOL_SIZE
    assert (bouncer["DB_HOST"], bouncer["DB_NAME"], bouncer["DB_USER"]) == (
        "db",
        db["POSTGRES_DB"],
        db["POSTGRES_USER"],
    )
    assert bouncer["DB_PASSWORD"] == db["POSTGRES_PASSWORD"]
    password = re.search(r":-([^}]*)\}", db["POSTGRES_PASSWORD"]).group(1)
    for name in ("web", "worker", "scheduler"):
        environment = services[name]["environment"]
        pooled = interpolated(environment["DATABASE_URL"], {})
        assert pooled == f"postgres://{db['POSTGRES_USER']}:{password}@pgbouncer:5432/{db['POSTGRES_DB']}", name
        assert environment["DATABASE_TRANSACTION_POOLING"] == "1", name
        assert "pgbouncer" in services[name]["depends_on"], name
    # Migrations and maintenance commands connect directly, with .env's DATABASE_URL.
    assert "DATABASE_URL" not in services["migrate"]["environment"]


def test_ci_runs_the_tests_that_race_connections_through_pgbouncer():
    ci = (ROOT / ".ci" / "run").read_text()
    pooled = re.search(r"DATABASE_TRANSACTION_POOLING=1 .*?\n(?:.*\\\n)*.*", ci)
    assert pooled and "deploy/pgbouncer.py" in ci
    assert "tests/bulletin/test_races.py" in pooled.group(0) and "tests/ops" in pooled.group(0)


@pytest.fixture(scope="module")
def vcl():
    return (ROOT / "deploy" / "varnish.vcl").read_text()


def test_varnish_sits_between_nginx_and_the_app_with_the_tested_vcl(compose, nginx, vcl):
    services = compose["services"]
    assert "./deploy/varnish.vcl:/etc/varnish/default.vcl:ro" in services["varnish"]["volumes"]
    assert "web" in services["varnish"]["depends_on"] and "varnish" in services["nginx"]["depends_on"]
    assert "server varnish:80;" in nginx
    # The backend is the web service, its address on one line each (deploy/smoke_stack.Varnish).
    assert re.search(r"^backend web \{$", vcl, re.MULTILINE)
    assert vcl.count('    .host = "web";') == 1 and vcl.count('    .port = "8000";') == 1
    values, _ = env_example()
    assert values["EDGE_PURGE_URLS"] == "http://varnish/"


def test_varnish_never_serves_what_a_session_asks_for_and_keeps_only_what_the_app_tags(vcl, settings):
    from publishing import pagecache

    personal = re.search(r'req\.http\.Cookie ~ "\(\^\|;\\s\*\)\(([\w|]+)\)="', vcl)
    assert personal, "the VCL no longer passes requests with a session cookie"
    assert {settings.SESSION_COOKIE_NAME, *pagecache.PERSONAL_COOKIES} <= set(personal.group(1).split("|"))
    assert "req.http.Authorization" in vcl
    assert "if (!beresp.http.xkey || beresp.http.Set-Cookie)" in vcl and "set beresp.uncacheable = true;" in vcl
    # Purges only from the app's networks, of both kinds publishing.edge sends (tests/test_varnish.py
    # runs them in varnishd).
    assert "client.ip !~ purgers" in vcl
    for header in edge.PURGE_HEADERS.values():
        assert f"(req.http.{header})" in vcl
