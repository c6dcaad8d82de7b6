"""Column and index declarations the models repeat, written once.

The annotated types follow SQLAlchemy's "mapping whole column declarations to Python types":
`created_at: Mapped[InsertedAt]`. A `mapped_column()` beside one adds to it, as in
`Mapped[InsertedAt] = mapped_column(index=True)`.
"""

from datetime import datetime
from typing import Annotated

from sqlalchemy import Index, text
from sqlalchemy.orm import mapped_column

from pmcohort.core.types import utcnow

# Now, when the row is written (the declarative base maps datetime to UTCDateTime).
InsertedAt = Annotated[datetime, mapped_column(default=utcnow)]
# Now, when the row is written and whenever it changes.
UpdatedAt = Annotated[datetime, mapped_column(default=utcnow, onupdate=utcnow)]


def unique_where(name: str, *columns: str, where: str) -> Index:
    """A partial unique index: `columns` are unique among the rows `where` holds for, on PostgreSQL and SQLite alike."""
    return Index(name, *columns, unique=True, postgresql_where=text(where), sqlite_where=text(where))
