"""What `incidents_import(skip_invalid=True)` leaves out: the items of the file (CSV rows,
JSON incidents) of every incident that has a problem, each with its problems.

A problem names its place in the file (`where`); the file's format says which item that is
(`item_of`), and each record read knows the items it came from (`IncidentRecord.items`), so
an incident with a problem on any of its rows is left out with all of them.
"""

from __future__ import annotations

from casebook.transfer.formats.base import IncidentFormat
from casebook.transfer.records import IncidentRecord, Problem


class Rejection:
    """The items of a file (rows, JSON incidents) left out by `skip_invalid`, with problems.

    An incident is known by its first item, so that the file read again for writing leaves
    out the same ones: only the rejected items are kept, not the records.
    """

    def __init__(self, incident_format: IncidentFormat) -> None:
        self.format = incident_format
        self.by_item: dict[int, list[Problem]] = {}
        self.incidents = 0
        self.rejected: set[int] = set()

    def __contains__(self, record: IncidentRecord) -> bool:
        return record.items[0] in self.rejected

    def take_read_problems(
        self, problems: list[Problem], records: list[IncidentRecord]
    ) -> list[Problem]:
        """Reject the incidents (among `records`, those read with the problems) that problems
        found reading are in; returns the problems that concern the whole file (a bad
        header), which no skipping can get round."""
        owner = {item: record for record in records for item in record.items}
        whole_file = []
        for problem in problems:
            item = self.format.item_of(problem.where)
            if item is None:
                whole_file.append(problem)
            elif item in owner:
                self.reject(owner[item], [problem])
            else:
                # A row the format could not make into an incident at all (ACLED: no date).
                if item not in self.by_item:
                    self.incidents += 1
                self.by_item.setdefault(item, []).append(problem)
        return whole_file

    def reject(self, record: IncidentRecord, problems: list[Problem]) -> None:
        if record.items[0] not in self.rejected:
            self.rejected.add(record.items[0])
            self.incidents += 1
            for item in record.items:
                self.by_item.setdefault(item, [])
        for problem in problems:
            named = self.format.item_of(problem.where)
            self.by_item[named if named in record.items else record.items[0]].append(problem)

    @property
    def problems(self) -> list[Problem]:
        return [p for item in sorted(self.by_item) for p in self.by_item[item]]
