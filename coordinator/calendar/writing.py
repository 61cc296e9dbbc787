"""iCalendar (RFC 5545) content lines, written: TEXT escaping, parameter quoting (RFC 6868
for quotes and newlines), folding at 75 octets without splitting a character, CRLF. (Reading
them: calendar/contentlines.py.)"""

from __future__ import annotations

import re
from collections.abc import Iterable

CRLF = "\r\n"
MAX_OCTETS = 75

_TEXT_ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n"})
_NEEDS_QUOTES = re.compile(r'[;:,^"\n]')


def text(value: str) -> str:
    """A TEXT value, escaped."""
    return value.replace("\r\n", "\n").replace("\r", "\n").translate(_TEXT_ESCAPES)


def param(value: str) -> str:
    """A parameter value, quoted when it holds ``;:,`` (RFC 6868 escapes ^, quotes, newlines)."""
    if not _NEEDS_QUOTES.search(value):
        return value
    value = value.replace("^", "^^").replace('"', "^'").replace("\r\n", "^n").replace("\n", "^n")
    return f'"{value}"'


def fold(line: str) -> str:
    """A content line folded into physical lines of at most 75 octets (CRLF not counted),
    never inside a UTF-8 character or between a backslash and the character it escapes."""
    if len(line) <= MAX_OCTETS // 4:
        return line
    if line.isascii() and "\\" not in line:  # one octet per character: plain slices
        if len(line) <= MAX_OCTETS:
            return line
        if len(line) < 2 * MAX_OCTETS:
            return f"{line[:MAX_OCTETS]}\r\n {line[MAX_OCTETS:]}"
        rest = range(MAX_OCTETS, len(line), MAX_OCTETS - 1)
        return "\r\n ".join([line[:MAX_OCTETS], *(line[i : i + MAX_OCTETS - 1] for i in rest)])
    data = line.encode()
    if len(data) <= MAX_OCTETS:
        return line
    pieces = []
    start, limit = 0, MAX_OCTETS
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a continuation byte: step back to the character
            end -= 1
        backslashes = 0
        while end - backslashes - 1 > start and data[end - backslashes - 1] == 0x5C:
            backslashes += 1
        if backslashes % 2:
            end -= 1
        pieces.append(data[start:end])
        start, limit = end, MAX_OCTETS - 1  # continuation lines start with a space
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode()


def prop(name: str, value: str, params: Iterable[tuple[str, str]] = ()) -> str:
    """One folded content line (without its CRLF)."""
    head = name + "".join(f";{key}={param(val)}" for key, val in params)
    return fold(f"{head}:{value}")
