"""Settings of the `manage.py db_worker` subprocesses that test_jobs.py starts and kills: the test
settings with the database queue, on the test's database, running jobs one zone per batch with a
pause after each and a short lease, so that a worker can be killed in the middle of a job."""

import os

from config.settings_test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DATABASES["default"]["NAME"] = os.environ["ECOZONE_WORKER_DB_NAME"]  # noqa: F405
RATINGS_JOB_BATCH = 1
RATINGS_JOB_STEP_DELAY = float(os.environ.get("ECOZONE_WORKER_STEP_DELAY", "1"))
RATINGS_JOB_LEASE = float(os.environ.get("ECOZONE_WORKER_LEASE", "4"))
