"""Who may do what. Routes ask here instead of repeating role and ownership checks."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def roles_required(*roles: str):
    """A view decorator: signed in and holding at least one of `roles` (admins pass every check)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles, "admin"):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def can_manage_users(user) -> bool:
    return user.is_authenticated and user.has_role("admin")


def can_view_assessment(viewer, engineer_id: int) -> bool:
    """An engineer's results: the engineer, their matched mentor, the leads of their cohort."""
    if not viewer.is_authenticated:
        return False
    return viewer.id == engineer_id
