"""Two published re-examination campaigns over the demo reports (2021 and 2024), with an expert
pool, Part B scores, feature items, recorded items and the consequences that follow."""

from __future__ import annotations

import random
import zlib
from decimal import Decimal

from ecozone.accounts.models import Organisation, Role, User
from ecozone.demo import data
from ecozone.demo.reporting import quality_of
from ecozone.designations.models import Designation
from ecozone.ratings import services
from ecozone.ratings.models import Campaign, ConsequenceCase, Scheme

EXPERTS = [
    ("expert", "浙江省自然资源厅", "王评审（专家）"),
    ("expert_env", "浙江省生态环境厅", "李评审（专家）"),
    ("expert_water", "浙江省水利厅", "赵评审（专家）"),
    ("expert_agri", "浙江省农业农村厅", "陈评审（专家）"),
    ("expert_forest", "浙江省林业局", "周评审（专家）"),
]
# Expert scores (推进力度 /10, 试点创新 /8, 建设成效 /7) by zone quality.
WORK = {
    "excellent": (Decimal("9.5"), Decimal("7.5"), Decimal("6.5")),
    "good": (Decimal("8.5"), Decimal("6.5"), Decimal("6")),
    "fair": (Decimal("7.5"), Decimal("5.5"), Decimal("5")),
    "weak": (Decimal("6.5"), Decimal("4.5"), Decimal("4")),
    "poor": (Decimal("5"), Decimal("3.5"), Decimal("3")),
}
FEATURES = ["“两山”转化机制创新", "生态产品价值实现试点", "全域美丽乡村建设", "碳普惠机制先行先试"]


def load_experts() -> list[User]:
    experts = []
    for username, organisation, display in EXPERTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                role=Role.EXPERT,
                display_name=display,
                organisation=Organisation.objects.get(name=organisation),
            )
            user.set_password(data.DEMO_PASSWORD)
            user.save()
        experts.append(user)
    from ecozone.demo.applications import load_profiles

    load_profiles()
    return experts


def load_ratings() -> str:
    if Campaign.objects.exists():
        return "re-examination: present"
    province = User.objects.get(username="province")
    experts = load_experts()
    scheme = Scheme.objects.get(code="default")
    quality = _quality_by_region()
    # One weak zone re-examined in 2021 is revoked twice in a row (a delisting case follows).
    due_2021 = list(services.due_designations(year=2021, scheme=scheme))
    twice = next(
        (d for d in due_2021 if quality.get(d.region_id) in ("weak", "poor")), due_2021[0]
    ).region.code
    first = _campaign(
        2021,
        "2021 年度省级生态文明建设示范区复核（演示）",
        scheme,
        province,
        experts,
        quality,
        vetoes={twice: "data_fraud"},
    )
    for case in ConsequenceCase.objects.filter(zone__campaign=first, kind="interview"):
        services.close_interview(
            case, by=province, outcome="演示数据：已约谈，整改方案已报送省创建办。"
        )
    second = _campaign(
        2024,
        "2024 年度省级生态文明建设示范区复核（演示）",
        scheme,
        province,
        experts,
        quality,
        vetoes={twice: "quality_decline"},
        bars={"330481": "inspection_notified"},
    )
    counts = {}
    for stars in second.zones.values_list("stars", flat=True):
        counts[stars] = counts.get(stars, 0) + 1
    stars = dict(sorted(counts.items()))
    return f"re-examination: campaigns {first.year} and {second.year} published; 2024 stars {stars}"


def _city_user(city) -> User:
    """The city's demo clerk (湖州's is a demo account; the others are made as applications
    makes them)."""
    from ecozone.demo.applications import _user_for

    return _user_for(city, Role.CITY)


def _quality_by_region() -> dict[int, str]:
    designated = (
        Designation.objects.holding()
        .values_list("region_id", flat=True)
        .distinct()
        .order_by("region__code")
    )
    return {region_id: quality_of(index) for index, region_id in enumerate(designated)}


def _campaign(year, title, scheme, province, experts, quality, vetoes=None, bars=None) -> Campaign:
    due = services.due_designations(year=year, scheme=scheme)
    campaign = services.create_campaign(
        year=year, title=title, scheme=scheme, by=province, designations=due
    )
    zones = list(campaign.zones.select_related("campaign__scheme", "designation__region__parent"))
    for zone in zones:
        region = zone.designation.region
        level = quality.get(region.pk, "good")
        rng = random.Random(zlib.crc32(f"{year}{region.code}".encode()))  # noqa: S311 - demo data
        assigned = [e for e in experts if services.conflict_of_interest(e, zone) is None][:3]
        for expert in assigned:
            base = WORK[level]
            jitter = [Decimal(rng.choice(["-0.5", "0", "0", "0.5"])) for _ in base]
            scores = {
                code: str(min(maximum, max(Decimal(0), b + j)))
                for (code, maximum), b, j in zip(
                    (("推进力度", 10), ("试点创新", 8), ("建设成效", 7)), base, jitter, strict=True
                )
            }
            assignment = services.assign_expert(zone, expert=expert, by=province)
            services.save_work_scores(
                assignment, by=expert, scores=scores, comment="演示评分", submit=True
            )
        if level in ("excellent", "good") and rng.random() < 0.6:
            item = services.submit_feature(
                zone,
                by=None,
                title=rng.choice(FEATURES),
                description="演示数据：特色亮点材料。",
                points=Decimal(rng.choice(["1", "1.5", "2"])),
            )
            if region.level == "county":  # the city pre-reviews its counties' items first
                services.prereview_feature(
                    item,
                    by=_city_user(region.parent),
                    recommend=True,
                    reason="演示数据：市级初审推荐。",
                )
            services.decide_feature(item, by=province, approve=True, reason="")
        if region.code in (vetoes or {}):
            services.record_item(
                zone,
                by=province,
                kind="veto",
                code=vetoes[region.code],
                note="演示数据：经核查属实。",
            )
        if region.code in (bars or {}):
            services.record_item(
                zone, by=province, kind="bar", code=bars[region.code], note="演示数据：督察通报。"
            )
    services.compute_zones(zones)
    return services.publish_campaign(campaign, by=province)
