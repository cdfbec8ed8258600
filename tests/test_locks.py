"""The hashed lock files are compiled from pyproject.toml, and ``make check`` says when they no
longer are (deploy/locks.py)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCK_FILES = ("requirements.lock", "requirements-test.lock")


@pytest.fixture
def clone(tmp_path):
    for name in ("pyproject.toml", *LOCK_FILES):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def run_check(root):
    """``deploy/locks.py check`` as make check runs it, on the tree at ``root``."""
    (root / "deploy").mkdir(exist_ok=True)
    shutil.copy(ROOT / "deploy" / "locks.py", root / "deploy" / "locks.py")
    return subprocess.run([sys.executable, "deploy/locks.py", "check"], cwd=root, capture_output=True, text=True)


def check_after_editing_pyproject(clone, old, new):
    pyproject = clone / "pyproject.toml"
    assert old in pyproject.read_text()
    pyproject.write_text(pyproject.read_text().replace(old, new))
    return run_check(clone)


def test_the_lock_files_were_compiled_from_pyproject_as_it_is():
    result = subprocess.run([sys.executable, "deploy/locks.py", "check"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_dependency_changed_without_make_lock_fails_the_check(clone):
    result = check_after_editing_pyproject(clone, '"pillow>=11",', '"pillow>=11",\n    "requests>=2",')

    assert result.returncode == 1
    assert "requirements.lock, requirements-test.lock: not compiled from pyproject.toml" in result.stderr
    assert "make lock" in result.stderr


def test_a_test_dependency_changed_without_make_lock_fails_the_check(clone):
    result = check_after_editing_pyproject(clone, '"pytest>=8",', '"pytest>=9",')

    assert result.returncode == 1
    assert "requirements-test.lock" in result.stderr


def test_a_lock_edited_by_hand_without_its_digest_fails_the_check(clone):
    lock = clone / "requirements.lock"
    lock.write_text("".join(line for line in lock.read_text().splitlines(keepends=True) if "digest" not in line))

    assert run_check(clone).returncode == 1


def test_tool_settings_in_pyproject_leave_the_locks_valid(clone):
    assert check_after_editing_pyproject(clone, "line-length = 120", "line-length = 100").returncode == 0


def test_make_check_runs_the_lock_check():
    makefile = (ROOT / "Makefile").read_text()
    check_recipe = makefile.split("\ncheck:", 1)[1].split("\n\n", 1)[0]
    assert "deploy/locks.py check" in check_recipe
