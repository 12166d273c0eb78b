"""Queries that every signed-in page makes, turned into SQL once a process rather than on every request.

Building a query's SQL through the ORM costs more than running it: the membership check (a join of five tables)
took 1.2 ms a page to build and 0.2 ms to run. `Compiled` takes a function that builds the queryset from its
values, builds it once with placeholder values, and keeps the SQL, with the places those values go in its
parameters, and what the ORM needs to make model instances from its rows (the columns, their converters and the
`select_related` populators). Each call then runs that SQL with the real values, through the connection's own
cursor (so query counting, the prepared statements and any execute wrapper see it), and returns the instances the
queryset would have returned.

Only plain querysets qualify: model instances, with `select_related` and filters on the values given, and no
annotations, `prefetch_related`, `only`/`defer` or values that the ORM would have to turn into SQL differently from
one call to the next. Each value is an integer (an id), or text where the queryset is built with `text=True` for
that value (a questionnaire's link token), compared as it is (`exact`: a lookup that changes the text, such as
`icontains`, is refused). `Compiled` refuses anything else when it first compiles, and the tests compare its SQL
and its instances with the ORM's.
"""

from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

M = TypeVar("M", bound=Model)

# Placeholder ids, one per value, distinct from anything else a query of this kind holds; within a 32-bit integer,
# so that no lookup treats them as out of range.
_PLACEHOLDERS = (2_000_000_011, 2_000_000_033, 2_000_000_063, 2_000_000_087)
# Placeholder texts, for the values given as text: characters no link or name holds.
_TEXT_PLACEHOLDERS = tuple(f"\x1fcompiled-value-{place}\x1f" for place in range(len(_PLACEHOLDERS)))


class NotCompilable(Exception):
    """The queryset is not one `Compiled` can keep: it says why."""


class _Plan:
    """One queryset's SQL on one connection, and how its rows become instances."""

    def __init__(self, queryset: QuerySet, placeholders: tuple, connection) -> None:
        if queryset._prefetch_related_lookups or queryset._fields is not None or queryset._known_related_objects:
            raise NotCompilable("only plain querysets of model instances can be compiled")
        if queryset.query.deferred_loading != (frozenset(), True):
            raise NotCompilable("a queryset with only() or defer() cannot be compiled")
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        places = []
        for placeholder in placeholders:
            if str(placeholder) in sql:  # written into the SQL itself (a slice's LIMIT): it would never change
                raise NotCompilable(f"a value is written into the SQL rather than passed to it: {sql}")
            found = [index for index, param in enumerate(params) if param == placeholder]
            if len(found) != 1:
                raise NotCompilable(f"each value must appear once in the SQL's parameters; found {params!r}")
            places.append(found[0])
        if compiler.annotation_col_map:
            raise NotCompilable("a queryset with annotations cannot be compiled")
        self.sql = sql
        self.params = list(params)
        self.places = places
        self.compiler = compiler
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        self.converters = compiler.get_converters(fields)
        klass_info = compiler.klass_info
        self.model = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.model_slice = slice(start, end)
        self.init_list = [column[0].target.attname for column in compiler.select[start:end]]
        self.populators = get_related_populators(klass_info, compiler.select, connection.alias)

    def run(self, connection, values: tuple[int, ...]) -> list:
        params = list(self.params)
        for place, value in zip(self.places, values, strict=True):
            params[place] = value
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = list(self.compiler.apply_converters(rows, self.converters))
        found = []
        for row in rows:
            instance = self.model.from_db(connection.alias, self.init_list, row[self.model_slice])
            for populator in self.populators:
                populator.populate(row, instance)
            found.append(instance)
        return found


class Compiled(Generic[M]):
    """`build(*values)` returns the queryset; `compiled(*values)` returns its instances, as a list.

    The SQL is made on first use on each connection (a process's, or a thread's: converters belong to their
    connection), so the quick start's SQLite and a site's PostgreSQL each get their own. It is kept on the
    connection object, so it goes when a thread's connection goes.
    """

    def __init__(self, build: Callable[..., QuerySet], arity: int = 1, text: tuple[bool, ...] = ()) -> None:
        if not 1 <= arity <= len(_PLACEHOLDERS):
            raise ValueError(f"between 1 and {len(_PLACEHOLDERS)} values")
        text = text or (False,) * arity
        if len(text) != arity:
            raise ValueError(f"say for each of the {arity} values whether it is text")
        self.build = build
        self.arity = arity
        self.types = tuple(str if is_text else int for is_text in text)
        self.placeholders = tuple(
            _TEXT_PLACEHOLDERS[place] if is_text else _PLACEHOLDERS[place] for place, is_text in enumerate(text)
        )
        self._queryset: QuerySet | None = None  # built once, with the placeholders, never run itself

    def __call__(self, *values: int | str) -> list[M]:
        if len(values) != self.arity or not all(
            type(value) is kind for value, kind in zip(values, self.types, strict=True)
        ):
            names = ", ".join(kind.__name__ for kind in self.types)
            raise TypeError(f"{self.arity} values expected ({names}), got {values!r}")
        queryset = self._queryset
        if queryset is None:
            queryset = self._queryset = self.build(*self.placeholders)
        connection = connections[queryset.db]
        plans = connection.__dict__.setdefault("_compiled_plans", {})
        plan = plans.get(self)
        if plan is None:
            plan = plans[self] = _Plan(queryset.all(), self.placeholders, connection)
        return plan.run(connection, values)
