"""Translated key bindings: BINDINGS are written with English descriptions (message ids);
each screen translates its own copy when it is made, after the language is chosen."""

from __future__ import annotations

from dataclasses import replace

from textual.binding import BindingsMap
from textual.dom import DOMNode

from coordinator.i18n import _


def translate_bindings(node: DOMNode) -> None:
    # Textual keeps each node's bindings in ``_bindings`` (a copy of the class's map).
    node._bindings = BindingsMap.from_keys(
        {
            key: [
                replace(
                    binding,
                    description=_(binding.description) if binding.description else "",
                    tooltip=_(binding.tooltip) if binding.tooltip else "",
                )
                for binding in bindings
            ]
            for key, bindings in node._bindings.key_to_bindings.items()
        }
    )
