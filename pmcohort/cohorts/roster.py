"""Enrollment at scale: invitations by email and CSV imports of engineers and mentors.

Like the area's services, these take ids and own their transactions; the rules for a CSV's rows
are `pmcohort.domain.roster`. An import is checked first (a dry run that writes nothing), then
run by a worker in one transaction: everyone is enrolled or invited, or nobody is.
"""

from dataclasses import dataclass
from datetime import datetime

from itsdangerous import BadSignature
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload

from pmcohort.accounts.models import User, UserRole
from pmcohort.cohorts import dashboard
from pmcohort.cohorts.models import Cohort, CohortInvitation, CohortMember, RosterImport
from pmcohort.cohorts.services import ensure_editable
from pmcohort.core import jobs
from pmcohort.core.errors import NotFoundError, ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.tokens import signed_links
from pmcohort.core.types import utcnow
from pmcohort.domain.limits import INVITATION_EXPIRES_AFTER
from pmcohort.domain.roster import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, RosterCheck, RosterFileError, read_roster
from pmcohort.domain.statuses import ImportStatus, MemberRole
from pmcohort.notifications.outbox import enqueue
from pmcohort.ops.models import record_audit

# Invitation emails go out in outbox rows of this many recipients: one row per person would be
# 5,000 tasks for a large import; one row for all would hold a single worker for minutes.
INVITATIONS_PER_MESSAGE = 200
_PROGRESS_EVERY = 500  # rows checked between progress updates
# What an invitation says about the person invited: a roster row's columns, carried over when it is resent.
_INVITEE_FIELDS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS


def enrolled_emails(cohort_id: int) -> dict[str, str]:
    """Every email already in the cohort, with the role it has there."""
    return dict(
        db.session.execute(
            select(User.email, CohortMember.role)
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(CohortMember.cohort_id == cohort_id)
        ).all()
    )


# --- invitations

_INVITATION_SALT = "cohort-invitation"


def invitation_token(invitation_id: int) -> str:
    return signed_links(_INVITATION_SALT).dumps(invitation_id)


def invitation_id_from(token: str) -> int | None:
    try:
        value = signed_links(_INVITATION_SALT).loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, int) else None


def _editable_cohort(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFoundError("cohort", cohort_id)
    ensure_editable(cohort)
    return cohort


def _enrolled_as(cohort_id: int, email: str) -> str | None:
    """The role the address already has in the cohort, if any: one row, not the whole member list."""
    return db.session.scalar(
        select(CohortMember.role)
        .join(User, User.id == CohortMember.user_id)
        .where(CohortMember.cohort_id == cohort_id, User.email == email)
        .limit(1)
    )


def _send_invitation(cohort_id: int, *, actor_id: int, **invitee) -> CohortInvitation:
    """A new invitation with a fresh expiry, its email queued in the same transaction."""
    invitation = CohortInvitation(
        cohort_id=cohort_id, **invitee, expires_at=utcnow() + INVITATION_EXPIRES_AFTER, created_by=actor_id
    )
    db.session.add(invitation)
    db.session.flush()
    enqueue("cohort.invitations", invitation_ids=[invitation.id])
    return invitation


def invite(cohort_id: int, email: str, role: str, *, actor_id: int, name: str = "") -> CohortInvitation:
    _editable_cohort(cohort_id)
    email = email.strip().lower()
    if role not in tuple(MemberRole):
        raise ServiceError("role", "Invite an engineer or a mentor.")
    already = _enrolled_as(cohort_id, email)
    if already:
        raise ServiceError("email", f"{email} is already enrolled in this cohort as {already}.")
    invitation = _send_invitation(cohort_id, actor_id=actor_id, email=email, name=name.strip(), role=role)
    record_audit("cohort.invited", "cohort", cohort_id, actor_id=actor_id, email=email, role=role)
    db.session.commit()
    return invitation


def _newer_invitation_exists(invitation):
    """An invitation sent later to the same address, cohort and role: it replaces this one.
    `invitation` is a row, or the CohortInvitation class itself for a correlated subquery."""
    newer = aliased(CohortInvitation)
    return (
        select(newer.id)
        .where(
            newer.cohort_id == invitation.cohort_id,
            newer.email == invitation.email,
            newer.role == invitation.role,
            newer.id > invitation.id,
        )
        .exists()
    )


def _invitee_enrolled(invitation):
    """The invited address already belongs to a member of the cohort (enrolled by email or by an
    import, or in the other role): there is nothing left to answer. Correlated like `_newer_invitation_exists`."""
    return (
        select(CohortMember.id)
        .join(User, User.id == CohortMember.user_id)
        .where(CohortMember.cohort_id == invitation.cohort_id, User.email == invitation.email)
        .exists()
    )


UNANSWERED_SHOWN = 50


def unanswered_invitations(cohort_id: int) -> list[CohortInvitation]:
    """The cohort's invitations nobody has used, still open or expired, the latest only for each
    address and role, for people not in the cohort yet: the ones a lead may resend. Newest first."""
    return list(
        db.session.scalars(
            select(CohortInvitation)
            .where(
                CohortInvitation.cohort_id == cohort_id,
                CohortInvitation.used_at.is_(None),
                ~_newer_invitation_exists(CohortInvitation),
                ~_invitee_enrolled(CohortInvitation),
            )
            .order_by(CohortInvitation.id.desc())
            .limit(UNANSWERED_SHOWN)
        )
    )


def resend_invitation(cohort_id: int, invitation_id: int, *, actor_id: int) -> CohortInvitation:
    """Send a pending or expired invitation again, as a new invitation: a new single-use link with a
    fresh expiry. The old link stops working at once. An accepted invitation is not resent."""
    _editable_cohort(cohort_id)
    old = db.session.scalar(
        select(CohortInvitation)
        .where(CohortInvitation.id == invitation_id, CohortInvitation.cohort_id == cohort_id)
        .with_for_update(of=CohortInvitation)
    )
    if old is None:
        raise NotFoundError("invitation", invitation_id)
    problem = None
    if old.used_at is not None:
        problem = f"{old.email} already accepted this invitation on {old.used_at:%d %b %Y}: there is nothing to resend."
    elif db.session.scalar(select(_newer_invitation_exists(old))):
        problem = f"A newer invitation to {old.email} was already sent. Resend that one if it is needed."
    elif already := _enrolled_as(cohort_id, old.email):
        problem = f"{old.email} is already enrolled in this cohort as {already}."
    if problem:
        db.session.rollback()
        raise ServiceError(None, problem)
    new = _send_invitation(
        cohort_id,
        actor_id=actor_id,
        **{field: getattr(old, field) for field in _INVITEE_FIELDS},
        import_id=old.import_id,
    )
    old.expires_at = min(old.expires_at, utcnow())  # its link is refused from now on
    record_audit(
        "cohort.invitation_resent",
        "cohort",
        cohort_id,
        actor_id=actor_id,
        email=new.email,
        role=new.role,
        invitation_id=new.id,
        replaces=old.id,
    )
    db.session.commit()
    return new


@dataclass(frozen=True)
class InvitationState:
    invitation: CohortInvitation
    problem: str | None  # why it cannot be used, in words; None when it can


def invitation_state(invitation_id: int, now: datetime | None = None) -> InvitationState:
    """An invitation and whether it can still be used, for the page its link opens."""
    invitation = db.session.get(CohortInvitation, invitation_id)
    if invitation is None:
        raise NotFoundError("invitation", invitation_id)
    now = now or utcnow()
    problem = None
    if invitation.used_at is not None:
        problem = f"This invitation was already used on {invitation.used_at:%d %b %Y}. Each link works once."
    elif db.session.scalar(select(_newer_invitation_exists(invitation))):
        problem = "This link was replaced by a newer invitation. Use the link in the latest invitation email."
    elif invitation.expires_at <= now:
        problem = f"This invitation expired on {invitation.expires_at:%d %b %Y}. Ask the cohort lead to send a new one."
    elif invitation.cohort.read_only:
        problem = f"“{invitation.cohort.name}” has completed and takes no new members."
    return InvitationState(invitation, problem)


def accept_invitation(invitation_id: int, *, user_id: int) -> tuple[Cohort, bool]:
    """Join the cohort in the invited role. Returns (cohort, joined): joined is False when the
    person was already enrolled in that role (the invitation is used up all the same)."""
    invitation = db.session.get(CohortInvitation, invitation_id, with_for_update={"of": CohortInvitation})
    if invitation is None:
        raise NotFoundError("invitation", invitation_id)
    problem = invitation_state(invitation_id).problem
    if problem:
        db.session.rollback()
        raise ServiceError(None, problem)
    user = db.session.scalar(select(User).options(selectinload(User.role_rows)).where(User.id == user_id))
    if user.email != invitation.email:
        db.session.rollback()
        raise ServiceError(
            None,
            f"This invitation is for {invitation.email}, and you are signed in as {user.email}. "
            "Sign out, then open the link again and sign in or sign up with that address.",
        )
    cohort = invitation.cohort
    invitation.used_at, invitation.used_by = utcnow(), user.id
    already = db.session.scalar(
        select(CohortMember.id).where(
            CohortMember.cohort_id == cohort.id, CohortMember.user_id == user.id, CohortMember.role == invitation.role
        )
    )
    if not already:
        user.add_role(invitation.role)  # engineer and mentor are roles anyone may take
        db.session.add(CohortMember(cohort_id=cohort.id, user_id=user.id, role=invitation.role))
    record_audit(
        "cohort.invitation_accepted",
        "cohort",
        cohort.id,
        actor_id=user.id,
        role=invitation.role,
        already_enrolled=bool(already),
        invitation_id=invitation.id,
    )
    db.session.commit()
    return cohort, not already


# --- CSV imports


def dry_run(cohort_id: int, data: bytes) -> RosterCheck:
    """Check a file against the rules and the cohort's current members. Writes nothing.

    Raises ServiceError at the `file` field when the file cannot be read at all."""
    cohort = db.session.get(Cohort, cohort_id)
    ensure_editable(cohort)
    try:
        return read_roster(data, enrolled=enrolled_emails(cohort_id))
    except RosterFileError as error:
        raise ServiceError("file", str(error)) from None


def stage_import(
    cohort_id: int, data: bytes, filename: str, *, actor_id: int
) -> tuple[RosterCheck, RosterImport | None]:
    """Dry-run the file; if every row passes, keep the rows for the lead to confirm. With any
    problem nothing is stored at all."""
    check = dry_run(cohort_id, data)
    if not check.ok:
        db.session.rollback()
        return check, None
    staged = RosterImport(
        cohort_id=cohort_id,
        filename=filename[:255],
        rows=[row.as_dict() for row in check.rows],
        total=len(check.rows),
        created_by=actor_id,
    )
    db.session.add(staged)
    db.session.commit()
    return check, staged


def roster_import(cohort_id: int, import_id: int) -> RosterImport:
    staged = db.session.get(RosterImport, import_id)
    if staged is None or staged.cohort_id != cohort_id:
        raise NotFoundError("import", import_id)
    return staged


def start_import(cohort_id: int, import_id: int, *, actor_id: int) -> RosterImport:
    """Queue a checked import for a worker."""
    staged = roster_import(cohort_id, import_id)
    ensure_editable(db.session.get(Cohort, cohort_id))
    if staged.status != ImportStatus.CHECKED:
        raise ServiceError(None, f"This import is already {staged.status}.")
    staged.status, staged.stage = ImportStatus.QUEUED, "Waiting for a worker"
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ServiceError(None, "Another import is running for this cohort. Wait for it to finish.") from None
    enqueue("cohort.import", import_id=staged.id)
    record_audit("cohort.import_started", "roster_import", staged.id, actor_id=actor_id, cohort_id=cohort_id)
    db.session.commit()
    return staged


class _ImportRefused(Exception):
    """The rows no longer fit the cohort (someone enrolled meanwhile): nothing is written."""


IMPORT_JOB = jobs.JobKind(
    RosterImport, "Nothing was imported", (_ImportRefused,), "The import failed unexpectedly; try again."
)


def execute_import(import_id: int) -> bool:
    """Run a queued import. Returns False if it was not queued (another worker has it).

    The rows are checked again against the cohort as it is now (it may have changed since the
    dry run), with the progress committed as it goes; then everything is written in one
    transaction, so the import lands whole or not at all."""
    if not jobs.claim(IMPORT_JOB, import_id, progress=2, stage="Loading the cohort"):
        return False
    staged = db.session.get(RosterImport, import_id)
    try:
        plan = _plan(staged)
        jobs.show_progress(staged, 80, f"Enrolling and inviting {staged.total:,} people")
        _write(staged, plan)
        staged.status, staged.progress, staged.finished_at = ImportStatus.DONE, 100, utcnow()
        staged.stage = "Imported"
        staged.rows = []  # the people are in the cohort now; the copy of the file is not needed
        record_audit(
            "cohort.imported",
            "roster_import",
            staged.id,
            actor_id=staged.created_by,
            cohort_id=staged.cohort_id,
            enrolled=staged.enrolled,
            invited=staged.invited,
        )
        db.session.commit()
        dashboard.forget(db.session.get(Cohort, staged.cohort_id))
    except Exception as error:
        if not jobs.record_failure(IMPORT_JOB, import_id, error):
            raise
    return True


@dataclass
class _Plan:
    enroll: list[tuple[int, str]]  # (user id, role)
    grant_roles: list[tuple[int, str]]  # existing accounts that take the role with the cohort
    invite: list[dict]


def _plan(staged: RosterImport) -> _Plan:
    cohort = db.session.get(Cohort, staged.cohort_id)
    if cohort.read_only:
        raise _ImportRefused("The cohort was completed before the import ran.")
    enrolled = enrolled_emails(cohort.id)
    accounts: dict[str, tuple[int, set[str]]] = {}
    emails = [row["email"] for row in staged.rows]
    for start in range(0, len(emails), 1000):
        chunk = emails[start : start + 1000]
        for user_id, email, role in db.session.execute(
            select(User.id, User.email, UserRole.role)
            .outerjoin(UserRole, UserRole.user_id == User.id)
            .where(User.email.in_(chunk))
        ):
            accounts.setdefault(email, (user_id, set()))[1].add(role)
    plan = _Plan([], [], [])
    conflicts = []
    for index, row in enumerate(staged.rows, start=1):
        if row["email"] in enrolled:
            conflicts.append(f"row {row['row']} ({row['email']}) enrolled as {enrolled[row['email']]} meanwhile")
        elif row["email"] in accounts:
            user_id, roles = accounts[row["email"]]
            plan.enroll.append((user_id, row["role"]))
            if row["role"] not in roles:
                plan.grant_roles.append((user_id, row["role"]))
        else:
            plan.invite.append(row)
        if index % _PROGRESS_EVERY == 0:
            jobs.show_progress(staged, 5 + 70 * index // staged.total, f"Checked {index:,} of {staged.total:,} rows")
    if conflicts:
        raise _ImportRefused(
            "Nothing was imported: the cohort changed since the dry run. "
            + "; ".join(conflicts[:10])
            + (f"; and {len(conflicts) - 10} more" if len(conflicts) > 10 else "")
            + ". Upload the file again to check it."
        )
    return plan


def _write(staged: RosterImport, plan: _Plan) -> None:
    now = utcnow()
    if plan.grant_roles:
        db.session.execute(insert(UserRole), [{"user_id": u, "role": r} for u, r in plan.grant_roles])
    if plan.enroll:
        db.session.execute(
            insert(CohortMember),
            [{"cohort_id": staged.cohort_id, "user_id": u, "role": r, "enrolled_at": now} for u, r in plan.enroll],
        )
    invitation_ids: list[int] = []
    if plan.invite:
        invitation_ids = list(
            db.session.scalars(
                insert(CohortInvitation).returning(CohortInvitation.id, sort_by_parameter_order=True),
                [
                    {
                        "cohort_id": staged.cohort_id,
                        **{field: row[field] for field in _INVITEE_FIELDS},
                        "expires_at": now + INVITATION_EXPIRES_AFTER,
                        "import_id": staged.id,
                        "created_by": staged.created_by,
                        "created_at": now,
                    }
                    for row in plan.invite
                ],
            )
        )
    for start in range(0, len(invitation_ids), INVITATIONS_PER_MESSAGE):
        enqueue("cohort.invitations", invitation_ids=invitation_ids[start : start + INVITATIONS_PER_MESSAGE])
    enrolled_ids = [user_id for user_id, _ in plan.enroll]
    for start in range(0, len(enrolled_ids), INVITATIONS_PER_MESSAGE):
        enqueue(
            "cohort.enrolled",
            cohort_id=staged.cohort_id,
            user_ids=enrolled_ids[start : start + INVITATIONS_PER_MESSAGE],
        )
    staged.enrolled, staged.invited = len(plan.enroll), len(plan.invite)
