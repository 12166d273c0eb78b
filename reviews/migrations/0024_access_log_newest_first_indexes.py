"""The access log's indexes in the order its pages list it (newest first, then by id).

On PostgreSQL the new indexes are built CONCURRENTLY, and the old ones dropped so, because every page a person reads
writes to this table: a plain CREATE INDEX would hold those writes (and so every page) until it finished.
"""

from django.db import migrations, models
from django.db.migrations.operations import AddIndex, RemoveIndex


class AddIndexConcurrentlyOnPostgreSQL(AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, concurrently=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index, concurrently=True)


class RemoveIndexConcurrentlyOnPostgreSQL(RemoveIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            index = from_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
            schema_editor.remove_index(model, index, concurrently=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            index = to_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
            schema_editor.add_index(model, index, concurrently=True)


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
