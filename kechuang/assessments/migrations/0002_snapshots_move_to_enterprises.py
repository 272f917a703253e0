"""The runs and snapshots now belong to the registry (enterprises 0003): state only,
the tables stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("enterprises", "0003_assessment_snapshots_move_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="AssessmentSnapshot"),
                migrations.DeleteModel(name="AssessmentRun"),
            ],
            database_operations=[],
        )
    ]
