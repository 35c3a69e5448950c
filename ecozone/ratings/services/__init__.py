"""The only code that writes re-examination campaigns, their inputs, results and consequences,
split by topic; every service is importable from here (`from ecozone.ratings import services`)."""

from ecozone.ratings.services.campaigns import (
    assign_expert,
    conflict_of_interest,
    create_campaign,
    decide_feature,
    due_designations,
    record_item,
    save_work_scores,
    submit_feature,
)
from ecozone.ratings.services.common import settings_of
from ecozone.ratings.services.computing import (
    MAX_ATTEMPTS,
    WORKER_SEEN_AT,
    LeaseLost,
    _claim,
    _finish,
    computation_problem,
    compute_zones,
    job_batch_size,
    job_lease,
    recover_stale_jobs,
    retry_job,
    run_job,
    start_computation,
    transition_campaign,
)
from ecozone.ratings.services.publishing import (
    close_interview,
    decide_delisting,
    publish_campaign,
    years_after,
)
from ecozone.ratings.services.schemes import publish_scheme

__all__ = [
    "MAX_ATTEMPTS",
    "WORKER_SEEN_AT",
    "LeaseLost",
    "_claim",
    "_finish",
    "assign_expert",
    "close_interview",
    "computation_problem",
    "compute_zones",
    "conflict_of_interest",
    "create_campaign",
    "decide_delisting",
    "decide_feature",
    "due_designations",
    "job_batch_size",
    "job_lease",
    "publish_campaign",
    "publish_scheme",
    "record_item",
    "recover_stale_jobs",
    "retry_job",
    "run_job",
    "save_work_scores",
    "settings_of",
    "start_computation",
    "submit_feature",
    "transition_campaign",
    "years_after",
]
