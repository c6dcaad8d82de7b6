"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and delivering the outbox to it."""

import email
import socket
import time
from collections import Counter
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from pmcohort.core.extensions import db
from pmcohort.notifications import outbox
from pmcohort.notifications.models import Notification, OutboxMessage


def deliver_pending() -> list[int]:
    """Deliver every outbox message not yet processed, oldest first, as the worker would; their ids."""
    ids = db.session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.processed_at.is_(None)).order_by(OutboxMessage.id)
    ).all()
    for outbox_id in ids:
        outbox.deliver(outbox_id)
    return list(ids)


def inbox_titles(user) -> list[str]:
    """The titles of the user's in-app notifications, oldest first."""
    return db.session.scalars(
        select(Notification.title).where(Notification.user_id == user.id).order_by(Notification.id)
    ).all()


def text_of(message: EmailMessage) -> str:
    """The plain-text body, as a mail client that prefers text shows it."""
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


class Inbox:
    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.refuse_once: set[str] = set()  # addresses refused at RCPT the next time, as a flaky server would
        self.refuse_for_good: set[str] = set()  # addresses refused with a 5xx: no such mailbox
        self.busy_until = 0.0  # until this time.monotonic(), every recipient gets a 4xx
        self.rcpt_attempts: Counter[str] = Counter()

    async def handle_RCPT(self, _server, _session, envelope, address, _options):
        self.rcpt_attempts[address] += 1
        if address in self.refuse_for_good:
            return "550 No such mailbox here"
        if address in self.refuse_once or time.monotonic() < self.busy_until:
            self.refuse_once.discard(address)
            return "451 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server, _session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted for delivery"

    def reset(self) -> None:
        self.messages.clear()
        self.refuse_once.clear()
        self.refuse_for_good.clear()
        self.busy_until = 0.0
        self.rcpt_attempts.clear()

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]

    def wait_for(self, address: str, count: int = 1, timeout: float = 30.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(address)
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"expected {count} message(s) to {address}, got {len(self.to(address))}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server, base_app):
    """Point the app's email at the loopback SMTP server for one test; yields its inbox."""
    controller, inbox = smtp_server
    inbox.reset()
    previous = base_app.config.get("SMTP_HOST"), base_app.config.get("SMTP_PORT")
    base_app.config.update(SMTP_HOST=controller.hostname, SMTP_PORT=controller.port)
    yield inbox
    base_app.config.update(SMTP_HOST=previous[0], SMTP_PORT=previous[1])
