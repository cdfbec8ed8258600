import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def variables_read_by_settings():
    source = (ROOT / "config" / "settings.py").read_text()
    return set(re.findall(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""", source))


def variables_in_env_example():
    lines = (ROOT / ".env.example").read_text().splitlines()
    return {line.split("=", 1)[0] for line in lines if re.match(r"[A-Z][A-Z0-9_]*=", line)}


def test_env_example_lists_every_variable_the_settings_read():
    read = variables_read_by_settings()
    assert {"DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "REDIS_URL", "MEDIA_ROOT"} <= read
    assert read == variables_in_env_example()


def run_with_settings(command, **environment):
    """Run ``command`` with config.settings and only the given variables on top of a clean environment."""
    # The browser tests allow async-unsafe ORM calls in this process; a deployment never does.
    ours = variables_read_by_settings() | {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in ours}
    return subprocess.run(
        command,
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **environment},
        capture_output=True,
        text=True,
    )


def settings_import(**environment):
    return run_with_settings([sys.executable, "-c", "import config.settings"], **environment)


PRODUCTION = {
    "DEBUG": "0",
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k7Hq2-vX9pL4mN8rT1wY6zB3cF5gJ0sD-aE7uI2oP9qR4tV8xZ1nM6bC3lK5hG0jW",
    "ALLOWED_HOSTS": "kexie.example.org",
    "REDIS_URL": "redis://redis:6379/0",
}


def test_production_refuses_to_start_with_the_development_secret_key():
    result = settings_import(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_starts_with_a_real_secret_key():
    assert settings_import(DEBUG="0", SECRET_KEY="a-real-secret").returncode == 0


def test_the_secret_key_may_come_from_a_file(tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text("a-key-kept-in-a-volume-k7Hq2vX9pL4mN8rT1wY6zB3cF5")
    show_key = [
        sys.executable,
        "-c",
        "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)",
    ]

    result = run_with_settings(show_key, DEBUG="0", SECRET_KEY_FILE=str(secret))

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "a-key-kept-in-a-volume-k7Hq2vX9pL4mN8rT1wY6zB3cF5"


def test_production_refuses_to_start_with_debug_on():
    result = settings_import(**{**PRODUCTION, "DEBUG": "1"})
    assert result.returncode != 0
    assert "DEBUG must be off when DJANGO_ENV=production" in result.stderr


def test_production_refuses_to_start_without_a_shared_cache():
    without_redis = {key: value for key, value in PRODUCTION.items() if key != "REDIS_URL"}

    result = settings_import(**without_redis)

    assert result.returncode != 0
    assert "ImproperlyConfigured: REDIS_URL must be set when DJANGO_ENV=production" in result.stderr
    assert "必须设置 REDIS_URL" in result.stderr


def test_production_starts_with_a_shared_cache():
    assert settings_import(**PRODUCTION).returncode == 0


def test_outside_production_the_cache_may_live_in_each_process():
    assert settings_import(DEBUG="0", SECRET_KEY="a-real-secret", REDIS_URL="").returncode == 0


def test_debug_may_be_on_outside_production():
    assert settings_import(DEBUG="1").returncode == 0


def test_the_deployment_check_finds_nothing_with_production_settings():
    result = run_with_settings(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"], **PRODUCTION
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_admin_review_pages_and_editor_uploads_move_with_admin_url():
    show_urls = (
        "import django; django.setup(); from django.urls import reverse; "
        "print(reverse('admin:index'), reverse('review:queue'), reverse('editor-image-upload'))"
    )
    result = run_with_settings([sys.executable, "-c", show_urls], **PRODUCTION, ADMIN_URL="editorial-7f3k/")
    assert result.returncode == 0, result.stderr
    # The last line: logging (django-axes announces itself) writes to stdout as well.
    assert result.stdout.splitlines()[-1].split() == [
        "/editorial-7f3k/",
        "/editorial-7f3k/review/queue/",
        "/editorial-7f3k/editor/images/",
    ]


def media_storage(**environment):
    show = (
        "import django; django.setup(); from django.conf import settings;"
        "from django.core.files.storage import storages; d = storages['default'];"
        "print(type(d).__name__, 'public_media' in settings.STORAGES, d.url('a/b.jpg'))"
    )
    result = run_with_settings([sys.executable, "-c", show], DEBUG="1", LOG_LEVEL="WARNING", **environment)
    return result.stdout.split()[-3:]


def test_media_stay_on_disk_without_a_bucket():
    assert media_storage() == ["FileSystemStorage", "False", "/media/a/b.jpg"]


def test_a_bucket_name_puts_media_in_the_bucket_at_the_same_addresses():
    bucket = media_storage(AWS_STORAGE_BUCKET_NAME="bulletin-media", AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000")

    assert bucket == ["PrivateS3Storage", "True", "/media/a/b.jpg"]


def test_transaction_pooling_turns_off_what_would_outlive_a_transaction():
    show = [
        sys.executable,
        "-c",
        "from django.conf import settings as s; print(s.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS'])",
    ]
    database = {**PRODUCTION, "DATABASE_URL": "postgres://bulletin@pgbouncer:5432/bulletin"}
    direct = run_with_settings(show, **database)
    pooled = run_with_settings(show, **database, DATABASE_TRANSACTION_POOLING="1")
    assert (direct.stdout.strip(), pooled.stdout.strip()) == ("False", "True"), direct.stderr + pooled.stderr
