"""用户 — key 用户名: accounts with one membership each (contracts/workbook.md)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from zhaoshang.org.models import Membership, Role
from zhaoshang.org.scope import restrict
from zhaoshang.workbook import schema
from zhaoshang.workbook.core import (
    KEEP,
    ROLE_OPTIONS,
    Planned,
    Row,
    SheetHandler,
    diff,
    field_max,
    in_chunks,
)

User = get_user_model()


@dataclass
class UserRec:
    row: Row
    username: str
    full_name: Any
    unit: str
    role: str | None
    password: str


def _role_label(role: str) -> str:
    return {value: label for value, label in zip(Role.values, schema.ROLES, strict=False)}.get(
        role, role
    )


class UsersSheet(SheetHandler):
    spec = schema.USERS

    def read(self, rows: list[Row]) -> None:
        self.records: list[UserRec] = []
        seen: dict = {}
        username_field = User._meta.get_field("username")
        for row in rows:
            username = row.code("用户名", required=True, max_length=username_field.max_length)
            if username:
                for validator in username_field.validators:
                    try:
                        validator(username)
                    except ValidationError:
                        row.error("用户名", f"「{username}」只能包含字母、数字及 @ . + - _ 字符")
                        break
            rec = UserRec(
                row=row,
                username=username,
                full_name=row.optional("姓名", row.text, max_length=field_max(User, "first_name")),
                unit=row.code("单位编码", required=True),
                role=row.choice("角色", ROLE_OPTIONS, required=True, shown=schema.ROLES),
                password=row.text("初始密码", max_length=128),
            )
            if username and self.dedupe(seen, username, row, "用户名", f"用户名「{username}」"):
                self.records.append(rec)

    def fetch(self) -> None:
        self.db_users: dict[str, Any] = {}
        self.db_memberships: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for chunk in in_chunks([r.username for r in self.records]):
            for user in User.objects.filter(username__in=chunk):
                self.db_users[user.username] = user
        for chunk in in_chunks([u.pk for u in self.db_users.values()]):
            for m in Membership.objects.filter(user_id__in=chunk).values(
                "user_id", "unit_id", "role"
            ):
                self.db_memberships[m["user_id"]].append((m["unit_id"], m["role"]))

    def resolve(self) -> None:
        ctx = self.ctx
        units_by_id = ctx.db_units_by_id
        for rec in self.records:
            ctx.lookups.unit_known(rec.row, "单位编码", rec.unit)
            existing = self.db_users.get(rec.username)
            if existing is not None and rec.password:
                rec.row.warn(
                    "初始密码", f"账号「{rec.username}」已存在，初始密码不适用，未修改其密码"
                )
            elif existing is None and rec.password:
                candidate = User(
                    username=rec.username,
                    first_name=rec.full_name if rec.full_name is not KEEP else "",
                )
                try:
                    validate_password(rec.password, candidate)
                except ValidationError as exc:
                    rec.row.warn(
                        "初始密码",
                        "初始密码较弱：" + "；".join(exc.messages) + "（首次登录时须修改）",
                    )
            if rec.full_name is KEEP:
                rec.full_name = existing.first_name if existing else ""
            changes = {}
            if existing is not None:
                memberships = self.db_memberships.get(existing.pk, [])
                old = {
                    "姓名": existing.first_name,
                    "单位编码": ";".join(
                        units_by_id[u].code for u, _r in memberships if u in units_by_id
                    ),
                    "角色": ";".join(_role_label(r) for _u, r in memberships),
                }
                new = {"姓名": rec.full_name, "单位编码": rec.unit, "角色": _role_label(rec.role)}
                changes = diff(old, new)
            rec.existing = existing
            rec.plan = Planned(rec.row, rec.username, existing, changes)
            self.plans.append(rec.plan)

    def write(self) -> None:
        from zhaoshang.org.services import do_save_account

        ctx = self.ctx
        for rec in self.records:
            if rec.plan.action == "unchanged":
                continue
            unit = ctx.units_by_code[rec.unit]
            with ctx.guard(rec.row):
                ctx.require_manage(unit)
                _user, _created, generated = do_save_account(
                    rec.username,
                    full_name=rec.full_name,
                    unit=unit,
                    role=rec.role,
                    password=rec.password or None,
                    actor=ctx.actor,
                    reason=ctx.reason,
                )
            if generated:
                ctx.passwords.append({"username": rec.username, "password": generated})

    @classmethod
    def export_queryset(cls, scope):
        # One row per account, at its first membership (the sheet holds one unit per account).
        return (
            restrict(Membership.objects.select_related("user", "unit"), scope)
            .filter(user__is_active=True)
            .order_by("user__username", "unit__path")
        )

    @classmethod
    def export_rows(cls, memberships):
        seen: set[int] = set()
        for m in memberships:
            if m.user_id in seen:
                continue
            seen.add(m.user_id)
            yield {
                "用户名": m.user.username,
                "姓名": m.user.first_name,
                "单位编码": m.unit.code,
                "角色": _role_label(m.role),
                "初始密码": "",
            }
