"""Drop the index on organisation_id alone: the index on (organisation_id, id) serves it.

Only the index is dropped. AlterField would remake the table on SQLite (Django's way of
altering a column there), and the append-only triggers of 0002 would go with it.
"""

from django.db import migrations, models

INDEX = "audit_auditevent_organisation_id_11de86af"


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_organisation_latest_event"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="organisation_id",
                    field=models.UUIDField(null=True),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX {INDEX}",
                    f"CREATE INDEX {INDEX} ON audit_auditevent (organisation_id)",
                ),
            ],
        ),
    ]
