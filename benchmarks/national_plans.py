"""The EXPLAIN pass of `python -m benchmarks scale`: each page's queries planned by PostgreSQL on the national data
set, and any that reads a large table from end to end (a sequential scan) named, so a missing index shows."""

import json

from django.db import connection

# A table with more rows than this is read through an index by every page query (the national data set's small
# tables, such as councils or themes, are cheaper to read whole).
LARGE_TABLE_ROWS = 20_000


def _large_tables() -> dict[str, float]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relkind = 'r' AND reltuples > %s", [LARGE_TABLE_ROWS]
        )
        return dict(cursor.fetchall())


def _scans(plan: dict, large: dict[str, float]) -> set[str]:
    found = set()
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in large:
        found.add(plan["Relation Name"])
    for child in plan.get("Plans", []):
        found |= _scans(child, large)
    return found


def sequential_scans(queries: list[tuple[str, object]]) -> set[str]:
    """The large tables that any of these (SQL, parameters) reads from end to end, by PostgreSQL's plan."""
    large = _large_tables()
    found: set[str] = set()
    with connection.cursor() as cursor:
        for sql, params in queries:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            raw = cursor.fetchone()[0]
            plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
            found |= _scans(plan, large)
    return found
