"""iCalendar (RFC 5545) content lines, read (writing them: calendar/writing.py).

Reading: unfolding, splitting a line into
name, parameters and value (quotes respected), nesting BEGIN/END into components, with the
number of the line where each property starts, so that a broken file can be reported by
line. The rules follow icalendar's own parser (the tests compare the two on every fixture);
this module exists because icalendar's object model is too slow for a 10,000-meeting feed
(see docs/0003-icalendar.md).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from operator import add

from coordinator.calendar.writing import CRLF
from coordinator.i18n import _


class IcsError(ValueError):
    """A file that is not valid iCalendar; ``line`` is the 1-based line it breaks on."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(_("Line {line}: {message}").format(line=line, message=message))
        self.line = line
        self.reason = message


# --- reading -----------------------------------------------------------------------------


_PARAM_PATTERNS: dict[str, re.Pattern[str]] = {}


def param_of(raw: str, name: str, default: str = "") -> str:
    """One parameter's value in unquoted parameters ``A=1;B=2`` (``name`` in upper case)."""
    key = name + "="
    start = raw.find(key)
    while start != -1:  # plain string search first: parameter names are nearly always upper case
        if start == 0 or raw[start - 1] == ";":
            end = raw.find(";", start)
            return raw[start + len(key) : end if end != -1 else len(raw)]
        start = raw.find(key, start + 1)
    if key.lower() not in raw.lower():
        return default
    pattern = _PARAM_PATTERNS.get(name)
    if pattern is None:
        pattern = _PARAM_PATTERNS[name] = re.compile(
            rf"(?:^|;){re.escape(name)}=([^;]*)", re.IGNORECASE
        )
    found = pattern.search(raw)
    return found[1] if found else default


class Prop:
    """One property: name, parameters, raw value, and the line it starts on. Parameters are
    split when first asked for (most properties of a big feed never need them)."""

    __slots__ = ("_params", "line", "name", "raw_params", "value")

    def __init__(
        self, name: str, params: dict[str, str] | None, value: str, line: int, raw: str = ""
    ) -> None:
        self.name = name
        self._params = params
        self.raw_params = raw
        self.value = value
        self.line = line

    def param(self, name: str, default: str = "") -> str:
        """One parameter's value (``name`` in upper case), without splitting the others."""
        if self._params is not None:
            return self._params.get(name, default)
        return param_of(self.raw_params, name, default)

    @property
    def params(self) -> dict[str, str]:
        if self._params is None:
            found = {}
            for piece in self.raw_params.split(";") if self.raw_params else ():
                key, _sep, val = piece.partition("=")
                found[key.upper()] = val
            self._params = found
        return self._params


@dataclass
class Component:
    name: str
    line: int
    props: list[Prop] = field(default_factory=list)
    children: list[Component] = field(default_factory=list)
    index: dict[str, list[Prop]] = field(default_factory=dict)
    broken: IcsError | None = None  # read leniently: the first line of it that was not read

    def __contains__(self, name: str) -> bool:
        return name in self.index

    def text(self) -> str:
        """The component written out again (for icalendar to read a VTIMEZONE)."""
        lines = [f"BEGIN:{self.name}"]
        for item in self.props:
            params = item.raw_params or ";".join(f"{k}={v}" for k, v in item.params.items())
            lines.append(
                f"{item.name};{params}:{item.value}" if params else f"{item.name}:{item.value}"
            )
        lines += [child.text() for child in self.children]
        return CRLF.join([*lines, f"END:{self.name}"])

    def get(self, name: str) -> Prop | None:
        found = self.index.get(name)
        return found[0] if found else None

    def all(self, name: str) -> list[Prop]:
        return self.index.get(name, [])

    def value(self, name: str, default: str = "") -> str:
        found = self.index.get(name)
        return found[0].value if found else default

    def walk(self, name: str) -> list[Component]:
        return [child for child in self.children if child.name == name]


class _BlockProp(Prop):
    """A property of a PlainEvent: its line is counted only when asked for (by an error)."""

    __slots__ = ("_event", "_position")

    def __init__(self, name: str, raw: str, value: str, event: PlainEvent, position: int) -> None:
        self.name = name
        self._params = None if raw else _NO_PARAMS
        self.raw_params = raw
        self.value = value
        self._event = event
        self._position = position

    @property  # type: ignore[override]
    def line(self) -> int:
        return self._event._line(self._position)


class PlainEvent:
    """A VEVENT read as one block (``_plain_event``): it answers what ``_event`` asks of a
    Component (get, all, value), making each property only when asked for; ``raw_all`` gives the unsplit
    parameters and values of a repeated property (100,000 attendees of a big feed need no
    objects of their own)."""

    name = "VEVENT"

    def __init__(
        self, line: int, pieces: list[str], found: list[tuple[str, str, str]], folded: bool
    ) -> None:
        self.line = line
        self._pieces = pieces  # the block as read, for the line numbers of folded lines
        self._found = found  # (name, ";params" or "", value) per line
        self._folded = folded
        self._lines: list[int] | None = None
        names = [item[0] for item in found]
        if not "".join(names).isupper():
            names = [name.upper() for name in names]
        self._names = names
        self._first = dict(zip(reversed(names), range(len(names) - 1, -1, -1), strict=True))

    def __contains__(self, name: str) -> bool:
        return name in self._first

    def _line(self, position: int) -> int:
        if not self._folded:
            return self.line + 1 + position
        if self._lines is None:  # each line starts after the lines before and their folds
            folds = accumulate(map(str.count, self._pieces, repeat("\n")), initial=0)
            first = self.line + 1
            self._lines = list(map(add, folds, range(first, first + len(self._pieces))))
        return self._lines[position]

    def _prop(self, position: int) -> Prop:
        _name, raw, value = self._found[position]
        return _BlockProp(self._names[position], raw[1:], value, self, position)

    def get(self, name: str) -> Prop | None:
        position = self._first.get(name)
        return None if position is None else self._prop(position)

    def all(self, name: str) -> list[Prop]:
        return [self._prop(k) for k, found in enumerate(self._names) if found == name]

    def value(self, name: str, default: str = "") -> str:
        position = self._first.get(name)
        return default if position is None else self._found[position][2]

    def raw_all(self, name: str) -> list[tuple[str, str]]:
        """(parameters as written, without quotes, value) of every ``name`` line."""
        found = self._found
        return [
            (found[k][1][1:], found[k][2]) for k, seen in enumerate(self._names) if seen == name
        ]


_NAME = re.compile(r"[A-Za-z0-9-]+\Z")
# NAME;PARAM=value;PARAM=value, none quoted: the common case, checked in one match.
_PLAIN_HEAD = re.compile(r"[A-Za-z0-9-]+(?:;[A-Za-z0-9-]+=[^;:\"]*)*\Z")
# The same for every line of a block at once: NAME, ";PARAM=value..." (none quoted), value.
# Possessive (no backtracking: what a part takes, the next cannot), a fifth faster on a feed.
_PLAIN_LINES = re.compile(
    r'^([A-Za-z0-9-]++)((?:;[A-Za-z0-9-]++=[^;:"\n]*+)*+):(.*)$', re.MULTILINE
)
_PARAM = re.compile(r';([A-Za-z0-9-]+)=((?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)')


def _unescape_param(value: str) -> str:
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        value = value[1:-1]
    if "^" in value:
        value = re.sub(r"\^(.)", lambda m: {"n": "\n", "'": '"', "^": "^"}.get(m[1], m[0]), value)
    return value


def _split(line: str, number: int) -> Prop:
    colon = line.find(":")
    quote = line.find('"', 0, colon)
    if colon > 0 and quote == -1:  # no quoted parameter: plain splitting is exact
        name, *pieces = line[:colon].split(";")
        if not _NAME.match(name):
            raise IcsError(number, _("This is not an iCalendar line (NAME:value)."))
        params = {}
        for piece in pieces:
            key, sep, val = piece.partition("=")
            if not sep or not _NAME.match(key):
                raise IcsError(number, _("A parameter of {name} is malformed.").format(name=name))
            params[key.upper()] = val
        return Prop(name.upper(), params, line[colon + 1 :], number)
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


# Control characters (NUL, BEL, ESC ...) are not allowed in a file (RFC 5545 3.1) and have
# no place in a title or a name: printed they recolour a terminal, exported they make other
# programs refuse the whole feed. They are dropped once, for the whole file, when decoding;
# looked for in the bytes first (a third of the time of a pass over the text).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # all but tab, LF, CR
_C0_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])
_C1_BYTES = re.compile(rb"\xc2[\x80-\x9f]")  # U+0080-U+009F in UTF-8
_PLAIN_MAX_LINES = 5_000  # lines of one event read as a block (a real one has a few dozen)
_LOGICAL = re.compile(r"\n(?![ \t])")  # a line break that does not continue the line
_FOLD = re.compile(r"\n[ \t]")
_BLANK_IN_FOLD = re.compile(r"\n\n[ \t]")


def _pieces(data: str) -> list[str]:
    """The file's logical lines, each as written (a folded line holds its continuation
    lines). Splitting runs in the regex engine, not per character."""
    # CRLF as the standard says, LF as many programs write, and a lone CR (old Mac files)
    text = data.replace("\r\n", "\n").replace("\r", "\n") if "\r" in data else data
    if text[:1] in (" ", "\t"):
        raise IcsError(1, _("The file starts with a continued line."))
    pieces = _LOGICAL.split(text)
    if _BLANK_IN_FOLD.search(text):  # a blank line inside a folded line (Mozilla)
        for index in range(len(pieces) - 1, 0, -1):
            if pieces[index][:1] == "\n" and pieces[index][1:2] in (" ", "\t"):
                pieces[index - 1] += "\n" + pieces.pop(index)
    return pieces


def decode(raw: bytes) -> str:
    """The file's text (UTF-8, with or without a byte order mark), without control
    characters."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        number = raw[: exc.start].count(b"\n") + 1
        raise IcsError(number, _("The file is not UTF-8 text.")) from None
    if len(raw.translate(None, _C0_BYTES)) != len(raw) or _C1_BYTES.search(raw):
        text = _CONTROLS.sub("", text)
    return text


_NO_PARAMS: dict[str, str] = {}


def parse(data: str) -> list[Component]:
    """The VCALENDAR components of a file, whole, or IcsError naming the first broken line."""
    calendars: list[Component] = []
    for calendar, child in iter_parse(_CONTROLS.sub("", data), fast=False):
        if child is None:
            calendars.append(calendar)
        else:
            calendar.children.append(child)
    return calendars


def iter_parse(
    data: str, *, fast: bool = True, problems: list[IcsError] | None = None
) -> Iterator[tuple[Component, Component | PlainEvent | None]]:
    """The components directly inside each VCALENDAR, one at a time as each ends, with the
    calendar (holding its own properties; RFC 5545 puts them before the components); then
    ``(calendar, None)`` when the calendar ends. A big feed is never held as one tree.

    A plain VEVENT (no component inside, no quoted parameter, no blank line) is read as one
    block, a PlainEvent; anything else, and so every broken line, line by line, which names
    the line. ``fast=False`` reads every line alone (the tests compare the two ways).

    With a ``problems`` list the reading is lenient, as icalendar's is: a line that cannot
    be read makes its VEVENT ``broken`` (the event is then explained, not imported), one
    outside an event is listed in ``problems`` and passed over, a misspelt END ends the
    component it stands for, and a file cut off ends what is open."""
    pieces = _pieces(data)
    # Where each exact END:VEVENT is, found once: an event's end is looked up, not searched
    # for from every BEGIN (an "end:vevent" in lower case made that quadratic: 43 s).
    ends = [i for i, piece in enumerate(pieces) if piece == "END:VEVENT"] if fast else []
    stack: list[Component] = []
    number = 1  # the physical line that pieces[index] starts on
    last = 0  # the last line read
    index = 0
    while index < len(pieces):
        piece = pieces[index]
        if fast and piece == "BEGIN:VEVENT" and len(stack) == 1:
            block = _plain_event(pieces, index, number, ends)
            if block is not None:
                event, index, last = block
                number = last + 1
                yield stack[0], event
                continue
        inner = piece.count("\n")
        if inner or piece:
            last = number
            line = _FOLD.sub("", piece).replace("\n", "") if inner else piece
            if problems is None:
                ended = _read_line(stack, number, line)
            else:
                ended = _read_leniently(stack, number, line, problems)
            if ended is not None:
                yield ended
        number += inner + 1
        index += 1
    if last == 0:
        raise IcsError(1, _("The file is empty."))
    if stack and problems is not None and stack[0].name == "VCALENDAR":
        cut = IcsError(
            last,
            _("{name} begun on line {begun} is never ended (END:{name} is missing).").format(
                name=stack[-1].name, begun=stack[-1].line
            ),
        )
        problems.append(cut)
        if len(stack) > 1 and stack[1].name == "VEVENT":
            stack[1].broken = stack[1].broken or cut
            yield stack[0], stack[1]
        yield stack[0], None
        return
    if stack:
        raise IcsError(
            last,
            _("{name} begun on line {begun} is never ended (END:{name} is missing).").format(
                name=stack[-1].name, begun=stack[-1].line
            ),
        )


def _plain_event(
    pieces: list[str], index: int, number: int, ends: list[int]
) -> tuple[PlainEvent, int, int] | None:
    """The VEVENT that begins at ``pieces[index]``, on line ``number``, read as one block:
    the event, the index after its END and the line of its END; None when it is not plain
    (then it is read line by line). ``ends``: the indexes of the exact END:VEVENT lines."""
    position = bisect_right(ends, index)
    if position == len(ends):
        return None
    end = ends[position]
    if end - index > _PLAIN_MAX_LINES:  # an END far away: not this event's (read it line by line)
        return None
    block = pieces[index + 1 : end]
    body = "\n".join(block)
    folded = "\n " in body or "\n\t" in body
    found = _PLAIN_LINES.findall(_FOLD.sub("", body) if folded else body)
    if len(found) != len(block):  # a line that is not plain, or not a line at all
        return None
    event = PlainEvent(number, block, found, folded)
    if "BEGIN" in event or "END" in event:  # a component inside, or an END out of place
        return None
    return event, end + 1, number + 1 + (body.count("\n") + 1 if block else 0)


def _read_leniently(
    stack: list[Component], number: int, line: str, problems: list[IcsError]
) -> tuple[Component, Component | None] | None:
    """``_read_line``, passing over what cannot be read (see iter_parse)."""
    try:
        return _read_line(stack, number, line)
    except IcsError as error:
        if line[:4].upper() == "END:" and stack:  # END:VCALENDARD, END:VTOOD
            problems.append(error)
            return _read_line(stack, number, f"END:{stack[-1].name}")
        if len(stack) > 1 and stack[1].name == "VEVENT":
            stack[1].broken = stack[1].broken or error
            return None
        if stack or line[:6].upper() != "BEGIN:":  # (a calendar within text is read on)
            problems.append(error)
            return None
        raise


def _read_line(
    stack: list[Component], number: int, line: str
) -> tuple[Component, Component | None] | None:
    """One unfolded line read into the open components; what ended with it, if anything."""
    colon = line.find(":")
    if colon > 0 and _PLAIN_HEAD.match(line, 0, colon):
        semi = line.find(";", 0, colon)
        if semi == -1:
            item = Prop(line[:colon].upper(), _NO_PARAMS, line[colon + 1 :], number)
        else:
            item = Prop(
                line[:semi].upper(), None, line[colon + 1 :], number, line[semi + 1 : colon]
            )
    else:
        item = _split(line, number)  # quoted parameters, or a broken line
    if item.name == "BEGIN":
        name = item.value.strip().upper()
        if not _NAME.match(name):
            raise IcsError(number, _("BEGIN without a component name."))
        if not stack and name != "VCALENDAR":
            raise IcsError(number, _("The file does not start with BEGIN:VCALENDAR."))
        component = Component(name, number)
        if len(stack) > 1:
            stack[-1].children.append(component)
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
        ended = stack.pop()
        if len(stack) == 1:
            return stack[0], ended
        if not stack:
            return ended, None
    elif stack:
        current = stack[-1]
        current.props.append(item)
        same = current.index.get(item.name)
        if same is None:
            current.index[item.name] = [item]
        else:
            same.append(item)
    else:
        raise IcsError(number, _("The file does not start with BEGIN:VCALENDAR."))
    return None


_UNESCAPE = re.compile(r"\\(.)")
_UNESCAPED = {"n": "\n", "N": "\n", "\\": "\\", ",": ",", ";": ";"}


def unescape(value: str) -> str:
    """A TEXT value, unescaped."""
    if "\\" not in value:
        return value
    return _UNESCAPE.sub(lambda m: _UNESCAPED.get(m[1], m[1]), value)
