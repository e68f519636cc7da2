"""`make run` and `make test` install the Debian packages they need, or stop at once saying what to install."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "system_packages.sh"


def _run_as_nobody(purpose: str, **env) -> subprocess.CompletedProcess:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.fail("this test switches to an unprivileged user with setpriv, as root")
    # A copy nobody can read: the clone may live where only root can (as under root's home).
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o755)
        script = Path(folder) / SCRIPT.name
        shutil.copyfile(SCRIPT, script)
        os.chmod(script, 0o644)
        command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "bash", str(script), purpose]
        return subprocess.run(
            command, env={"PATH": os.environ["PATH"], **env}, capture_output=True, text=True, timeout=60, cwd="/"
        )


def test_a_user_who_cannot_install_packages_is_told_in_one_sentence_what_to_install():
    result = _run_as_nobody("test", CHROMIUM="/nonexistent/chromium")

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "make test needs Debian packages this machine lacks: run 'sudo apt-get install -y chromium' and try again."
    ]


def test_make_run_does_not_ask_for_the_browser():
    result = _run_as_nobody("run", CHROMIUM="/nonexistent/chromium")

    assert (result.returncode, result.stderr) == (0, "")


def test_nothing_is_installed_when_nothing_is_missing():
    result = subprocess.run(["bash", str(SCRIPT), "test"], capture_output=True, text=True, timeout=60)

    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
