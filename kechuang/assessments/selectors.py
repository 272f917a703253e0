"""Reads for the assessment pages: stored runs, snapshots and queued registry jobs."""

from __future__ import annotations

from django.db.models import QuerySet

from kechuang.accounts.scoping import made_by_scope_q
from kechuang.core.jobs import Actor, job_list
from kechuang.core.models import Job
from kechuang.enterprises.models import AssessmentRun

# The job kind of a whole-registry assessment (its label starts with this).
REGISTRY_JOB_KIND = "全库评价"


def run_list(*, actor: Actor) -> QuerySet[AssessmentRun]:
    """Stored whole-registry runs, newest first (the page is the bureau's): those made by
    users of the actor's region (a run's counts are its region's figures)."""
    return AssessmentRun.objects.filter(made_by_scope_q(actor, "created_by")).select_related(
        "created_by"
    )


def registry_jobs_pending(*, actor: Actor) -> QuerySet[Job]:
    """Whole-registry assessments queued or running that `actor` may see."""
    return job_list(actor=actor).filter(
        kind__startswith=REGISTRY_JOB_KIND, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
    )
