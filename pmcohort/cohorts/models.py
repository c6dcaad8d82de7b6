"""Cohorts, their matching runs, and matches between engineers and mentors."""

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import JSON, CheckConstraint, Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from pmcohort.accounts.models import User
from pmcohort.core.columns import InsertedAt, unique_where
from pmcohort.core.extensions import db
from pmcohort.domain.limits import COHORT_WEEKS, DEFAULT_COHORT_WEEKS, PERCENT
from pmcohort.domain.statuses import (
    IMPORT_IN_PROGRESS,
    RUN_IN_PROGRESS,
    CohortStatus,
    DepartureKind,
    ImportStatus,
    MatchSource,
    MatchStatus,
    MemberRole,
    PairRuleKind,
    RunStatus,
    sql_in,
)


class Cohort(db.Model):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    start_date: Mapped[date] = mapped_column(Date)
    weeks: Mapped[int] = mapped_column(default=DEFAULT_COHORT_WEEKS)
    status: Mapped[str] = mapped_column(String(16), default=CohortStatus.DRAFT, server_default=CohortStatus.DRAFT)
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[InsertedAt]

    leads: Mapped[list["CohortLead"]] = relationship(cascade="all, delete-orphan")
    # Pages list members with one query (`services.cohorts.members`), never through the cohort.
    members: Mapped[list["CohortMember"]] = relationship(
        cascade="all, delete-orphan", back_populates="cohort", lazy="raise"
    )

    __table_args__ = (
        CheckConstraint(COHORT_WEEKS.sql("weeks"), name="weeks_in_range"),
        CheckConstraint(sql_in("status", CohortStatus), name="known_status"),
    )

    @property
    def lead_ids(self) -> set[int]:
        return {lead.user_id for lead in self.leads}

    @property
    def end_date(self) -> date:
        return self.start_date + timedelta(weeks=self.weeks)

    @property
    def read_only(self) -> bool:
        return self.status == CohortStatus.COMPLETED


class CohortLead(db.Model):
    __tablename__ = "cohort_leads"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


class CohortMember(db.Model):
    __tablename__ = "cohort_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    enrolled_at: Mapped[InsertedAt]

    cohort: Mapped[Cohort] = relationship(back_populates="members", lazy="raise")
    user: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("cohort_id", "user_id", "role", name="uq_cohort_members_cohort_user_role"),
        CheckConstraint(sql_in("role", MemberRole), name="known_role"),
    )


class PairRule(db.Model):
    """A lead's instruction for the next runs: keep this pair together, or never pair them."""

    __tablename__ = "pair_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # pinned together, or forbidden
    engineer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[InsertedAt]

    __table_args__ = (
        UniqueConstraint("cohort_id", "engineer_id", "mentor_id", name="uq_pair_rules_cohort_pair"),
        CheckConstraint(sql_in("kind", PairRuleKind), name="known_kind"),
    )


class CohortJob:
    """Work a worker does for a cohort in the background, reporting its `status` and `progress` as it goes.

    A job class names its `statuses` and which of them are `in_progress_statuses`: the database keeps
    at most one job of a kind in progress per cohort, whatever races the web tier has.
    """

    statuses: ClassVar[type[StrEnum]]
    in_progress_statuses: ClassVar[tuple[StrEnum, ...]]

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    progress: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[InsertedAt]
    finished_at: Mapped[datetime | None]

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (
            CheckConstraint(sql_in("status", cls.statuses), name="known_status"),
            CheckConstraint(PERCENT.sql("progress"), name="progress_in_range"),
            unique_where(
                f"uq_{cls.__tablename__}_one_in_progress", "cohort_id", where=sql_in("status", cls.in_progress_statuses)
            ),
        )

    @property
    def in_progress(self) -> bool:
        return self.status in self.in_progress_statuses


class MatchingRun(CohortJob, db.Model):
    """One solve of a cohort's assignment: previewed by the lead, then published (or not)."""

    __tablename__ = "matching_runs"
    statuses = RunStatus
    in_progress_statuses = RUN_IN_PROGRESS

    status: Mapped[str] = mapped_column(String(16), default=RunStatus.QUEUED)
    stage: Mapped[str] = mapped_column(String(120), default="Waiting for a worker")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    started_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None]


class EngineerAndMentor:
    """A row about one engineer and one mentor (its `engineer_id` and `mentor_id`), in a cohort (`cohort_id`) or
    outside any: both people load with it."""

    @declared_attr
    def engineer(cls) -> Mapped[User]:
        return relationship(foreign_keys=lambda: [cls.engineer_id], lazy="joined", innerjoin=True)

    @declared_attr
    def mentor(cls) -> Mapped[User]:
        return relationship(foreign_keys=lambda: [cls.mentor_id], lazy="joined", innerjoin=True)

    @declared_attr
    def cohort(cls) -> Mapped[Cohort | None]:
        return relationship(Cohort)


class Match(EngineerAndMentor, db.Model):
    """An engineer and a mentor: proposed → accepted by both (active) → completed, or declined / ended / expired."""

    __tablename__ = "matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("matching_runs.id", ondelete="SET NULL"))
    engineer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(16))  # a published cohort run, or the engineer asked
    status: Mapped[str] = mapped_column(String(16), default=MatchStatus.PROPOSED)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Set on a secondary match: a short second mentor for one skill, beside the engineer's main mentor.
    focus_skill: Mapped[str | None] = mapped_column(String(32))
    engineer_accepted_at: Mapped[datetime | None]
    mentor_accepted_at: Mapped[datetime | None]
    activated_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    close_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[InsertedAt]

    __table_args__ = (
        CheckConstraint(sql_in("status", MatchStatus), name="known_status"),
        CheckConstraint(sql_in("source", MatchSource), name="known_source"),
        # One main mentor per mentee: the database refuses a second active match (secondary ones aside).
        unique_where(
            "uq_matches_one_active_per_engineer",
            "engineer_id",
            where=f"status = '{MatchStatus.ACTIVE}' AND focus_skill IS NULL",
        ),
        Index("ix_matches_status_created", "status", "created_at"),
    )

    def side_of(self, user_id: int) -> MemberRole | None:
        if user_id == self.engineer_id:
            return MemberRole.ENGINEER
        if user_id == self.mentor_id:
            return MemberRole.MENTOR
        return None

    def accepted_by(self, side: MemberRole) -> bool:
        return (self.engineer_accepted_at if side == MemberRole.ENGINEER else self.mentor_accepted_at) is not None


class CohortDeparture(db.Model):
    """Someone who left a cohort: removed by a lead or moved to another cohort. Their matches,
    sessions and assessments stay where they were; this row keeps the membership itself."""

    __tablename__ = "cohort_departures"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    moved_to_cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    enrolled_at: Mapped[datetime]
    left_at: Mapped[InsertedAt]
    left_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined", innerjoin=True)

    __table_args__ = (
        CheckConstraint(sql_in("role", MemberRole), name="known_role"),
        CheckConstraint(sql_in("kind", DepartureKind), name="known_kind"),
    )


class CohortInvitation(db.Model):
    """An emailed link to join a cohort in a role: single use (`used_at`), expires (`expires_at`).
    The link carries the id signed with the app's secret, so ids cannot be guessed into links."""

    __tablename__ = "cohort_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(16))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    path: Mapped[str | None] = mapped_column(String(32))
    domain: Mapped[str | None] = mapped_column(String(32))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("roster_imports.id", ondelete="SET NULL"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[InsertedAt]

    cohort: Mapped[Cohort] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (CheckConstraint(sql_in("role", MemberRole), name="known_role"),)


class RosterImport(CohortJob, db.Model):
    """A CSV of members that passed the dry run, then imported all at once by a worker.

    One at a time per cohort: two at once could enroll the same person twice.
    """

    __tablename__ = "roster_imports"
    statuses = ImportStatus
    in_progress_statuses = IMPORT_IN_PROGRESS

    filename: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[str] = mapped_column(String(16), default=ImportStatus.CHECKED)
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    total: Mapped[int] = mapped_column(default=0)
    stage: Mapped[str] = mapped_column(String(120), default="Checked; not imported yet")
    enrolled: Mapped[int] = mapped_column(default=0)
    invited: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Announcement(db.Model):
    """A lead's message to everyone in a cohort: in the inbox and by email, through the outbox."""

    __tablename__ = "cohort_announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text)
    recipients: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[InsertedAt]
