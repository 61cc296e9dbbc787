"""Printable documents (minutes, to-do lists, decision registers) as Markdown, plain text or
HTML from one description: a title, facts, and sections of paragraphs or tables."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

FORMATS = ("md", "txt", "html")


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)  # a table when set
    rows: list[list[str]] = field(default_factory=list)
    empty: str = "–"


@dataclass
class Document:
    title: str
    language: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!]|&(?=#?\w+;))")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x85")
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])")


def md_inline(text: str) -> str:
    """Text as Markdown shows it literally, on one line: raw HTML, emphasis, links, headings
    and table pipes are escaped, and a line break cannot end a heading or a table row."""
    return _MD_SPECIAL.sub(r"\\\1", _LINE_BREAKS.sub(" ", text))


def md_paragraph(text: str) -> str:
    """A paragraph whose line breaks stay (as hard breaks), every line literal."""
    lines = [_LINE_START.sub(r"\1\\\2", md_inline(line)) for line in text_lines(text)]
    return "  \n".join(lines)


def text_lines(text: str) -> list[str]:
    """The lines of a text, whichever line breaks it was written with."""
    return _LINE_BREAKS.split(text)


def plain_line(text: str) -> str:
    """A title for plain text: one line (a line break would cut it from its underline)."""
    return _LINE_BREAKS.sub(" ", text)


def to_markdown(doc: Document) -> str:
    out = [f"# {md_inline(doc.title)}", ""]
    out += [f"- **{md_inline(k)}:** {md_inline(v)}" for k, v in doc.facts]
    for section in doc.sections:
        out += ["", f"## {md_inline(section.heading)}", ""]
        out += (
            [p for paragraph in section.paragraphs for p in (md_paragraph(paragraph), "")][:-1]
            if section.paragraphs
            else []
        )
        if section.header:
            if section.rows:
                out += ["| " + " | ".join(md_inline(h) for h in section.header) + " |"]
                out += ["|" + "|".join("---" for _ in section.header) + "|"]
                out += ["| " + " | ".join(md_inline(c) for c in row) + " |" for row in section.rows]
            else:
                out.append(section.empty)
        elif not section.paragraphs:
            out.append(section.empty)
    return "\n".join(out) + "\n"


def to_text(doc: Document) -> str:
    title = plain_line(doc.title)
    out = [title, "=" * len(title), ""]
    out += [f"{k}: {v}" for k, v in doc.facts]
    for section in doc.sections:
        out += ["", section.heading, "-" * len(section.heading)]
        out += section.paragraphs
        if section.header:
            if section.rows:
                widths = [
                    max(len(h), *(len(r[i]) for r in section.rows))
                    for i, h in enumerate(section.header)
                ]
                out.append(
                    "  ".join(
                        h.ljust(w) for h, w in zip(section.header, widths, strict=True)
                    ).rstrip()
                )
                out += [
                    "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
                    for row in section.rows
                ]
            else:
                out.append(section.empty)
        elif not section.paragraphs:
            out.append(section.empty)
    return "\n".join(out) + "\n"


def to_html(doc: Document) -> str:
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{esc(doc.language)}">',
        "<head>",
        '  <meta charset="utf-8">',
        f"  <title>{esc(doc.title)}</title>",
        "  <style>",
        "    body { font-family: sans-serif; max-width: 48em; margin: 2em auto; }",
        "    dt { font-weight: bold; } dd { margin: 0 0 .5em 0; }",
        "    table { border-collapse: collapse; width: 100%; }",
        "    th, td { border-top: 1px solid #999; padding: .3em .5em; text-align: left; vertical-align: top; }",
        "    @media print { body { margin: 0; } }",
        "  </style>",
        "</head>",
        "<body>",
        f"  <h1>{esc(doc.title)}</h1>",
    ]
    if doc.facts:
        parts += (
            ["  <dl>"]
            + [f"    <dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in doc.facts]
            + ["  </dl>"]
        )
    for section in doc.sections:
        parts.append(f"  <h2>{esc(section.heading)}</h2>")
        parts += [f"  <p>{esc(p)}</p>" for p in section.paragraphs]
        if section.header and section.rows:
            parts.append("  <table>")
            parts.append(
                "    <tr>" + "".join(f"<th>{esc(h)}</th>" for h in section.header) + "</tr>"
            )
            parts += [
                "    <tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>"
                for row in section.rows
            ]
            parts.append("  </table>")
        elif not section.paragraphs:
            parts.append(f"  <p>{esc(section.empty)}</p>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


class PdfUnavailable(RuntimeError):
    """PDF cannot be written here: WeasyPrint or its system libraries (Pango) are missing."""


# Fonts that cover the scripts a German network writes in (Latin with Turkish and Vietnamese,
# Greek, Cyrillic, Arabic): DejaVu (Debian's fonts-dejavu-core), else Noto, else any.
PDF_CSS = """
@page { size: A4; margin: 2cm 2cm 2.5cm 2cm;
        @bottom-right { content: counter(page) " / " counter(pages); font-size: 9pt; } }
body { font-family: "DejaVu Sans", "Noto Sans", "Noto Naskh Arabic", sans-serif;
       font-size: 10.5pt; max-width: none; margin: 0; }
"""


def html_to_pdf(page: str) -> bytes:
    """A printable HTML page as PDF (WeasyPrint, docs/0011-pdf.md)."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # (OSError: Pango is not installed)
        from coordinator.i18n import _

        raise PdfUnavailable(
            _(
                "PDF needs WeasyPrint and the Pango library (Debian: apt install "
                "libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)."
            )
        ) from exc
    return weasyprint.HTML(string=page).write_pdf(stylesheets=[weasyprint.CSS(string=PDF_CSS)])  # type: ignore[no-any-return]


def render(doc: Document, fmt: str) -> str | bytes:
    """The document as Markdown, text, printable HTML, or PDF (bytes)."""
    if fmt == "pdf":
        return html_to_pdf(to_html(doc))
    if fmt == "md":
        return to_markdown(doc)
    if fmt == "txt":
        return to_text(doc)
    if fmt == "html":
        return to_html(doc)
    raise ValueError(fmt)


def table_csv(header: list[str], rows: list[list[str]]) -> str:
    from coordinator.register.spreadsheet import write_rows

    return write_rows(header, rows)
