"""Two users moving the same ledger at once, on PostgreSQL: one move is made, the other
is refused, and the history agrees with the stage (issue 12: stage 辅导 while the
history had both 入库→放弃申报 and 入库→辅导)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.db import transaction

from kechuang.cultivation import services
from kechuang.programmes.models import Application, Event
from tests.concurrency import Racers, outcomes, require_postgres, wait_for_waiters

pytestmark = pytest.mark.django_db(transaction=True)
ON = dt.date(2021, 5, 1)


def test_two_moves_of_one_ledger_make_one(staff: Any, officer_a: Any, firm_a: Any) -> None:
    require_postgres()
    ledger = services.ledger_open(actor=staff, enterprise=firm_a, year=2021, on=dt.date(2021, 4, 1))

    def move(actor: Any, to: str) -> Any:
        # each user saw the ledger at 入库
        return lambda: services.ledger_transition(
            actor=actor, ledger=ledger, to=to, on=ON, expected_stage="pool"
        )

    racers = Racers(move(staff, "withdrawn"), move(officer_a, "coaching"))
    with transaction.atomic():
        list(Application.objects.select_for_update(of=("self",)).filter(pk=ledger.pk))
        racers.start()
        wait_for_waiters(2, racers)
    assert outcomes(racers.join()) == ["Conflict", "ok"]
    ledger.refresh_from_db()
    events = list(
        Event.objects.filter(application=ledger).order_by("pk").values_list("from_stage", "stage")
    )
    # one chain: every move starts where the previous one ended, and ends at the stage
    assert len(events) == 2 and events[1][0] == events[0][1] == "pool"
    assert events[-1][1] == ledger.stage


def test_two_decisions_on_one_proposal_make_one(staff: Any, officer_a: Any, firm_a: Any) -> None:
    require_postgres()
    from kechuang.accounts.models import User
    from kechuang.core.models import AuditLog
    from kechuang.cultivation.models import PoolMembership

    proposal = services.pool_propose(actor=officer_a, enterprise=firm_a, on=ON)
    other_staff = User.objects.create_user(
        username="staff2", password="pw-Kechuang-1", role="staff", is_staff=True
    )

    def decide(actor: Any, approve: bool) -> Any:
        return lambda: services.pool_decide(
            actor=actor, membership=proposal, approve=approve, on=ON, note="复核"
        )

    racers = Racers(decide(staff, True), decide(other_staff, False))
    with transaction.atomic():
        list(PoolMembership.objects.select_for_update().filter(pk=proposal.pk))
        racers.start()
        wait_for_waiters(2, racers)
    assert outcomes(racers.join()) == ["Conflict", "ok"]
    decisions = AuditLog.objects.filter(
        object_type="cultivation.poolmembership", object_id=str(proposal.pk), action="update"
    )
    assert decisions.count() == 1


def test_two_blind_moves_of_one_ledger_keep_one_history(
    staff: Any, officer_a: Any, firm_a: Any
) -> None:
    """Without the stage the user saw, the second move is checked against the first's
    result: 辅导 then 放弃申报 is a path of the pipeline, 放弃申报 then 辅导 is not."""
    require_postgres()
    ledger = services.ledger_open(actor=staff, enterprise=firm_a, year=2021, on=dt.date(2021, 4, 1))

    def move(actor: Any, to: str) -> Any:
        return lambda: services.ledger_transition(actor=actor, ledger=ledger, to=to, on=ON)

    racers = Racers(move(staff, "withdrawn"), move(officer_a, "coaching"))
    with transaction.atomic():
        list(Application.objects.select_for_update(of=("self",)).filter(pk=ledger.pk))
        racers.start()
        wait_for_waiters(2, racers)
    racers.join()
    ledger.refresh_from_db()
    events = list(
        Event.objects.filter(application=ledger).order_by("pk").values_list("from_stage", "stage")
    )
    assert all(later[0] == earlier[1] for earlier, later in itertools.pairwise(events))
    assert events[-1][1] == ledger.stage
