"""Agendas as files people can print or mail: Markdown, plain text and HTML, in the
meeting's language; and the invitation text in the invitee's language."""

from __future__ import annotations

import html
from dataclasses import dataclass

from sqlalchemy import Engine

from coordinator.documents import md_inline, md_paragraph, plain_line, text_lines
from coordinator.i18n import N_, translator
from coordinator.meetings.agenda import AgendaLine, agenda
from coordinator.meetings.recurrence import zone
from storage.models import Meeting, Person
from storage.uow import reading

FORMATS = ("md", "txt", "html")
_WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


@dataclass(frozen=True)
class AgendaDocument:
    title: str
    when: str
    place: str
    online: str
    items: list[AgendaLine]
    language: str


def _when(meeting: Meeting, language: str) -> str:
    tr = translator(language).gettext
    start = meeting.starts_at.astimezone(zone(meeting.timezone))
    end = meeting.ends_at.astimezone(zone(meeting.timezone))
    day = f"{tr(_WEEKDAYS[start.weekday()])}, " + (
        f"{start:%d.%m.%Y}" if language == "de" else f"{start:%Y-%m-%d}"
    )
    if meeting.all_day:
        return day
    clock = tr("{start} to {end}").format(start=f"{start:%H:%M}", end=f"{end:%H:%M}")
    return f"{day}, {clock} ({meeting.timezone})"


def document(engine: Engine, meeting_id: int, language: str | None = None) -> AgendaDocument:
    with reading(engine) as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            raise LookupError(meeting_id)
        lang = language or meeting.language
        return AgendaDocument(
            meeting.title,
            _when(meeting, lang),
            meeting.location,
            meeting.online_url,
            agenda(engine, meeting_id, lang),
            lang,
        )


def _item_lines(doc: AgendaDocument) -> list[tuple[str, str, str, str]]:
    tr = translator(doc.language).gettext
    rows = []
    for number, item in enumerate(doc.items, start=1):
        who = tr("presented by {name}").format(name=item.presenter) if item.presenter else ""
        rows.append(
            (
                f"{number}.",
                f"{item.starts_at:%H:%M}",
                item.title,
                ", ".join(p for p in (who, tr("{n} min").format(n=item.duration_minutes)) if p),
            )
        )
    return rows


def render(engine: Engine, meeting_id: int, fmt: str, language: str | None = None) -> str | bytes:
    """The agenda of a meeting as Markdown (md), plain text (txt), printable HTML (html) or
    PDF (bytes; made from the HTML)."""
    if fmt == "pdf":
        from coordinator.documents import html_to_pdf

        return html_to_pdf(str(render(engine, meeting_id, "html", language)))
    if fmt not in FORMATS:
        raise ValueError(fmt)
    doc = document(engine, meeting_id, language)
    tr = translator(doc.language).gettext
    heading = tr("Agenda: {title}").format(title=doc.title)
    facts = [(tr("When"), doc.when)]
    if doc.place:
        facts.append((tr("Place"), doc.place))
    if doc.online:
        facts.append((tr("Online"), doc.online))
    items = _item_lines(doc)
    notes = [item.note for item in doc.items]
    empty = tr("No agenda items yet.")
    if fmt == "md":
        out = (
            [f"# {md_inline(heading)}", ""]
            + [f"- **{k}:** {md_inline(v)}" for k, v in facts]
            + ["", f"## {tr('Agenda items')}", ""]
        )
        for (n, clock, title, extra), note in zip(items, notes, strict=True):
            out.append(f"{n} **{md_inline(title)}** ({clock}; {md_inline(extra)})")
            # The note as a quote inside the item, its lines kept as they were typed.
            indent = " " * (len(n) + 1)
            out += [f"{indent}> {line}" for line in md_paragraph(note).split("\n")] if note else []
        out += [] if items else [empty]
        return "\n".join(out) + "\n"
    if fmt == "txt":
        heading = plain_line(heading)
        out = (
            [heading, "=" * len(heading), ""]
            + [f"{k}: {v}" for k, v in facts]
            + ["", tr("Agenda items"), "-" * len(tr("Agenda items"))]
        )
        for (n, clock, title, extra), note in zip(items, notes, strict=True):
            out.append(f"{n:<4}{clock}  {plain_line(title)} ({extra})")
            # Every line of the note under the item's title, not at the page's edge.
            indent = " " * (4 + len(clock) + 2)
            out += [f"{indent}{line}" for line in text_lines(note)] if note else []
        out += [] if items else [empty]
        return "\n".join(out) + "\n"
    esc = html.escape
    rows = (
        "\n".join(
            f"      <tr><td>{esc(n)}</td><td>{esc(clock)}</td><td>{esc(title)}"
            + (
                "<br><small>" + "<br>".join(esc(line) for line in text_lines(note)) + "</small>"
                if note
                else ""
            )
            + f"</td><td>{esc(extra)}</td></tr>"
            for (n, clock, title, extra), note in zip(items, notes, strict=True)
        )
        or f'      <tr><td colspan="4">{esc(empty)}</td></tr>'
    )
    fact_html = "\n".join(f"    <dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts)
    return f"""<!DOCTYPE html>
<html lang="{doc.language}">
<head>
  <meta charset="utf-8">
  <title>{esc(heading)}</title>
  <style>
    body {{ font-family: sans-serif; max-width: 42em; margin: 2em auto; }}
    dt {{ font-weight: bold; }} dd {{ margin: 0 0 .5em 0; }}
    table {{ border-collapse: collapse; width: 100%; }}
    td {{ border-top: 1px solid #999; padding: .3em .5em; vertical-align: top; }}
    @media print {{ body {{ margin: 0; }} }}
  </style>
</head>
<body>
  <h1>{esc(heading)}</h1>
  <dl>
{fact_html}
  </dl>
  <h2>{esc(tr("Agenda items"))}</h2>
  <table>
{rows}
  </table>
</body>
</html>
"""


def invitation_text(engine: Engine, meeting_id: int, person_id: int) -> str:
    """The invitation in the invitee's preferred language (German or English)."""
    with reading(engine) as session:
        person = session.get(Person, person_id)
        if person is None:
            raise LookupError(person_id)
        language = "de" if person.preferred_language == "de" else "en"
        name = person.full_name
    doc = document(engine, meeting_id, language)
    tr = translator(language).gettext
    lines = [
        tr("Dear {name},").format(name=name),
        "",
        tr("you are invited to: {title}").format(title=doc.title),
        "",
        f"{tr('When')}: {doc.when}",
    ]
    if doc.place:
        lines.append(f"{tr('Place')}: {doc.place}")
    if doc.online:
        lines.append(f"{tr('Online')}: {doc.online}")
    lines += ["", tr("Agenda items") + ":"]
    lines += [f"{n} {title}" for n, _clock, title, _extra in _item_lines(doc)] or [
        tr("No agenda items yet.")
    ]
    lines += [
        "",
        tr("Please let us know whether you can come: yes, maybe or no."),
        "",
        tr("Kind regards"),
    ]
    return "\n".join(lines) + "\n"


def calendar_description(engine: Engine, meeting_id: int, language: str) -> str:
    """The DESCRIPTION of a calendar invitation: the agenda and the online link, in
    ``language`` (the invitees' own, German or English)."""
    doc = document(engine, meeting_id, "de" if language == "de" else "en")
    tr = translator(doc.language).gettext
    lines = [tr("Agenda items") + ":"]
    lines += [f"{n} {title}" for n, _clock, title, _extra in _item_lines(doc)] or [
        tr("No agenda items yet.")
    ]
    if doc.online:
        lines += ["", f"{tr('Online')}: {doc.online}"]
    lines += ["", tr("Please let us know whether you can come: yes, maybe or no.")]
    return "\n".join(lines)
