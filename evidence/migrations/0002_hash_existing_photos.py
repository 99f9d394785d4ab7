from django.db import migrations

BATCH = 2000


def hash_existing_photos(apps, schema_editor):
    """Every photo saved before the evidence checks gets its hash bands."""
    from evidence import hashing

    ActivityPhoto = apps.get_model("reporting", "ActivityPhoto")
    PhotoHash = apps.get_model("evidence", "PhotoHash")
    rows = []
    for pk, phash in ActivityPhoto.objects.values_list("pk", "phash").iterator(BATCH):
        rows.append(PhotoHash(photo_id=pk, **hashing.columns(phash)))
        if len(rows) == BATCH:
            PhotoHash.objects.bulk_create(rows)
            rows = []
    PhotoHash.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_initial")]

    operations = [migrations.RunPython(hash_existing_photos, migrations.RunPython.noop)]
