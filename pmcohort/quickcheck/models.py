"""What the quick check keeps: counts per day and path, never anything about a visitor."""

from datetime import date

from sqlalchemy import CheckConstraint, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from pmcohort.core.extensions import db


class QuickCheckTally(db.Model):
    """How many quick checks were completed, and saved into a sign-up, on one day for one path."""

    __tablename__ = "quick_check_tallies"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    path: Mapped[str] = mapped_column(String(32), primary_key=True)
    completed: Mapped[int] = mapped_column(default=0)
    saved: Mapped[int] = mapped_column(default=0)

    __table_args__ = (CheckConstraint("completed >= 0 AND saved >= 0", name="counts_not_negative"),)
