"""Settings of the gunicorn servers and workers that test_two_servers.py starts: the test settings
on the test's PostgreSQL database, jobs in the database queue, uploads in one shared folder."""

import os

from config.settings_test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DATABASES["default"]["NAME"] = os.environ["ECOZONE_SERVER_DB_NAME"]  # noqa: F405
MEDIA_ROOT = os.environ["ECOZONE_MEDIA_ROOT"]
STORAGES["default"]["OPTIONS"] = {"location": MEDIA_ROOT}  # noqa: F405
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
RATINGS_JOB_BATCH = 1
# A job lasts a few seconds, so that both servers' requests arrive while it is unfinished.
RATINGS_JOB_STEP_DELAY = 1.0
