"""iCalendar (RFC 5545) content lines, written and read.

Writing: TEXT escaping, parameter quoting (RFC 6868 for quotes and newlines), folding at
75 octets without splitting a character, CRLF. Reading: unfolding, splitting a line into
name, parameters and value (quotes respected), nesting BEGIN/END into components, with the
number of the line where each property starts, so that a broken file can be reported by
line. The rules follow icalendar's own parser (the tests compare the two on every fixture);
this module exists because icalendar's object model is too slow for a 10,000-meeting feed
(see docs/0003-icalendar.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from coordinator.i18n import _

CRLF = "\r\n"
MAX_OCTETS = 75


class IcsError(ValueError):
    """A file that is not valid iCalendar; ``line`` is the 1-based line it breaks on."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(_("Line {line}: {message}").format(line=line, message=message))
        self.line = line
        self.reason = message


# --- writing -----------------------------------------------------------------------------

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
    """A content line folded into physical lines of at most 75 octets (CRLF not counted)."""
    if len(line) <= MAX_OCTETS // 4 or len(line.encode()) <= MAX_OCTETS:
        return line
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    limit = MAX_OCTETS
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            carry = _open_escape(current)  # keep a backslash with the character it escapes
            pieces.append("".join(current[: len(current) - len(carry)]))
            current, limit = carry, MAX_OCTETS - 1  # continuation lines start with a space
            size = len(carry)
        current.append(char)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def _open_escape(chars: list[str]) -> list[str]:
    trailing = 0
    while trailing < len(chars) and chars[-1 - trailing] == "\\":
        trailing += 1
    return ["\\"] if trailing % 2 else []


def prop(name: str, value: str, params: Iterable[tuple[str, str]] = ()) -> str:
    """One folded content line (without its CRLF)."""
    head = name + "".join(f";{key}={param(val)}" for key, val in params)
    return fold(f"{head}:{value}")


# --- reading -----------------------------------------------------------------------------


@dataclass
class Prop:
    name: str
    params: dict[str, str]
    value: str
    line: int


@dataclass
class Component:
    name: str
    line: int
    props: list[Prop] = field(default_factory=list)
    children: list[Component] = field(default_factory=list)

    def get(self, name: str) -> Prop | None:
        for item in self.props:
            if item.name == name:
                return item
        return None

    def all(self, name: str) -> list[Prop]:
        return [item for item in self.props if item.name == name]

    def value(self, name: str, default: str = "") -> str:
        found = self.get(name)
        return found.value if found is not None else default

    def walk(self, name: str) -> list[Component]:
        return [child for child in self.children if child.name == name]


_NAME = re.compile(r"[A-Za-z0-9-]+\Z")
_SIMPLE = re.compile(r"([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=[^\";:]*)*):(.*)\Z", re.DOTALL)
_PARAM = re.compile(r';([A-Za-z0-9-]+)=((?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)')


def _unescape_param(value: str) -> str:
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        value = value[1:-1]
    if "^" in value:
        value = re.sub(r"\^(.)", lambda m: {"n": "\n", "'": '"', "^": "^"}.get(m[1], m[0]), value)
    return value


def _split(line: str, number: int) -> Prop:
    simple = _SIMPLE.match(line)
    if simple is not None:
        name, raw, value = simple.groups()
        params = {}
        if raw:
            for piece in raw[1:].split(";"):
                key, _sep, val = piece.partition("=")
                params[key.upper()] = val
        return Prop(name.upper(), params, value, number)
    # Quoted parameter values may hold ; : and , themselves.
    match = re.match(r"[A-Za-z0-9-]+", line)
    if match is None:
        raise IcsError(number, _("This is not an iCalendar line (NAME:value)."))
    name, position, params = match[0], match.end(), {}
    while position < len(line) and line[position] == ";":
        found = _PARAM.match(line, position)
        if found is None:
            raise IcsError(number, _("A parameter of {name} is malformed.").format(name=name))
        params[found[1].upper()] = _unescape_param(found[2])
        position = found.end()
    if position >= len(line) or line[position] != ":":
        raise IcsError(number, _("This is not an iCalendar line (NAME:value)."))
    return Prop(name.upper(), params, line[position + 1 :], number)


def _logical_lines(data: str) -> list[tuple[int, str]]:
    lines: list[tuple[int, str]] = []
    for number, physical in enumerate(data.split("\n"), start=1):
        if physical.endswith("\r"):
            physical = physical[:-1]
        if physical[:1] in (" ", "\t"):
            if not lines:
                raise IcsError(number, _("The file starts with a continued line."))
            start, before = lines[-1]
            lines[-1] = (start, before + physical[1:])
        elif physical:
            lines.append((number, physical))
    return lines


def decode(raw: bytes) -> str:
    """The file's text (UTF-8, with or without a byte order mark)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        number = raw[: exc.start].count(b"\n") + 1
        raise IcsError(number, _("The file is not UTF-8 text.")) from None


def parse(data: str) -> list[Component]:
    """The VCALENDAR components of a file, or IcsError naming the first broken line."""
    lines = _logical_lines(data)
    if not lines:
        raise IcsError(1, _("The file is empty."))
    stack: list[Component] = []
    calendars: list[Component] = []
    for number, line in lines:
        item = _split(line, number)
        if item.name == "BEGIN":
            name = item.value.strip().upper()
            if not _NAME.match(name):
                raise IcsError(number, _("BEGIN without a component name."))
            if not stack and name != "VCALENDAR":
                raise IcsError(number, _("The file does not start with BEGIN:VCALENDAR."))
            component = Component(name, number)
            if stack:
                stack[-1].children.append(component)
            else:
                calendars.append(component)
            stack.append(component)
        elif item.name == "END":
            name = item.value.strip().upper()
            if not stack or stack[-1].name != name:
                expected = stack[-1].name if stack else "VCALENDAR"
                raise IcsError(
                    number,
                    _("END:{found} where END:{expected} was expected.").format(
                        found=name, expected=expected
                    ),
                )
            stack.pop()
        elif not stack:
            raise IcsError(number, _("The file does not start with BEGIN:VCALENDAR."))
        else:
            stack[-1].props.append(item)
    if stack:
        last = lines[-1][0]
        raise IcsError(
            last,
            _("{name} begun on line {begun} is never ended (END:{name} is missing).").format(
                name=stack[-1].name, begun=stack[-1].line
            ),
        )
    return calendars


_UNESCAPE = re.compile(r"\\(.)")
_UNESCAPED = {"n": "\n", "N": "\n", "\\": "\\", ",": ",", ";": ";"}


def unescape(value: str) -> str:
    """A TEXT value, unescaped."""
    if "\\" not in value:
        return value
    return _UNESCAPE.sub(lambda m: _UNESCAPED.get(m[1], m[1]), value)
