from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from pmcohort.accounts import services as accounts
from pmcohort.accounts.models import User
from pmcohort.admin.forms import (
    PersonaForm,
    QuestionForm,
    RetireForm,
    RoleChangeForm,
    RubricForm,
    UserSearchForm,
)
from pmcohort.core.extensions import db
from pmcohort.core.forms import editor_page, press
from pmcohort.core.paging import page_of
from pmcohort.domain.statuses import Role
from pmcohort.mentoring import practice_bank
from pmcohort.mentoring.models import PracticeItem
from pmcohort.notifications import outbox
from pmcohort.policy import roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin")

USERS_PER_PAGE = 25
# Rules about the whole set of rubric dimensions belong above its rows, not at one of them.
WHOLE_RUBRIC = ("dimensions",)


@bp.get("/users")
@roles_required(Role.ADMIN)
def users():
    search = UserSearchForm(formdata=request.args)
    query = search.q.data or ""
    statement = select(User).options(selectinload(User.role_rows)).order_by(User.name, User.id)
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(or_(User.email.like(pattern), db.func.lower(User.name).like(pattern)))
    page = page_of(statement, request.args.get("page", 1, type=int), USERS_PER_PAGE)
    return render_template("admin/users.html", page=page, query=query, search=search, form=RoleChangeForm())


@bp.post("/users/<int:user_id>/roles")
@roles_required(Role.ADMIN)
def change_role(user_id: int):
    form = RoleChangeForm()
    if not form.validate_on_submit() or form.action.data not in {"grant", "revoke"}:
        flash("Choose a role to grant or revoke.", "error")
        return redirect(url_for("admin.users"), 303)
    granting = form.action.data == "grant"
    change = accounts.grant_role if granting else accounts.revoke_role
    return press(
        lambda: change(user_id, form.role.data, actor_id=current_user.id),
        f"Role {form.role.data} {'granted' if granting else 'revoked'}.",
        request.referrer or url_for("admin.users"),
    )


# --- the practice bank: questions, persona cards, rubrics


@bp.get("/practice")
@roles_required(Role.ADMIN)
def practice():
    questions = practice_bank.items("question", include_retired=True)
    kinds = practice_bank.interview_kinds()
    return render_template(
        "admin/practice.html",
        questions_by_kind={kind: [item for item in questions if item.kind == kind] for kind in kinds},
        interview_kinds=kinds,
        personas=practice_bank.items("persona", include_retired=True),
        rubrics=practice_bank.items("rubric", include_retired=True),
    )


def _item_or_404(item_type: str, item_id: int | None) -> PracticeItem | None:
    """The stored item being edited, or None on a "new" page."""
    if item_id is None:
        return None
    item = db.session.get(PracticeItem, item_id)
    if item is None or item.item_type != item_type:
        abort(404)
    return item


# What each editor of the practice bank edits, with what, and what it says once saved.
_PRACTICE_EDITORS = {
    "question": (QuestionForm, practice_bank.save_question, "Question “{0.key}” saved."),
    "persona": (PersonaForm, practice_bank.save_persona, "Persona card “{0.title}” saved."),
    "rubric": (RubricForm, practice_bank.save_rubric, "Rubric “{0.title}” saved."),
}


def _practice_editor(item_type: str):
    form_class, save, saved_message = _PRACTICE_EDITORS[item_type]

    @roles_required(Role.ADMIN)
    def edit(item_id: int | None):
        item = _item_or_404(item_type, item_id)
        return editor_page(
            form_class,
            item,
            save,
            template=f"admin/practice_{item_type}.html",
            saved_message=saved_message,
            back_to="admin.practice",
            whole_form_fields=WHOLE_RUBRIC,
            item=item,
        )

    return edit


def _register_practice_editors() -> None:
    """admin.edit_question at /practice/questions/new and /practice/questions/<id>; likewise personas and rubrics."""
    for item_type in _PRACTICE_EDITORS:
        edit, endpoint, rule = _practice_editor(item_type), f"edit_{item_type}", f"/practice/{item_type}s"
        bp.add_url_rule(f"{rule}/new", endpoint, edit, methods=["GET", "POST"], defaults={"item_id": None})
        bp.add_url_rule(f"{rule}/<int:item_id>", endpoint, edit, methods=["GET", "POST"])


_register_practice_editors()


@bp.post("/practice/<int:item_id>/retired")
@roles_required(Role.ADMIN)
def set_retired(item_id: int):
    form = RetireForm()
    if not form.validate_on_submit():
        flash("Choose to retire the item or bring it back.", "error")
        return redirect(url_for("admin.practice"), 303)
    item = practice_bank.set_retired(item_id, form.retired.data == "yes", actor_id=current_user.id)
    flash(f"“{item.key}” {'retired: new sessions no longer use it' if item.retired else 'is back in use'}.", "success")
    return redirect(url_for("admin.practice"), 303)


# --- email that could not be delivered


@bp.get("/deliveries")
@roles_required(Role.ADMIN)
def deliveries():
    return render_template("admin/deliveries.html", failures=outbox.failed_deliveries())


@bp.post("/deliveries/<int:outbox_id>/retry")
@roles_required(Role.ADMIN)
def retry_delivery(outbox_id: int):
    if outbox.retry_failed(outbox_id, actor_id=current_user.id) is None:
        abort(404)
    flash("Queued again: it goes out within seconds, to the recipients it failed for.", "success")
    return redirect(url_for("admin.deliveries"), 303)
