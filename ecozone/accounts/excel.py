"""Many users at once from an Excel workbook; the template to fill in.

The whole file is checked first, each row by the same form as the page; nothing is written unless
every row is valid, and then every account is created in one transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from ecozone.accounts import permissions
from ecozone.accounts.forms import UserForm
from ecozone.accounts.models import Role, User
from ecozone.accounts.services import create_user, organisations_for
from ecozone.core.tabular import (
    CellError,
    ImportRejected,
    build_workbook,
    cell_text,
    read_table_file,
)

SHEET = "用户"
CHOICES_SHEET = "可选值"
COLUMNS = {
    "username": "用户名",
    "display_name": "姓名",
    "role": "角色",
    "organisation": "所属单位",
    "email": "电子邮箱",
}
REQUIRED = ["用户名", "姓名", "角色", "所属单位"]


def _role_names(by: User) -> dict[str, str]:
    """Every way a role may be written: its code, its label in Chinese and in the page language."""
    names = {}
    for role in permissions.manageable_roles(by):
        names[role] = role
        names[str(Role(role).label)] = role
        with translation.override("zh-hans"):
            names[str(Role(role).label)] = role
    return names


def template_workbook(*, by: User) -> Workbook:
    roles = permissions.manageable_roles(by)
    with translation.override("zh-hans"):
        role_labels = [str(Role(role).label) for role in roles]
    organisations = list(organisations_for(by).values_list("name", flat=True))
    rows = [
        (role_labels[i] if i < len(role_labels) else "", name)
        for i, name in enumerate(organisations or [""])
    ]
    return build_workbook(
        [
            (SHEET, list(COLUMNS.values()), []),
            (CHOICES_SHEET, [COLUMNS["role"], COLUMNS["organisation"]], rows),
        ]
    )


def import_users(upload, *, by: User) -> list[tuple[User, str]]:
    """Create every user listed; returns each with its one-time password (shown once)."""
    sheets = read_table_file(upload, columns={SHEET: REQUIRED})
    role_names = _role_names(by)
    errors: list[CellError] = []
    valid: list[dict] = []
    seen: dict[str, int] = {}
    for raw in sheets[SHEET].rows:
        data = {field: cell_text(raw[column]) for field, column in COLUMNS.items()}
        given_role = data["role"]
        data["role"] = role_names.get(given_role, given_role)
        form = UserForm(data, actor=by)
        if not form.is_valid():
            for field, messages in form.errors.items():
                column = COLUMNS.get(field)
                errors += [CellError(SHEET, raw.number, column, m) for m in messages]
            continue
        key = form.cleaned_data["username"].lower()
        if key in seen:
            errors.append(
                CellError(
                    SHEET,
                    raw.number,
                    COLUMNS["username"],
                    _("the user name is listed in row %(row)d already") % {"row": seen[key]},
                )
            )
            continue
        seen[key] = raw.number
        valid.append(form.cleaned_data)
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        return [
            create_user(
                by=by,
                username=row["username"],
                display_name=row["display_name"],
                role=row["role"],
                organisation=row["organisation"],
                email=row["email"],
                imported=True,
            )
            for row in valid
        ]
