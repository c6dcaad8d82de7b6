"""Personal plans: an engineer's 12 months of milestones, the notes on them, and APM seasons."""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pmcohort.accounts.models import User
from pmcohort.core.columns import InsertedAt
from pmcohort.core.extensions import db
from pmcohort.domain import plans
from pmcohort.domain.statuses import sql_in


class Plan(db.Model):
    """One engineer's current plan; starting over replaces it."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    path: Mapped[str] = mapped_column(String(32))
    start_date: Mapped[date] = mapped_column(Date)
    # The gap profile it was made from: skills from the largest gap down, and the attempt they came from.
    skill_order: Mapped[list[str]] = mapped_column(JSON, default=list)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("assessment_attempts.id", ondelete="SET NULL"))
    created_at: Mapped[InsertedAt]

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    milestones: Mapped[list["PlanMilestone"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="(PlanMilestone.due_week, PlanMilestone.id)"
    )

    @property
    def end_date(self) -> date:
        return plans.week_ends(self.start_date, plans.PLAN_WEEKS)


class PlanMilestone(db.Model):
    __tablename__ = "plan_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    key: Mapped[str | None] = mapped_column(String(64))  # the template it came from; None when added by hand
    title: Mapped[str] = mapped_column(String(plans.MAX_TITLE))
    done_when: Mapped[str] = mapped_column(Text)
    skill: Mapped[str | None] = mapped_column(String(32))
    closes_a_gap: Mapped[bool] = mapped_column(default=False)
    due_week: Mapped[int] = mapped_column()
    evidence_kind: Mapped[str | None] = mapped_column(String(24))
    evidence_detail: Mapped[str | None] = mapped_column(String(64))
    evidence_count: Mapped[int] = mapped_column(default=1)
    # What has counted so far ("session:12", "attempt:3", "document:7"), so one event never counts twice.
    evidence_refs: Mapped[list[str]] = mapped_column(JSON, default=list)
    done_at: Mapped[datetime | None]
    done_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))  # None: the evidence
    done_note: Mapped[str] = mapped_column(Text, default="")
    done_link: Mapped[str] = mapped_column(String(plans.MAX_LINK), default="")
    added_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[InsertedAt]

    plan: Mapped[Plan] = relationship(back_populates="milestones")
    notes: Mapped[list["MilestoneNote"]] = relationship(
        cascade="all, delete-orphan", order_by="MilestoneNote.id", lazy="selectin"
    )

    __table_args__ = (
        CheckConstraint(f"due_week BETWEEN 1 AND {plans.PLAN_WEEKS}", name="due_in_plan"),
        CheckConstraint(
            f"evidence_kind IS NULL OR {sql_in('evidence_kind', plans.EvidenceKind)}", name="known_evidence"
        ),
        CheckConstraint("evidence_count >= 1", name="evidence_count_positive"),
    )

    @property
    def done(self) -> bool:
        return self.done_at is not None

    @property
    def evidence(self) -> plans.Evidence | None:
        if self.evidence_kind is None:
            return None
        return plans.Evidence(plans.EvidenceKind(self.evidence_kind), self.evidence_detail, self.evidence_count)

    @property
    def phase(self) -> plans.Phase:
        return plans.phase_of_week(self.due_week)

    def due_date(self, start: date) -> date:
        return plans.week_ends(start, self.due_week)

    def state(self, start: date, today: date) -> plans.MilestoneState:
        return plans.state_of(start, self.due_week, self.done, today)


class MilestoneNote(db.Model):
    """Why a milestone was added, moved, ticked or unticked, by whom."""

    __tablename__ = "plan_milestone_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("plan_milestones.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))  # None: the evidence
    action: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    from_week: Mapped[int | None] = mapped_column()
    to_week: Mapped[int | None] = mapped_column()
    created_at: Mapped[InsertedAt]

    author: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (CheckConstraint(sql_in("action", plans.NoteAction), name="known_action"),)


class ApmSeason(db.Model):
    """An APM program's application window; admins enter them, since the dates change every year."""

    __tablename__ = "apm_seasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    program: Mapped[str] = mapped_column(String(120))
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    link: Mapped[str] = mapped_column(String(plans.MAX_LINK), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[InsertedAt]

    __table_args__ = (CheckConstraint("opens_on <= closes_on", name="ordered_dates"),)

    def as_domain(self) -> plans.Season:
        return plans.Season(self.program, self.opens_on, self.closes_on)
