"""Test settings: the real settings with a fixed key, fast hashing and locmem email.

The database comes from DATABASE_URL exactly as in production, so the same suite runs
against PostgreSQL in CI and SQLite on a laptop.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bulletin-media-"))

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
STATIC_ROOT = tempfile.mkdtemp(prefix="bulletin-static-")
# The test client and the live server speak plain http; check --deploy is tested with the real
# production values in tests/test_settings.py.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
