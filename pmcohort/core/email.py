"""The one way the app sends email: SMTP when configured, else `.eml` files on disk.

A worker process keeps one SMTP connection open and reuses it from message to message, so a
batch pays for one handshake rather than one per email.
"""

import hashlib
import logging
import os
import smtplib
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)


class PermanentDeliveryError(Exception):
    """The server refused this message for good (an SMTP 5xx): sending it again cannot help."""


@dataclass(frozen=True)
class Invite:
    """An iTIP message: sent as the `text/calendar; method=...` alternative and as `invite.ics`."""

    content: bytes
    method: str  # REQUEST or CANCEL


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    text: str
    html: str | None = None
    message_id: str | None = None
    invite: Invite | None = None
    unsubscribe_url: str | None = None


def message_id_for(outbox_id: int, recipient: str) -> str:
    """The same for every attempt at one event and recipient, so a mail client folds a repeat."""
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or "pmcohort.local"
    digest = hashlib.sha256(recipient.strip().lower().encode()).hexdigest()[:16]
    return f"<outbox-{outbox_id}.{digest}@{domain}>"


def build_message(email: OutgoingEmail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = Address(addr_spec=email.to)
    message["Subject"] = email.subject
    if email.message_id:
        message["Message-ID"] = email.message_id
    if email.unsubscribe_url:
        # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the URL, no login needed.
        message["List-Unsubscribe"] = f"<{email.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(email.text)
    if email.html:
        message.add_alternative(email.html, subtype="html")
    if email.invite:
        # The alternative part is what calendar clients turn into Accept/Decline; the attachment
        # is for those that only look at attachments.
        message.add_alternative(
            email.invite.content,
            maintype="text",
            subtype="calendar",
            params={"method": email.invite.method, "charset": "UTF-8"},
        )
        message.add_attachment(email.invite.content, maintype="application", subtype="ics", filename="invite.ics")
    return message


def send_email(email: OutgoingEmail) -> EmailMessage:
    """Send one message; returns it as sent. An SMTP 5xx raises PermanentDeliveryError; any other
    failure (4xx, connection refused, timeout) raises as is, for a retry."""
    message = build_message(email)
    config = current_app.config
    if config.get("SMTP_HOST"):
        _send_over_smtp(message)
        log.info("email sent over SMTP to %s: %s", email.to, email.subject)
    else:
        mail_dir = Path(config["MAIL_DIR"])
        mail_dir.mkdir(parents=True, exist_ok=True)
        name = (email.message_id or str(id(message))).strip("<>").replace("@", "_")
        path = mail_dir / f"{name}.eml"
        path.write_bytes(bytes(message))
        log.info("email to %s written to %s: %s", email.to, path, email.subject)
    return message


class _Connection:
    """This process's SMTP connection, opened on first use; a fork opens its own."""

    smtp: smtplib.SMTP | None = None
    key: tuple | None = None
    pid: int | None = None


def _open(key: tuple) -> smtplib.SMTP:
    host, port, username, starttls = key
    smtp = smtplib.SMTP(host, port, timeout=10)
    if starttls:
        smtp.starttls()
    if username:
        smtp.login(username, current_app.config["SMTP_PASSWORD"] or "")
    _Connection.smtp, _Connection.key, _Connection.pid = smtp, key, os.getpid()
    return smtp


def close_connection() -> None:
    smtp, _Connection.smtp = _Connection.smtp, None
    if smtp is not None and _Connection.pid == os.getpid():
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def _send_over_smtp(message: EmailMessage) -> None:
    config = current_app.config
    key = (config["SMTP_HOST"], config["SMTP_PORT"], config.get("SMTP_USERNAME"), bool(config.get("SMTP_STARTTLS")))
    reused = _Connection.smtp is not None and _Connection.key == key and _Connection.pid == os.getpid()
    smtp = _Connection.smtp if reused else _open(key)
    try:
        try:
            smtp.send_message(message)
        except smtplib.SMTPServerDisconnected:
            if not reused:
                raise
            # The server closed an idle connection before taking this message: one fresh try.
            _open(key).send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        if codes and all(code >= 500 for code in codes):
            raise PermanentDeliveryError(_describe(error.recipients)) from error
        raise
    except smtplib.SMTPResponseException as error:
        if error.smtp_code >= 500:
            raise PermanentDeliveryError(f"{error.smtp_code} {_text(error.smtp_error)}") from error
        raise
    except (smtplib.SMTPException, OSError):
        # The connection is in an unknown state: the next message opens a new one.
        close_connection()
        raise


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else value


def _describe(refused: dict) -> str:
    return "; ".join(f"{address}: {code} {_text(reply)}" for address, (code, reply) in refused.items())
