"""Seal every person's details with a data key of their own (see casebook/people/keys).

Existing rows get a key id, a data key in the keyring (outside this database), sealed
columns and search tokens. Run `casebook init` (or any command) with the master key in
place: the first run on an installation without one creates it. Reversible: migrating back
opens the values again into plain columns.
"""

import uuid

from django.db import migrations, models

import casebook.people.keys.fields

PERSONAL = (
    "full_name",
    "contact",
    "address",
    "date_of_birth",
    "gender",
    "ethnicity",
    "notes",
    "consent_notes",
)


def give_key_ids(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    for pk in Person.objects.filter(key_id__isnull=True).values_list("pk", flat=True):
        Person.objects.filter(pk=pk).update(key_id=uuid.uuid4())


def seal_existing(apps, schema_editor):
    from casebook.people.keys import blind_index, cipher
    from casebook.people.keys.fields import Ciphertext, aad
    from casebook.people.keys.keyring import keyring

    Person = apps.get_model("people", "Person")
    ring = keyring()
    rows = Person.objects.order_by("pk").values_list("pk", "key_id", *PERSONAL)
    for pk, key_id, *values in rows.iterator(chunk_size=500):
        plain = dict(zip(PERSONAL, values, strict=True))
        if any(cipher.is_sealed(v) for v in plain.values()):
            continue  # sealed by an earlier, interrupted run
        key = ring.data_key(str(key_id)) or ring.create_data_key(str(key_id))
        sealed = {
            name: Ciphertext(
                cipher.seal(key, ("" if value is None else str(value)).encode(), aad(key_id, name))
            )
            for name, value in plain.items()
        }
        tokens = blind_index.person_tokens(
            full_name=plain["full_name"] or "", contact=plain["contact"] or ""
        )
        Person.objects.filter(pk=pk).update(search_tokens=tokens, **sealed)


def open_existing(apps, schema_editor):
    from casebook.people.keys import cipher
    from casebook.people.keys.fields import aad
    from casebook.people.keys.keyring import keyring

    Person = apps.get_model("people", "Person")
    ring = keyring()
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    table = Person._meta.db_table
    assignments = ", ".join(f"{quote(name)} = %s" for name in PERSONAL)
    rows = Person.objects.order_by("pk").values_list("pk", "key_id", *PERSONAL)
    with connection.cursor() as cursor:
        for pk, key_id, *values in rows.iterator(chunk_size=500):
            key = ring.data_key(str(key_id))
            plain = []
            for name, value in zip(PERSONAL, values, strict=True):
                text = ""
                if key is not None and cipher.is_sealed(value):
                    text = cipher.open_sealed(key, value, aad(key_id, name)).decode()
                plain.append((text or None) if name == "date_of_birth" else text)
            cursor.execute(
                f"UPDATE {quote(table)} SET {assignments} WHERE id = %s",  # noqa: S608
                [*plain, pk],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="key_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_key_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="person",
            name="key_id",
            field=casebook.people.keys.fields.DataKeyIdField(
                default=uuid.uuid4,
                editable=False,
                unique=True,
                help_text="Names the person's data key in the keyring; their sealed details are bound to it.",
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="search_tokens",
            field=casebook.people.keys.fields.BlindIndexField(
                blank=True, default="", editable=False
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="erased_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="person",
            name="erasure_reason",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="Why the details were erased; never anything personal.",
                max_length=300,
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="full_name",
            field=casebook.people.keys.fields.EncryptedCharField(
                blank=True, blind_index="name", max_length=200
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="contact",
            field=casebook.people.keys.fields.EncryptedCharField(
                blank=True, blind_index="contact", help_text="Phone or e-mail.", max_length=300
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="address",
            field=casebook.people.keys.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="person",
            name="date_of_birth",
            field=casebook.people.keys.fields.EncryptedDateField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="person",
            name="gender",
            field=casebook.people.keys.fields.EncryptedCharField(blank=True, max_length=60),
        ),
        migrations.AlterField(
            model_name="person",
            name="ethnicity",
            field=casebook.people.keys.fields.EncryptedCharField(blank=True, max_length=100),
        ),
        migrations.AlterField(
            model_name="person",
            name="notes",
            field=casebook.people.keys.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="person",
            name="consent_notes",
            field=casebook.people.keys.fields.EncryptedCharField(blank=True, max_length=500),
        ),
        migrations.RunPython(seal_existing, open_existing),
    ]
