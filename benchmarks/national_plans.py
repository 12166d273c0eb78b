"""The EXPLAIN pass of `python -m benchmarks scale`: each page's queries planned by PostgreSQL on the national data
set, and any that reads a large table from end to end (a sequential scan) or sorts thousands of rows named, so a
missing index shows (an index in the order a list is shown lets a page read only its rows)."""

import json

from django.db import connection

# A table with more rows than this is read through an index by every page query (the national data set's small
# tables, such as councils or themes, are cheaper to read whole).
LARGE_TABLE_ROWS = 20_000
# A query that sorts more rows than this, by the planner's estimate, wants an index in that order. The estimate is
# per loop (a sort inside a nested loop, or under a parallel gather, counts one loop's rows), incremental sorts are
# not counted, and each query is planned with its own values, not as the generic plan a prepared statement may use.
LARGE_SORT_ROWS = 5_000


def _large_tables() -> dict[str, float]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relkind = 'r' AND reltuples > %s", [LARGE_TABLE_ROWS]
        )
        return dict(cursor.fetchall())


def _tables(plan: dict) -> set[str]:
    found = {plan["Relation Name"]} if "Relation Name" in plan else set()
    for child in plan.get("Plans", []):
        found |= _tables(child)
    return found


def _scans(plan: dict, large: dict[str, float]) -> set[str]:
    """What this plan does that a page should not: "reads <table> whole", "sorts <n> rows of <tables>"."""
    found = set()
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in large:
        found.add(f"reads {plan['Relation Name']} whole")
    if plan.get("Node Type") == "Sort":
        rows = sum(child.get("Plan Rows", 0) for child in plan.get("Plans", []))
        if rows > LARGE_SORT_ROWS:
            found.add(f"sorts {rows:,.0f} rows of {' and '.join(sorted(_tables(plan)))}")
    for child in plan.get("Plans", []):
        found |= _scans(child, large)
    return found


def sequential_scans(queries: list[tuple[str, object]]) -> set[str]:
    """What any of these (SQL, parameters) does that a page should not, by PostgreSQL's plan: a large table read from
    end to end, or thousands of rows sorted."""
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
