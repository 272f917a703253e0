"""The county of a request type, routing rule and working-day override is required;
types are unique by key and by name within a county, overrides by day."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("desk", "0004_county_configuration_data")]

    operations = [
        migrations.AlterField(
            model_name="requesttype",
            name="county",
            field=models.ForeignKey(
                limit_choices_to={"kind": "county"},
                on_delete=django.db.models.deletion.CASCADE,
                related_name="desk_request_types",
                to="accounts.region",
                verbose_name="县（市、区）",
            ),
        ),
        migrations.AlterField(
            model_name="routingrule",
            name="county",
            field=models.ForeignKey(
                limit_choices_to={"kind": "county"},
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.region",
                verbose_name="县（市、区）",
            ),
        ),
        migrations.AlterField(
            model_name="workdayoverride",
            name="county",
            field=models.ForeignKey(
                limit_choices_to={"kind": "county"},
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.region",
                verbose_name="县（市、区）",
            ),
        ),
        migrations.AddConstraint(
            model_name="requesttype",
            constraint=models.UniqueConstraint(fields=("county", "key"), name="uniq_desk_type_key"),
        ),
        migrations.AddConstraint(
            model_name="requesttype",
            constraint=models.UniqueConstraint(
                fields=("county", "name"), name="uniq_desk_type_name"
            ),
        ),
        migrations.AddConstraint(
            model_name="workdayoverride",
            constraint=models.UniqueConstraint(
                fields=("county", "day"), name="uniq_desk_override_day"
            ),
        ),
    ]
