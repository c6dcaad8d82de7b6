import click
from flask import Flask

from pmcohort.accounts import services as accounts
from pmcohort.core.errors import ServiceError
from pmcohort.domain.statuses import Role
from pmcohort.domain.wording import counted


def init_commands(app: Flask) -> None:
    def create_with_role(email: str, name: str, time_zone: str, password: str, role: str) -> None:
        try:
            user, created = accounts.create_with_role(accounts.NewAccount(email, name, password, time_zone, role))
        except ServiceError as error:
            raise click.BadParameter(error.message, param_hint=f"--{error.field.replace('_', '-')}") from error
        click.echo(f"{user.email} created as {role}." if created else f"{user.email} now has the {role} role.")

    account_options = [
        click.option("--email", prompt=True),
        click.option("--name", prompt=True),
        click.option("--time-zone", default="UTC", show_default=True, help="IANA name, e.g. Europe/Berlin."),
        click.password_option(help="At least 10 characters; ignored when the account exists."),
    ]

    def with_account_options(command):
        for option in reversed(account_options):
            command = option(command)
        return command

    @app.cli.command("create-user")
    @with_account_options
    @click.option("--role", type=click.Choice([role.value for role in Role]), required=True, help="The role to give.")
    def create_user_command(email: str, name: str, time_zone: str, password: str, role: str) -> None:
        """Create an account with a role (lead, admin, mentor, engineer), or give an existing account that role."""
        create_with_role(email, name, time_zone, password, role)

    @app.cli.command("create-admin")
    @with_account_options
    def create_admin(email: str, name: str, time_zone: str, password: str) -> None:
        """Create an admin account (or make an existing account admin); same as create-user --role admin."""
        create_with_role(email, name, time_zone, password, Role.ADMIN)

    @app.cli.command("rescore-assessments")
    @click.option(
        "--version", "version", type=int, default=None, help="Scoring version for all (default: each result's own)."
    )
    def rescore_assessments(version: int | None) -> None:
        """Re-score every stored assessment from its raw answers, and show what each scoring version makes of them."""
        from pmcohort.assessment.services import rescore_all, summarize_versions

        try:
            changed = rescore_all(version)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--version") from error
        used = f"version {version}" if version else "each result's own version"
        click.echo(f"Re-scored with {used}; {counted(changed, 'result')} changed.")
        for summary in summarize_versions():
            means = ", ".join(f"{mean} under version {number}" for number, mean in summary.mean_readiness.items())
            click.echo(f"Version {summary.version}: {counted(summary.results, 'result')}; mean readiness {means}.")

    @app.cli.command("quick-check-counts")
    def quick_check_counts() -> None:
        """Print how many two-minute checks were completed and saved into an account, per day and path."""
        from pmcohort.quickcheck.services import tallies

        for tally in tallies():
            click.echo(
                f"{tally.day.isoformat()}  {tally.path:<18} completed {tally.completed:>5}  saved {tally.saved:>5}"
            )

    @app.cli.command("seed-practice")
    def seed_practice_command() -> None:
        """Add the starter question bank, persona cards, rubrics and document kinds (keeps admins' edits)."""
        from pmcohort.mentoring.practice_bank import seed_starter_set
        from pmcohort.writing.services import seed_kinds

        click.echo(f"Added {counted(seed_starter_set(), 'practice item')}.")
        click.echo(f"Added {counted(seed_kinds(), 'document kind')}.")

    @app.cli.command("seed-demo")
    @click.option("--large", is_flag=True, help="Also a cohort of 2,000 engineers and 400 mentors with history.")
    def seed_demo_command(large: bool) -> None:
        """Load the demo cohort (idempotent) and print the logins."""
        from pmcohort.demo import DEMO_PASSWORD, seed_demo

        logins = seed_demo()
        if large:
            from pmcohort.demo_large import seed_large_demo

            click.echo(seed_large_demo())
        click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for role, email in logins:
            click.echo(f"  {role:<9} {email}")
