"""What each outbox topic does: in-app inbox items and emails, each once per recipient."""

from flask import current_app, render_template, url_for
from sqlalchemy import select

from pmcohort.email import send_email
from pmcohort.extensions import db
from pmcohort.models import EmailDelivery, Notification, OutboxMessage, User
from pmcohort.outbox import handles
from pmcohort.tokens import password_reset_token


def absolute_url(endpoint: str, **values) -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + url_for(endpoint, **values)


def email_once(message: OutboxMessage, user: User, subject: str, template: str, **context) -> bool:
    already_sent = db.session.scalar(
        select(EmailDelivery.id).where(EmailDelivery.outbox_id == message.id, EmailDelivery.recipient == user.email)
    )
    if already_sent:
        return False
    text = render_template(f"email/{template}.txt", user=user, **context)
    send_email(user.email, subject, text)
    db.session.add(EmailDelivery(outbox_id=message.id, recipient=user.email))
    db.session.flush()
    return True


def notify_in_app(message: OutboxMessage, user: User, title: str, body: str = "", link: str | None = None) -> None:
    exists = db.session.scalar(
        select(Notification.id).where(Notification.outbox_id == message.id, Notification.user_id == user.id)
    )
    if not exists:
        db.session.add(Notification(outbox_id=message.id, user_id=user.id, title=title, body=body, link=link))


@handles("account.welcome")
def welcome(message: OutboxMessage) -> None:
    user = db.session.get(User, message.payload["user_id"])
    if user is None:
        return
    with current_app.test_request_context():
        dashboard = absolute_url("main.dashboard")
        email_once(message, user, "Welcome to PM Cohort", "welcome", dashboard_url=dashboard)
    notify_in_app(message, user, "Welcome to PM Cohort", "Start with your profile.", "/")


@handles("account.password_reset")
def password_reset(message: OutboxMessage) -> None:
    user = db.session.get(User, message.payload["user_id"])
    if user is None or not user.active:
        return
    with current_app.test_request_context():
        reset_url = absolute_url("auth.reset_password", token=password_reset_token(user))
        minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
        email_once(message, user, "Reset your PM Cohort password", "password_reset", reset_url=reset_url, minutes=minutes)
