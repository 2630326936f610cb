import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Contract.assets through a model of the project's own on Django's table, as Django's
    documentation describes it (the state changes, the table does not), then without the index
    on the contract alone."""

    dependencies = [
        ("classification", "0002_drop_redundant_indexes"),
        ("suppliers", "0003_drop_redundant_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ContractAsset",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "asset",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="classification.asset",
                            ),
                        ),
                        (
                            "contract",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="suppliers.contract",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "suppliers_contract_assets",
                        "unique_together": {("contract", "asset")},
                    },
                ),
                migrations.AlterField(
                    model_name="contract",
                    name="assets",
                    field=models.ManyToManyField(
                        related_name="contracts",
                        through="suppliers.ContractAsset",
                        to="classification.asset",
                        verbose_name="assets",
                    ),
                ),
            ],
        ),
        migrations.AlterField(
            model_name="contractasset",
            name="contract",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="suppliers.contract",
            ),
        ),
    ]
