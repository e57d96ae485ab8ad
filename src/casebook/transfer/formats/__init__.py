"""The file formats Casebook imports and exports, by name.

To add one, write a module with a class following `base.IncidentFormat` and list it here.
"""

from __future__ import annotations

from casebook.transfer.formats.acled import AcledCsv
from casebook.transfer.formats.base import IncidentFormat
from casebook.transfer.formats.casebook_csv import CasebookCsv
from casebook.transfer.formats.casebook_json import CasebookJson

FORMATS: dict[str, IncidentFormat] = {
    f.name: f for f in (CasebookCsv(), CasebookJson(), AcledCsv())
}


class UnknownFormat(ValueError):
    pass


def format_named(name: str) -> IncidentFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise UnknownFormat(
            f"{name!r} is not a format Casebook knows; use one of {', '.join(FORMATS)}."
        ) from None


def detect_format(filename: str, head: str) -> IncidentFormat:
    """Guess the format from the file's name and its first characters.

    >>> detect_format("events.csv", "event_id_cnty,event_date,year").name
    'acled'
    >>> detect_format("upload", '{"format": "casebook-incidents"').name
    'json'
    """
    start = head.lstrip("\ufeff \r\n\t")
    if filename.lower().endswith(".json") or start.startswith(("{", "[")):
        return FORMATS["json"]
    first_line = start.split("\n", 1)[0].lower()
    if "event_id_cnty" in first_line:
        return FORMATS["acled"]
    return FORMATS["csv"]
