"""Histories read in the user's language: labels, never stored codes."""

import pytest

from ecozone.applications import naming, services
from ecozone.applications.models import Objection
from ecozone.applications.states import Conclusion
from ecozone.applications.tests.factories import accepted, review_all
from ecozone.designations.models import Designation

pytestmark = pytest.mark.django_db


def test_round_results_and_objections_show_their_labels(users, lianshan, panel, client_as):
    admin = users["province_admin"]
    application = accepted(users, lianshan)
    services.open_round(application, by=admin, panel=panel)
    review_all(
        application,
        panel,
        [Conclusion.RECTIFY, Conclusion.PASS, Conclusion.PASS],
        {"expert": {"N19-03": ("doubt", "请核实")}},
    )
    services.close_round(application, by=admin)
    services.submit_rectification(application, by=users["county"], responses={"N19-03": "已核实"})
    review_all(application, panel, [Conclusion.PASS] * 3)
    services.close_round(application, by=admin)
    naming.start_notice(application, by=admin)
    objection = Objection.objects.create(
        application=application, name="张三", contact="138", text="数据存疑"
    )
    naming.uphold_objection(objection, by=admin, comment="请专家复核")
    page = client_as("province_admin").get(f"/applications/{application.pk}/").content.decode()
    assert "结果: 需整改" in page and "结果: 审核通过" in page
    assert "结果: rectification" not in page and "结果: pass" not in page
    assert "· 异议成立，退回评审" in page and "upheld" not in page


def test_the_national_outcome_shows_its_label(users, client_as):
    from ecozone.demo.services import load_roster

    load_roster()
    designation = Designation.objects.get(region__code="330521", programme__code="provincial")
    recommendation = naming.recommend_national(designation, by=users["province_admin"])
    naming.record_national_outcome(
        recommendation, by=users["province_admin"], named=False, note="国家未采纳"
    )
    page = client_as("province_admin").get("/applications/national/").content.decode()
    assert "未获命名 · 国家未采纳" in page and "not_named" not in page
    assert client_as("county").get("/applications/national/").status_code == 403
