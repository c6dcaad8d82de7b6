"""Cohorts: creation, enrolment, and the lead's pair rules."""

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import contains_eager, selectinload

from pmcohort.accounts.models import User
from pmcohort.cohorts.models import (
    Announcement,
    Cohort,
    CohortDeparture,
    CohortLead,
    CohortMember,
    Match,
    PairRule,
)
from pmcohort.core.errors import NotFoundError, ServiceError
from pmcohort.core.extensions import db
from pmcohort.domain.cohort_lifecycle import CohortFacts, check_step, is_read_only
from pmcohort.domain.limits import ANNOUNCEMENT_TEXT, COHORT_WEEKS, DEFAULT_COHORT_WEEKS, NUDGE_TEXT, Bounds
from pmcohort.domain.statuses import MATCH_OPEN, CohortStatus, DepartureKind, MemberRole, PairRuleKind, Role
from pmcohort.mentorships import services as matching
from pmcohort.notifications.outbox import enqueue
from pmcohort.ops.models import record_audit

_EMAIL_SEPARATORS = re.compile(r"[\s,;]+")


def create_cohort(
    actor_id: int, name: str, start_date: date, weeks: int = DEFAULT_COHORT_WEEKS, description: str = ""
) -> Cohort:
    if not name.strip():
        raise ServiceError("name", "Give the cohort a name.")
    if weeks not in COHORT_WEEKS:
        raise ServiceError("weeks", f"Enter a length between {COHORT_WEEKS.low} and {COHORT_WEEKS.high} weeks.")
    cohort = Cohort(
        name=name.strip(), start_date=start_date, weeks=weeks, description=description.strip(), created_by=actor_id
    )
    cohort.leads.append(CohortLead(user_id=actor_id))
    db.session.add(cohort)
    db.session.flush()
    record_audit("cohort.created", "cohort", cohort.id, actor_id=actor_id, name=cohort.name)
    db.session.commit()
    return cohort


@dataclass(frozen=True)
class EnrolmentReport:
    added: list[str]
    already: list[str]
    problems: list[str]  # "email: why", for the lead to fix


def enroll(cohort_id: int, role: str, emails_text: str, *, actor_id: int) -> EnrolmentReport:
    """Enroll existing users by email. Nothing is saved if any address has a problem."""
    ensure_editable(db.session.get(Cohort, cohort_id))
    if role not in tuple(MemberRole):
        raise ServiceError("role", "Enroll engineers or mentors.")
    emails = [email.lower() for email in _EMAIL_SEPARATORS.split(emails_text.strip()) if email]
    if not emails:
        raise ServiceError("emails", "Paste one or more email addresses.")
    users = {
        user.email: user
        for user in db.session.scalars(select(User).options(selectinload(User.role_rows)).where(User.email.in_(emails)))
    }
    current = set(
        db.session.scalars(
            select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id, CohortMember.role == role)
        )
    )
    added, already, problems = [], [], []
    for email in dict.fromkeys(emails):
        user = users.get(email)
        if user is None:
            problems.append(f"{email}: no account uses this email; ask them to sign up first")
        elif not user.has_role(role):
            problems.append(
                f"{email}: this account is not {'an engineer' if role == MemberRole.ENGINEER else 'a mentor'}"
            )
        elif user.id in current:
            already.append(email)
        else:
            added.append(email)
    if problems:
        return EnrolmentReport([], already, problems)
    for email in added:
        db.session.add(CohortMember(cohort_id=cohort_id, user_id=users[email].id, role=role))
    if added:
        record_audit("cohort.enrolled", "cohort", cohort_id, actor_id=actor_id, role=role, emails=added)
    db.session.commit()
    return EnrolmentReport(added, already, [])


def members(cohort_id: int) -> dict[str, list[CohortMember]]:
    """The cohort's engineers and mentors, each list by name, in one query."""
    by_role: dict[str, list[CohortMember]] = {role: [] for role in MemberRole}
    for member in db.session.scalars(
        select(CohortMember)
        .join(User, User.id == CohortMember.user_id)
        .options(contains_eager(CohortMember.user))  # the join that sorts also loads: users joined once
        .where(CohortMember.cohort_id == cohort_id)
        .order_by(User.name, User.id)
    ):
        by_role[member.role].append(member)
    return by_role


def set_pair_rule(cohort_id: int, engineer_id: int, mentor_id: int, kind: str | None, *, actor_id: int) -> None:
    """Pin or forbid a pair for the next runs; kind None removes the rule."""
    ensure_editable(db.session.get(Cohort, cohort_id))
    if kind not in (None, *PairRuleKind):
        raise ServiceError("kind", "Pin or forbid a pair.")
    enrolled = set(
        db.session.execute(
            select(CohortMember.user_id, CohortMember.role).where(CohortMember.cohort_id == cohort_id)
        ).all()
    )
    if (engineer_id, MemberRole.ENGINEER) not in enrolled or (mentor_id, MemberRole.MENTOR) not in enrolled:
        raise ServiceError(None, "Both people must be enrolled in this cohort.")
    db.session.execute(
        delete(PairRule).where(
            PairRule.cohort_id == cohort_id, PairRule.engineer_id == engineer_id, PairRule.mentor_id == mentor_id
        )
    )
    if kind == PairRuleKind.PINNED:
        # One pin per engineer: pinning a new mentor replaces the old pin.
        db.session.execute(
            delete(PairRule).where(
                PairRule.cohort_id == cohort_id,
                PairRule.engineer_id == engineer_id,
                PairRule.kind == PairRuleKind.PINNED,
            )
        )
    if kind is not None:
        db.session.add(
            PairRule(cohort_id=cohort_id, engineer_id=engineer_id, mentor_id=mentor_id, kind=kind, created_by=actor_id)
        )
    record_audit(
        "cohort.pair_rule",
        "cohort",
        cohort_id,
        actor_id=actor_id,
        engineer_id=engineer_id,
        mentor_id=mentor_id,
        kind=kind,
    )
    db.session.commit()


def pair_rules(cohort_id: int) -> list[PairRule]:
    return list(db.session.scalars(select(PairRule).where(PairRule.cohort_id == cohort_id)))


def cohorts_led_by(user_id: int) -> list[Cohort]:
    return list(
        db.session.scalars(
            select(Cohort).join(CohortLead).where(CohortLead.user_id == user_id).order_by(Cohort.start_date.desc())
        )
    )


# --- the cohort lead's console: lifecycle, details, leads, member changes, announcements, nudges


def _cohort_for_update(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id, with_for_update={"of": Cohort})
    if cohort is None:
        raise NotFoundError("cohort", cohort_id)
    return cohort


def ensure_editable(cohort: Cohort) -> None:
    if is_read_only(cohort.status):
        raise ServiceError(None, "This cohort is completed: it is read-only and keeps its history as it is.")


def lifecycle_facts(cohort: Cohort) -> CohortFacts:
    members = dict(
        db.session.execute(
            select(CohortMember.role, func.count())
            .where(CohortMember.cohort_id == cohort.id)
            .group_by(CohortMember.role)
        ).all()
    )
    open_matches = db.session.scalar(
        select(func.count()).select_from(Match).where(Match.cohort_id == cohort.id, Match.status.in_(MATCH_OPEN))
    )
    return CohortFacts(
        cohort.status, members.get(MemberRole.ENGINEER, 0), members.get(MemberRole.MENTOR, 0), open_matches
    )


def change_status(cohort_id: int, target: str, *, actor_id: int) -> Cohort:
    """Take one lifecycle step; only the steps `cohort_lifecycle` offers from the current state."""
    cohort = _cohort_for_update(cohort_id)
    blocked = check_step(lifecycle_facts(cohort), target)
    if blocked:
        raise ServiceError(None, blocked)
    before = cohort.status
    cohort.status = target
    record_audit("cohort.status_changed", "cohort", cohort.id, actor_id=actor_id, before=before, after=target)
    db.session.commit()
    return cohort


def update_details(
    cohort_id: int, *, name: str, start_date: date, weeks: int, description: str, actor_id: int
) -> Cohort:
    cohort = _cohort_for_update(cohort_id)
    ensure_editable(cohort)
    if not name.strip():
        raise ServiceError("name", "Give the cohort a name.")
    if weeks not in COHORT_WEEKS:
        raise ServiceError("weeks", f"Enter a length between {COHORT_WEEKS.low} and {COHORT_WEEKS.high} weeks.")
    changed = {
        key: str(value)
        for key, value in (
            ("name", name.strip()),
            ("start_date", start_date),
            ("weeks", weeks),
            ("description", description.strip()),
        )
        if str(getattr(cohort, key)) != str(value)
    }
    cohort.name, cohort.start_date, cohort.weeks, cohort.description = (
        name.strip(),
        start_date,
        weeks,
        description.strip(),
    )
    if changed:
        record_audit("cohort.details_changed", "cohort", cohort.id, actor_id=actor_id, changed=sorted(changed))
    db.session.commit()
    return cohort


def lead_users(cohort_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(CohortLead, CohortLead.user_id == User.id)
            .where(CohortLead.cohort_id == cohort_id)
            .order_by(User.name, User.id)
        )
    )


def add_lead(cohort_id: int, email: str, *, actor_id: int) -> User:
    cohort = _cohort_for_update(cohort_id)
    ensure_editable(cohort)
    user = db.session.scalar(
        select(User).options(selectinload(User.role_rows)).where(User.email == email.strip().lower())
    )
    if user is None or not user.has_role(Role.LEAD):
        raise ServiceError("email", "No cohort lead uses this email. An admin gives the lead role first.")
    if user.id in cohort.lead_ids:
        raise ServiceError("email", f"{user.name} already leads this cohort.")
    cohort.leads.append(CohortLead(user_id=user.id))
    record_audit("cohort.lead_added", "cohort", cohort.id, actor_id=actor_id, user_id=user.id)
    db.session.commit()
    return user


def remove_lead(cohort_id: int, user_id: int, *, actor_id: int) -> None:
    cohort = _cohort_for_update(cohort_id)
    ensure_editable(cohort)
    if user_id not in cohort.lead_ids:
        raise NotFoundError("lead", user_id)
    if len(cohort.lead_ids) == 1:
        raise ServiceError(None, "A cohort keeps at least one lead. Add another lead first.")
    cohort.leads = [lead for lead in cohort.leads if lead.user_id != user_id]
    record_audit("cohort.lead_removed", "cohort", cohort.id, actor_id=actor_id, user_id=user_id)
    db.session.commit()


# What a departure keeps of the membership it replaces.
_MEMBERSHIP_KEPT = ("cohort_id", "user_id", "role", "enrolled_at")


def _leave(member: CohortMember, kind: str, *, actor_id: int, reason: str, moved_to: int | None) -> None:
    """Take `member` out of their cohort: a departure row keeps the membership, their open matches in the
    cohort end, and the audit records it as cohort.member_removed or cohort.member_moved."""
    reason = reason.strip()
    kept = {name: getattr(member, name) for name in _MEMBERSHIP_KEPT}
    db.session.add(CohortDeparture(**kept, kind=kind, moved_to_cohort_id=moved_to, reason=reason, left_by=actor_id))
    db.session.delete(member)
    ended = matching.end_open_matches_in_cohort(
        member.cohort_id, member.user_id, actor_id=actor_id, reason=reason or "Left the cohort"
    )
    moved = {"to_cohort_id": moved_to} if moved_to is not None else {}
    record_audit(
        f"cohort.member_{kind}",
        "cohort",
        member.cohort_id,
        actor_id=actor_id,
        user_id=member.user_id,
        role=member.role,
        **moved,
        matches_ended=ended,
    )


def _membership(cohort_id: int, user_id: int, role: str) -> CohortMember:
    member = db.session.scalar(
        select(CohortMember).where(
            CohortMember.cohort_id == cohort_id, CohortMember.user_id == user_id, CohortMember.role == role
        )
    )
    if member is None:
        raise ServiceError(None, "This person is no longer in the cohort.")
    return member


def membership(cohort_id: int, user_id: int) -> CohortMember | None:
    """Someone's place in the cohort (as an engineer first, if they are both)."""
    return db.session.scalar(
        select(CohortMember)
        .where(CohortMember.cohort_id == cohort_id, CohortMember.user_id == user_id)
        .order_by(CohortMember.role)
        .limit(1)
    )


def remove_member(cohort_id: int, user_id: int, role: str, *, actor_id: int, reason: str = "") -> None:
    """Take someone out of the cohort. Their matches in it end; everything they did stays."""
    cohort = _cohort_for_update(cohort_id)
    ensure_editable(cohort)
    member = _membership(cohort.id, user_id, role)
    _leave(member, DepartureKind.REMOVED, actor_id=actor_id, reason=reason, moved_to=None)
    db.session.commit()


def move_member(cohort_id: int, user_id: int, role: str, to_cohort_id: int, *, actor_id: int, reason: str = "") -> None:
    """Move someone to another cohort the actor also leads (or any, for an admin: the route checks)."""
    if to_cohort_id == cohort_id:
        raise ServiceError("to_cohort_id", "Choose another cohort.")
    cohort = _cohort_for_update(cohort_id)
    ensure_editable(cohort)
    target = db.session.get(Cohort, to_cohort_id, with_for_update={"of": Cohort})
    if target is None:
        raise ServiceError("to_cohort_id", "Choose a cohort you lead.")
    if is_read_only(target.status):
        raise ServiceError("to_cohort_id", f"“{target.name}” is completed and takes no new members.")
    member = _membership(cohort.id, user_id, role)
    already = db.session.scalar(
        select(CohortMember.id).where(
            CohortMember.cohort_id == target.id, CohortMember.user_id == user_id, CohortMember.role == role
        )
    )
    if already:
        raise ServiceError("to_cohort_id", f"They are already in “{target.name}” as {role}.")
    _leave(member, DepartureKind.MOVED, actor_id=actor_id, reason=reason, moved_to=target.id)
    db.session.add(CohortMember(cohort_id=target.id, user_id=user_id, role=role))
    db.session.commit()


def departures(cohort_id: int) -> list[CohortDeparture]:
    return list(
        db.session.scalars(
            select(CohortDeparture)
            .where(CohortDeparture.cohort_id == cohort_id)
            .order_by(CohortDeparture.left_at.desc())
        )
    )


def _text_in(bounds, text: str, field: str, what: str) -> str:
    text = text.strip()
    if not text:
        raise ServiceError(field, f"Write the {what}.")
    if len(text) > bounds.high:
        raise ServiceError(field, f"Keep the {what} under {bounds.high:,} characters.")
    return text


def announce(cohort_id: int, title: str, body: str, *, actor_id: int) -> Announcement:
    """Post to everyone in the cohort (and its other leads): inbox and email, through the outbox."""
    cohort = _cohort_for_update(cohort_id)
    ensure_editable(cohort)
    title = _text_in(Bounds(1, 160), title, "title", "title")
    body = _text_in(ANNOUNCEMENT_TEXT, body, "body", "announcement")
    recipients = db.session.scalar(
        select(func.count(func.distinct(CohortMember.user_id))).where(CohortMember.cohort_id == cohort.id)
    )
    if not recipients:
        raise ServiceError(None, "Nobody is enrolled yet: enroll people before announcing.")
    announcement = Announcement(cohort_id=cohort.id, author_id=actor_id, title=title, body=body, recipients=recipients)
    db.session.add(announcement)
    db.session.flush()
    enqueue("cohort.announcement", announcement_id=announcement.id)
    record_audit("cohort.announced", "cohort", cohort.id, actor_id=actor_id, announcement_id=announcement.id)
    db.session.commit()
    return announcement


def announcements(cohort_id: int) -> list[Announcement]:
    return list(
        db.session.scalars(
            select(Announcement).where(Announcement.cohort_id == cohort_id).order_by(Announcement.id.desc())
        )
    )


def nudge(cohort_id: int, user_id: int, text: str, *, actor_id: int) -> User:
    """Send one person a lead's note through the outbox; someone who left the cohort is refused."""
    cohort = _cohort_for_update(cohort_id)
    ensure_editable(cohort)
    text = _text_in(NUDGE_TEXT, text, "text", "message")
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFoundError("user", user_id)
    member = db.session.scalar(
        select(CohortMember.id).where(CohortMember.cohort_id == cohort.id, CohortMember.user_id == user_id)
    )
    if member is None:
        left = db.session.scalar(
            select(CohortDeparture)
            .where(CohortDeparture.cohort_id == cohort.id, CohortDeparture.user_id == user_id)
            .order_by(CohortDeparture.left_at.desc())
            .limit(1)
        )
        when = f" on {left.left_at:%d %b %Y}" if left else ""
        raise ServiceError(None, f"{user.name} left this cohort{when}; nothing was sent.")
    if not user.active:
        raise ServiceError(None, f"{user.name}'s account is closed; nothing was sent.")
    enqueue("cohort.nudge", cohort_id=cohort.id, user_id=user.id, lead_id=actor_id, text=text)
    record_audit("cohort.nudged", "user", user.id, actor_id=actor_id, cohort_id=cohort.id)
    db.session.commit()
    return user


def cohorts_movable_to(cohort_id: int, user_id: int, *, is_admin: bool) -> list[Cohort]:
    """The other cohorts someone can be moved to: the ones the actor leads (every one for an admin), not completed."""
    query = select(Cohort).where(Cohort.id != cohort_id, Cohort.status != CohortStatus.COMPLETED)
    if not is_admin:
        query = query.join(CohortLead).where(CohortLead.user_id == user_id)
    return list(db.session.scalars(query.order_by(Cohort.start_date.desc(), Cohort.id)))
