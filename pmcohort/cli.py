import click
from flask import Flask

from pmcohort.domain.statuses import Role
from pmcohort.extensions import db
from pmcohort.services import accounts
from pmcohort.services.errors import ServiceError


def init_commands(app: Flask) -> None:
    @app.cli.command("create-admin")
    @click.option("--email", prompt=True)
    @click.option("--name", prompt=True, default="Admin")
    @click.option("--time-zone", default="UTC", show_default=True)
    @click.password_option()
    def create_admin(email: str, name: str, time_zone: str, password: str) -> None:
        """Create an admin account (or make an existing account admin)."""
        from pmcohort.models import find_user_by_email, record_audit

        existing = find_user_by_email(email)
        if existing is not None:
            existing.add_role(Role.ADMIN)
            record_audit("user.role_granted", "user", existing.id, role=Role.ADMIN, via="cli")
            db.session.commit()
            click.echo(f"{existing.email} is now an admin.")
            return
        try:
            user = accounts.create_user(accounts.NewAccount(email, name, password, time_zone, Role.ADMIN), roles=(Role.ADMIN,))
        except ServiceError as error:
            raise click.BadParameter(error.message, param_hint=error.field) from error
        record_audit("user.created", "user", user.id, role=Role.ADMIN, via="cli")
        db.session.commit()
        click.echo(f"Admin {user.email} created.")

    @app.cli.command("rescore-assessments")
    @click.option("--version", "version", type=int, default=None, help="Scoring version (default: the current one).")
    def rescore_assessments(version: int | None) -> None:
        """Re-score every stored assessment from its raw answers, e.g. after the scoring rules change."""
        from pmcohort.domain.assessment import SCORING_VERSION
        from pmcohort.services.assessments import rescore_all

        try:
            changed = rescore_all(version or SCORING_VERSION)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--version") from error
        click.echo(f"Re-scored with version {version or SCORING_VERSION}; {changed} result(s) changed.")

    @app.cli.command("seed-practice")
    def seed_practice_command() -> None:
        """Add the starter question bank, persona cards and rubrics (keeps admins' edits)."""
        from pmcohort.services.practice_bank import seed_starter_set

        click.echo(f"Added {seed_starter_set()} practice items.")

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Load the demo cohort (idempotent) and print the logins."""
        from pmcohort.demo import DEMO_PASSWORD, seed_demo

        logins = seed_demo()
        click.echo("Demo logins (password for all: %s):" % DEMO_PASSWORD)
        for role, email in logins:
            click.echo(f"  {role:<9} {email}")
