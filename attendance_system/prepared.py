"""A queryset the ORM compiles once per process and that then runs with the values of each call.

Building a queryset and compiling it to SQL costs the ORM CPU at every call, though for a given query only the
values change: for the check-in's query of live codes (a subquery, two joins, three annotations) 1.4 ms, a
seventh of a check-in's CPU under a lecture hall's burst (bench/checkin_profile.py). `Prepared(build,
**placeholders)` builds and compiles `build(**placeholders)` on first use, notes where each placeholder's value
lands among the query's parameters, and from then on runs the same SQL with each call's values in those places,
turning the rows into the objects the queryset would have given (related objects from select_related and
annotations included) with the ORM's own converters and populators. The query stays written once, with the ORM,
in the selector that owns it.

A placeholder must be a value no other parameter of the query has, and reach the parameters unchanged (an int,
a string; a datetime on PostgreSQL, whose driver adapts it). When one does not (SQLite turns datetimes into
text), the query is built and run by the ORM at every call, as without this.
"""

import threading

from django.db import connections
from django.db.models.query import get_related_populators


class Prepared:
    def __init__(self, build, **placeholders):
        self.build = build
        self.placeholders = placeholders
        self._compiled = None  # (database alias, compiler, sql, params, {position: placeholder name}), or False
        self._lock = threading.Lock()

    def __call__(self, **values):
        """The objects `build(**values)` gives, as a list."""
        with self._lock:
            if self._compiled is None:
                self._compiled = self._compile(self.build(**self.placeholders))
        if not self._compiled:
            return list(self.build(**values))
        using, compiler, sql, params, positions = self._compiled
        params = [values[positions[i]] if i in positions else param for i, param in enumerate(params)]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return self._objects(compiler, rows, using)

    def _compile(self, queryset):
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        positions = {}
        for index, param in enumerate(params):
            for name, placeholder in self.placeholders.items():
                if type(param) is type(placeholder) and param == placeholder:
                    positions[index] = name
        if set(positions.values()) != set(self.placeholders):
            return False  # a placeholder changed on its way to the parameters: the ORM builds every call
        return queryset.db, compiler, sql, list(params), positions

    @staticmethod
    def _objects(compiler, rows, using):
        # As django.db.models.query.ModelIterable does with a compiler's rows.
        select, klass_info, annotation_col_map = compiler.select, compiler.klass_info, compiler.annotation_col_map
        model = klass_info["model"]
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        names = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, using)
        objects = []
        for row in compiler.results_iter([rows]):
            obj = model.from_db(using, names, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotation_col_map.items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects
