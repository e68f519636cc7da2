"""Writing the bulk of the demo set with PostgreSQL's COPY.

`bulk_create` spends most of its time turning every value of every row into SQL parameters; COPY streams
the rows as they are. Primary keys are drawn from the table's sequence first, so rows written later can
refer to these ones, as with `bulk_create`. Like `bulk_create`, it sends no signals, so no audit events.
"""

from __future__ import annotations

import enum

from django.db import connection


def copy_rows(model, rows: list) -> None:
    if not rows:
        return
    meta = model._meta
    table = meta.db_table
    fields = meta.concrete_fields
    with connection.cursor() as cursor:
        unsaved = [row for row in rows if row.pk is None]
        if unsaved:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, meta.pk.column, len(unsaved)],
            )
            for row, (pk,) in zip(unsaved, cursor.fetchall(), strict=True):
                row.pk = pk
        getters = [_getter(field) for field in fields]
        columns = ", ".join(f'"{field.column}"' for field in fields)
        with cursor.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([get(row) for get in getters])
    for row in rows:
        row._state.adding = False
        row._state.db = connection.alias


def _getter(field):
    attname = field.attname
    if field.is_relation:
        name = field.name

        def related(row):
            # A row linked before its related row had a key: the key is on the related row now.
            linked = row._state.fields_cache.get(name)
            return linked.pk if linked is not None else getattr(row, attname)

        return related

    def plain(row):
        value = getattr(row, attname)
        return value.value if isinstance(value, enum.Enum) else value

    return plain
