"""Merge translations from a Python dict file (DE = {...}) into the German catalog."""

import runpy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from catalogs import catalog_paths, read_po, write_po

table = runpy.run_path(sys.argv[1])["DE"]
po, _ = catalog_paths("de")
messages = read_po(po)
for msgid, text in table.items():
    if msgid in messages:
        messages[msgid].translations = text if isinstance(text, list) else [text]
write_po(po, "de", messages)
missing = [m.msgid for m in messages.values() if not m.translations or not all(m.translations)]
print("untranslated:", missing)
