"""Page-number pagination (Q7) and timestamp sorting (Q8) shared by every list endpoint."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from config.api.errors import BadRequest
from config.api.parsing import nested, ruby_integer
from config.observability import access

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 3000
MAX_OFFSET = 2**62
PAGE_ERROR = "The '#/page[page]' and '#/page[per_page]' parameter values must be a valid positive number"


@dataclass(frozen=True)
class Page:
    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def slice(self, queryset):
        if self.offset > MAX_OFFSET:
            return queryset.none()  # beyond any real data, and beyond what PostgreSQL's OFFSET accepts
        return queryset[self.offset : self.offset + self.size]


def page_of(page: Page, ordered):
    """The page's rows of an ordered queryset, as a queryset of the same rows in the same order.

    The page's ids come first, from the ordered queryset alone (with a provider-scoped index on the sort
    keys, one index scan), so that the joins and subqueries of the page's representation run for its own
    rows only, whatever the page's number. One query more, whatever the page's size.
    """
    ids = list(page.slice(ordered.values_list("pk", flat=True)))
    return ordered.model.objects.filter(pk__in=ids).order_by(*ordered.query.order_by)


def page_from(query_params) -> Page:
    params = nested(query_params, "page")
    number = ruby_integer(params.get("page"), 1)
    size = ruby_integer(params.get("per_page"), DEFAULT_PER_PAGE)
    if number < 1 or size < 1:
        raise BadRequest(PAGE_ERROR)
    page = Page(number, min(size, MAX_PER_PAGE))
    access.annotate(page=page.number, page_size=page.size)
    return page


def ordering_from(query_params, *, columns: dict[str, str], default: str = "created_at") -> list[str]:
    """`sort=-updated_at,created_at`: known items kept in order, unknown dropped, the id breaks ties.

    `columns` maps the API's sort names to model fields. The id tie-breaker keeps paging stable.
    """
    ordering = []
    for item in (query_params.get("sort") or "").split(","):
        # An unencoded '+' arrives as a space, which leaves the item unknown (Q8).
        name = item[1:] if item[:1] in "+-" else item
        if name in columns:
            ordering.append(("-" if item.startswith("-") else "") + columns[name])
    if not ordering:
        ordering = [columns[default]]
    last_descending = ordering[-1].startswith("-")
    return ordering + ["-id" if last_descending else "id"]


def on_column(ordering: Sequence[str], *, id_column: str) -> list[str]:
    """`ordering_from`'s ordering for rows that carry the resource's id in another column (a provider's
    listings carry the participant's): the tie-breaker is that column."""
    return [key.replace("id", id_column) if key.lstrip("-") == "id" else key for key in ordering]
