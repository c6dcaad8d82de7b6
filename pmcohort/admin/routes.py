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
    lines_of,
)
from pmcohort.core.extensions import db
from pmcohort.core.forms import choices_from, service_errors
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
    with service_errors():
        if form.action.data == "grant":
            accounts.grant_role(user_id, form.role.data, actor_id=current_user.id)
        else:
            accounts.revoke_role(user_id, form.role.data, actor_id=current_user.id)
        verb = "granted" if form.action.data == "grant" else "revoked"
        flash(f"Role {form.role.data} {verb}.", "success")
    return redirect(request.referrer or url_for("admin.users"), 303)


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


def _item_form(form_class, item: PracticeItem | None, stored_values: dict | None):
    """A blank form for a new item; for an edit, one without the key field (keys never change),
    filled from the stored item until the admin posts their own values."""
    form = form_class(data=stored_values) if item and request.method == "GET" else form_class()
    if item:
        del form.key
    return form


@bp.route("/practice/questions/new", methods=["GET", "POST"], defaults={"item_id": None})
@bp.route("/practice/questions/<int:item_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_question(item_id: int | None):
    item = _item_or_404("question", item_id)
    form = _item_form(
        QuestionForm,
        item,
        item
        and {
            "kind": item.kind,
            "prompt": item.title,
            "follow_ups": "\n".join(item.body.get("follow_ups", ())),
            "strong_answer": item.body.get("strong_answer", ""),
        },
    )
    form.kind.choices = choices_from(practice_bank.interview_kinds())
    if form.validate_on_submit():
        with service_errors(form, whole_form_fields=WHOLE_RUBRIC):
            saved = practice_bank.save_question(
                item_id,
                key=item.key if item else form.key.data,
                kind=form.kind.data,
                prompt=form.prompt.data,
                follow_ups=lines_of(form.follow_ups.data),
                strong_answer=form.strong_answer.data,
                actor_id=current_user.id,
            )
            flash(f"Question “{saved.key}” saved.", "success")
            return redirect(url_for("admin.practice"), 303)
    return render_template("admin/practice_question.html", form=form, item=item), 400 if form.errors else 200


@bp.route("/practice/personas/new", methods=["GET", "POST"], defaults={"item_id": None})
@bp.route("/practice/personas/<int:item_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_persona(item_id: int | None):
    item = _item_or_404("persona", item_id)
    form = _item_form(
        PersonaForm,
        item,
        item
        and {
            "title": item.title,
            **item.body,
            "pushback_lines": "\n".join(item.body.get("pushback_lines", ())),
            "rubric": item.body.get("rubric") or "",
        },
    )
    form.rubric.choices = choices_from(
        {"": "The default for role-plays", **{rubric.key: rubric.title for rubric in practice_bank.items("rubric")}}
    )
    if form.validate_on_submit():
        with service_errors(form, whole_form_fields=WHOLE_RUBRIC):
            saved = practice_bank.save_persona(
                item_id,
                key=item.key if item else form.key.data,
                title=form.title.data,
                situation=form.situation.data,
                wants=form.wants.data,
                hidden_constraint=form.hidden_constraint.data,
                pushback_lines=lines_of(form.pushback_lines.data),
                actor_id=current_user.id,
                reveals=form.reveals.data or "",
                would_convince=form.would_convince.data or "",
                rubric_key=form.rubric.data or None,
            )
            flash(f"Persona card “{saved.title}” saved.", "success")
            return redirect(url_for("admin.practice"), 303)
    return render_template("admin/practice_persona.html", form=form, item=item), 400 if form.errors else 200


@bp.route("/practice/rubrics/new", methods=["GET", "POST"], defaults={"item_id": None})
@bp.route("/practice/rubrics/<int:item_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_rubric(item_id: int | None):
    item = _item_or_404("rubric", item_id)
    stored_dimensions = item.body.get("dimensions", []) if item else []
    form = _item_form(
        RubricForm,
        item,
        item
        and {
            "title": item.title,
            "interview_label": item.body.get("interview_label") or "",
            "dimensions": stored_dimensions,
        },
    )
    form.lock_stored_keys(len(stored_dimensions))
    if form.validate_on_submit():
        with service_errors(form, whole_form_fields=WHOLE_RUBRIC):
            saved = practice_bank.save_rubric(
                item_id,
                key=item.key if item else form.key.data,
                title=form.title.data,
                dimensions=form.given_dimensions(),
                actor_id=current_user.id,
                interview_label=form.interview_label.data or "",
            )
            flash(f"Rubric “{saved.title}” saved.", "success")
            return redirect(url_for("admin.practice"), 303)
    return render_template("admin/practice_rubric.html", form=form, item=item), 400 if form.errors else 200


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
