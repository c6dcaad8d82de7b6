"""The emails the app writes by hand read, in a mail client's parser, exactly as the ones the
standard library's `EmailMessage` builds: same headers, same tree of parts, same contents."""

import email
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default

import pytest

from pmcohort.core.email import Invite, OutgoingEmail, build_message

ICS = (
    b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nSUMMARY:Zo\xc3\xab's 1:1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
UNSUBSCRIBE = "https://pmcohort.example/unsubscribe/eyJ1IjoxLCJjIjoicmVtaW5kZXJzIiwibSI6MX0.ZZZ.abcdefghijklmnopqrs"
HTML = '<!doctype html>\n<html><body><p class="x">Hello Zoë,</p>\n<p>' + "long " * 40 + "</p></body></html>\n"

CASES = {
    "plain text only": OutgoingEmail(to="a@example.com", subject="Reset your password", text="Hello,\n\nA link.\n"),
    "text and HTML": OutgoingEmail(
        to="b@example.com",
        subject="Reminder: your session starts within the hour",
        text="Hello Zoë,\n\nSession: Tue 1 Dec, 16:40–17:40 (UTC).\n",
        html=HTML,
        message_id="<outbox-7.0123456789abcdef@pmcohort.local>",
        unsubscribe_url=UNSUBSCRIBE,
    ),
    "an invite": OutgoingEmail(
        to="c@example.com",
        subject="Session scheduled",
        text="Body\n",
        html="<p>Body</p>\n",
        message_id="<outbox-8.0123456789abcdef@pmcohort.local>",
        invite=Invite(ICS, "REQUEST"),
        unsubscribe_url=UNSUBSCRIBE,
    ),
    "a cancelled invite without HTML": OutgoingEmail(
        to="d@example.com", subject="Session cancelled", text="Gone\n", invite=Invite(ICS, "CANCEL")
    ),
    "awkward words": OutgoingEmail(
        to="e@example.com",
        subject="Zoë's session moved — " + "a-very-long-unbreakable-word-" * 5,
        text=".a line starting with a dot\nFrom the start\ntrailing spaces   \n" + "x" * 200 + "\n=3D\tTab\n",
        html="<p>" + "é" * 300 + "</p>",
        unsubscribe_url=UNSUBSCRIBE,
    ),
    "a long ASCII subject": OutgoingEmail(to="f@example.com", subject="word " * 40, text="no newline at the end"),
    # A nudge or note typed with old Mac line ends: a lone CR is a line break, never a bare CR in SMTP DATA.
    "lone carriage returns": OutgoingEmail(
        to="g@example.com", subject="A note", text="one\rtwo\r\nthree\n", html="<p>one</p>\r<p>two</p>\n"
    ),
}


def reference(message: OutgoingEmail, mail_from: str) -> bytes:
    """What `EmailMessage` with the default policy builds from the same email (the former builder),
    with the line ends smtplib sends it with."""
    built = EmailMessage()
    built["From"] = mail_from
    built["To"] = Address(addr_spec=message.to)
    built["Subject"] = message.subject
    if message.message_id:
        built["Message-ID"] = message.message_id
    if message.unsubscribe_url:
        built["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        built["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    built.set_content(message.text)
    if message.html:
        built.add_alternative(message.html, subtype="html")
    if message.invite:
        built.add_alternative(
            message.invite.content,
            maintype="text",
            subtype="calendar",
            params={"method": message.invite.method, "charset": "UTF-8"},
        )
        built.add_attachment(message.invite.content, maintype="application", subtype="ics", filename="invite.ics")
    return built.as_bytes(policy=default.clone(linesep="\r\n"))


def as_read(raw: bytes) -> dict:
    """What a client takes from a message: its headers, decoded, and its parts with their contents."""
    message = email.message_from_bytes(raw, policy=default)
    headers = ("From", "To", "Subject", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post")

    def tree(part):
        params = {key: value.upper() if key == "charset" else value for key, value in part.get_params()[1:]}
        params.pop("boundary", None)
        shape = [part.get_content_type(), params, part.get_content_disposition(), part.get_filename()]
        if part.is_multipart():
            return [*shape, [tree(child) for child in part.iter_parts()]]
        content = part.get_content()
        # A line break is a line break, whether the encoding kept it as CRLF (quoted-printable) or LF (base64).
        return [*shape, content.replace("\r\n", "\n") if isinstance(content, str) else content]

    return {"headers": {name: message[name] and str(message[name]) for name in headers}, "body": tree(message)}


@pytest.mark.parametrize("mail_from", ["PM Cohort <no-reply@pmcohort.local>", "Zoë’s Cohort <hi@pmcohort.example>"])
@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_hand_written_email_reads_as_the_standard_library_would_build_it(app, case, mail_from, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_FROM", mail_from)
    with app.app_context():
        raw = build_message(CASES[case])

    assert as_read(raw) == as_read(reference(CASES[case], mail_from))
    lines = raw.split(b"\r\n")
    assert raw.isascii() and b"\n" not in raw.replace(b"\r\n", b"") and b"\r" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 78 for line in lines if not line.startswith(b"List-Unsubscribe:"))


def test_a_subject_that_looks_encoded_reads_as_typed(app):
    subject = "Why =?utf-8?q?this?= title"
    with app.app_context():
        raw = build_message(OutgoingEmail(to="a@example.com", subject=subject, text="."))
    assert email.message_from_bytes(raw, policy=default)["Subject"] == subject


def test_a_header_cannot_be_smuggled_in_through_a_subject_or_an_address(app):
    with app.app_context():
        with pytest.raises(ValueError):
            build_message(OutgoingEmail(to="a@example.com", subject="Hi\r\nBcc: x@example.com", text="."))
        with pytest.raises(ValueError):
            build_message(OutgoingEmail(to="a@example.com\r\nBcc: x@example.com", subject="Hi", text="."))
