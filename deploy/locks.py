"""The hashed lock files, compiled from pyproject.toml, and the check that they still are.

``python deploy/locks.py compile`` (``make lock``) compiles each lock with uv for every platform
and Python the project supports, keeping the versions a lock already pins while pyproject.toml
still allows them (``make lock LOCK_ARGS=--upgrade`` takes the newest instead), and writes into
its header a digest of what it was compiled from.

``python deploy/locks.py check`` (part of ``make check``) computes that digest again, without the
network, and fails when a lock was compiled from anything else: a dependency added, removed or
changed in pyproject.toml, or a new way of compiling, without ``make lock`` afterwards.
"""

import argparse
import hashlib
import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Each lock and the dependency groups it installs beside the project's dependencies.
LOCKS = {
    "requirements.lock": (),
    "requirements-test.lock": ("test", "bench"),
}
# One lock for every platform and every Python that requires-python admits (markers say which
# package is for which), every file's hash, so that pip installs it with --require-hashes.
OPTIONS = ("--universal", "--generate-hashes", "--custom-compile-command", "make lock")
DIGEST_PREFIX = "# Compiled from pyproject.toml with digest "


def digest(pyproject_text, groups):
    """The digest of what a lock of ``groups`` is compiled from: pyproject.toml's requirements
    (its other tables, such as the tools' settings, do not change a lock) and the options."""
    pyproject = tomllib.loads(pyproject_text)
    project = pyproject.get("project", {})
    inputs = {
        "requires-python": project.get("requires-python"),
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
        "dependency-groups": pyproject.get("dependency-groups", {}),
        "uv": pyproject.get("tool", {}).get("uv", {}),
        "groups": list(groups),
        "options": list(OPTIONS),
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def recorded_digest(lock_text):
    for line in lock_text.splitlines():
        if line.startswith(DIGEST_PREFIX):
            return line.removeprefix(DIGEST_PREFIX).split()[0]
        if not line.startswith("#"):
            return None
    return None


def stale_locks(root=ROOT):
    """The lock files under ``root`` that were not compiled from its pyproject.toml as it is now."""
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    stale = []
    for name, groups in LOCKS.items():
        path = root / name
        if not path.is_file() or recorded_digest(path.read_text(encoding="utf-8")) != digest(pyproject, groups):
            stale.append(name)
    return stale


def compile_locks(extra_args=(), root=ROOT):
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    for name, groups in LOCKS.items():
        command = [sys.executable, "-m", "uv", "pip", "compile", "pyproject.toml", "--quiet"]
        command += [f"--group={group}" for group in groups]
        command += [*OPTIONS, "--output-file", name, *extra_args]
        subprocess.run(command, cwd=root, check=True)
        path = root / name
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        lines = [line for line in lines if not line.startswith(DIGEST_PREFIX)]
        # After uv's own header (its comment lines), before the first requirement.
        header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
        lines.insert(header, f"{DIGEST_PREFIX}{digest(pyproject, groups)} (make check compares it)\n")
        path.write_text("".join(lines), encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["compile", "check"])
    arguments, extra = parser.parse_known_args(argv)
    if arguments.action == "compile":
        compile_locks(extra)
        return 0
    stale = stale_locks()
    if stale:
        names = ", ".join(stale)
        print(
            f"{names}: not compiled from pyproject.toml as it is now (its dependencies changed since). "
            "Run `make lock` and commit the lock files with the change.\n"
            f"{names} 与 pyproject.toml 中的依赖不一致（依赖改动后没有重新生成锁文件）。"
            "请运行 make lock，并把锁文件与改动一起提交。",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
