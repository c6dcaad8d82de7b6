"""Paged lists whose page number comes from the address bar."""

from flask_sqlalchemy.pagination import Pagination

from pmcohort.core.extensions import db

# Far past any real list, and small enough that (page - 1) x page size fits the database's OFFSET.
MAX_PAGE = 100_000


def page_of(statement, asked: int, per_page: int) -> Pagination:
    """The asked page of `statement`; a number past the last page shows the last one, below 1 the first."""
    page = db.paginate(statement, page=max(1, min(asked, MAX_PAGE)), per_page=per_page, error_out=False)
    if page.page > max(page.pages, 1):
        page = db.paginate(statement, page=max(page.pages, 1), per_page=per_page, error_out=False)
    return page
