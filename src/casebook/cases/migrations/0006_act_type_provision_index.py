from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_search_redacted")]

    operations = [
        migrations.AddIndex(
            model_name="act",
            index=models.Index(
                fields=["act_type", "legal_provision", "incident"],
                name="cases_act_act_typ_4de785_idx",
            ),
        ),
    ]
