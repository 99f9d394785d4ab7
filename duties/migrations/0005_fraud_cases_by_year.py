"""FraudCases hold a year, not a plan: the year before the first plan's can be entered too,
so the first campaign year has something to be compared with. Each row's year is its
plan's; the versions simple-history keeps get theirs the same way."""

from django.db import migrations, models


def years_from_plans(apps, schema_editor):
    Plan = apps.get_model("reporting", "Plan")
    year_of = dict(Plan.objects.values_list("pk", "year"))
    for name in ("FraudCases", "HistoricalFraudCases"):
        model = apps.get_model("duties", name)
        for plan_id, year in year_of.items():
            model.objects.filter(plan_id=plan_id).update(year=year)


def plans_from_years(apps, schema_editor):
    Plan = apps.get_model("reporting", "Plan")
    plan_of = dict(Plan.objects.values_list("year", "pk"))
    for name in ("FraudCases", "HistoricalFraudCases"):
        model = apps.get_model("duties", name)
        # A year without a plan (the year before the first) cannot go back to a plan.
        model.objects.exclude(year__in=plan_of).delete()
        for year, plan_id in plan_of.items():
            model.objects.filter(year=year).update(plan_id=plan_id)


class Migration(migrations.Migration):
    dependencies = [
        ("duties", "0004_phase_documents_and_fraud_cases"),
        ("reporting", "0006_import_upload"),
    ]

    operations = [
        migrations.AddField(
            model_name="fraudcases",
            name="year",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="year"),
        ),
        migrations.AddField(
            model_name="historicalfraudcases",
            name="year",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="year"),
        ),
        migrations.AlterField(
            model_name="fraudcases",
            name="plan",
            field=models.ForeignKey(
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to="reporting.plan",
                verbose_name="plan",
            ),
        ),
        migrations.RunPython(years_from_plans, plans_from_years),
        migrations.RemoveConstraint(model_name="fraudcases", name="one_fraud_count_per_month"),
        migrations.RemoveField(model_name="fraudcases", name="plan"),
        migrations.RemoveField(model_name="historicalfraudcases", name="plan"),
        migrations.AlterField(
            model_name="fraudcases",
            name="year",
            field=models.PositiveSmallIntegerField(verbose_name="year"),
        ),
        migrations.AlterField(
            model_name="historicalfraudcases",
            name="year",
            field=models.PositiveSmallIntegerField(verbose_name="year"),
        ),
        migrations.AlterModelOptions(
            name="fraudcases",
            options={
                "ordering": ("year", "month", "community__position", "community__name"),
                "verbose_name": "fraud cases of a month",
                "verbose_name_plural": "fraud cases",
            },
        ),
        migrations.AddConstraint(
            model_name="fraudcases",
            constraint=models.UniqueConstraint(
                fields=("year", "community", "month"), name="one_fraud_count_per_month"
            ),
        ),
    ]
