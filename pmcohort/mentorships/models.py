"""Proposals to change an engineer's mentoring when their largest gap moves."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from pmcohort.cohorts.models import EngineerAndMentor
from pmcohort.core.columns import InsertedAt, unique_where
from pmcohort.core.extensions import db
from pmcohort.domain.statuses import RematchChoice, RematchStatus, sql_in


class RematchProposal(EngineerAndMentor, db.Model):
    """The engineer's largest effective gap moved to a skill their mentor is weak in.

    The cohort's lead (the engineer outside a cohort) chooses: a secondary mentor for that skill,
    a re-match, or neither. Nothing changes until they do.
    """

    __tablename__ = "rematch_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    engineer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    match_id: Mapped[int | None] = mapped_column(ForeignKey("matches.id", ondelete="SET NULL"))  # the active match
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))  # its mentor
    skill: Mapped[str] = mapped_column(String(32))  # the new largest gap
    previous_skill: Mapped[str | None] = mapped_column(String(32))
    skill_score: Mapped[int] = mapped_column()  # the effective score of `skill` when proposed
    mentor_strength: Mapped[int] = mapped_column()  # the mentor's strength in `skill`, 1-5
    # The best mentors for the skill when proposed: mentor_id, name, strength, score, reasons, free_places,
    # capacity, reliability and reliability_reasons (shown to the cohort's lead).
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default=RematchStatus.OPEN)
    choice: Mapped[str | None] = mapped_column(String(16))
    chosen_mentor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    new_match_id: Mapped[int | None] = mapped_column(ForeignKey("matches.id", ondelete="SET NULL"))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[InsertedAt]

    __table_args__ = (
        CheckConstraint(sql_in("status", RematchStatus), name="known_status"),
        CheckConstraint(f"choice IS NULL OR {sql_in('choice', RematchChoice)}", name="known_choice"),
        # One open proposal per engineer: a newer one supersedes it.
        unique_where("uq_rematch_proposals_one_open", "engineer_id", where=f"status = '{RematchStatus.OPEN}'"),
    )
