"""Two users acting on the same application, 公示 or award at once, on PostgreSQL: one
of them wins, the other is told (a conflict or a refusal), and the record never holds
both. See tests/concurrency.py for how the order is fixed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction

from kechuang.core.errors import Conflict, ValidationFailed
from kechuang.programmes import services
from kechuang.programmes.models import (
    Application,
    Award,
    Event,
    Objection,
    Publicity,
    PublicityEntry,
)
from tests.concurrency import Racers, outcomes, require_postgres, wait_for_waiters

pytestmark = pytest.mark.django_db(transaction=True)
D = dt.date(2021, 3, 1)


def open_app(actor: Any, firm: Any) -> Any:
    return services.application_open(
        actor=actor, programme="example_rd", enterprise=firm, year=2020, on=D
    )


def _race_behind(locked: Any, racers: Racers, waiters: int = 2) -> list[tuple[str, Any]]:
    """Start the racers while `locked` (a queryset) is locked; let go once they queue."""
    with transaction.atomic():
        # the rows themselves: an application's enterprise may be empty (an outer join,
        # which PostgreSQL does not lock)
        list(locked.select_for_update(of=("self",)))
        racers.start()
        wait_for_waiters(waiters, racers)
    return racers.join()


def test_two_moves_of_one_application_make_one(staff: Any, firm_b: Any) -> None:
    require_postgres()
    app = open_app(staff, firm_b)

    def move(actor: Any) -> Any:
        return lambda: services.application_transition(
            actor=actor, application=app, to="submitted", on=D, expected_stage="draft"
        )

    results = _race_behind(Application.objects.filter(pk=app.pk), Racers(move(staff), move(staff)))
    assert outcomes(results) == ["Conflict", "ok"]
    assert list(Event.objects.filter(application=app).values_list("stage", flat=True)) == [
        "draft",
        "submitted",
    ]


def test_a_double_publish_makes_one_publicity(staff: Any, firm_a: Any, firm_b: Any) -> None:
    require_postgres()
    apps = [open_app(staff, firm_a), open_app(staff, firm_b)]

    def publish() -> Any:
        return services.publicity_publish(
            actor=staff,
            programme="example_rd",
            title="2020年度名单公示",
            starts_on=D,
            ends_on=dt.date(2021, 3, 7),
            applications=apps,
        )

    results = _race_behind(
        Application.objects.filter(pk__in=[a.pk for a in apps]), Racers(publish, publish)
    )
    assert outcomes(results) == ["Conflict", "ok"]
    assert Publicity.objects.count() == 1 and PublicityEntry.objects.count() == 2


def test_publish_refuses_a_repeated_application_and_another_programmes_call(
    staff: Any, firm_b: Any
) -> None:
    app = open_app(staff, firm_b)
    other = services.call_save(
        actor=staff,
        programme="example_rd",
        data={"year": 2021, "seq": 1, "opens_on": D, "closes_on": dt.date(2021, 4, 1)},
    )
    other.programme = "hnte"  # a call of another programme
    with pytest.raises(ValidationFailed) as err:
        services.publicity_publish(
            actor=staff,
            programme="example_rd",
            title="公示",
            starts_on=D,
            ends_on=dt.date(2021, 3, 7),
            applications=[app, app],
            call=other,
        )
    assert any("重复列入" in line for line in err.value.lines())
    assert any("不是本项目的申报批次" in line for line in err.value.lines())


def test_an_objection_and_a_freeze_at_once_never_freeze_an_open_objection(
    staff: Any, enterprise_user: Any, firm_b: Any
) -> None:
    require_postgres()
    app = open_app(staff, firm_b)
    ends = dt.date(2021, 3, 7)
    pub = services.publicity_publish(
        actor=staff,
        programme="example_rd",
        title="公示",
        starts_on=D,
        ends_on=ends,
        applications=[app],
    )
    entry = PublicityEntry.objects.get(publicity=pub)
    objection = Racers(
        lambda: services.objection_file(
            actor=enterprise_user, entry=entry, reason="金额少计", on=ends
        )
    )
    freeze = Racers(
        lambda: services.publicity_freeze(actor=staff, publicity=pub, on=ends + dt.timedelta(1))
    )
    with transaction.atomic():
        # The objection has read the 公示 as open and queues at its commit (the deferred
        # foreign-key check reads the locked entry): its checks are done, its row not yet
        # visible. Only the entry is locked here (`of=self`, no ORDER BY: the entries'
        # ordering joins the 公示, and FOR UPDATE would lock it too, so that the freeze
        # waited for this blocker whatever the objection did — the race then ran free).
        list(PublicityEntry.objects.select_for_update(of=("self",)).order_by().filter(pk=entry.pk))
        objection.start()
        wait_for_waiters(1, objection)
        # Now the freeze. With the objection's lock on the 公示 it queues behind the
        # objection; without it, it counts no open objection and freezes at once.
        freeze.start()
        wait_for_waiters(1, freeze)  # or the freeze has finished: it did not wait
        froze_before_the_objection_landed = freeze.results[0][0] != "pending"
    results = objection.join() + freeze.join()
    pub.refresh_from_db()
    open_objections = Objection.objects.filter(entry=entry, status="open").count()
    assert not froze_before_the_objection_landed, "the freeze did not wait for the objection"
    assert not (pub.status == Publicity.Status.FROZEN and open_objections)
    assert outcomes(results) == ["ValidationFailed", "ok"]  # the freeze waits for it
    assert open_objections == 1 and pub.status != Publicity.Status.FROZEN


def test_an_award_paid_twice_at_once_is_paid_once(staff: Any, firm_b: Any) -> None:
    require_postgres()
    app = open_app(staff, firm_b)
    award = services.award_grant(
        actor=staff, application=app, title="奖补", amount_yuan="1000.00", granted_on=D
    )

    def pay() -> Any:
        return services.award_pay(actor=staff, award=award, paid_on=dt.date(2021, 4, 1))

    results = _race_behind(Award.objects.filter(pk=award.pk), Racers(pay, pay))
    assert outcomes(results) == ["Conflict", "ok"]


def test_an_application_officer_must_be_an_officer(
    staff: Any, enterprise_user: Any, firm_b: Any
) -> None:
    app = open_app(staff, firm_b)
    with pytest.raises(ValidationFailed, match="不是园区或乡镇的人员"):
        services.application_update(actor=staff, application=app, officer=enterprise_user)


def test_an_objection_read_before_the_freeze_is_refused_after_it(
    staff: Any, enterprise_user: Any, firm_b: Any
) -> None:
    app = open_app(staff, firm_b)
    ends = dt.date(2021, 3, 7)
    pub = services.publicity_publish(
        actor=staff,
        programme="example_rd",
        title="公示",
        starts_on=D,
        ends_on=ends,
        applications=[app],
    )
    entry = PublicityEntry.objects.select_related("publicity").get(publicity=pub)
    # the objection page was opened (the 公示 read as open), then the bureau froze it
    services.publicity_freeze(actor=staff, publicity=pub, on=ends + dt.timedelta(1))
    with pytest.raises(Conflict, match="已定稿，不再受理异议"):
        services.objection_file(actor=enterprise_user, entry=entry, reason="金额少计", on=ends)
    assert not Objection.objects.exists()
