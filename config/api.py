from django.utils.translation import gettext_lazy as _

from ecozone.accounts.api import AUTH, docs_access
from ecozone.accounts.api import router as accounts_router
from ecozone.applications.api import router as applications_router
from ecozone.core.api import EcoZoneAPI, install_error_handlers
from ecozone.designations.api import router as designations_router
from ecozone.indicators.api import router as indicators_router
from ecozone.ratings.api import router as ratings_router
from ecozone.regions.api import router as regions_router
from ecozone.reporting.api import router as reporting_router
from ecozone.reporting.audit_api import router as audit_router
from ecozone.showcase.api import router as showcase_router
from ecozone.taskbooks.api import router as taskbooks_router

api = EcoZoneAPI(
    title="EcoZone API",
    version="1",
    description=str(
        _(
            "JSON API of the demonstration-zone platform. Authenticate with your session (and the "
            "CSRF token for writes) or with “Authorization: Bearer <token>” (create tokens under "
            'API tokens). Errors come as {"detail": message}.'
        )
    ),
    auth=AUTH,
    urls_namespace="api",
    docs_decorator=docs_access,
)
install_error_handlers(api)
api.add_router("", accounts_router)
api.add_router("", regions_router)
api.add_router("", indicators_router)
api.add_router("", designations_router)
api.add_router("", reporting_router)
api.add_router("", ratings_router)
api.add_router("", applications_router)
api.add_router("", taskbooks_router)
api.add_router("", showcase_router)
api.add_router("", audit_router)
