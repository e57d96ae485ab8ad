from django.db import migrations, models


def seizures_count_items(apps, schema_editor):
    # What `casebook init` would load from uk.json now, for casebooks loaded before.
    apps.get_model("codebook", "ActType").objects.filter(slug="seizure").update(counts="items")


class Migration(migrations.Migration):
    dependencies = [
        ("codebook", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="acttype",
            name="counts",
            field=models.CharField(
                choices=[("people", "people"), ("items", "items")],
                default="people",
                help_text="What an act's number counts: the people it affected, or the items taken.",
                max_length=10,
            ),
        ),
        migrations.RunPython(seizures_count_items, migrations.RunPython.noop),
    ]
