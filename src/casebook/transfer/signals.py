"""What an import tells the apps that work on the record beside it (linkage compares the
new incidents with the casebook); transfer imports none of them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent once an import's incidents are written (each batch commits on its own, so they are in
# the database by then; inside an outer transaction, receivers should wait for its commit).
# `incident_ids`: the incidents it created or changed; `created`: how many are new.
incidents_imported = Signal()
