"""A second full-text index, over the search document as readers who may not see people
read it (redacted: names, addresses, phone numbers… replaced by tags), on both backends.

The body's own SQLite trigger now fires only when the body changes, so filling in the
redacted body does not re-index the body.
"""

from django.db import migrations, models

SQLITE_CREATE = [
    "DROP TRIGGER IF EXISTS cases_searchdocument_au",
    "CREATE TRIGGER cases_searchdocument_au AFTER UPDATE OF body ON cases_searchdocument BEGIN "
    "INSERT INTO cases_search_fts(cases_search_fts, rowid, body) "
    "VALUES ('delete', old.incident_id, old.body); "
    "INSERT INTO cases_search_fts(rowid, body) VALUES (new.incident_id, new.body); END",
    "CREATE VIRTUAL TABLE cases_search_redacted_fts USING fts5(redacted_body, content='cases_searchdocument', "
    "content_rowid='incident_id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER cases_searchdocument_redacted_ai AFTER INSERT ON cases_searchdocument "
    "WHEN new.redacted_body IS NOT NULL BEGIN INSERT INTO cases_search_redacted_fts(rowid, redacted_body) "
    "VALUES (new.incident_id, new.redacted_body); END",
    "CREATE TRIGGER cases_searchdocument_redacted_ad AFTER DELETE ON cases_searchdocument "
    "WHEN old.redacted_body IS NOT NULL BEGIN INSERT INTO cases_search_redacted_fts(cases_search_redacted_fts, rowid, redacted_body) "
    "VALUES ('delete', old.incident_id, old.redacted_body); END",
    "CREATE TRIGGER cases_searchdocument_redacted_au AFTER UPDATE OF redacted_body "
    "ON cases_searchdocument BEGIN "
    "INSERT INTO cases_search_redacted_fts(cases_search_redacted_fts, rowid, redacted_body) "
    "SELECT 'delete', old.incident_id, old.redacted_body WHERE old.redacted_body IS NOT NULL; "
    "INSERT INTO cases_search_redacted_fts(rowid, redacted_body) "
    "SELECT new.incident_id, new.redacted_body WHERE new.redacted_body IS NOT NULL; END",
]
# Put back as migration 0002 made them, in case dropping the columns rebuilt the table
# (SQLite drops a table's triggers with it).
SQLITE_BODY_TRIGGERS = [
    "DROP TRIGGER IF EXISTS cases_searchdocument_ai",
    "DROP TRIGGER IF EXISTS cases_searchdocument_ad",
    "DROP TRIGGER IF EXISTS cases_searchdocument_au",
    "CREATE TRIGGER cases_searchdocument_ai AFTER INSERT ON cases_searchdocument BEGIN "
    "INSERT INTO cases_search_fts(rowid, body) VALUES (new.incident_id, new.body); END",
    "CREATE TRIGGER cases_searchdocument_ad AFTER DELETE ON cases_searchdocument BEGIN "
    "INSERT INTO cases_search_fts(cases_search_fts, rowid, body) "
    "VALUES ('delete', old.incident_id, old.body); END",
    "CREATE TRIGGER cases_searchdocument_au AFTER UPDATE ON cases_searchdocument BEGIN "
    "INSERT INTO cases_search_fts(cases_search_fts, rowid, body) "
    "VALUES ('delete', old.incident_id, old.body); "
    "INSERT INTO cases_search_fts(rowid, body) VALUES (new.incident_id, new.body); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS cases_searchdocument_redacted_au",
    "DROP TRIGGER IF EXISTS cases_searchdocument_redacted_ad",
    "DROP TRIGGER IF EXISTS cases_searchdocument_redacted_ai",
    "DROP TABLE IF EXISTS cases_search_redacted_fts",
]
POSTGRES_CREATE = [
    "ALTER TABLE cases_searchdocument ADD COLUMN redacted_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english', coalesce(redacted_body, ''))) STORED",
    "CREATE INDEX cases_searchdocument_redacted_vector ON cases_searchdocument "
    "USING gin (redacted_vector)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS cases_searchdocument_redacted_vector",
    "ALTER TABLE cases_searchdocument DROP COLUMN IF EXISTS redacted_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_incident_force_inference_acled_fields")]

    # Both columns are nullable without a default, so SQLite adds them in place: a default
    # would make Django rebuild the table, and SQLite drop the full-text triggers with it.
    operations = [
        migrations.RunPython(migrations.RunPython.noop, _run({"sqlite": SQLITE_BODY_TRIGGERS})),
        migrations.AddField(
            model_name="searchdocument",
            name="redacted_body",
            field=models.TextField(
                blank=True,
                null=True,
                help_text="The body as readers who may not see people read it; empty until "
                "the redaction app has made it.",
            ),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="redacted_with",
            field=models.CharField(
                blank=True,
                null=True,
                max_length=64,
                help_text="The detection settings the redacted body was made with; empty "
                "while it waits to be made.",
            ),
        ),
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(fields=["redacted_with"], name="cases_searc_redacte_idx"),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
