import secrets

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pmcohort.core.columns import InsertedAt
from pmcohort.core.extensions import db
from pmcohort.domain.statuses import Role, sql_in


def new_auth_token() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    # Part of the login cookie: rotating it signs the user out everywhere.
    auth_token: Mapped[str] = mapped_column(String(32), default=new_auth_token)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[InsertedAt]

    # Not eager: listing users (hosts, participants, match sides) must not load their roles. The signed-in
    # user's come with them in one query (`signed_in_user`); a list that shows roles loads them itself.
    role_rows: Mapped[list["UserRole"]] = relationship(back_populates="user", cascade="all, delete-orphan")

    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lowercase"),)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    def add_role(self, role: str) -> None:
        if role not in tuple(Role):
            raise ValueError(f"unknown role {role!r}")
        if role not in self.roles:
            self.role_rows.append(UserRole(role=role))

    def remove_role(self, role: str) -> None:
        self.role_rows = [row for row in self.role_rows if row.role != role]

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.auth_token}"

    def rotate_auth_token(self) -> None:
        self.auth_token = new_auth_token()

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else self.email

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    user: Mapped[User] = relationship(back_populates="role_rows", lazy="raise")

    __table_args__ = (
        UniqueConstraint("user_id", "role", name="uq_user_roles_user_role"),
        CheckConstraint(sql_in("role", Role), name="known_role"),
    )


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == func.lower(email.strip())))
