import django.db.models.deletion
from django.db import migrations, models

BATCH = 2000


def key_existing_texts(apps, schema_editor):
    """The captions and places of every activity already received get their keys
    (evidence.models.TextKey), so that a new report is compared with them too."""
    from evidence import texts

    Activity = apps.get_model("reporting", "Activity")
    TextKey = apps.get_model("evidence", "TextKey")
    received = Activity.objects.filter(report__first_submitted_at__isnull=False)
    rows = []
    for pk, caption, place in received.values_list("pk", "caption", "place").iterator(BATCH):
        for field, text in (("caption", caption), ("place", place)):
            normalised = texts.normalise(text)
            if normalised:
                rows.append(
                    TextKey(activity_id=pk, field=field, digest=texts.digest(field, normalised))
                )
        if len(rows) >= BATCH:
            TextKey.objects.bulk_create(rows)
            rows = []
    TextKey.objects.bulk_create(rows)


class Migration(migrations.Migration):

    dependencies = [
        ("evidence", "0002_hash_existing_photos"),
        ("reporting", "0006_import_upload"),
    ]

    operations = [
        migrations.CreateModel(
            name="TextKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("field", models.CharField(choices=[("caption", "photo caption"), ("place", "place")], max_length=8, verbose_name="field")),
                ("digest", models.BigIntegerField(db_index=True, verbose_name="digest of the text")),
                ("activity", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="text_keys", to="reporting.activity", verbose_name="activity")),
            ],
            options={
                "verbose_name": "text key",
                "verbose_name_plural": "text keys",
                "constraints": [models.UniqueConstraint(fields=("activity", "field"), name="one_text_key_per_field")],
            },
        ),
        migrations.RunPython(key_existing_texts, migrations.RunPython.noop),
    ]
