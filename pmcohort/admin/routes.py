from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from pmcohort.admin import bp
from pmcohort.admin.forms import RoleChangeForm
from pmcohort.extensions import db
from pmcohort.models import User
from pmcohort.policy import roles_required
from pmcohort.services import accounts

USERS_PER_PAGE = 25


@bp.get("/users")
@roles_required("admin")
def users():
    query = request.args.get("q", "").strip()
    statement = select(User).order_by(User.name, User.id)
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(or_(User.email.like(pattern), db.func.lower(User.name).like(pattern)))
    page = db.paginate(statement, per_page=USERS_PER_PAGE, error_out=False)
    return render_template("admin/users.html", page=page, query=query, form=RoleChangeForm())


@bp.post("/users/<int:user_id>/roles")
@roles_required("admin")
def change_role(user_id: int):
    form = RoleChangeForm()
    if not form.validate_on_submit() or form.action.data not in {"grant", "revoke"}:
        flash("Choose a role to grant or revoke.", "error")
        return redirect(url_for("admin.users")), 303
    try:
        if form.action.data == "grant":
            accounts.grant_role(user_id, form.role.data, actor_id=current_user.id)
        else:
            accounts.revoke_role(user_id, form.role.data, actor_id=current_user.id)
    except accounts.AccountError as error:
        flash(error.message, "error")
    else:
        verb = "granted" if form.action.data == "grant" else "revoked"
        flash(f"Role {form.role.data} {verb}.", "success")
    return redirect(request.referrer or url_for("admin.users"), 303)
