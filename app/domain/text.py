"""Marking user-facing Chinese text in the domain for translation without importing Flask.

`N_` only marks a message for extraction (pybabel picks it up); the web layer translates it
when it renders, with the placeholders filled in then (see app/operations `localize`).

A message's parameters may be plain values, other messages (`Message`, e.g. a rule's refusal
quoted inside a clerk's notice), names known in both languages (`Bilingual`, e.g. a material's
name from the catalogue), a date (2026年11月4日 / 4 November 2026) or a list of any of these
(joined with 、 in Chinese, ", " in English; `Sentences` follow one another instead).
`fill` renders a template in Chinese, as the domain and the logs read it.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

LIST_SEPARATOR = "、"


def N_(message: str) -> str:
    return message


@dataclass(frozen=True)
class Bilingual:
    """A name the catalogue gives in both languages (no msgid: its English is beside it)."""

    zh: str
    en: str

    def __str__(self) -> str:
        return self.zh


class Message(str):
    """A message template with its named parameters. It is the Chinese text itself (a str:
    it compares, searches and serialises as the Chinese reads) and keeps its template and
    parameters so a page can show it in the visitor's language."""

    template: str
    params: dict

    def __new__(cls, template: str, params: Mapping[str, object] | None = None):
        params = dict(params or {})
        message = super().__new__(cls, fill(template, params))
        message.template, message.params = template, params
        return message


def chinese(value: object) -> object:
    """A parameter as the Chinese text shows it."""
    if isinstance(value, list | tuple):
        separator = "" if is_sentences(value) else LIST_SEPARATOR
        return separator.join(str(chinese(item)) for item in value)
    if isinstance(value, Message | Bilingual):
        return str(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return f"{value.year}年{value.month}月{value.day}日"
    return value


class Sentences(tuple):
    """Messages that follow one another as sentences (each ends with its own stop), not a list."""


def is_sentences(items: list | tuple) -> bool:
    return isinstance(items, Sentences)


def fill(template: str, params: Mapping[str, object] | None = None) -> str:
    """The template with its parameters filled in, in Chinese."""
    if not params:
        return template
    return template % {key: chinese(value) for key, value in params.items()}


def to_data(value: object) -> object:
    """A message (or parameter) as JSON data, to be stored and shown later in any language."""
    if isinstance(value, Message):
        return {"template": value.template, "params": {k: to_data(v) for k, v in value.params.items()}}
    if isinstance(value, Bilingual):
        return {"zh": value.zh, "en": value.en}
    if isinstance(value, list | tuple):
        return {"sentences" if isinstance(value, Sentences) else "list": [to_data(item) for item in value]}
    if isinstance(value, date) and not isinstance(value, datetime):
        return {"date": value.isoformat()}
    return value


def from_data(data: object) -> object:
    """The message `to_data` stored (plain strings and numbers come back as they are)."""
    if not isinstance(data, dict):
        return data
    if "template" in data:
        return Message(data["template"], {k: from_data(v) for k, v in data.get("params", {}).items()})
    if "zh" in data:
        return Bilingual(data["zh"], data.get("en") or data["zh"])
    if "sentences" in data:
        return Sentences(from_data(item) for item in data["sentences"])
    if "list" in data:
        return [from_data(item) for item in data["list"]]
    if "date" in data:
        return date.fromisoformat(data["date"])
    return data
