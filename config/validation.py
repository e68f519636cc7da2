"""The one exception type services raise for rule failures: (attribute, message) pairs in report order."""

from __future__ import annotations

import re

# ASCII digits only: `str.isdigit`, `int()` and `\d` also take other scripts' digits ("٢٠٢٥", "²").
_YEAR = re.compile(r"[0-9]{4}")
# A database id: a bigint has at most 19 digits; 18 keeps every such number in range.
_ID = re.compile(r"[0-9]{1,18}")


class ValidationFailed(Exception):
    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = list(errors)
        super().__init__("; ".join(f"{attribute}: {message}" for attribute, message in self.errors))


class Checks:
    """Collects failures in the order a service's rules report them."""

    def __init__(self):
        self.errors: list[tuple[str, str]] = []

    def fail(self, attribute: str, message: str) -> None:
        self.errors.append((attribute, message))

    def failed(self, attribute: str | None = None) -> bool:
        return any(attribute is None or a == attribute for a, _ in self.errors)

    def first(self, attribute: str, rules) -> None:
        """Report only the first failing rule of a group: `rules` yields (failing?, message)."""
        for failing, message in rules:
            if failing:
                self.fail(attribute, message)
                return

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


def database_id(value) -> int | None:
    """A row's id typed or posted as text: ASCII digits that fit a bigint; None for anything else."""
    return int(value) if isinstance(value, str) and _ID.fullmatch(value) else None


def year(value) -> int | None:
    """The year a request names (a cohort): four ASCII digits, as text or a number; None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 1000 <= value <= 9999 else None
    if isinstance(value, str) and _YEAR.fullmatch(value.strip()):
        return int(value.strip())
    return None
