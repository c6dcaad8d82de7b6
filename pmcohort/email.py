"""The one way the app sends email: SMTP when configured, else `.eml` files on disk."""

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str
    subtype: str


def send_email(to: str, subject: str, text: str, *, html: str | None = None, attachments: tuple[Attachment, ...] = ()) -> str:
    """Send one message and return its Message-ID."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="pmcohort.local")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    for attachment in attachments:
        message.add_attachment(
            attachment.content, maintype=attachment.maintype, subtype=attachment.subtype, filename=attachment.filename
        )

    if config.get("SMTP_HOST"):
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USERNAME"):
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
            smtp.send_message(message)
        log.info("email sent over SMTP to %s: %s", to, subject)
    else:
        mail_dir = Path(config["MAIL_DIR"])
        mail_dir.mkdir(parents=True, exist_ok=True)
        path = mail_dir / f"{message['Message-ID'].strip('<>').replace('@', '_')}.eml"
        path.write_bytes(bytes(message))
        log.info("email to %s written to %s: %s", to, path, subject)
    return message["Message-ID"]
