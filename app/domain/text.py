"""Marking user-facing Chinese text in the domain for translation without importing Flask.

`N_` only marks a message for extraction (pybabel picks it up); the web layer translates it
when it renders, with the placeholders filled in then (see app/web/i18n.py `localize`).
"""
from __future__ import annotations

from collections.abc import Mapping


def N_(message: str) -> str:
    return message


class Message:
    """A message template with its named parameters, readable in Chinese as is."""

    def __init__(self, template: str, params: Mapping[str, object] | None = None):
        self.template = template
        self.params = dict(params or {})

    def __str__(self) -> str:
        return self.template % self.params if self.params else self.template
