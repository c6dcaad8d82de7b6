"""The one way the app sends email: SMTP when configured, else `.eml` files on disk.

A worker process keeps one SMTP connection open and reuses it from message to message, so a
batch pays for one handshake rather than one per email.
"""

import base64
import binascii
import hashlib
import logging
import os
import secrets
import smtplib
from dataclasses import dataclass
from email.header import Header
from email.message import EmailMessage
from email.utils import parseaddr
from functools import lru_cache
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


@lru_cache(maxsize=4)
def _envelope_sender(mail_from: str) -> str:
    return parseaddr(mail_from)[1]


def message_id_for(outbox_id: int, recipient: str) -> str:
    """The same for every attempt at one event and recipient, so a mail client folds a repeat."""
    domain = _envelope_sender(current_app.config["MAIL_FROM"]).rpartition("@")[2] or "pmcohort.local"
    digest = hashlib.sha256(recipient.strip().lower().encode()).hexdigest()[:16]
    return f"<outbox-{outbox_id}.{digest}@{domain}>"


def build_message(email: OutgoingEmail) -> bytes:
    """The message as sent, CRLF line ends, written directly rather than through `EmailMessage`,
    whose header registry parsing and folding cost more than everything else an email needs.

    What a mail client sees is what `EmailMessage` would give (a test parses both and compares):
    `text/plain` alone, or `multipart/alternative` of text, HTML and the invite's
    `text/calendar; method=...`, inside `multipart/mixed` with `invite.ics` when there is an invite.
    Bodies are quoted-printable (text) or base64 (calendar), so every line is short 7-bit ASCII;
    the boundary starts with "=_", which neither encoding can produce. Unlike the registry's
    folding, List-Unsubscribe stays one `<URL>` (RFC 2369), not an encoded word clients ignore.
    """
    headers = [
        _from_header(current_app.config["MAIL_FROM"]),
        f"To: {_address(email.to)}",
        _subject_header(email.subject),
    ]
    if email.message_id:
        headers.append(f"Message-ID: {_ascii_value(email.message_id)}")
    if email.unsubscribe_url:
        # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the URL, no login needed.
        headers.append(f"List-Unsubscribe: <{_ascii_value(email.unsubscribe_url)}>")
        headers.append("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
    headers.append("MIME-Version: 1.0")
    body = _text_part("plain", email.text)
    alternatives = [body]
    if email.html:
        alternatives.append(_text_part("html", email.html))
    if email.invite:
        # The alternative part is what calendar clients turn into Accept/Decline; the attachment
        # is for those that only look at attachments.
        alternatives.append(
            _base64_part(
                f'text/calendar; method="{_ascii_value(email.invite.method)}"; charset="UTF-8"', email.invite.content
            )
        )
    if len(alternatives) > 1:
        body = _multipart("alternative", alternatives)
    if email.invite:
        attachment = _base64_part(
            "application/ics", email.invite.content, 'Content-Disposition: attachment; filename="invite.ics"\r\n'
        )
        body = _multipart("mixed", [body, attachment])
    return ("\r\n".join(headers) + "\r\n").encode("ascii") + body


def _ascii_value(value: str) -> str:
    """A header value we produce ourselves (ids, URLs, addresses): it has no business being anything else."""
    if not value.isascii() or "\r" in value or "\n" in value:
        raise ValueError(f"not a valid header value: {value!r}")
    return value


def _address(value: str) -> str:
    if "@" not in value or any(character in value for character in ' <>,;:"()'):
        raise ValueError(f"not a bare email address: {value!r}")
    return _ascii_value(value)


@lru_cache(maxsize=4)
def _from_header(mail_from: str) -> str:
    """MAIL_FROM folded once per process (its display name may need encoding)."""
    message = EmailMessage()
    message["From"] = mail_from
    return bytes(message).decode("ascii").rstrip("\r\n").replace("\n", "\r\n")


def _subject_header(subject: str) -> str:
    if "\r" in subject or "\n" in subject:
        raise ValueError(f"a subject cannot span lines: {subject!r}")
    # Plain ASCII is only folded; anything else, or text a client would take for an encoded word, is encoded.
    charset = "us-ascii" if subject.isascii() and "=?" not in subject else "utf-8"
    return "Subject: " + Header(subject, charset, header_name="Subject").encode(linesep="\r\n")


def _text_part(subtype: str, text: str) -> bytes:
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # a lone CR must not reach SMTP DATA bare
    if not text.endswith("\n"):
        text += "\n"  # as `EmailMessage.set_content` does
    encoded = binascii.b2a_qp(text.encode()).replace(b"\n", b"\r\n")
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
    ).encode() + encoded


def _base64_part(content_type: str, content: bytes, extra_headers: str = "") -> bytes:
    head = f"Content-Type: {content_type}\r\nContent-Transfer-Encoding: base64\r\n{extra_headers}\r\n"
    return head.encode() + base64.encodebytes(content).replace(b"\n", b"\r\n")


def _multipart(subtype: str, parts: list[bytes]) -> bytes:
    boundary = f"=_{secrets.token_hex(12)}"
    delimiter = f"\r\n--{boundary}\r\n".encode()
    return (
        f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n'.encode()
        + delimiter
        + delimiter.join(parts)
        + f"\r\n--{boundary}--\r\n".encode()
    )


def send_email(email: OutgoingEmail) -> bytes:
    """Send one message; returns it as sent. An SMTP 5xx raises PermanentDeliveryError; any other
    failure (4xx, connection refused, timeout) raises as is, for a retry."""
    message = build_message(email)
    config = current_app.config
    if config.get("SMTP_HOST"):
        _send_over_smtp(_envelope_sender(config["MAIL_FROM"]), email.to, message)
        log.info("email sent over SMTP to %s: %s", email.to, email.subject)
    else:
        mail_dir = Path(config["MAIL_DIR"])
        mail_dir.mkdir(parents=True, exist_ok=True)
        name = (email.message_id or secrets.token_hex(8)).strip("<>").replace("@", "_")
        path = mail_dir / f"{name}.eml"
        path.write_bytes(message)
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


def _send_over_smtp(sender: str, recipient: str, message: bytes) -> None:
    config = current_app.config
    key = (config["SMTP_HOST"], config["SMTP_PORT"], config.get("SMTP_USERNAME"), bool(config.get("SMTP_STARTTLS")))
    reused = _Connection.smtp is not None and _Connection.key == key and _Connection.pid == os.getpid()
    smtp = _Connection.smtp if reused else _open(key)
    try:
        try:
            smtp.sendmail(sender, [recipient], message)
        except smtplib.SMTPServerDisconnected:
            if not reused:
                raise
            # The server closed an idle connection before taking this message: one fresh try.
            _open(key).sendmail(sender, [recipient], message)
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
