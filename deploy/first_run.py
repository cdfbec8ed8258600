"""Prepare what a new installation needs before Django can start: a secret key and a TLS certificate.

docker-compose's one-shot ``migrate`` service runs this first, so that `cp .env.example .env`
and `docker compose up` give a working https site with nothing else to fill in:

* **Secret key** in ``SECRET_KEY_FILE`` (the app reads ``NAME_FILE`` variables; see
  config/settings.py). ``SECRET_KEY`` from .env, if set, is written there, so the operator's
  choice wins; otherwise a random key is generated once and kept in its volume, so sessions and
  signed links survive restarts and upgrades.
* **TLS certificate** for nginx in ``TLS_DIR``: if no ``fullchain.pem``/``privkey.pem`` is there,
  a self-signed one for the host names of ``ALLOWED_HOSTS`` (browsers warn about it). Put the
  real certificate's two files in that volume and restart nginx; they are never overwritten.

Nothing existing is replaced, so it is safe on every start. Only the standard library and the
``openssl`` command are used: Django's settings cannot load before the key exists.
"""

import ipaddress
import os
import secrets
import subprocess
import sys
from pathlib import Path

CERTIFICATE_DAYS = 825  # the longest validity browsers accept for a certificate


def ensure_secret_key(path, given):
    path = Path(path)
    if given:
        if not path.exists() or path.read_text().strip() != given:
            write_private(path, given)
            return "set from SECRET_KEY"
        return "unchanged"
    if path.exists() and path.read_text().strip():
        return "kept"
    write_private(path, secrets.token_urlsafe(50))
    return "generated"


def write_private(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text)  # no newline: the app reads the file's content as it is
    temporary.chmod(0o600)
    temporary.replace(path)


def ensure_certificate(directory, hosts):
    directory = Path(directory)
    certificate, key = directory / "fullchain.pem", directory / "privkey.pem"
    if certificate.exists() and key.exists():
        return "kept"
    directory.mkdir(parents=True, exist_ok=True)
    names = [host.lstrip(".") for host in hosts if host and host != "*"] or ["localhost"]
    alternatives = ",".join(f"{'IP' if is_address(name) else 'DNS'}:{name}" for name in names)
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            str(CERTIFICATE_DAYS),
            "-subj",
            f"/CN={names[0]}",
            "-addext",
            f"subjectAltName={alternatives}",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
    )
    key.chmod(0o600)
    return f"self-signed for {', '.join(names)}"


def is_address(name):
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def main():
    hosts = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")
    key = ensure_secret_key(os.environ["SECRET_KEY_FILE"], os.environ.get("SECRET_KEY", "").strip())
    certificate = ensure_certificate(os.environ["TLS_DIR"], [host.strip() for host in hosts])
    print(f"first run: secret key {key}; TLS certificate {certificate}", file=sys.stderr)


if __name__ == "__main__":
    main()
