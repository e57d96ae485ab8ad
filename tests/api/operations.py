"""Every operation of /api/v1/, how to call it in a test world, and who may.

The API's permission matrix (test_matrix.py) calls each one with a token of each role and
with none; it also fails when the OpenAPI document has an operation that is not listed here.
The canary leak test (tests/protection) reads every GET operation as every viewer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# The API's personas: the four roles, an account whose role was taken away, and no token.
API_PERSONAS = ("administrator", "coordinator", "caseworker", "analyst", "outsider", "anonymous")

#        administrator, coordinator, caseworker, analyst, outsider, no token
STAFF = (200, 200, 200, 200, 403, 401)


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # as the OpenAPI document writes it
    url_name: str
    build: Callable  # world -> URL
    expected: tuple[int, ...]
    body: Callable | None = None  # world -> JSON body (or multipart dict, see `multipart`)
    multipart: bool = False
    headers: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _path(url: str) -> Callable:
    return lambda w: url


OPERATIONS: list[Operation] = [
    Operation("GET", "/api/v1/me", "api-v1:me", _path("/api/v1/me"), (200,) * 4 + (200, 401)),
    Operation("GET", "/api/v1/codebook", "api-v1:codebook", _path("/api/v1/codebook"), STAFF),
]
