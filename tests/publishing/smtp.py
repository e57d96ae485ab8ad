"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, for the
newsletter's tests and the browser journey: mails leave through Django's SMTP backend and
are read back as a mail client would parse them."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class _Keeper:
    def __init__(self):
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.arrived = threading.Condition()
        self.refused: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refused:
            return "550 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.arrived:
            self.received.append((list(envelope.rcpt_tos), message))
            self.arrived.notify_all()
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalSMTP:
    """`with LocalSMTP() as smtp:` a server on `smtp.port`; `smtp.to(address)` are the mails
    it received for that address, oldest first."""

    def __init__(self):
        self.keeper = _Keeper()
        self.port = _free_port()
        self.controller = Controller(self.keeper, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> LocalSMTP:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    def refuse(self, address: str) -> None:
        """Answer 550 to mail for `address` from now on, as a real server does."""
        self.keeper.refused.add(address)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpt, m in self.keeper.received if address in rcpt]

    @property
    def messages(self) -> list[EmailMessage]:
        return [m for _, m in self.keeper.received]

    def clear(self) -> None:
        self.keeper.received.clear()


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()
