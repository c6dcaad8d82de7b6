"""Hashes made with the library's heavier defaults move to OWASP's baseline at the next sign-in."""

from argon2 import PasswordHasher, extract_parameters

from pmcohort.core.extensions import db
from pmcohort.core.passwords import OWASP_ARGON2ID

PASSWORD = "an older password hash"


def test_an_old_hash_is_upgraded_at_the_next_sign_in(login, user_factory):
    user = user_factory()
    user.password_hash = PasswordHasher().hash(PASSWORD)  # argon2-cffi's defaults: 64 MiB, t=3, p=4
    db.session.commit()
    assert extract_parameters(user.password_hash) != OWASP_ARGON2ID

    login(user, PASSWORD)

    db.session.refresh(user)
    assert extract_parameters(user.password_hash) == OWASP_ARGON2ID
