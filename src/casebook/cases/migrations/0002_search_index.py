"""The full-text index over cases_searchdocument, one per database backend."""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE cases_search_fts USING fts5(body, content='cases_searchdocument', "
    "content_rowid='incident_id', tokenize='porter unicode61 remove_diacritics 2')",
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
    "DROP TRIGGER IF EXISTS cases_searchdocument_au",
    "DROP TRIGGER IF EXISTS cases_searchdocument_ad",
    "DROP TRIGGER IF EXISTS cases_searchdocument_ai",
    "DROP TABLE IF EXISTS cases_search_fts",
]
POSTGRES_CREATE = [
    "ALTER TABLE cases_searchdocument ADD COLUMN vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english', body)) STORED",
    "CREATE INDEX cases_searchdocument_vector ON cases_searchdocument USING gin (vector)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS cases_searchdocument_vector",
    "ALTER TABLE cases_searchdocument DROP COLUMN IF EXISTS vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
