from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_loginfailure"),
    ]

    operations = [
        migrations.DeleteModel(name="LoginFailure"),
        migrations.CreateModel(
            name="SignInThrottle",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=64, unique=True)),
                ("failures", models.PositiveIntegerField(default=0)),
                ("last_failure", models.DateTimeField(blank=True, db_index=True, null=True)),
                ("refused_until", models.DateTimeField(blank=True, null=True)),
            ],
        ),
    ]
