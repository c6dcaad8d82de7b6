"""Mentoring sessions: who takes part, when, and what they said afterwards."""

import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pmcohort.accounts.models import User
from pmcohort.core.columns import InsertedAt, UpdatedAt
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain.limits import ACTION_ITEM_LENGTH, FEEDBACK_RATING, PITFALL_NOTE_LENGTH
from pmcohort.domain.statuses import (
    SESSION_KIND_LABELS,
    Attendance,
    DebriefStatus,
    ParticipantRole,
    SessionKind,
    SessionStatus,
    sql_in,
)
from pmcohort.domain.vocabulary import OVERALL_SIGNALS, PITFALLS, TARGET_LEVELS


class MentoringSession(db.Model):
    """A session of any kind (shadowing, interview practice, role play, one-on-one, workshop): its host, times and
    places. Proposed or scheduled, then cancelled or completed; every change bumps `sequence` for calendar invites."""

    __tablename__ = "mentoring_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=SessionStatus.SCHEDULED)
    title: Mapped[str] = mapped_column(String(160))
    agenda: Mapped[str] = mapped_column(Text, default="")
    watch_for: Mapped[str] = mapped_column(Text, default="")  # shadowing: what to watch for
    confidentiality: Mapped[str] = mapped_column(Text, default="")  # shadowing: what must not leave the room
    interview_kind: Mapped[str | None] = mapped_column(String(16))
    question_key: Mapped[str | None] = mapped_column(String(64))
    persona_key: Mapped[str | None] = mapped_column(String(64))
    skill: Mapped[str | None] = mapped_column(String(16))  # a SKILLS key: what a shadowing session exercises
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    match_id: Mapped[int | None] = mapped_column(ForeignKey("matches.id", ondelete="SET NULL"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    series_id: Mapped[str | None] = mapped_column(String(32), index=True)  # a weekly workshop's occurrences
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    time_zone: Mapped[str] = mapped_column(String(64))  # the host's zone, for the invite's VTIMEZONE
    seat_limit: Mapped[int | None] = mapped_column()
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE: +1 on every change
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_late: Mapped[bool] = mapped_column(default=False)
    # Who cancelled: a mentor's own late cancellations count against their reliability.
    cancelled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[InsertedAt]
    updated_at: Mapped[UpdatedAt]

    host: Mapped[User] = relationship(foreign_keys=[host_id], lazy="joined", innerjoin=True)
    participants: Mapped[list["SessionParticipant"]] = relationship(
        back_populates="mentoring_session", cascade="all, delete-orphan", order_by="SessionParticipant.id"
    )

    __table_args__ = (
        CheckConstraint(sql_in("kind", SessionKind), name="known_kind"),
        CheckConstraint(sql_in("status", SessionStatus), name="known_status"),
        CheckConstraint("start_at < end_at", name="ordered_times"),
        CheckConstraint("seat_limit IS NULL OR seat_limit >= 1", name="seat_limit_positive"),
    )

    @property
    def kind_label(self) -> str:
        return SESSION_KIND_LABELS[self.kind]

    @property
    def kind_tag(self) -> str | None:
        """The kind, as a tag beside the title, unless the title already says it."""
        return None if self.kind_label.lower() in self.title.lower() else self.kind_label

    @property
    def active(self) -> bool:
        return self.status in (SessionStatus.PROPOSED, SessionStatus.SCHEDULED)

    @property
    def in_progress(self) -> bool:
        return self.status == SessionStatus.SCHEDULED and self.start_at <= utcnow() < self.end_at

    @property
    def state_label(self) -> str:
        """The status as it reads now: a scheduled session is "in progress" while it runs and "ended" after."""
        if self.status == SessionStatus.SCHEDULED and self.end_at <= utcnow():
            return "ended"
        return "in progress" if self.in_progress else self.status

    def participant(self, user_id: int) -> "SessionParticipant | None":
        return next((p for p in self.participants if p.user_id == user_id), None)

    def guests(self) -> list["SessionParticipant"]:
        return [p for p in self.participants if p.role == ParticipantRole.PARTICIPANT and p.active]

    def add_participant(self, user_id: int, role: str, *, accepted_at: datetime | None) -> "SessionParticipant":
        """A new place in this session, carrying the session's times (see SessionParticipant)."""
        place = SessionParticipant(
            user_id=user_id, role=role, start_at=self.start_at, end_at=self.end_at, accepted_at=accepted_at
        )
        self.participants.append(place)
        return place


class SessionParticipant(db.Model):
    """A person's place in a session, with a copy of its times.

    The copy lets PostgreSQL refuse overlapping active places for one person with an
    exclusion constraint (added by the migration), whatever races the web tier has.
    """

    __tablename__ = "session_participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("mentoring_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    accepted_at: Mapped[datetime | None]
    attendance: Mapped[str | None] = mapped_column(String(16))
    # The session's times, copied for the exclusion constraint.
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]

    mentoring_session: Mapped[MentoringSession] = relationship(back_populates="participants", lazy="raise")
    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (
        UniqueConstraint("session_id", "user_id", name="uq_session_participants_session_user"),
        CheckConstraint(sql_in("role", ParticipantRole), name="known_role"),
        CheckConstraint(f"attendance IS NULL OR {sql_in('attendance', Attendance)}", name="known_attendance"),
        Index("ix_session_participants_user_times", "user_id", "start_at", "end_at"),
    )


class SessionFeedback(db.Model):
    __tablename__ = "session_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("mentoring_sessions.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE")
    )  # whom rubric scores are about
    rating: Mapped[int] = mapped_column()
    notes: Mapped[str] = mapped_column(Text, default="")
    rubric_key: Mapped[str | None] = mapped_column(String(32))
    rubric_scores: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    rubric_notes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[InsertedAt]

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined", innerjoin=True)

    __table_args__ = (
        UniqueConstraint("session_id", "author_id", name="uq_session_feedback_session_author"),
        CheckConstraint(FEEDBACK_RATING.sql("rating"), name="rating_in_range"),
    )


class ShadowingObservation(db.Model):
    """What the engineer saw in a shadowing session, and the mentor's comment on it."""

    __tablename__ = "shadowing_observations"

    session_id: Mapped[int] = mapped_column(ForeignKey("mentoring_sessions.id", ondelete="CASCADE"), primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    decision: Mapped[str] = mapped_column(Text)
    who_moved_it: Mapped[str] = mapped_column(Text)
    trade_off: Mapped[str] = mapped_column(Text)
    mentor_comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[InsertedAt]


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(db.Model):
    """A user's private calendar feed; revoking replaces the token."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_feed_token)
    created_at: Mapped[InsertedAt]


class PracticeItem(db.Model):
    """The question bank, persona cards and rubrics, editable by admins; seeded from the starter set in pmcohort/data/practice/."""

    __tablename__ = "practice_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_type: Mapped[str] = mapped_column(String(16))  # question | persona | rubric
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str | None] = mapped_column(String(16))  # a question's or rubric's interview kind
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    retired: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[UpdatedAt]

    __table_args__ = (
        UniqueConstraint("item_type", "key", name="uq_practice_items_type_key"),
        CheckConstraint("item_type IN ('question', 'persona', 'rubric')", name="known_type"),
    )


class SessionDebrief(db.Model):
    """The mentor's debrief after a practice or shadowing session: scores and a note per rubric dimension, overall
    notes, an overall signal at the engineer's target level, observed pitfalls and action items.

    The engineer sees it (and the question's strong-answer notes, the persona's hidden constraint) once published.
    """

    __tablename__ = "session_debriefs"

    session_id: Mapped[int] = mapped_column(ForeignKey("mentoring_sessions.id", ondelete="CASCADE"), primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    engineer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=DebriefStatus.DRAFT)
    rubric_key: Mapped[str | None] = mapped_column(String(32))
    scores: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    score_notes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    overall_notes: Mapped[str] = mapped_column(Text, default="")
    target_level: Mapped[str | None] = mapped_column(String(16))
    overall_signal: Mapped[str | None] = mapped_column(String(16))
    published_at: Mapped[datetime | None]
    created_at: Mapped[InsertedAt]
    updated_at: Mapped[UpdatedAt]

    __table_args__ = (
        CheckConstraint(sql_in("status", DebriefStatus), name="known_status"),
        CheckConstraint(f"target_level IS NULL OR {sql_in('target_level', TARGET_LEVELS)}", name="known_level"),
        CheckConstraint(f"overall_signal IS NULL OR {sql_in('overall_signal', OVERALL_SIGNALS)}", name="known_signal"),
    )

    @property
    def published(self) -> bool:
        return self.status == DebriefStatus.PUBLISHED


class ObservedPitfall(db.Model):
    """A pitfall a mentor observed in a session, with a one-line note: "pitfall observed in session X" as a row,
    so the engineer's evidence can count observations per pitfall."""

    __tablename__ = "observed_pitfalls"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session_debriefs.session_id", ondelete="CASCADE"))
    engineer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    pitfall: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(String(PITFALL_NOTE_LENGTH), default="")

    __table_args__ = (
        UniqueConstraint("session_id", "pitfall", name="uq_observed_pitfalls_session_pitfall"),
        CheckConstraint(sql_in("pitfall", PITFALLS), name="known_pitfall"),
    )


class ActionItem(db.Model):
    """One line the engineer should act on, from a session's debrief; open ones show on the engineer's dashboard and
    in the agenda of the pair's next session until the engineer ticks them off."""

    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("mentoring_sessions.id", ondelete="CASCADE"), index=True)
    engineer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    match_id: Mapped[int | None] = mapped_column(ForeignKey("matches.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(String(ACTION_ITEM_LENGTH))
    due_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None]
    created_at: Mapped[InsertedAt]

    mentoring_session: Mapped[MentoringSession] = relationship(lazy="raise")
