"""A designation's history reads as labels and whole values, never codes or single characters."""

import datetime
import re

import pytest

from ecozone.designations.models import Programme
from ecozone.designations.services import (
    change_designation_status,
    get_or_create_batch,
    name_designation,
    set_designation_stars,
)
from ecozone.regions.models import Region

pytestmark = pytest.mark.django_db


def history_section(page) -> str:
    return page.content.decode().split('data-testid="designation-history">')[1].split("</ul>")[0]


def history(page) -> list[str]:
    """The history items without their time and author."""
    items = re.findall(r"<li>(.*?)</li>", history_section(page), re.S)
    return [item.split(" · ", 2)[2] for item in items]


def test_the_history_shows_labels_whole_values_and_revoked_stars(users, client_as):
    national = Programme.objects.get(code="national")
    admin = users["province_admin"]
    designation = name_designation(
        region=Region.objects.get(code="330523"),
        programme=national,
        batch=get_or_create_batch(programme=national, year=2020, number=4),
        named_on=datetime.date(2020, 10, 1),
        document_number="环生态〔2020〕1号",
        by=admin,
    )
    set_designation_stars(designation, stars=4, by=admin, reason="2024 复核")
    set_designation_stars(designation, stars=0, by=admin, reason="2025 复核")
    change_designation_status(designation, to="warned", by=admin, reason="复核不合格")
    page = client_as("province_admin").get(f"/designations/{designation.pk}/")
    assert history(page) == [
        "状态变更 · 状态: 有效 → 警示 · 复核不合格",
        "星级变更 · 当前星级: ★★★★ → 取消评星 · 2025 复核",
        "星级变更 · 当前星级: 尚未复核 → ★★★★ · 2024 复核",
        "已命名 · 批次: 国家示范区第4批（2020年） · 命名日期: 2020-10-01 · 文号: 环生态〔2020〕1号",
    ]
    section = history_section(page)
    assert "active" not in section and "warned" not in section and "stars" not in section


def test_the_history_is_not_shown_out_of_scope(users, client_as):
    national = Programme.objects.get(code="national")
    designation = name_designation(
        region=Region.objects.get(code="330523"),
        programme=national,
        batch=get_or_create_batch(programme=national, year=2020, number=4),
        named_on=datetime.date(2020, 10, 1),
        document_number="x",
        by=users["province_admin"],
    )
    assert client_as("other_county").get(f"/designations/{designation.pk}/").status_code == 404
