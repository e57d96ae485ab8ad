from django.db import migrations

from casebook.analysis.lists.defaults import lists_create_defaults


def create_default_lists(apps, schema_editor):
    lists_create_defaults(
        capture_list_model=apps.get_model("analysis", "CaptureList"),
        list_channel_model=apps.get_model("analysis", "ListChannel"),
        channel_model=apps.get_model("sources", "Channel"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0001_capture_lists"),
        ("sources", "0002_default_channels"),
    ]
    operations = [migrations.RunPython(create_default_lists, migrations.RunPython.noop)]
