"""The JSON API under generated input: schemathesis sends every operation of the OpenAPI document
requests built from its schema (valid ones, and invalid ones: wrong types, odd text, huge
numbers), anonymously and with a province user's API token, to the WSGI application in this
process, on whichever database the suite runs on. No answer may be a server error, carry a
status the document does not declare, or hold a body outside the declared schema.

The number of examples per operation is bounded (ECOZONE_FUZZ_EXAMPLES, default 15) so that the
module takes about 1½ minutes per database on a 2-core machine; `make fuzz` searches harder.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.api import api
from config.wsgi import application
from ecozone.accounts.models import User
from ecozone.accounts.services import create_api_token
from ecozone.demo.reporting import load_reports
from ecozone.demo.services import load_accounts, load_roster

EXAMPLES = int(os.environ.get("ECOZONE_FUZZ_EXAMPLES", "15"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
schema.app = application

fuzz_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same requests on every run: a failure in CI reproduces here
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def province_token(django_db_setup, django_db_blocker):
    """Demo accounts, the roster and a few annual reports, loaded once for the module and rolled
    back after it; the bearer token of the province administrator."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_accounts()
        load_roster()
        load_reports(["330500", "330523"])
        _token, secret = create_api_token(user=User.objects.get(username="province"), name="fuzz")
        yield secret
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def served_in_the_test_transaction(settings):
    """Requests go to the WSGI application, which closes the database connection after each
    one; inside the test's transaction it must not (Django's test client does the same)."""
    settings.ALLOWED_HOSTS = ["localhost"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@fuzz_settings
def test_anonymous_requests_get_declared_answers(case, province_token, db):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@fuzz_settings
def test_signed_in_requests_get_declared_answers(case, province_token, db):
    case.call_and_validate(headers={"Authorization": f"Bearer {province_token}"}, checks=CHECKS)
