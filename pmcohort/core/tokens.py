"""Signed, expiring tokens for links sent by email."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from pmcohort.accounts.models import User
from pmcohort.core.extensions import db

_RESET_SALT = "password-reset"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_RESET_SALT)


def signed_links(salt: str) -> URLSafeSerializer:
    """A signer for links that never expire on their own (the caller makes them single-use)."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _password_fingerprint(user: User) -> str:
    # Tied to the current hash, so the link stops working once the password changes: single use.
    return user.password_hash[-16:]


def password_reset_token(user: User) -> str:
    return _serializer().dumps({"user_id": user.id, "fingerprint": _password_fingerprint(user)})


def user_for_reset_token(token: str) -> User | None:
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except BadSignature:  # also covers an expired signature
        return None
    user = db.session.get(User, data.get("user_id"))
    if user is None or not user.active or data.get("fingerprint") != _password_fingerprint(user):
        return None
    return user
