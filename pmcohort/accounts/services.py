from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from pmcohort.accounts.models import User, UserRole, find_user_by_email
from pmcohort.cohorts.models import Match
from pmcohort.core.errors import NotFoundError, ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.passwords import MIN_PASSWORD_LENGTH, hash_password, needs_rehash, verify_password
from pmcohort.domain import availability
from pmcohort.domain.availability import Availability, WeeklyWindow
from pmcohort.domain.statuses import MATCH_OPEN, SELF_SERVICE_ROLES, Role
from pmcohort.domain.timezones import is_valid_time_zone
from pmcohort.notifications.outbox import enqueue
from pmcohort.ops.models import record_audit
from pmcohort.profiles.models import AvailabilityWindow
from pmcohort.profiles.services import windows_of

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
    user = User(
        email=email,
        name=account.name.strip(),
        password_hash=hash_password(account.password),
        time_zone=account.time_zone,
    )
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


# Changing zone with weekly windows: keep their local clock times (the usual case after a move),
# or keep the moments they stand for (the person's day does not change, only the zone's name).
KEEP_CHOICES = ("local", "instants")


@dataclass(frozen=True)
class SharedTime:
    """Weekly hours shared with one matched person, now and under each choice."""

    name: str
    now: float
    keeping_local: float
    keeping_instants: float


@dataclass(frozen=True)
class TimeZoneChange:
    old_zone: str
    new_zone: str
    windows: tuple[WeeklyWindow, ...]
    windows_keeping_instants: tuple[WeeklyWindow, ...]
    shared: tuple[SharedTime, ...]


def _check_zone(time_zone: str) -> None:
    if not is_valid_time_zone(time_zone):
        raise ServiceError("time_zone", "Choose a time zone from the list, e.g. Europe/Berlin.")


def preview_time_zone_change(user_id: int, time_zone: str, *, now: datetime) -> TimeZoneChange:
    """What a change of zone does to the user's weekly windows and to the hours shared with their matches."""
    _check_zone(time_zone)
    user = _user(user_id)
    week_start = now.astimezone(UTC)
    windows = tuple(window.as_domain() for window in windows_of(user_id))
    moved = availability.windows_keeping_instants(windows, user.time_zone, time_zone, week_start)
    shared = []
    for match in db.session.scalars(
        select(Match).where(or_(Match.engineer_id == user_id, Match.mentor_id == user_id), Match.status.in_(MATCH_OPEN))
    ):
        other = match.mentor if match.engineer_id == user_id else match.engineer
        theirs = Availability(other.time_zone, tuple(window.as_domain() for window in windows_of(other.id)))

        def hours(zone: str, mine: tuple[WeeklyWindow, ...]) -> float:
            return availability.overlap_hours(Availability(zone, mine), theirs, week_start)  # noqa: B023 - called within this iteration

        shared.append(
            SharedTime(other.name, hours(user.time_zone, windows), hours(time_zone, windows), hours(time_zone, moved))
        )
    return TimeZoneChange(user.time_zone, time_zone, windows, moved, tuple(shared))


def update_time_zone(user_id: int, time_zone: str, *, keep: str = "local", now: datetime) -> None:
    """Move the user to another zone; with keep="instants" their weekly windows are rewritten in it."""
    _check_zone(time_zone)
    if keep not in KEEP_CHOICES:
        raise ServiceError("keep", "Choose whether your weekly windows keep their local times or their moments.")
    user = _user(user_id)
    old_zone = user.time_zone
    if keep == "instants" and time_zone != old_zone:
        moved = preview_time_zone_change(user_id, time_zone, now=now).windows_keeping_instants
        for window in windows_of(user_id):
            db.session.delete(window)
        db.session.flush()
        for window in moved:
            db.session.add(
                AvailabilityWindow(
                    user_id=user_id,
                    weekday=window.weekday,
                    start_minute=window.start_minute,
                    end_minute=window.end_minute,
                )
            )
    user.time_zone = time_zone
    record_audit(
        "user.time_zone_changed", "user", user.id, actor_id=user_id, old=old_zone, new=time_zone, windows_keep=keep
    )
    db.session.commit()


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFoundError("user", user_id)
    return user


def _check_role(role: str) -> None:
    if role not in tuple(Role):
        raise ServiceError("role", f"Unknown role {role!r}; choose one of {', '.join(Role)}.")


def grant_role(user_id: int, role: str, *, actor_id: int | None, **details) -> None:
    """Give a user a role; `actor_id` is None when an operator does it from the command line."""
    _check_role(role)
    user = _user(user_id)
    if role not in user.roles:
        user.add_role(role)
        record_audit("user.role_granted", "user", user.id, actor_id=actor_id, role=role, **details)
    db.session.commit()


def create_with_role(account: NewAccount) -> tuple[User, bool]:
    """For operators' scripts: an account with `account.role`, made now or the existing one given that role.

    Returns the user and whether it was created. An existing account keeps its password.
    """
    _check_role(account.role)
    user = find_user_by_email(account.email.strip().lower())
    created = user is None
    if created:
        user = create_user(account, roles=())
        record_audit("user.created", "user", user.id, role=account.role, via="cli")
    grant_role(user.id, account.role, actor_id=None, via="cli")
    return user, created


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
