"""The effective gap profile per engineer: self-report blended with what mentors observed."""

from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from pmcohort.core.columns import InsertedAt
from pmcohort.core.extensions import db


class SkillSnapshot(db.Model):
    """One row per engineer, recomputed when new evidence or a new assessment lands.

    Matching reads `effective` from here, one row per engineer, instead of re-reading every
    observation; `rules_version` says which blend rules (`domain.evidence`) made it, so a change of
    rules recomputes the rows it left behind.
    """

    __tablename__ = "skill_snapshots"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    rules_version: Mapped[int] = mapped_column()
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("assessment_attempts.id", ondelete="SET NULL"))
    effective: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # what matching and the top gaps use
    self_reported: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    # skill -> {"score", "observations", "sources", "kinds", "weight"}
    observed: Mapped[dict[str, dict[str, Any]]] = mapped_column(JSON, default=dict)
    confirmed_pitfalls: Mapped[list[str]] = mapped_column(JSON, default=list)
    largest_gap: Mapped[str | None] = mapped_column(String(32))
    computed_at: Mapped[InsertedAt]
