"""Cohorts: creation, enrolment, and the lead's pair rules."""

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import contains_eager, selectinload

from pmcohort.accounts.models import User
from pmcohort.cohorts.models import Cohort, CohortLead, CohortMember, PairRule
from pmcohort.core.errors import ServiceError
from pmcohort.core.extensions import db
from pmcohort.domain.limits import COHORT_WEEKS, DEFAULT_COHORT_WEEKS
from pmcohort.domain.statuses import MemberRole, PairRuleKind
from pmcohort.ops.models import record_audit

_EMAIL_SEPARATORS = re.compile(r"[\s,;]+")


def create_cohort(actor_id: int, name: str, start_date: date, weeks: int = DEFAULT_COHORT_WEEKS) -> Cohort:
    if not name.strip():
        raise ServiceError("name", "Give the cohort a name.")
    if weeks not in COHORT_WEEKS:
        raise ServiceError("weeks", f"Enter a length between {COHORT_WEEKS.low} and {COHORT_WEEKS.high} weeks.")
    cohort = Cohort(name=name.strip(), start_date=start_date, weeks=weeks, created_by=actor_id)
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
