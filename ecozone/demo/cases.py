"""Demo typical cases (典型案例): published ones for the library, plus a draft and a proposal."""

from django.utils import timezone

from ecozone.accounts.models import User
from ecozone.casebook.models import CaseStatus, TypicalCase
from ecozone.designations.models import Programme
from ecozone.regions.models import Region

CASES = [
    (
        "330523",
        "lianshan",
        "余村：从“卖石头”到“卖风景”的两山转化之路",
        "两山转化,乡村旅游,矿山修复",
        "关停矿山、修复生态后发展乡村旅游与竹产业，村集体收入持续增长。",
        "演示数据。安吉县余村在关停石矿、水泥厂后，系统开展矿山复绿和水系治理，培育民宿、研学和竹林碳汇等新业态，"
        "形成“生态修复—产业培育—共同富裕”的转化路径。",
    ),
    (
        "330127",
        "national",
        "千岛湖综合保护：一湖秀水的系统治理",
        "水环境,流域治理,生态补偿",
        "以流域生态补偿和湖泊综合治理守护一湖秀水。",
        "演示数据。淳安县以千岛湖保护为中心，实施流域污染治理和生态补偿机制，水质稳定保持优良。",
    ),
    (
        "331100",
        "lianshan",
        "丽水生态产品价值实现机制试点",
        "生态产品价值实现,GEP核算,绿色金融",
        "开展 GEP 核算并推动“生态贷”等绿色金融产品落地。",
        "演示数据。丽水市开展生态系统生产总值核算，探索生态产品价值实现机制。",
    ),
    (
        "330824",
        "national",
        "开化：国家公园体制试点的生态保护实践",
        "自然保护地,国家公园,生物多样性",
        "以国家公园建设带动生物多样性保护。",
        "演示数据。开化县推进钱江源国家公园建设，加强生物多样性保护与监测。",
    ),
    (
        "330922",
        "lianshan",
        "嵊泗：海岛“两山”转化与海洋生态修复",
        "海洋生态,海岛旅游,岸线修复",
        "修复海岸生态，发展海岛特色旅游。",
        "演示数据。嵊泗县推进海岸线整治修复，发展渔旅融合产业。",
    ),
]


def load_cases() -> str:
    if TypicalCase.objects.exists():
        return "typical cases: present"
    province = User.objects.filter(username="province").first()
    now = timezone.now()
    programmes = {p.code: p for p in Programme.objects.all()}
    for code, programme, title, tags, summary, body in CASES:
        TypicalCase.objects.create(
            region=Region.objects.get(code=code),
            programme=programmes[programme],
            title=title,
            tags=tags,
            summary=summary,
            body=body,
            status=CaseStatus.PUBLISHED,
            created_by=province,
            published_at=now,
        )
    TypicalCase.objects.create(
        region=Region.objects.get(code="330521"),
        title="德清：地理信息小镇的绿色发展（草稿）",
        summary="草稿，尚未发布。",
        body="演示数据：草稿。",
        status=CaseStatus.DRAFT,
        created_by=province,
    )
    anji = User.objects.filter(username="anji").first()
    TypicalCase.objects.create(
        region=Region.objects.get(code="330523"),
        title="安吉白茶产业绿色转型（县级推荐）",
        summary="县级推荐，待省级审核。",
        body="演示数据：县级推荐案例。",
        status=CaseStatus.PROPOSED,
        created_by=anji,
    )
    return f"typical cases: {len(CASES)} published, 1 draft, 1 proposed"
