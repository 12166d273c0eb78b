"""The access log's indexes in the order its pages list it (newest first, then by id).

On PostgreSQL the new indexes are built CONCURRENTLY, and the old ones dropped so, because every page a person reads
writes to this table: a plain CREATE INDEX would hold those writes (and so every page) until it finished. Elsewhere
(SQLite, the quick start) the plain operations run.
"""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models
from django.db.migrations.operations import AddIndex, RemoveIndex


def _concurrently_on_postgresql(concurrent: type, plain: type) -> type:
    """`concurrent` on PostgreSQL and `plain` (its parent, the same change to the state) on any other database."""

    class Operation(concurrent):
        def database_forwards(self, app_label, schema_editor, from_state, to_state):
            postgresql = schema_editor.connection.vendor == "postgresql"
            if postgresql and isinstance(self, AddIndex):
                # A build that failed part way leaves an invalid index of this name behind; this migration is not
                # atomic, so running it again must clear it first.
                schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(self.index.name)}")
            chosen = concurrent if postgresql else plain
            chosen.database_forwards(self, app_label, schema_editor, from_state, to_state)

        def database_backwards(self, app_label, schema_editor, from_state, to_state):
            chosen = concurrent if schema_editor.connection.vendor == "postgresql" else plain
            chosen.database_backwards(self, app_label, schema_editor, from_state, to_state)

    Operation.__name__ = f"{concurrent.__name__}OnPostgreSQL"
    return Operation


AddIndexConcurrentlyOnPostgreSQL = _concurrently_on_postgresql(AddIndexConcurrently, AddIndex)
RemoveIndexConcurrentlyOnPostgreSQL = _concurrently_on_postgresql(RemoveIndexConcurrently, RemoveIndex)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("reviews", "0023_report_sharing")]

    operations = [
        AddIndexConcurrentlyOnPostgreSQL(
            model_name="accesslog",
            index=models.Index(fields=["review", "-at", "-id"], name="accesslog_review_newest"),
        ),
        AddIndexConcurrentlyOnPostgreSQL(
            model_name="accesslog",
            index=models.Index(fields=["user", "-at", "-id"], name="accesslog_user_newest"),
        ),
        RemoveIndexConcurrentlyOnPostgreSQL(model_name="accesslog", name="accesslog_review_at"),
        RemoveIndexConcurrentlyOnPostgreSQL(model_name="accesslog", name="accesslog_user_at"),
    ]
