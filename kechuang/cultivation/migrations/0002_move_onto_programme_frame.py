"""Cultivation moves onto the programme frame: its batches become calls of the `hnte`
programme, its ledgers applications (ids kept, so links and the audit log still point
at them), their milestones events, documents attachments, visits and tasks the frame's;
its targets become rows of `targets.Target` (one source of truth for targets)."""

from decimal import Decimal

from django.core.management.color import no_style
from django.db import migrations

PROGRAMME = "hnte"


def _reset_sequences(apps, schema_editor, labels):
    connection = schema_editor.connection
    models = [apps.get_model(*label.split(".")) for label in labels]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def forwards(apps, schema_editor):
    OldBatch = apps.get_model("cultivation", "ApplicationBatch")
    OldLedger = apps.get_model("cultivation", "Ledger")
    OldEvent = apps.get_model("cultivation", "LedgerEvent")
    OldDocument = apps.get_model("cultivation", "LedgerDocument")
    OldVisit = apps.get_model("cultivation", "Visit")
    OldTask = apps.get_model("cultivation", "Task")
    OldTarget = apps.get_model("cultivation", "CultivationTarget")
    Call = apps.get_model("programmes", "Call")
    Application = apps.get_model("programmes", "Application")
    Event = apps.get_model("programmes", "Event")
    Attachment = apps.get_model("programmes", "Attachment")
    Visit = apps.get_model("programmes", "Visit")
    Task = apps.get_model("programmes", "Task")
    Target = apps.get_model("targets", "Target")

    Call.objects.bulk_create(
        Call(
            id=b.id,
            programme=PROGRAMME,
            year=b.year,
            seq=b.seq,
            name=b.name,
            closes_on=b.submit_by,
            review_on=b.review_on,
            publicity_on=b.publicize_on,
            decided_on=b.certified_on,
            note=b.note,
        )
        for b in OldBatch.objects.all()
    )
    ledgers = list(OldLedger.objects.all())
    Application.objects.bulk_create(
        Application(
            id=lg.id,
            programme=PROGRAMME,
            call_id=lg.batch_id,
            enterprise_id=lg.enterprise_id,
            year=lg.year,
            kind=lg.kind,
            stage=lg.stage,
            unique_key=str(lg.year),
            officer_id=lg.officer_id,
            bureau_contact_id=lg.bureau_contact_id,
            notes=lg.notes,
        )
        for lg in ledgers
    )
    for lg in ledgers:  # auto_now(_add) set today's stamps on insert: keep the old ones
        Application.objects.filter(pk=lg.id).update(
            created_at=lg.created_at, updated_at=lg.updated_at
        )
    enterprise_of = {lg.id: lg.enterprise_id for lg in ledgers}
    events = list(OldEvent.objects.all())
    Event.objects.bulk_create(
        Event(
            id=e.id,
            application_id=e.ledger_id,
            from_stage=e.from_stage,
            stage=e.stage,
            on=e.on,
            by_id=e.by_id,
            by_name=e.by_name,
            note=e.note,
        )
        for e in events
    )
    for e in events:
        Event.objects.filter(pk=e.id).update(created_at=e.created_at)
    for d in OldDocument.objects.all():
        a = Attachment.objects.create(
            enterprise_id=enterprise_of[d.ledger_id],
            application_id=d.ledger_id,
            title=d.title,
            file=d.file.name,
            size=d.size,
            uploaded_by_id=d.uploaded_by_id,
        )
        Attachment.objects.filter(pk=a.pk).update(uploaded_at=d.uploaded_at)
    for v in OldVisit.objects.all():
        nv = Visit.objects.create(
            enterprise_id=enterprise_of[v.ledger_id],
            application_id=v.ledger_id,
            visited_on=v.visited_on,
            visitor_id=v.visitor_id,
            visitor_name=v.visitor_name,
            summary=v.summary,
            problems=v.problems,
        )
        Visit.objects.filter(pk=nv.pk).update(created_at=v.created_at)
    for t in OldTask.objects.all():
        nt = Task.objects.create(
            id=t.id,
            programme=PROGRAMME,
            title=t.title,
            region_id=t.region_id,
            enterprise_id=t.enterprise_id,
            call_id=t.batch_id,
            due_on=t.due_on,
            owner_id=t.owner_id,
            status=t.status,
            done_on=t.done_on,
            created_by_id=t.created_by_id,
        )
        Task.objects.filter(pk=nt.pk).update(created_at=t.created_at)
    for t in OldTarget.objects.all():
        # The same indicator, year and region entered in targets already is the plan;
        # a cultivation-only target (a town's share) becomes a row of it.
        Target.objects.get_or_create(
            indicator=t.metric,
            year=t.year,
            region_id=t.region_id,
            defaults={
                "value": Decimal(t.value),
                "comparison": t.comparison,
                "note": "高企培育目标",
                "set_by_id": t.set_by_id,
            },
        )
    _reset_sequences(
        apps, schema_editor, ["programmes.Call", "programmes.Application", "programmes.Event", "programmes.Task"]
    )


def backwards(apps, schema_editor):
    # The old tables come back empty; the frame's copies go, so that migrating forward
    # again copies without clashing ids.
    for name in ("Task", "Visit", "Attachment", "Event", "Application", "Call"):
        apps.get_model("programmes", name).objects.filter(
            **({"programme": PROGRAMME} if name in ("Task", "Application", "Call") else {})
        ).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('cultivation', '0001_initial'),
        ('programmes', '0001_initial'),
        ('targets', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name='Visit'),
        migrations.DeleteModel(name='LedgerEvent'),
        migrations.DeleteModel(name='LedgerDocument'),
        migrations.DeleteModel(name='Task'),
        migrations.DeleteModel(name='CultivationTarget'),
        migrations.DeleteModel(name='Ledger'),
        migrations.DeleteModel(name='ApplicationBatch'),
        migrations.CreateModel(
            name='ApplicationBatch',
            fields=[
            ],
            options={
                'verbose_name': '高企申报批次',
                'verbose_name_plural': '高企申报批次',
                'ordering': ['year', 'seq'],
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('programmes.call',),
        ),
        migrations.CreateModel(
            name='Ledger',
            fields=[
            ],
            options={
                'verbose_name': '培育台帐',
                'verbose_name_plural': '培育台帐',
                'ordering': ['-year', 'enterprise__name'],
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('programmes.application',),
        ),
    ]
