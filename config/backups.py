"""Logical backups and restores of the service's database, each one proved by a manifest.

A backup is one `pg_dump` in custom format, taken from one snapshot. In the same snapshot (exported by a
transaction of ours and handed to `pg_dump --snapshot`) we count every table's rows and checksum them,
and write that beside the dump as `<dump>.manifest.json`, with the dump's SHA-256. A restore goes into a
database it creates (never one that exists, unless told to replace it), then checks every table against
the manifest: a restore that reports success holds exactly what was dumped.

Waits end: the whole operation has a deadline (the tools are stopped when it passes), `pg_dump` waits a
bounded time for each table lock, and connections time out. The password never reaches a command line
or a log: the tools read it from a private password file (PGPASSFILE) made for the one run.

`pg_dump` refuses a server of a newer major version than its own, and `pg_restore` an archive from a
newer `pg_dump`; both are checked before anything starts, so the error says which client to install.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import dj_database_url
import psycopg
from django.conf import settings
from psycopg import sql

logger = logging.getLogger(__name__)

MANIFEST_SUFFIX = ".manifest.json"
MANIFEST_FORMAT = 1
# A database name we create: a plain identifier, so it can never be read as a connection string by the tools.
DATABASE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_VERSION = re.compile(r"\(PostgreSQL\) (\d+)")
_ARCHIVE_VERSION = re.compile(r";\s+Dumped (from database|by pg_dump) version: (\d+)")
# libpq reads these from the environment; settings' OPTIONS may name them (e.g. ?sslmode=require in the URL).
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}
_STOP_GRACE_SECONDS = 10
# Where a restore is built before it takes its name; leaves room for the suffix within PostgreSQL's 63 bytes.
_STAGING_SUFFIX = "_restoring"
_LONGEST_NAME = 63 - len(_STAGING_SUFFIX)


class BackupError(Exception):
    """A backup or restore that failed; `exit_code` is what its command exits with."""

    exit_code = 1


class Refused(BackupError):
    """Nothing was started: the arguments, the tools or the target do not allow it."""

    exit_code = 2


class TimedOut(BackupError):
    exit_code = 124


# --- connections -----------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Server:
    """Where a PostgreSQL server is and how to sign in; the password stays in this process."""

    host: str
    port: str
    user: str
    password: str = dataclasses.field(repr=False)
    options: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_settings(cls, database: dict) -> Server:
        given = {name: str(value) for name, value in (database.get("OPTIONS") or {}).items() if name in _LIBPQ_OPTIONS}
        options = tuple({"connect_timeout": "10", **given}.items())
        return cls(
            host=database.get("HOST") or "127.0.0.1",
            port=str(database.get("PORT") or 5432),
            user=database.get("USER") or "postgres",
            password=database.get("PASSWORD") or "",
            options=options,
        )

    def connect(self, dbname: str, *, autocommit: bool = False, **session) -> psycopg.Connection:
        """A connection of our own (not Django's), with `session` settings, e.g. statement_timeout="5s"."""
        settings_ = " ".join(f"-c {name}={value}" for name, value in session.items())
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password or None,
            dbname=dbname,
            application_name="ecf-backups",
            autocommit=autocommit,
            options=settings_ or None,
            **dict(self.options),
        )

    @contextmanager
    def tool_environment(self, dbname: str) -> Iterator[dict]:
        """The environment for pg_dump/pg_restore: where to connect, and a password file readable only by us
        that exists while the tool runs."""
        env = _plain_environment()
        env.update(
            PGHOST=self.host,
            PGPORT=self.port,
            PGUSER=self.user,
            PGDATABASE=dbname,
            PGAPPNAME="ecf-backups",
        )
        env.update({_LIBPQ_OPTIONS[name]: value for name, value in self.options})
        with tempfile.TemporaryDirectory(prefix="ecf-pgpass-") as folder:
            passfile = Path(folder) / "pgpass"
            descriptor = os.open(passfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as file:
                file.write(f"*:*:*:{_passfile_field(self.user)}:{_passfile_field(self.password)}\n")
            env["PGPASSFILE"] = str(passfile)
            yield env


def _plain_environment() -> dict:
    """Ours, without what names a database or holds a password: the tools get only what we give them."""
    return {key: value for key, value in os.environ.items() if not key.startswith("PG") and key != "DATABASE_URL"}


def _passfile_field(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:")


def database_from_settings() -> tuple[Server, str]:
    from django.db import connections

    database = connections["default"].settings_dict
    return Server.from_settings(database), database["NAME"]


def database_from_url(url: str) -> tuple[Server, str]:
    database = dj_database_url.parse(url)
    return Server.from_settings(database), database["NAME"]


# --- checksums -------------------------------------------------------------------------------------------------------

# Row text must not depend on the session: the same rows give the same text on any connection.
_STABLE_TEXT = {
    "TimeZone": "UTC",
    "DateStyle": "ISO, YMD",
    "IntervalStyle": "postgres",
    "extra_float_digits": "1",
    "bytea_output": "hex",
}


def contents(connection: psycopg.Connection, *, deadline: Deadline, between=None) -> dict:
    """Every table in the public schema with its row count and a checksum of its rows; and for every sequence,
    whether the next value it hands out is beyond every value in the column it feeds.

    The checksum is the sum of the rows' MD5s (as two 64-bit halves): exact for any change to any row, the
    same whatever order the rows are read in, and cheap on a large table (no sort, no long string).
    A sequence is outside every snapshot (pg_dump reads it as it is when it gets there), so its exact
    value cannot be compared; what a restore needs of it is that it hands out no id already taken.
    `between()` runs before each table, e.g. to give up once something running alongside has failed.
    """
    tables, sequences = {}, {}
    with connection.cursor() as cursor:
        for name, value in _STABLE_TEXT.items():
            cursor.execute(sql.SQL("SET {} = {}").format(sql.Identifier(name), sql.Literal(value)))
        cursor.execute(_RELATIONS)
        for name, kind, table, column in cursor.fetchall():
            if between is not None:
                between()
            cursor.execute(sql.SQL("SET statement_timeout = {}").format(sql.Literal(f"{deadline.remaining_ms()}ms")))
            if kind == "S":
                sequences[name] = _sequence_is_ahead(cursor, name, table, column)
                continue
            cursor.execute(
                sql.SQL(
                    """
                    SELECT count(*),
                           coalesce(sum(('x' || substr(h, 1, 16))::bit(64)::bigint), 0),
                           coalesce(sum(('x' || substr(h, 17, 16))::bit(64)::bigint), 0)
                      FROM (SELECT md5(ROW(r.*)::text) AS h FROM public.{} AS r) AS hashed
                    """
                ).format(sql.Identifier(name))
            )
            rows, high, low = cursor.fetchone()
            digest = hashlib.sha256(f"{rows}:{high}:{low}".encode()).hexdigest()[:32]
            tables[name] = {"rows": rows, "checksum": digest}
    return {"tables": tables, "sequences": sequences}


# Tables and sequences of the public schema; a sequence with the table and column it feeds (serial or identity).
_RELATIONS = """
    SELECT c.relname, c.relkind, t.relname, a.attname
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_depend d ON c.relkind = 'S' AND d.classid = 'pg_class'::regclass AND d.objid = c.oid
                           AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
      LEFT JOIN pg_class t ON t.oid = d.refobjid
      LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S')
  ORDER BY c.relname
"""


def _sequence_is_ahead(cursor, name: str, table: str | None, column: str | None) -> bool:
    if table is None:
        return True  # feeds no column: nothing it hands out can be taken
    following = sql.SQL("(SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM public.{})").format(
        sql.Identifier(name)
    )
    cursor.execute(
        sql.SQL("SELECT {} > (SELECT coalesce(max({}), 0) FROM public.{})").format(
            following, sql.Identifier(column), sql.Identifier(table)
        )
    )
    return cursor.fetchone()[0]


def differences(expected: dict, actual: dict) -> list[str]:
    """What differs between two `contents`, table by table, in words."""
    found = []
    for kind in ("tables", "sequences"):
        wanted, got = expected[kind], actual[kind]
        found += [f"{kind[:-1]} {name} is missing" for name in sorted(set(wanted) - set(got))]
        found += [f"{kind[:-1]} {name} was not in the backup" for name in sorted(set(got) - set(wanted))]
    for name in sorted(set(expected["tables"]) & set(actual["tables"])):
        wanted, got = expected["tables"][name], actual["tables"][name]
        if wanted["rows"] != got["rows"]:
            found.append(f"table {name} has {got['rows']} rows, not {wanted['rows']}")
        elif wanted["checksum"] != got["checksum"]:
            found.append(f"table {name} has the same number of rows but different contents")
    found += [
        f"sequence {name} would hand out an id its table already has"
        for name, ahead in sorted(actual["sequences"].items())
        if not ahead
    ]
    return found


# --- running the tools -----------------------------------------------------------------------------------------------


class Deadline:
    def __init__(self, seconds: float, what: str):
        self.seconds = seconds
        self.what = what
        self._ends = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self._ends - time.monotonic()
        if left <= 0:
            raise TimedOut(f"The {self.what} did not finish within {self.seconds:g} seconds and was stopped.")
        return left

    def remaining_ms(self) -> int:
        return max(1, int(self.remaining() * 1000))


def tool(name: str) -> Path:
    folder = settings.POSTGRES_BIN_DIR
    found = Path(folder) / name if folder else (Path(which) if (which := shutil.which(name)) else None)
    if found is None or not found.exists():
        where = f"in POSTGRES_BIN_DIR ({folder})" if folder else "on PATH"
        raise Refused(f"{name} was not found {where}: install postgresql-client, or set POSTGRES_BIN_DIR.")
    return found


def tool_major(path: Path) -> int:
    try:
        result = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError) as error:
        raise Refused(f"Could not run {path} --version: {error}") from error
    match = _VERSION.search(result.stdout)
    if match is None:
        raise Refused(f"Could not read the version of {path}: {result.stdout.strip()!r}")
    return int(match.group(1))


def server_major(connection: psycopg.Connection) -> int:
    return int(connection.execute("SHOW server_version_num").fetchone()[0]) // 10000


@dataclasses.dataclass
class _Running:
    process: subprocess.Popen
    output_file: object
    what: str

    def finish(self, deadline: Deadline) -> str:
        """Wait for the tool until the deadline; its output, or a BackupError that quotes the end of it."""
        try:
            self.process.wait(timeout=deadline.remaining())
        except (subprocess.TimeoutExpired, TimedOut):
            self.stop()
            raise TimedOut(
                f"The {deadline.what} did not finish within {deadline.seconds:g} seconds; {self.what} was stopped."
            ) from None
        if self.process.returncode != 0:
            raise self._failed()
        return self._output()

    def failed_early(self) -> None:
        """Raise now if the tool has already failed, rather than after our own work alongside it."""
        if self.process.poll() not in (None, 0):
            raise self._failed()

    def _output(self) -> str:
        self.output_file.seek(0)
        return self.output_file.read()

    def _failed(self) -> BackupError:
        return BackupError(f"{self.what} failed with exit code {self.process.returncode}: {_tail(self._output())}")

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=_STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@contextmanager
def _started(command: list[str], *, env: dict, what: str) -> Iterator[_Running]:
    """A tool in a process group of its own (stopped, with its children, if we leave early), its output kept in
    a file: a pipe nobody reads while we wait could fill up and stall it."""
    with tempfile.TemporaryFile(mode="w+") as output:
        process = subprocess.Popen(
            command, env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )  # fmt: skip
        running = _Running(process, output, what)
        try:
            yield running
        finally:
            running.stop()


def _run(command: list[str], *, env: dict, what: str, deadline: Deadline) -> str:
    with _started(command, env=env, what=what) as running:
        return running.finish(deadline)


def _tail(output: str, lines: int = 5) -> str:
    kept = [line for line in output.strip().splitlines() if line.strip()][-lines:]
    return " / ".join(kept) or "no output"


def _sha256(path: Path, deadline: Deadline) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
            deadline.remaining()
    return digest.hexdigest()


# --- backup ----------------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: Path
    bytes: int
    tables: int
    rows: int
    seconds: float


def manifest_path(dump: Path) -> Path:
    return dump.with_name(dump.name + MANIFEST_SUFFIX)


def back_up(path: Path, *, timeout: float, lock_wait_timeout: float) -> BackupResult:
    """Dump the configured database into `path` (custom format) and its manifest beside it."""
    started = time.monotonic()
    deadline = Deadline(timeout, "backup")
    path = Path(path)
    manifest = manifest_path(path)
    for existing in (path, manifest):
        if existing.exists():
            raise Refused(f"{existing} already exists; a backup never overwrites one. Choose another file name.")
    if not path.parent.is_dir():
        raise Refused(f"The folder {path.parent} does not exist.")
    pg_dump = tool("pg_dump")
    client = tool_major(pg_dump)
    server, dbname = database_from_settings()
    partial = path.with_name(path.name + ".partial")
    logger.info("backup started", extra={"database": dbname, "file": str(path)})
    with _connect(server, dbname, deadline, lock_wait_timeout=lock_wait_timeout) as connection:
        found = server_major(connection)
        connection.rollback()
        if client < found:
            raise Refused(
                f"pg_dump {client} cannot back up a PostgreSQL {found} server: pg_dump must be at least the "
                f"server's major version. Install postgresql-client-{found} or set POSTGRES_BIN_DIR."
            )
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        # Our transaction exports its snapshot; pg_dump reads the same one, so the checksums describe the dump.
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        server_version = connection.execute("SHOW server_version").fetchone()[0]
        # The dump holds personal data: only its owner may read it, from the first byte.
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        command = [
            str(pg_dump),
            "--format=custom",
            "--no-password",
            f"--snapshot={snapshot}",
            f"--lock-wait-timeout={int(lock_wait_timeout * 1000)}",
            f"--file={partial}",
        ]
        try:
            with server.tool_environment(dbname) as env, _started(command, env=env, what="pg_dump") as running:
                # While pg_dump reads the snapshot, we count and checksum the same rows.
                counted = contents(connection, deadline=deadline, between=running.failed_early)
                running.finish(deadline)
            connection.rollback()
            _run(
                [str(tool("pg_restore")), "--list", str(partial)],
                env=_plain_environment(),
                what="pg_restore --list",
                deadline=deadline,
            )
            digest = _sha256(partial, deadline)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    size = partial.stat().st_size
    document = {
        "format": MANIFEST_FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "database": dbname,
        "server_version": server_version,
        "pg_dump_major": client,
        "file": path.name,
        "bytes": size,
        "sha256": digest,
        **counted,
    }
    _write_private(manifest, json.dumps(document, indent=1, sort_keys=True) + "\n")
    partial.rename(path)
    result = BackupResult(
        path=path,
        manifest=manifest,
        bytes=size,
        tables=len(counted["tables"]),
        rows=sum(table["rows"] for table in counted["tables"].values()),
        seconds=time.monotonic() - started,
    )
    logger.info(
        "backup finished",
        extra={
            "database": dbname,
            "file": str(path),
            "bytes": size,
            "tables": result.tables,
            "seconds": result.seconds,
        },
    )
    return result


@contextmanager
def _connect(
    server: Server, dbname: str, deadline: Deadline, *, lock_wait_timeout: float | None = None
) -> Iterator[psycopg.Connection]:
    """A connection whose statements end by the deadline; its database errors become BackupErrors."""
    try:
        connection = server.connect(
            dbname,
            statement_timeout=f"{deadline.remaining_ms()}ms",
            lock_timeout=f"{int((lock_wait_timeout or 0) * 1000)}ms",
            idle_in_transaction_session_timeout=0,
        )
    except psycopg.OperationalError as error:
        raise BackupError(f"Could not connect to database {dbname} on {server.host}:{server.port}: {error}") from error
    try:
        yield connection
    except psycopg.errors.LockNotAvailable as error:
        raise BackupError(
            f"The {deadline.what} waited {lock_wait_timeout:g} seconds for a table lock (held by a migration, "
            "or a long transaction) and gave up; try again when it is released."
        ) from error
    except psycopg.errors.QueryCanceled as error:
        raise TimedOut(f"The {deadline.what} did not finish within {deadline.seconds:g} seconds: {error}") from error
    except psycopg.Error as error:
        raise BackupError(f"The {deadline.what} failed in database {dbname}: {error}") from error
    finally:
        connection.close()


def _write_private(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
    partial.rename(path)


# --- restore ---------------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RestoreResult:
    database: str
    tables: int
    rows: int
    verified: bool
    seconds: float


def restore(
    path: Path, *, into: str, replace: bool = False, timeout: float, jobs: int = 1, verify: bool = True
) -> RestoreResult:
    """Restore the dump at `path` into a new database `into` on the configured server, checked against the
    dump's manifest.

    The dump goes first into a staging database, which takes the name `into` only once it is restored and
    checked: a failed restore leaves nothing behind, and with `replace` an existing `into` (which must
    have no sessions) is dropped only then.
    """
    started = time.monotonic()
    deadline = Deadline(timeout, "restore")
    path = Path(path)
    if not DATABASE_NAME.fullmatch(into) or len(into) > _LONGEST_NAME:
        raise Refused(
            f"{into!r} is not a plain database name (letters, digits and underscores, at most {_LONGEST_NAME})."
        )
    if not path.is_file():
        raise Refused(f"{path} is not a file.")
    expected = _manifest_for(path, deadline) if verify else None
    pg_restore = tool("pg_restore")
    client = tool_major(pg_restore)
    listing = _archive_listing(pg_restore, path, client, deadline)
    made_by = _archive_versions(listing)
    if client < made_by["by pg_dump"]:
        raise Refused(
            f"pg_restore {client} cannot restore a dump made by pg_dump {made_by['by pg_dump']}: "
            f"install postgresql-client-{made_by['by pg_dump']} or set POSTGRES_BIN_DIR."
        )
    server, _ = database_from_settings()
    staging = into + _STAGING_SUFFIX
    logger.info("restore started", extra={"database": into, "file": str(path)})
    with _connect(server, "postgres", deadline) as maintenance:
        maintenance.autocommit = True
        found = server_major(maintenance)
        if found < made_by["from database"]:
            raise Refused(
                f"The dump comes from PostgreSQL {made_by['from database']}; this server runs {found}. "
                "Restore into a server of the same major version or later."
            )
        _check_replaceable(maintenance, into, replace=replace)
        # A staging database left by a restore that was killed outright holds nothing anyone uses.
        maintenance.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(staging)))
        maintenance.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(staging))
        )
    try:
        _pg_restore(pg_restore, path, listing, server=server, into=staging, jobs=jobs, deadline=deadline)
        with _connect(server, staging, deadline) as restored:
            restored.autocommit = True
            # pg_restore brings no planner statistics: without them the first queries would plan blind.
            restored.execute("ANALYZE")
            actual = contents(restored, deadline=deadline)
        found_differences = differences(expected, actual) if expected is not None else []
        if found_differences:
            logger.error("restore differs from its backup", extra={"database": into, "differences": found_differences})
            raise BackupError(
                f"The restored database differs from the backup's manifest, so it was not kept: "
                f"{'; '.join(found_differences[:10])}"
            )
        with _connect(server, "postgres", deadline) as maintenance:
            maintenance.autocommit = True
            if replace:
                _check_replaceable(maintenance, into, replace=True)
                maintenance.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(into)))
                logger.warning("restore replaced an existing database", extra={"database": into})
            maintenance.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(staging), sql.Identifier(into))
            )
    except BaseException:
        _drop_quietly(server, staging)
        raise
    result = RestoreResult(
        database=into,
        tables=len(actual["tables"]),
        rows=sum(table["rows"] for table in actual["tables"].values()),
        verified=expected is not None,
        seconds=time.monotonic() - started,
    )
    logger.info(
        "restore finished",
        extra={"database": into, "tables": result.tables, "verified": result.verified, "seconds": result.seconds},
    )
    return result


def _pg_restore(
    pg_restore: Path, path: Path, listing: str, *, server: Server, into: str, jobs: int, deadline: Deadline
) -> None:
    with server.tool_environment(into) as env, tempfile.NamedTemporaryFile("w", suffix=".list") as wanted:
        # The extension's comment belongs to its owner, which a managed server's admin user is not: restoring
        # it fails there, and it carries nothing the service needs.
        wanted.write("".join(line for line in listing.splitlines(keepends=True) if "COMMENT - EXTENSION" not in line))
        wanted.flush()
        command = [
            str(pg_restore),
            f"--dbname={into}",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--no-password",
            f"--use-list={wanted.name}",
            # One transaction: all or nothing. Parallel jobs are faster on a large dump, and the staging
            # database is dropped if they fail.
            "--single-transaction" if jobs == 1 else f"--jobs={jobs}",
            str(path),
        ]
        _run(command, env=env, what="pg_restore", deadline=deadline)


def _manifest_for(path: Path, deadline: Deadline) -> dict:
    manifest = manifest_path(path)
    if not manifest.exists():
        raise Refused(
            f"{path} has no manifest ({manifest.name}) to check the restore against; --no-verify restores it unchecked."
        )
    try:
        document = json.loads(manifest.read_text())
    except (OSError, ValueError) as error:
        raise Refused(f"{manifest} cannot be read: {error}") from error
    if document.get("format") != MANIFEST_FORMAT:
        raise Refused(f"{manifest} is not a manifest this version understands.")
    if _sha256(path, deadline) != document["sha256"]:
        raise Refused(f"{path} does not match its manifest's SHA-256: the file is damaged or not that backup.")
    return document


def _archive_listing(pg_restore: Path, path: Path, client: int, deadline: Deadline) -> str:
    try:
        return _run(
            [str(pg_restore), "--list", str(path)],
            env=_plain_environment(),
            what="pg_restore --list",
            deadline=deadline,
        )
    except TimedOut:
        raise
    except BackupError as error:
        raise Refused(
            f"pg_restore {client} cannot read {path} (not a custom-format dump, damaged, or made by a later "
            f"pg_dump): {error}"
        ) from error


def _archive_versions(listing: str) -> dict[str, int]:
    found = {kind: int(major) for kind, major in _ARCHIVE_VERSION.findall(listing)}
    if set(found) != {"from database", "by pg_dump"}:
        raise Refused("The dump does not say which PostgreSQL versions made it.")
    return found


def _check_replaceable(maintenance: psycopg.Connection, name: str, *, replace: bool) -> None:
    exists = maintenance.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if exists and not replace:
        raise Refused(
            f"Database {name} already exists. Restore into a new name, or pass --replace to put the restored "
            "database in its place (only when nothing is connected to it)."
        )
    if exists:
        sessions = maintenance.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [name]).fetchone()[0]
        if sessions:
            raise Refused(f"Database {name} has {sessions} open sessions: stop what uses it before replacing it.")


def _drop_quietly(server: Server, name: str) -> None:
    """A restore that failed leaves no half-restored database behind."""
    try:
        with server.connect("postgres", autocommit=True) as maintenance:
            maintenance.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    except psycopg.Error:
        logger.warning("could not drop a failed restore's database", extra={"database": name}, exc_info=True)


@contextmanager
def read_only_snapshot(server: Server, dbname: str) -> Iterator[psycopg.Connection]:
    """A read-only connection whose reads all see one snapshot (e.g. of a damaged database, to compare with),
    each statement ending within 15 minutes."""
    deadline = Deadline(900, "read")
    with _connect(server, dbname, deadline) as connection:
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        yield connection
