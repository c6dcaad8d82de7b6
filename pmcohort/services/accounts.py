from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from pmcohort.domain.statuses import SELF_SERVICE_ROLES, Role
from pmcohort.domain.timezones import is_valid_time_zone
from pmcohort.extensions import db
from pmcohort.models import User, UserRole, find_user_by_email, record_audit
from pmcohort.outbox import enqueue
from pmcohort.passwords import MIN_PASSWORD_LENGTH, hash_password, needs_rehash, verify_password
from pmcohort.services.errors import NotFoundError, ServiceError

EMAIL_TAKEN = "This email can't be used for a new account. If it is yours, log in or reset your password."


@dataclass(frozen=True)
class NewAccount:
    email: str
    name: str
    password: str
    time_zone: str
    role: str


def _check_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(field, f"Use at least {MIN_PASSWORD_LENGTH} characters.")


def create_user(account: NewAccount, *, roles: tuple[str, ...]) -> User:
    email = account.email.strip().lower()
    if not is_valid_time_zone(account.time_zone):
        raise ServiceError("time_zone", "Choose a time zone from the list, e.g. Europe/Berlin.")
    _check_password(account.password)
    if find_user_by_email(email) is not None:
        raise ServiceError("email", EMAIL_TAKEN)
    user = User(email=email, name=account.name.strip(), password_hash=hash_password(account.password), time_zone=account.time_zone)
    for role in roles:
        user.add_role(role)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as error:  # a concurrent sign-up took the email first
        db.session.rollback()
        raise ServiceError("email", EMAIL_TAKEN) from error
    return user


def sign_up(account: NewAccount) -> User:
    if account.role not in SELF_SERVICE_ROLES:
        raise ServiceError("role", "Sign up as an engineer or a mentor.")
    user = create_user(account, roles=(account.role,))
    record_audit("user.signed_up", "user", user.id, actor_id=user.id, role=account.role)
    enqueue("account.welcome", user_id=user.id)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    if user is None or not user.active:
        # Spend the same time as a real check, so timing does not reveal which emails exist.
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):  # stronger Argon2 parameters since this hash was made
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


_DUMMY_HASH = hash_password("not-a-real-password")


def _write_to_owner(email: str, action: str, topic: str) -> None:
    """Audit `action` and send `topic` to the active account using `email`; nothing if there is none."""
    user = find_user_by_email(email)
    if user is not None and user.active:
        record_audit(action, "user", user.id)
        enqueue(topic, user_id=user.id)
        db.session.commit()


def request_password_reset(email: str) -> None:
    _write_to_owner(email, "user.password_reset_requested", "account.password_reset")


def reset_password(user: User, new_password: str) -> None:
    _check_password(new_password)
    _set_password(user, new_password)
    record_audit("user.password_reset", "user", user.id, actor_id=user.id)
    db.session.commit()


def change_password(user_id: int, current_password: str, new_password: str) -> User:
    user = db.session.get(User, user_id)
    if not verify_password(user.password_hash, current_password):
        raise ServiceError("current_password", "That is not your current password.")
    _check_password(new_password, "new_password")
    _set_password(user, new_password)
    record_audit("user.password_changed", "user", user.id, actor_id=user.id)
    db.session.commit()
    return user


def change_email(user_id: int, current_password: str, new_email: str) -> User:
    """Someone at an unlocked screen must not take the account over: the password is asked again."""
    user = db.session.get(User, user_id)
    if not verify_password(user.password_hash, current_password):
        raise ServiceError("current_password", "That is not your current password.")
    email = new_email.strip().lower()
    if email == user.email:
        raise ServiceError("email", "That is already your email.")
    if find_user_by_email(email) is not None:
        raise ServiceError("email", "Another account uses this email.")
    old_email, user.email = user.email, email
    record_audit("user.email_changed", "user", user.id, actor_id=user.id, old_email=old_email)
    try:
        db.session.commit()
    except IntegrityError as error:  # a concurrent sign-up took the email first
        db.session.rollback()
        raise ServiceError("email", "Another account uses this email.") from error
    return user


def sign_out(user_id: int, *, everywhere: bool = False) -> None:
    """A new auth token ends every session and remember cookie made with the old one, copies included."""
    user = db.session.get(User, user_id)
    user.rotate_auth_token()
    record_audit("user.signed_out_everywhere" if everywhere else "user.signed_out", "user", user.id, actor_id=user.id)
    db.session.commit()


def report_sign_in_throttled(email: str) -> None:
    """Failed sign-ins for this account reached the limit: tell its owner, once per time it happens."""
    _write_to_owner(email, "user.sign_in_throttled", "account.sign_in_throttled")


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.rotate_auth_token()  # signs every other session out


def update_time_zone(user_id: int, time_zone: str) -> None:
    if not is_valid_time_zone(time_zone):
        raise ServiceError("time_zone", "Choose a time zone from the list, e.g. Europe/Berlin.")
    user = db.session.get(User, user_id)
    user.time_zone = time_zone
    db.session.commit()


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFoundError("user", user_id)
    return user


def grant_role(user_id: int, role: str, *, actor_id: int) -> None:
    if role not in tuple(Role):
        raise ServiceError("role", f"Unknown role {role!r}.")
    user = _user(user_id)
    if role not in user.roles:
        user.add_role(role)
        record_audit("user.role_granted", "user", user.id, actor_id=actor_id, role=role)
    db.session.commit()


def revoke_role(user_id: int, role: str, *, actor_id: int) -> None:
    user = _user(user_id)
    if role == Role.ADMIN and Role.ADMIN in user.roles:
        admins = db.session.scalar(select(func.count()).select_from(UserRole).where(UserRole.role == Role.ADMIN))
        if admins <= 1:
            raise ServiceError("role", "This is the last admin; grant the role to someone else first.")
    if role in user.roles:
        user.remove_role(role)
        record_audit("user.role_revoked", "user", user.id, actor_id=actor_id, role=role)
    db.session.commit()
