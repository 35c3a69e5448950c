import pytest

from ecozone.applications.tests.factories import expert
from ecozone.designations.models import Programme


@pytest.fixture
def panel(users):
    return [
        (users["expert"], ["生态空间"]),
        (expert("e_env", "浙江省生态环境厅"), ["生态安全"]),
        (expert("e_water", "浙江省水利厅"), ["生态生活"]),
    ]


@pytest.fixture
def lianshan():
    return Programme.objects.get(code="lianshan")
