from django.db import migrations, models


def first_revision(apps, schema_editor):
    apps.get_model("codebook", "Revision").objects.get_or_create(pk=1, defaults={"number": 1})


class Migration(migrations.Migration):
    dependencies = [
        ("codebook", "0002_acttype_counts"),
    ]

    operations = [
        migrations.CreateModel(
            name="Revision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveBigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(first_revision, migrations.RunPython.noop),
    ]
