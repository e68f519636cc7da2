"""Request bodies and query strings: the JSON envelope (C10), the filter hash (C11), dates and ids."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import orjson
from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

from config import clock
from config.api.errors import BadRequest, BodyTooLarge, MalformedBody


class JSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        # ApiEdgeMiddleware has already refused oversized bodies; this bound holds even where it does not run.
        limit = settings.API_MAX_BODY_BYTES
        raw = read_at_most(stream, limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise BodyTooLarge(limit)
        if not raw.strip():
            return {}
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise ParseError("Invalid JSON") from error


def read_at_most(stream, size: int) -> bytes:
    """Up to `size` bytes: reads until the stream ends or that many have arrived, never more."""
    chunks, total = [], 0
    while total < size:
        chunk = stream.read(min(size - total, 64 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def attributes(request, permitted: tuple[str, ...]) -> dict[str, str | None]:
    """The `data.attributes` object of a request body, or a 400 when the envelope is missing (C10).

    Every value comes out as `as_text` makes it, so the services behind every action read text or None.
    """
    try:
        body = request.data
    except ParseError:
        raise MalformedBody() from None
    data = body.get("data") if isinstance(body, dict) else None
    attrs = data.get("attributes") if isinstance(data, dict) else None
    if not isinstance(attrs, dict) or not attrs or not any(key in attrs for key in permitted):
        raise MalformedBody()
    return {key: as_text(attrs.get(key)) for key in permitted}


def as_text(value) -> str | None:
    """One attribute of a request body as text, or None when nothing was given.

    Every attribute the API accepts is text in the contract: an identifier, an id, a date or a year. A value
    of another JSON type (a number, a boolean, a non-empty array or object) becomes its JSON text, which the
    action's own rules then refuse with their 422 naming the attribute, in their usual order (C7, C14):
    `"reason": ["other"]` is a reason that is not recognised, never a 500. null, an empty array and an empty
    object give nothing, like a missing attribute.
    """
    if value is None or isinstance(value, str):
        return value
    if value == [] or value == {}:
        return None
    return orjson.dumps(value).decode()


_BRACKETED = re.compile(r"^(?P<name>[a-z_]+)\[(?P<key>[^\]]*)\](?P<array>\[\])?$")


def nested(query_params, name: str, *, arrays: bool = False) -> dict:
    """Collect `name[key]=value` query parameters into a dict; `name=value` alone is not a hash (C11).

    With `arrays`, Rails' array form `name[key][]=a&name[key][]=b` gives key: ["a", "b"] (with any
    `name[key]=value` first); without, it is an unknown parameter and ignored.
    """
    if name in query_params:
        raise BadRequest(f"{name.capitalize()} must be a hash", title="Bad parameter")
    values, lists = {}, {}
    for param in query_params:
        match = _BRACKETED.match(param)
        if not match or match.group("name") != name:
            continue
        if not match.group("array"):
            values[match.group("key")] = query_params[param]  # the last, if repeated
        elif arrays:
            lists[match.group("key")] = query_params.getlist(param)
    for key, items in lists.items():
        values[key] = [values[key], *items] if key in values else items
    return values


def ruby_integer(value: str | None, default: int) -> int:
    """Q7: lenient integer coercion of a leading number ("2abc" -> 2, "0.8" -> 0, "abc" -> 0)."""
    if value is None:
        return default
    match = re.match(r"^\s*([+-]?\d+)", str(value))
    return int(match.group(1)) if match else 0


def iso8601_moment(value: str) -> dt.datetime:
    """Q3: a date or date-time; without an offset it is London time. A '+' that arrived as a space is restored.

    Raises ValueError for anything else.
    """
    text = value.strip()
    text = re.sub(r" (\d{2}(:?\d{2})?)$", r"+\1", text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return clock.start_of_london_day(dt.date.fromisoformat(text))
    moment = dt.datetime.fromisoformat(text.replace("z", "Z"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.LONDON)
    return moment


def uuid_or_none(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None
