"""`field__any=[...]`: the field equals one of a list's values, sent as one array parameter.

`__in` sends one placeholder per value: for a page of 3,000 ids, read in several branches of one query,
building, binding and parsing those placeholders took longer than the query itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Field, ForeignObject, Lookup


class IdArray:
    """Integer ids for `__any`, written once as a PostgreSQL array literal and shared by every branch that
    reads them: a plain list is walked value by value by the ORM (resolving, then preparing each) and
    dumped again for each placeholder, which for a page of 3,000 ids in seven branches cost more than
    building the page's documents."""

    __slots__ = ("literal",)

    def __init__(self, values: Iterable[int]):
        self.literal = "{" + ",".join(str(int(value)) for value in values) + "}"


@Field.register_lookup
@ForeignObject.register_lookup  # related fields look their lookups up on their own class
class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self):
        if isinstance(self.rhs, IdArray):
            return self.rhs
        return [self.lhs.output_field.get_prep_value(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if isinstance(self.rhs, IdArray):
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, self.rhs.literal]
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]
