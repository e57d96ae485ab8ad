"""Move the blind index out of the database, into the keyring (see people/keys/blind_index.py).

Each person's name and contact are opened with their data key and indexed in the keyring,
then the `search_tokens` column is dropped: erasing a person then deletes their entries
with their key, so no later backup of the database can find them. Backups made before
this migration still hold the column: replace them with a new backup once it has run.
Reversible: migrating back fills the column again from the sealed details.
"""

from django.db import migrations

BATCH = 500


def _opened(apps, fields: tuple[str, ...]):
    """(key id, {field: plaintext}) for every person whose details still open."""
    from casebook.people.keys import cipher
    from casebook.people.keys.fields import aad
    from casebook.people.keys.keyring import keyring

    Person = apps.get_model("people", "Person")
    rows = (
        Person.objects.filter(erased_at__isnull=True)
        .order_by("pk")
        .values_list("pk", "key_id", *fields)
    )
    ring = keyring()
    batch: list[tuple] = []

    def opened_batch():
        keys = ring.data_keys(str(row[1]) for row in batch)
        for pk, key_id, *values in batch:
            key = keys.get(str(key_id))
            if key is None:
                continue
            plain = {}
            for name, value in zip(fields, values, strict=True):
                try:
                    plain[name] = (
                        cipher.open_sealed(key, value, aad(key_id, name)).decode() if value else ""
                    )
                except (cipher.DecryptionError, UnicodeDecodeError):
                    plain[name] = ""
            yield pk, str(key_id), plain

    for row in rows.iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) >= BATCH:
            yield from opened_batch()
            batch = []
    if batch:
        yield from opened_batch()


def index_in_keyring(apps, schema_editor):
    from casebook.people.keys import blind_index
    from casebook.people.keys.keyring import keyring

    ring = keyring()
    for _pk, key_id, plain in _opened(apps, ("full_name", "contact")):
        ring.index_set(key_id, "name", blind_index.field_tokens("name", plain["full_name"]))
        ring.index_set(key_id, "contact", blind_index.field_tokens("contact", plain["contact"]))


def tokens_back_in_column(apps, schema_editor):
    from casebook.people.keys import blind_index

    Person = apps.get_model("people", "Person")
    for pk, _key_id, plain in _opened(apps, ("full_name", "contact")):
        tokens = blind_index.person_tokens(full_name=plain["full_name"], contact=plain["contact"])
        Person.objects.filter(pk=pk).update(search_tokens=tokens)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_encrypt_personal_details"),
    ]

    operations = [
        migrations.RunPython(index_in_keyring, tokens_back_in_column),
        migrations.RemoveField(
            model_name="person",
            name="search_tokens",
        ),
    ]
