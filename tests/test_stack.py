"""The Docker stack (Dockerfile, docker-compose.yml, deploy/nginx.conf) stays what CI proves.

No Docker engine runs in CI, so deploy/smoke.py runs the same gunicorn command and settings
against the machine's PostgreSQL and Redis; these tests keep the two from drifting apart.
"""

import importlib.util
import re
import shlex
from pathlib import Path

import pytest
import yaml

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
    return load_module("deploy/smoke.py", "bulletin_smoke")


def env_example():
    """Variables .env.example sets, and those it documents in comments (`# NAME=default`)."""
    text = (ROOT / ".env.example").read_text()
    values = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", text, re.MULTILINE))
    documented = set(re.findall(r"^#\s*([A-Z][A-Z0-9_]*)=", text, re.MULTILINE))
    return values, documented


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
    assert not re.search(r"apt-get install|build-essential|gcc", runtime)
    assert "collectstatic" in runtime
    assert "EXPOSE 8000" in runtime


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
    assert published == {"80"}


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
    for name in ("migrate", "web"):
        assert set(compose["services"][name]["environment"]) - {"FORWARDED_ALLOW_IPS"} <= set(values)


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


def test_compose_refuses_to_start_without_a_secret_key(compose):
    values, _ = env_example()
    assert values["SECRET_KEY"] == "", "an example key would end up in production"
    for name in ("migrate", "web"):
        assert compose["services"][name]["environment"]["SECRET_KEY"].startswith("${SECRET_KEY:?")


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


def test_static_files_are_cached_for_good_and_the_rest_is_proxied(nginx):
    static = location(nginx, "/static/")
    assert "immutable" in static and "alias /srv/static/;" in static
    assert "gzip on;" in nginx
    proxy = location(nginx, "/")
    assert "proxy_pass http://bulletin_app;" in proxy
    assert "X-Forwarded-For" in proxy and "X-Forwarded-Proto" in proxy
    assert "server web:8000;" in nginx


def test_compose_mounts_the_nginx_config_that_is_tested(compose):
    volumes = compose["services"]["nginx"]["volumes"]
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in volumes


def test_ci_runs_the_smoke_test():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make smoke" in ci
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^smoke:.*\n\t(.+)$", makefile, re.MULTILINE)
    assert recipe and shlex.split(recipe.group(1))[-1] == "deploy/smoke.py"
