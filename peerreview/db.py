"""PostgreSQL cursors for prepared statements that outlive a change to a table's columns.

Each connection prepares the statements it runs often (settings: `prepare_threshold`). A migration run by another
process, as a deploy runs one while the old web processes still serve, can change the type of a column those
statements read; PostgreSQL then refuses them ("cached plan must not change result type") until the connection
ends, and a connection is kept for DATABASE_CONN_MAX_AGE. psycopg forgets its prepared statements only when its own
connection runs such a change, or rolls back.
"""

from django.db.backends.postgresql.base import ServerBindingCursor
from psycopg import errors
from psycopg.pq import TransactionStatus

STALE_PLAN = "cached plan must not change result type"


class RePreparingCursor(ServerBindingCursor):
    """Django's cursor with server-side binding, which, when a prepared statement's plan went stale outside a
    transaction, drops the connection's prepared statements and runs the statement again, once. Inside a
    transaction the statement fails, and the transaction's rollback drops them, so only that request fails."""

    def execute(self, query, params=None, **kwargs):
        try:
            return super().execute(query, params, **kwargs)
        except errors.FeatureNotSupported as error:
            if STALE_PLAN not in str(error) or self.connection.info.transaction_status != TransactionStatus.IDLE:
                raise
            self.connection.execute("DEALLOCATE ALL")  # psycopg sees it and forgets what it had prepared
            return super().execute(query, params, **kwargs)
