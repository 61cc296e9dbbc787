"""Errors the storage layer reports to the user in one line.

Storage knows nothing of translation: an error carries an English message template and its
values; the entry point translates the template (the catalogs extract these templates).
"""

from typing import Any


class DatabaseOpenError(Exception):
    """The database cannot be opened or created; the message is meant for the user."""

    def __init__(self, template: str, **params: Any) -> None:
        self.template = template
        self.params = params
        super().__init__(template.format(**params))
