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


def settings_import(**environment):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env={**clean, **environment},
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_with_the_development_secret_key():
    result = settings_import(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_starts_with_a_real_secret_key():
    assert settings_import(DEBUG="0", SECRET_KEY="a-real-secret").returncode == 0
