"""核查结果: what the registries say about what a decision rests on, as the staff see it before
they decide. Pure data: a service's handler reads the registries and its rules fill this in;
the staff's pages show it (never the applicant's or the public pages)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Tone(StrEnum):
    OK = "ok"  # nothing stands in the way
    BAD = "bad"  # the rules refuse on this
    NOTE = "note"  # worth knowing, not a bar


@dataclass(frozen=True)
class Finding:
    """One thing checked: what (a marked template), what the registry says, and its tone."""

    label: str
    result: str
    tone: Tone
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RegistryCheck:
    """The registries' answer as of now: the sources asked, each finding, and the upshot for
    the decision (a marked template with its params)."""

    source: str
    findings: tuple[Finding, ...]
    conclusion: str
    tone: Tone
    params: Mapping[str, Any] = field(default_factory=dict)


def worst(tones) -> Tone:
    tones = set(tones)
    return Tone.BAD if Tone.BAD in tones else (Tone.NOTE if Tone.NOTE in tones else Tone.OK)
