"""Two users moving the same ledger at once, on PostgreSQL: one move is made, the other
is refused, and the history agrees with the stage (issue 12: stage 辅导 while the
history had both 入库→放弃申报 and 入库→辅导)."""

from __future__ import annotations

import datetime as dt
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
        return lambda: services.ledger_transition(actor=actor, ledger=ledger, to=to, on=ON)

    racers = Racers(move(staff, "withdrawn"), move(officer_a, "coaching"))
    with transaction.atomic():
        list(Application.objects.select_for_update().filter(pk=ledger.pk))
        racers.start()
        wait_for_waiters(2, racers)
    results = racers.join()
    assert outcomes(results)[-1] == "ok" and outcomes(results).count("ok") == 1
    ledger.refresh_from_db()
    moves = list(
        Event.objects.filter(application=ledger).order_by("pk").values_list("stage", flat=True)
    )
    assert moves == ["pool", ledger.stage]
