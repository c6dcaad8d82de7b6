"""Test data builders. They add to the session and flush; the test decides about commits."""

import itertools

from pmcohort.extensions import db
from pmcohort.models import User
from pmcohort.passwords import hash_password

DEFAULT_PASSWORD = "correct horse battery"
_counter = itertools.count(1)
_default_hash: str | None = None


def _password_hash(password: str) -> str:
    # Argon2 is slow on purpose; hash the common test password once per run.
    global _default_hash
    if password != DEFAULT_PASSWORD:
        return hash_password(password)
    if _default_hash is None:
        _default_hash = hash_password(DEFAULT_PASSWORD)
    return _default_hash


def make_user(*, roles: tuple[str, ...] = ("engineer",), email: str | None = None, name: str | None = None,
              password: str = DEFAULT_PASSWORD, time_zone: str = "UTC") -> User:
    number = next(_counter)
    user = User(
        email=(email or f"user{number}@example.com").lower(),
        name=name or f"Test Person {number}",
        password_hash=_password_hash(password),
        time_zone=time_zone,
    )
    for role in roles:
        user.add_role(role)
    db.session.add(user)
    db.session.flush()
    return user
