"""Engineer and mentor profiles, weekly availability, and assessment results."""

from datetime import date
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pmcohort.accounts.models import User
from pmcohort.core.columns import InsertedAt, UpdatedAt
from pmcohort.core.extensions import db
from pmcohort.domain import availability
from pmcohort.domain.limits import MENTOR_CAPACITY, STRENGTH_LEVEL, YEARS_OF_EXPERIENCE


class EngineerProfile(db.Model):
    """Context the assessment does not ask: experience, chosen path, target domain."""

    __tablename__ = "engineer_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    years_experience: Mapped[int] = mapped_column()
    path: Mapped[str] = mapped_column(String(32))
    target_domain: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[UpdatedAt]

    user: Mapped[User] = relationship()

    __table_args__ = (CheckConstraint(YEARS_OF_EXPERIENCE.sql("years_experience"), name="years_in_range"),)


class MentorProfile(db.Model):
    __tablename__ = "mentor_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    headline: Mapped[str] = mapped_column(String(160), default="")
    former_engineer: Mapped[bool] = mapped_column(default=False)
    paths: Mapped[list[str]] = mapped_column(JSON, default=list)
    domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    interview_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[int] = mapped_column(default=2)
    # Active matches, kept by the match operations with one conditional UPDATE each,
    # so concurrent accepts can never push a mentor past capacity.
    active_mentees: Mapped[int] = mapped_column(default=0, server_default="0")
    updated_at: Mapped[UpdatedAt]

    user: Mapped[User] = relationship()
    strengths: Mapped[list["MentorStrength"]] = relationship(
        back_populates="mentor", cascade="all, delete-orphan", order_by="MentorStrength.skill"
    )

    __table_args__ = (
        CheckConstraint(MENTOR_CAPACITY.sql("capacity"), name="capacity_in_range"),
        CheckConstraint("active_mentees >= 0", name="active_mentees_not_negative"),
    )

    @property
    def free_places(self) -> int:
        return max(0, self.capacity - self.active_mentees)

    def strength_levels(self) -> dict[str, int]:
        return {strength.skill: strength.level for strength in self.strengths}


class MentorStrength(db.Model):
    __tablename__ = "mentor_strengths"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profiles.user_id", ondelete="CASCADE"), index=True)
    skill: Mapped[str] = mapped_column(String(32))
    level: Mapped[int] = mapped_column()
    evidence: Mapped[str] = mapped_column(String(200), default="")

    mentor: Mapped[MentorProfile] = relationship(back_populates="strengths", lazy="raise")

    __table_args__ = (
        UniqueConstraint("mentor_id", "skill", name="uq_mentor_strengths_mentor_skill"),
        CheckConstraint(STRENGTH_LEVEL.sql("level"), name="level_in_range"),
    )


class AvailabilityWindow(db.Model):
    """A weekly recurring window in the owner's own time zone."""

    __tablename__ = "availability_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column()
    start_minute: Mapped[int] = mapped_column()
    end_minute: Mapped[int] = mapped_column()

    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_in_range"),
        CheckConstraint("start_minute >= 0 AND end_minute <= 1440 AND start_minute < end_minute", name="window_in_day"),
    )

    def as_domain(self) -> availability.WeeklyWindow:
        return availability.WeeklyWindow(self.weekday, self.start_minute, self.end_minute)


class AwayPeriod(db.Model):
    __tablename__ = "away_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)

    __table_args__ = (CheckConstraint("first_day <= last_day", name="ordered_days"),)

    def as_domain(self) -> availability.Away:
        return availability.Away(self.first_day, self.last_day)


class AssessmentAttempt(db.Model):
    """One completed assessment: the raw answers and what the stored scoring version made of them."""

    __tablename__ = "assessment_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    scoring_version: Mapped[int] = mapped_column()
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    readiness: Mapped[int] = mapped_column()
    skill_scores: Mapped[dict[str, int]] = mapped_column(JSON)
    top_gaps: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    pitfalls: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    completed_at: Mapped[InsertedAt]

    __table_args__ = (Index("ix_assessment_attempts_user_completed", "user_id", "completed_at"),)


class AssessmentDraft(db.Model):
    """Answers saved page by page, so an expired session or a closed tab loses nothing."""

    __tablename__ = "assessment_drafts"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[UpdatedAt]
