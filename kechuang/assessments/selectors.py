"""Reads of stored assessments."""

from __future__ import annotations

from kechuang.assessments.models import AssessmentSnapshot
from kechuang.enterprises.models import Enterprise


def latest_snapshots(enterprise: Enterprise) -> dict[str, AssessmentSnapshot]:
    """The latest stored snapshot of each rule set for one enterprise."""
    out: dict[str, AssessmentSnapshot] = {}
    for s in enterprise.assessment_snapshots.order_by("-created_at", "-id")[:20]:
        out.setdefault(s.ruleset, s)
    return out
