"""PgBouncer in transaction mode on a loopback port, in front of this machine's PostgreSQL.

What docker-compose's pgbouncer service is to the stack, for the machines without Docker: CI runs
the tests that race connections through it, and bench/ measures pages with and without it.

    python deploy/pgbouncer.py 6432     # in the foreground until interrupted

PgBouncer will not run as root; as root it is started as the postgres user (the process itself,
so that stopping it stops PgBouncer).
"""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# As docker-compose.yml's service: a server connection is lent for one transaction at a time.
POOL_MODE = "transaction"
# Server connections per database and user: what PostgreSQL sees however many clients there are.
POOL_SIZE = 20

CONFIG = """\
[databases]
* = host=127.0.0.1 port=5432

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {dir}/userlist.txt
pool_mode = {pool_mode}
max_client_conn = 2000
default_pool_size = {pool_size}
logfile = {dir}/pgbouncer.log
pidfile = {dir}/pgbouncer.pid
"""


class PgBouncer:
    def __init__(self, port, *, pool_size=POOL_SIZE):
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="bulletin-pgbouncer-"))
        (self.dir / "userlist.txt").write_text('"postgres" ""\n')
        config = self.dir / "pgbouncer.ini"
        config.write_text(CONFIG.format(port=port, dir=self.dir, pool_mode=POOL_MODE, pool_size=pool_size))
        with socket.socket() as probe:  # a PgBouncer left on the port would answer in its place
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                raise RuntimeError(f"port {port} is already in use")
        as_user = {}
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
            as_user = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}
        self.process = subprocess.Popen(
            [shutil.which("pgbouncer") or "/usr/sbin/pgbouncer", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            **as_user,
        )
        self._wait()

    @property
    def url_prefix(self):
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def _wait(self, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"pgbouncer exited: {self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"pgbouncer did not listen on {self.port} within {timeout} s")

    def log(self):
        path = self.dir / "pgbouncer.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # PgBouncer's shutdown signal
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


if __name__ == "__main__":
    bouncer = PgBouncer(int(sys.argv[1]))
    print(f"pgbouncer ({POOL_MODE} pooling) on 127.0.0.1:{bouncer.port}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        bouncer.process.wait()
    finally:
        bouncer.stop()
