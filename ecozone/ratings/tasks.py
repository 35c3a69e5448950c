from django_tasks import task

from ecozone.ratings.services import run_job


@task()
def compute_campaign_task(job_id: int) -> None:
    """Compute a campaign's score cards in the background (`manage.py db_worker`)."""
    run_job(job_id)
