"""Keep the gettext catalogs in step with the code.

    python scripts/catalogs.py extract   # add new messages to every .po, mark unused ones
    python scripts/catalogs.py compile   # write the .mo files from the .po files

Messages are the string literals passed to ``_``, ``N_`` and ``ngettext`` in coordinator/
and screens/. Pure Python, so no gettext tools are needed to build the package.
"""

from __future__ import annotations

import ast
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "coordinator" / "locale"
SOURCES = ("coordinator", "screens", "storage")
# Calls whose first argument is a message: the translation functions, and the storage
# error whose English template the entry point translates.
# ``tr`` is the gettext of a chosen language (texts written in the reader's language).
MESSAGE_CALLS = ("_", "N_", "tr", "DatabaseOpenError")
HEADER = (
    "Project-Id-Version: coordinator\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=UTF-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "Plural-Forms: nplurals=2; plural=(n != 1);\n"
)


@dataclass
class Message:
    msgid: str
    plural: str = ""
    translations: list[str] = field(default_factory=list)


def extract_messages(roots: tuple[str, ...] = SOURCES) -> dict[str, Message]:
    found: dict[str, Message] = {}
    for root in roots:
        for path in sorted((ROOT / root).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "BINDINGS" for t in node.targets
                ):
                    for msgid in _binding_descriptions(node.value):
                        found.setdefault(msgid, Message(msgid))
                    continue
                if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                    continue
                args = node.args
                if node.func.id in MESSAGE_CALLS and args and _is_str(args[0]):
                    msgid = args[0].value  # type: ignore[attr-defined]
                    found.setdefault(msgid, Message(msgid))
                elif (
                    node.func.id == "ngettext"
                    and len(args) >= 2
                    and _is_str(args[0])
                    and _is_str(args[1])
                ):
                    msgid = args[0].value  # type: ignore[attr-defined]
                    found.setdefault(msgid, Message(msgid, args[1].value))  # type: ignore[attr-defined]
    return found


def _binding_descriptions(value: ast.expr) -> list[str]:
    """Descriptions of ``BINDINGS = [("key", "action", "Description"), Binding(...)]``."""
    found = []
    for element in getattr(value, "elts", []):
        if isinstance(element, ast.Tuple) and len(element.elts) >= 3 and _is_str(element.elts[2]):
            found.append(element.elts[2].value)  # type: ignore[attr-defined]
        elif isinstance(element, ast.Call):
            if len(element.args) >= 3 and _is_str(element.args[2]):
                found.append(element.args[2].value)  # type: ignore[attr-defined]
            for keyword in element.keywords:
                if keyword.arg in ("description", "tooltip") and _is_str(keyword.value):
                    found.append(keyword.value.value)  # type: ignore[attr-defined]
    return found


def _is_str(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _unquote(text: str) -> str:
    value = ast.literal_eval(text)
    assert isinstance(value, str)
    return value


def read_po(path: Path) -> dict[str, Message]:
    messages: dict[str, Message] = {}
    current: Message | None = None
    target = ""
    if not path.exists():
        return messages
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("msgid "):
            current = Message(_unquote(line[6:]))
            messages[current.msgid] = current
            target = "msgid"
        elif line.startswith("msgid_plural ") and current:
            current.plural = _unquote(line[13:])
            target = "plural"
        elif line.startswith("msgstr[") and current:
            current.translations.append(_unquote(line.split("]", 1)[1].strip()))
            target = "msgstr"
        elif line.startswith("msgstr ") and current:
            current.translations = [_unquote(line[7:])]
            target = "msgstr"
        elif line.startswith('"') and current:
            text = _unquote(line)
            if target == "msgid":
                del messages[current.msgid]
                current.msgid += text
                messages[current.msgid] = current
            elif target == "plural":
                current.plural += text
            else:
                current.translations[-1] += text
    messages.pop("", None)
    return messages


def _quote(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    )
    return f'"{escaped}"'


def write_po(path: Path, language: str, messages: dict[str, Message]) -> None:
    lines = [
        f"# {language} catalog of coordinator. Edit msgstr lines; run scripts/catalogs.py compile.",
        'msgid ""',
        'msgstr ""',
    ]
    lines += [_quote(part + "\n") for part in HEADER.rstrip("\n").split("\n")]
    lines[-1] = lines[-1]  # header ends
    lines.insert(3, _quote(f"Language: {language}\n"))
    for message in sorted(messages.values(), key=lambda m: m.msgid.lower()):
        lines.append("")
        lines.append(f"msgid {_quote(message.msgid)}")
        if message.plural:
            lines.append(f"msgid_plural {_quote(message.plural)}")
            translations = message.translations or ["", ""]
            for index, text in enumerate(translations[:2] + [""] * (2 - len(translations[:2]))):
                lines.append(f"msgstr[{index}] {_quote(text)}")
        else:
            lines.append(
                f"msgstr {_quote(message.translations[0] if message.translations else '')}"
            )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_mo(path: Path, language: str, messages: dict[str, Message]) -> None:
    entries: dict[bytes, bytes] = {b"": (HEADER + f"Language: {language}\n").encode()}
    for message in messages.values():
        if not any(message.translations):
            continue
        if message.plural:
            key = f"{message.msgid}\0{message.plural}"
            value = "\0".join(message.translations)
        else:
            key, value = message.msgid, message.translations[0]
        entries[key.encode()] = value.encode()
    keys = sorted(entries)
    ids = b""
    strs = b""
    offsets = []
    for key in keys:
        offsets.append((len(ids), len(key), len(strs), len(entries[key])))
        ids += key + b"\0"
        strs += entries[key] + b"\0"
    count = len(keys)
    key_start = 7 * 4 + 16 * count
    value_start = key_start + len(ids)
    table_ids: list[int] = []
    table_strs: list[int] = []
    for id_off, id_len, str_off, str_len in offsets:
        table_ids += [id_len, key_start + id_off]
        table_strs += [str_len, value_start + str_off]
    output = struct.pack("Iiiiiii", 0x950412DE, 0, count, 7 * 4, 7 * 4 + count * 8, 0, 0)
    output += struct.pack(f"{len(table_ids)}i", *table_ids)
    output += struct.pack(f"{len(table_strs)}i", *table_strs)
    output += ids + strs
    path.write_bytes(output)


def catalog_paths(language: str) -> tuple[Path, Path]:
    folder = LOCALE / language / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "coordinator.po", folder / "coordinator.mo"


def extract() -> None:
    code = extract_messages()
    for language in ("de", "en"):
        po, _ = catalog_paths(language)
        known = read_po(po)
        merged = {}
        for msgid, message in code.items():
            old = known.get(msgid)
            if language == "en":
                message.translations = [] if not message.plural else [message.msgid, message.plural]
            elif old is not None:
                message.translations = old.translations
            merged[msgid] = message
        write_po(po, language, merged)
        missing = [m.msgid for m in merged.values() if not all(m.translations)]
        if language == "de" and missing:
            print(f"{language}: {len(missing)} untranslated", file=sys.stderr)


def compile_all() -> None:
    for language in ("de", "en"):
        po, mo = catalog_paths(language)
        write_mo(mo, language, read_po(po))


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "extract":
        extract()
    elif command == "compile":
        compile_all()
    else:
        print(__doc__)
        sys.exit(2)
