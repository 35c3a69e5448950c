from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ecozone.core"
    verbose_name = _("Core")

    def ready(self):
        from django.core import checks

        checks.register(signing_key_check, checks.Tags.security, deploy=True)


def signing_key_check(app_configs, **kwargs):
    from django.core import checks

    from ecozone.core.signing import deploy_problem

    problem = deploy_problem()
    if problem is None:
        return []
    return [
        checks.Warning(
            f"Checkpoints and receipts cannot be signed: {problem}.",
            hint="Create a key with `manage.py signing_key --create --path FILE` and set "
            "ECOZONE_SIGNING_KEY to it (README, 'Signing key').",
            id="ecozone.W001",
        )
    ]
