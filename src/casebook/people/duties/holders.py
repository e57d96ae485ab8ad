"""Personal data kept outside `people`, and how erasure and subject access reach it.

Some records about a person live in apps above `people`: evidence files attached to a person
live with `sources`. `people` does not import them. Each app that keeps data about a person
registers a holder (`holder_register`, from its AppConfig.ready()); subject access asks every
holder what it keeps (`held`), erasure asks every holder to erase (`erase`). pretix's data
shredders are the model: a new app with personal data plugs in, and the duties cover it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import BinaryIO, Protocol

from casebook.people.models import Person


@dataclass(frozen=True)
class HeldFile:
    """A file to hand over: its name in the archive, and how to read its bytes."""

    name: str
    open: Callable[[], AbstractContextManager[BinaryIO]]


@dataclass
class Held:
    """What one holder keeps about a person, for the subject access archive."""

    section: str  # its key in person.json, e.g. "evidence"
    records: list[dict] = field(default_factory=list)
    files: list[HeldFile] = field(default_factory=list)
    # (object_type, object_id) of records whose audit entries concern the person.
    audit_subjects: list[tuple[str, str]] = field(default_factory=list)


class PersonalDataHolder(Protocol):
    def held(self, *, person: Person) -> Held:
        """Everything kept about `person`, in the words of the archive."""
        ...

    def erase(self, *, person: Person, actor, ip_address: str | None) -> dict[str, int]:
        """Erase or detach what is kept about `person`; counts of what was done, by name.

        Runs inside the erasure's transaction and records its own audit entries."""
        ...


_HOLDERS: list[PersonalDataHolder] = []


def holder_register(holder: PersonalDataHolder) -> None:
    """Add a holder (once: registering another of the same kind changes nothing)."""
    if not any(type(known) is type(holder) for known in _HOLDERS):
        _HOLDERS.append(holder)


def holders() -> list[PersonalDataHolder]:
    return list(_HOLDERS)
