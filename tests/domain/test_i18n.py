"""Every user-facing string goes through the translation function and has a German text."""

from __future__ import annotations

import gettext
import importlib.util
import sys
from pathlib import Path

import pytest

from coordinator.i18n import LOCALE_DIR, _, detect_language, ngettext, set_language

ROOT = Path(__file__).resolve().parents[2]
# Words that German writes the same way.
SAME_IN_GERMAN = {
    "ID",
    "Port",
    "Person",
    "Filter",
    "{at} {who}: {field} {old} → {new}",
    "Name",
    "Online",
    "Status",
    "To-do",
    "April",
    "August",
    "September",
    "November",
    "Phase",
    "Jobcenter",
    "normal",
    "Website",
    "Organisation",
    "Problem",
}


def load_catalog_tool():  # scripts/ is not a package
    spec = importlib.util.spec_from_file_location("catalogs", ROOT / "scripts" / "catalogs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["catalogs"] = module
    spec.loader.exec_module(module)
    return module


def test_every_message_in_the_code_has_a_german_translation() -> None:
    catalogs = load_catalog_tool()
    in_code = catalogs.extract_messages()
    assert len(in_code) > 100
    german = gettext.translation("coordinator", LOCALE_DIR, languages=["de"])
    untranslated = [
        msgid
        for msgid, message in in_code.items()
        if (
            german.ngettext(msgid, message.plural, 2) == message.plural
            if message.plural
            else german.gettext(msgid) == msgid
        )
        and msgid not in SAME_IN_GERMAN
    ]
    assert untranslated == []


def test_compiled_catalogs_match_their_sources(tmp_path: Path) -> None:
    catalogs = load_catalog_tool()
    for language in ("de", "en"):
        po, mo = catalogs.catalog_paths(language)
        fresh = tmp_path / f"{language}.mo"
        catalogs.write_mo(fresh, language, catalogs.read_po(po))
        assert fresh.read_bytes() == mo.read_bytes(), (
            f"run scripts/catalogs.py compile ({language})"
        )


@pytest.mark.parametrize(
    ("requested", "environ", "expected"),
    [
        ("en", {"LANG": "de_DE.UTF-8"}, "en"),
        (None, {"LANG": "de_DE.UTF-8"}, "de"),
        (None, {"LC_ALL": "de_AT.UTF-8", "LANG": "en_GB.UTF-8"}, "de"),
        (None, {"LANGUAGE": "fr:de", "LANG": "fr_FR.UTF-8"}, "de"),
        (None, {"LANG": "tr_TR.UTF-8"}, "en"),
        (None, {}, "en"),
    ],
)
def test_language_from_option_then_environment(
    requested: str | None, environ: dict[str, str], expected: str
) -> None:
    assert detect_language(requested, environ) == expected


def test_switching_language() -> None:
    set_language("de")
    assert _("Next meetings") == "Nächste Sitzungen"
    assert ngettext("{n} slot", "{n} slots", 1) == "{n} Termin"
    set_language("en")
    assert _("Next meetings") == "Next meetings"
    with pytest.raises(ValueError):
        set_language("xx")
