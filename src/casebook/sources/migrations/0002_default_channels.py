from django.db import migrations

from casebook.sources.models import DEFAULT_CHANNELS


def create_channels(apps, schema_editor):
    Channel = apps.get_model("sources", "Channel")
    for slug, name, description in DEFAULT_CHANNELS:
        Channel.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("sources", "0001_initial")]
    operations = [migrations.RunPython(create_channels, migrations.RunPython.noop)]
