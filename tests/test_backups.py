"""Backups that have been restored: `backup_database` and `restore_database` (config/backups.py) with the real
pg_dump and pg_restore, against the real PostgreSQL test server.

The drill: seed demo data, back it up, restore it into a fresh database, check that every table holds the
same rows, and serve a real API request from the restored database with a token issued before the dump.
"""

from __future__ import annotations

import json
import stat
import sys
import threading
import time
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from config import backups, changes, clock
from participants.models import Participant, ProviderListing
from schools.models import LeadProvider
from tests import processes, restoring
from tests.conftest import ProviderClient

PG_RESTORE = Path(backups.tool("pg_restore"))


def back_up(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("backup_database", str(path), *args, stdout=out)
    return out.getvalue()


def refused(command: str, *args: str) -> CommandError:
    with pytest.raises(CommandError) as raised:
        call_command(command, *args, stdout=StringIO())
    return raised.value


def independent_contents(name: str) -> dict:
    """Row counts and checksums of a database, read on a connection of their own."""
    with restoring.server_connection(name) as reader:
        return backups.contents(reader, deadline=backups.Deadline(300, "test"))


def fake_tool(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)


@pytest.mark.django_db(transaction=True)
def test_drill_a_restored_backup_holds_every_table_exactly_and_serves_the_api_with_a_token_from_before_the_dump(
    tmp_path,
):
    call_command("seed_demo", participants=20, seed=3, stdout=StringIO(), stderr=StringIO())
    provider = max(LeadProvider.objects.all(), key=lambda lp: ProviderListing.objects.filter(lead_provider=lp).count())
    api = ProviderClient(provider)  # its token is issued now, before the dump, and stored as a digest only
    before = api.get("/api/v3/participants", {"page[per_page]": "3000"})
    assert before.status_code == 200 and len(before.json()["data"]) >= 5
    dump = tmp_path / "drill.dump"

    output = back_up(dump)

    assert "Backed up" in output and dump.exists()
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600  # it holds personal data
    source = independent_contents(connection.settings_dict["NAME"])
    # Every table of the public schema, with rows in the ones the drill is about.
    assert set(source["tables"]) == set(connection.introspection.table_names())
    for table in ("participants_participant", "declarations_declaration", "schools_partnership", "core_auditevent"):
        assert source["tables"][table]["rows"] > 0, table
    with restoring.restored_database(dump) as restored:
        copy = independent_contents(restored)
        assert copy == source
        # The original moves on after the dump; the restored database must not (it is what gets served).
        with changes.unit_of_work(now=clock.now()):
            renamed = Participant.objects.filter(
                pk__in=ProviderListing.objects.filter(lead_provider=provider).values("participant")
            ).first()
            renamed.full_name = "Renamed After The Dump"
            renamed.save()
        assert api.get("/api/v3/participants", {"page[per_page]": "3000"}).json() != before.json()

        with restoring.serving(restored) as base:
            status, body = restoring.http_client(base, api.token)("/api/v3/participants", {"page[per_page]": "3000"})

    assert status == 200
    assert body == before.json()


@pytest.mark.django_db(transaction=True)
def test_the_manifest_records_every_table_as_it_was_in_the_dump_s_snapshot(tmp_path):
    """The checksums are taken in the snapshot pg_dump reads: a row committed while the dump runs is in
    neither or both."""
    dump = tmp_path / "snapshot.dump"
    back_up(dump)

    manifest = json.loads(backups.manifest_path(dump).read_text())
    assert manifest["file"] == "snapshot.dump" and manifest["bytes"] == dump.stat().st_size
    assert manifest["tables"] == independent_contents(connection.settings_dict["NAME"])["tables"]
    assert set(manifest["tables"]) == set(connection.introspection.table_names())
    assert manifest["sequences"]  # positions too, so that a restored database hands out new ids only


def test_a_table_s_checksum_changes_with_any_one_value_and_not_with_the_session_s_settings(lead_provider):
    connection.ensure_connection()
    raw = connection.connection
    deadline = backups.Deadline(60, "test")
    first = backups.contents(raw, deadline=deadline)["tables"]["schools_leadprovider"]
    raw.execute("SET TimeZone = 'Pacific/Auckland'")
    raw.execute("SET DateStyle = 'German'")
    assert backups.contents(raw, deadline=deadline)["tables"]["schools_leadprovider"] == first

    LeadProvider.objects.filter(pk=lead_provider.pk).update(created_at=lead_provider.created_at.replace(microsecond=1))
    changed = backups.contents(raw, deadline=deadline)["tables"]["schools_leadprovider"]

    assert changed["rows"] == first["rows"] and changed["checksum"] != first["checksum"]


def test_a_backup_refuses_a_pg_dump_older_than_the_server_and_says_what_to_install(tmp_path, settings):
    fake_tool(tmp_path, "pg_dump", 'echo "pg_dump (PostgreSQL) 14.10"\n')
    settings.POSTGRES_BIN_DIR = str(tmp_path)

    error = refused("backup_database", str(tmp_path / "old.dump"))

    assert error.returncode == 2
    assert "pg_dump 14 cannot back up a PostgreSQL 15 server" in str(error)
    assert "postgresql-client-15" in str(error)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["pg_dump"]


def test_the_password_reaches_pg_dump_in_a_private_password_file_never_its_command_line(
    tmp_path, settings, monkeypatch, caplog
):
    secret = "s3cret:pass\\word"
    monkeypatch.setitem(connection.settings_dict, "PASSWORD", secret)  # the test server trusts any password
    seen = tmp_path / "seen.json"
    # A pg_dump that reports what it was given, then fails.
    fake = tmp_path / "pg_dump"
    fake.write_text(
        f"""#!{sys.executable}
import json, os, sys
if sys.argv[1:] == ["--version"]:
    print("pg_dump (PostgreSQL) 15.1")
    sys.exit(0)
passfile = os.environ.get("PGPASSFILE")
found = {{"argv": sys.argv, "env": dict(os.environ), "passfile": None, "mode": None}}
if passfile:
    found.update(passfile=open(passfile).read(), mode=oct(os.stat(passfile).st_mode & 0o777))
json.dump(found, open({str(seen)!r}, "w"))
print("pg_dump: error: stopped by the test", file=sys.stderr)
sys.exit(1)
"""
    )
    fake.chmod(0o755)
    settings.POSTGRES_BIN_DIR = str(tmp_path)

    error = refused("backup_database", str(tmp_path / "x.dump"))

    assert error.returncode == 1 and "stopped by the test" in str(error)
    found = json.loads(seen.read_text())
    assert not any(secret in argument or "s3cret" in argument for argument in found["argv"])
    assert not any("s3cret" in value for name, value in found["env"].items()), "the password is in the environment"
    assert "PGPASSWORD" not in found["env"]
    assert found["passfile"] == "*:*:*:postgres:s3cret\\:pass\\\\word\n" and found["mode"] == "0o600"
    assert not Path(found["env"]["PGPASSFILE"]).exists()  # gone once pg_dump has run
    assert "s3cret" not in str(error) and "s3cret" not in caplog.text
    assert not list(tmp_path.glob("x.dump*"))


@pytest.fixture
def table_locked():
    """Another session holds a lock on the participants table, as a migration rewriting it would."""
    holder = restoring.server_connection(connection.settings_dict["NAME"])
    holder.autocommit = False
    holder.execute("LOCK TABLE participants_participant IN ACCESS EXCLUSIVE MODE")
    try:
        yield
    finally:
        holder.rollback()
        holder.close()


def test_a_backup_behind_a_table_lock_gives_up_after_the_lock_wait_and_leaves_no_file(tmp_path, table_locked):
    started = time.monotonic()

    error = refused("backup_database", str(tmp_path / "locked.dump"), "--lock-wait-timeout", "1", "--timeout", "120")

    assert error.returncode == 1
    assert "lock" in str(error)
    assert time.monotonic() - started < 60  # the lock wait ended it, not the whole backup's timeout
    assert not list(tmp_path.iterdir())


def test_a_backup_that_runs_past_its_timeout_is_stopped_and_leaves_no_file(tmp_path, table_locked):
    started = time.monotonic()

    error = refused("backup_database", str(tmp_path / "slow.dump"), "--lock-wait-timeout", "300", "--timeout", "2")

    assert error.returncode == 124
    assert "did not finish within 2 seconds" in str(error)
    assert time.monotonic() - started < 60
    assert not list(tmp_path.iterdir())


def test_a_backup_never_overwrites_a_file(tmp_path):
    existing = tmp_path / "kept.dump"
    existing.write_text("an older backup")

    error = refused("backup_database", str(existing))

    assert error.returncode == 2 and "already exists" in str(error)
    assert existing.read_text() == "an older backup"


@pytest.fixture
def dump(tmp_path):
    path = tmp_path / "small.dump"
    back_up(path)
    return path


def test_a_restore_refuses_an_existing_database_and_leaves_it_alone(dump):
    live = connection.settings_dict["NAME"]
    LeadProvider.objects.create(name="Still here")

    error = refused("restore_database", str(dump), "--into", live)

    assert error.returncode == 2 and f"Database {live} already exists" in str(error)
    assert LeadProvider.objects.filter(name="Still here").exists()
    assert not restoring.database_exists(live + "_restoring")


def test_a_restore_refuses_a_name_that_is_not_a_plain_identifier_before_anything_starts(dump):
    """The tools would read a name with spaces or `=` as a connection string, e.g. to another server."""
    error = refused("restore_database", str(dump), "--into", "x host=elsewhere")

    assert error.returncode == 2 and "not a plain database name" in str(error)
    assert not restoring.database_exists("x host=elsewhere_restoring")


def test_a_restore_refuses_a_dump_without_its_manifest_unless_told_not_to_verify(dump):
    backups.manifest_path(dump).unlink()
    into = connection.settings_dict["NAME"] + "_unverified"

    try:
        error = refused("restore_database", str(dump), "--into", into)

        assert error.returncode == 2 and "has no manifest" in str(error)
        assert not restoring.database_exists(into)
        out = StringIO()
        call_command("restore_database", str(dump), "--into", into, "--no-verify", stdout=out)
        assert "NOT checked against a manifest" in out.getvalue()
        assert independent_contents(into)["tables"] == independent_contents(connection.settings_dict["NAME"])["tables"]
    finally:
        restoring.drop_database(into)


def test_a_restore_refuses_a_pg_restore_older_than_the_pg_dump_that_made_the_dump(dump, tmp_path, settings):
    made_by = json.loads(backups.manifest_path(dump).read_text())["pg_dump_major"]
    tools = tmp_path / "bin"
    tools.mkdir()
    fake_tool(
        tools,
        "pg_restore",
        f'case "$1" in --version) echo "pg_restore (PostgreSQL) {made_by - 1}.1";; *) exec {PG_RESTORE} "$@";; esac\n',
    )
    settings.POSTGRES_BIN_DIR = str(tools)
    into = connection.settings_dict["NAME"] + "_old_client"

    error = refused("restore_database", str(dump), "--into", into)

    assert error.returncode == 2
    assert f"pg_restore {made_by - 1} cannot restore a dump made by pg_dump {made_by}" in str(error)
    assert f"postgresql-client-{made_by}" in str(error)
    assert not restoring.database_exists(into + "_restoring")


def test_a_restore_refuses_a_dump_that_does_not_match_its_manifest(dump):
    with dump.open("r+b") as file:
        file.seek(dump.stat().st_size // 2)
        file.write(b"\x00\x01\x02")
    into = connection.settings_dict["NAME"] + "_damaged"

    error = refused("restore_database", str(dump), "--into", into)

    assert error.returncode == 2 and "does not match its manifest" in str(error)
    assert not restoring.database_exists(into)


def test_a_restore_that_fails_part_way_leaves_no_database_behind(dump, tmp_path, settings):
    tools = tmp_path / "bin"
    tools.mkdir()
    fake_tool(
        tools,
        "pg_restore",
        f'case "$1" in --version|--list) exec {PG_RESTORE} "$@";; esac\n'
        'echo "pg_restore: error: could not execute query: stopped by the test" >&2; exit 1\n',
    )
    settings.POSTGRES_BIN_DIR = str(tools)
    into = connection.settings_dict["NAME"] + "_failed"

    error = refused("restore_database", str(dump), "--into", into)

    assert error.returncode == 1 and "stopped by the test" in str(error)
    assert not restoring.database_exists(into)
    assert not restoring.database_exists(into + "_restoring")


def test_a_restore_replaces_an_existing_database_only_when_told_and_nothing_uses_it(dump):
    into = connection.settings_dict["NAME"] + "_replaced"
    restoring.drop_database(into)
    with restoring.server_connection() as server:
        server.execute(f"CREATE DATABASE {into}")
    try:
        with psycopg.connect(processes.database_url(into)) as session:
            error = refused("restore_database", str(dump), "--into", into, "--replace")
            assert error.returncode == 2 and "open sessions" in str(error)
            session.execute("SELECT 1")  # still connected: nothing was dropped under it

        call_command("restore_database", str(dump), "--into", into, "--replace", stdout=StringIO())

        assert independent_contents(into) == independent_contents(connection.settings_dict["NAME"])
    finally:
        restoring.drop_database(into)


@pytest.mark.django_db(transaction=True)
def test_writes_committed_while_a_backup_runs_do_not_make_its_manifest_disagree_with_its_dump(tmp_path):
    """A writer commits throughout the dump: the restore's check against the manifest still passes, because
    the checksums and the dump read one snapshot."""
    stop = threading.Event()
    written = threading.Semaphore(0)

    def write():
        try:
            while not stop.is_set():
                LeadProvider.objects.create(name=f"Written during the dump {time.monotonic_ns()}")
                written.release()
        finally:
            connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert written.acquire(timeout=30)
        path = tmp_path / "busy.dump"
        back_up(path)
        at_end = LeadProvider.objects.count()
        deadline = time.monotonic() + 30  # a guard against hanging, never what the test asserts
        while LeadProvider.objects.count() == at_end and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        writer.join()

    with restoring.restored_database(path, suffix="busy") as restored:  # checked against the manifest
        rows = independent_contents(restored)["tables"]["schools_leadprovider"]["rows"]
    assert 0 < rows < LeadProvider.objects.count()


def test_a_sequence_that_would_hand_out_a_taken_id_is_a_difference(lead_provider):
    connection.ensure_connection()
    raw = connection.connection
    deadline = backups.Deadline(60, "test")
    before = backups.contents(raw, deadline=deadline)
    assert before["sequences"]["schools_leadprovider_id_seq"] is True

    raw.execute("SELECT setval('schools_leadprovider_id_seq', 1, false)")
    after = backups.contents(raw, deadline=deadline)

    assert backups.differences(before, after) == [
        "sequence schools_leadprovider_id_seq would hand out an id its table already has"
    ]
