"""A new schema as a copy of the template schema, by replaying its DDL.

django-tenants' `clone_schema` (a 4,600-line PL/pgSQL function) reads the catalog object
by object at every clone: 2.3 s on a fresh connection beside 145 entity schemas, about
10 s on a connection that had made 140 clones, and more as the catalog grows. Here the
template's DDL is read from the catalog once per process (and again when the template's
applied migrations change), and each new schema replays it in one round trip and one
transaction: flat in the number of schemas.

The DDL is schema-independent. It is printed by PostgreSQL itself with the template as
the only schema on the search_path, so every reference to the template's own objects
comes out unqualified (and every reference elsewhere, e.g. `public.tenants_user`,
qualified), and it is replayed with the new schema as the only schema on the search_path.
Nothing is rewritten by text substitution: the one place where PostgreSQL always
qualifies a name, the header of pg_get_functiondef, is checked to be exactly
`CREATE OR REPLACE FUNCTION <template>.<name>(` before that prefix is replaced, and the
finished DDL must not mention the template's name at all. pg_dump is not used: the image
has no client of its own, the one pgserver ships (16.2) refuses a newer server, and a
subprocess would need the connection's credentials.

The copy matches what `clone_schema(..., 'DATA')` gives: tables and their columns (types,
collations, defaults, identity, generated columns, not-null, storage), sequences with
their values and owning columns, constraints, indexes, views, functions, triggers (and
their enabled state), comments, owners, grants (tables, columns, sequences, functions,
the schema itself) and default privileges, and every row of the template's tables (the
migrations applied, the content types). A template holding anything else (partitions,
inheritance, rules, policies, types, materialized views, extensions…) raises
`ReplayUnsupported`, and tenants.provisioning falls back to the stock clone.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass

from django.db import connection, transaction
from psycopg2 import sql


class ReplayUnsupported(Exception):
    """The template holds an object this module cannot copy exactly."""


@dataclass(frozen=True)
class _TableData:
    name: str
    columns: tuple[str, ...]  # insertable columns (generated ones left out)
    overriding: bool  # has a GENERATED ALWAYS identity column


@dataclass(frozen=True)
class Replay:
    """The template's DDL, split where the new schema's name or the template's rows go."""

    key: str
    tables_ddl: str  # functions, sequences, tables, column options
    objects_ddl: str  # ownership of sequences, constraints, indexes, views, triggers,
    # comments, owners and grants (after the rows are copied)
    tables: tuple[_TableData, ...]
    sequences: tuple[str, ...]
    schema_owner: str
    schema_acl: bool  # the schema has grants of its own (not the defaults)
    schema_grants: tuple[tuple[str, str, bool], ...]  # (privileges, grantee, grantable)
    default_privileges: tuple[tuple[str, str, str, str, bool], ...]
    # (role, object kind, privileges, grantee, grantable)
    statements: int


_cached: Replay | None = None
_lock = threading.Lock()


def forget() -> None:
    """Drop the captured DDL (the next replay reads the catalog again)."""
    global _cached
    with _lock:
        _cached = None


def _key(template: str, migrations_of: str | None = None) -> str:
    """What the captured DDL depends on: the template's identity and applied migrations,
    the role that replays it and the server's version. With `migrations_of`, the applied
    migrations are read from that schema instead (a copy just made)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.oid, current_user, current_setting('server_version_num') "
            "FROM pg_namespace n WHERE n.nspname = %s", [template])
        row = cursor.fetchone()
        if row is None:
            raise ReplayUnsupported(f"no schema {template!r}")
        cursor.execute(sql.SQL("SELECT app, name FROM {}.django_migrations ORDER BY app, name")
                       .format(sql.Identifier(migrations_of or template)))
        migrations = cursor.fetchall()
    return hashlib.sha256(repr((row, migrations)).encode()).hexdigest()


def replay_for(template: str) -> Replay:
    """The captured DDL of `template`, captured now if missing or out of date."""
    global _cached
    key = _key(template)
    with _lock:
        if _cached is not None and _cached.key == key:
            return _cached
    replay = capture(template, key=key)
    with _lock:
        _cached = replay
    return replay


class _MigratedMeanwhile(Exception):
    """The template was migrated between the capture and the copy of its rows."""


def create_schema(template: str, target: str) -> None:
    """Create `target` as a copy of `template` (structure, rows, grants), in one transaction."""
    try:
        _create_schema(template, target)
    except _MigratedMeanwhile:
        # Once more with the new DDL (a second migration within this second is not tried).
        _create_schema(template, target)


def _create_schema(template: str, target: str) -> None:
    replay = replay_for(template)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('search_path'), "
                       "current_setting('check_function_bodies')")
        search_path, check_bodies = cursor.fetchone()
        raw = cursor.connection
        script = _script(replay, template, target, search_path, check_bodies)
        cursor.execute(script.as_string(raw))
        # The rows copied (the migrations applied among them) must be those the DDL was
        # captured for: a migration of the template committed in between would leave a
        # schema that claims a migration without its tables. Rolled back then.
        if _key(template, migrations_of=target) != replay.key:
            raise _MigratedMeanwhile


def _script(replay: Replay, template: str, target: str, search_path: str,
            check_bodies: str) -> sql.Composed:
    schema = sql.Identifier(target)
    source = sql.Identifier(template)
    parts: list[sql.Composable] = [
        sql.SQL("CREATE SCHEMA {};\n").format(schema),
        sql.SQL("SET LOCAL search_path TO {};\n").format(schema),
        # Function bodies may name tables created after them (pg_dump does the same).
        sql.SQL("SET LOCAL check_function_bodies TO off;\n"),
        sql.SQL(replay.tables_ddl),
    ]
    for table in replay.tables:
        columns = sql.SQL(", ").join(sql.Identifier(c) for c in table.columns)
        parts.append(sql.SQL("INSERT INTO {table} ({columns}){overriding} SELECT {columns} "
                             "FROM {source}.{table};\n").format(
            table=sql.Identifier(table.name), columns=columns, source=source,
            overriding=sql.SQL(" OVERRIDING SYSTEM VALUE" if table.overriding else "")))
    for sequence in replay.sequences:
        parts.append(sql.SQL("SELECT setval({name}::regclass, last_value, is_called) "
                             "FROM {source}.{sequence};\n").format(
            name=sql.Literal(_quote_ident(sequence)), source=source,
            sequence=sql.Identifier(sequence)))
    parts.append(sql.SQL(replay.objects_ddl))
    owner = sql.Identifier(replay.schema_owner)
    parts.append(sql.SQL("ALTER SCHEMA {} OWNER TO {};\n").format(schema, owner))
    if replay.schema_acl:
        parts.append(sql.SQL("REVOKE ALL ON SCHEMA {} FROM PUBLIC, {};\n").format(schema, owner))
    for privileges, grantee, grantable in replay.schema_grants:
        parts.append(sql.SQL("GRANT {} ON SCHEMA {} TO {}{};\n").format(
            sql.SQL(privileges), schema, _grantee(grantee),
            sql.SQL(" WITH GRANT OPTION" if grantable else "")))
    for role, kind, privileges, grantee, grantable in replay.default_privileges:
        parts.append(sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT {} ON {} "
                             "TO {}{};\n").format(
            sql.Identifier(role), schema, sql.SQL(privileges), sql.SQL(kind), _grantee(grantee),
            sql.SQL(" WITH GRANT OPTION" if grantable else "")))
    parts.append(sql.SQL("SELECT set_config('search_path', {}, true), "
                         "set_config('check_function_bodies', {}, true);\n").format(
        sql.Literal(search_path), sql.Literal(check_bodies)))
    return sql.Composed(parts)


def _grantee(grantee: str) -> sql.Composable:
    return sql.SQL("PUBLIC") if grantee == "" else sql.Identifier(grantee)


def _quote_ident(name: str) -> str:
    """An identifier, always double-quoted (so keywords and capitals are safe too)."""
    return '"' + name.replace('"', '""') + '"'


# --- capture ----------------------------------------------------------------------------

# Kinds of objects the replay does not copy; any of them in the template means fallback.
_UNSUPPORTED_SQL = """
SELECT 'relation ' || c.relname || ' of kind ' || c.relkind::text FROM pg_class c
 WHERE c.relnamespace = %(ns)s AND c.relkind NOT IN ('r', 'S', 'i', 'v')
UNION ALL SELECT 'partition or inherited table ' || c.relname FROM pg_inherits i
  JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relnamespace = %(ns)s
UNION ALL SELECT 'row security on ' || c.relname FROM pg_class c
 WHERE c.relnamespace = %(ns)s AND (c.relrowsecurity OR c.relforcerowsecurity)
UNION ALL SELECT 'policy ' || p.polname FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
 WHERE c.relnamespace = %(ns)s
UNION ALL SELECT 'rule ' || r.rulename FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
 WHERE c.relnamespace = %(ns)s AND r.rulename <> '_RETURN'
UNION ALL SELECT 'type ' || t.typname FROM pg_type t WHERE t.typnamespace = %(ns)s
   AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind <> 'c')
   AND NOT EXISTS (SELECT 1 FROM pg_type e JOIN pg_class c ON c.oid = e.typrelid
                    WHERE e.oid = t.typelem AND e.typarray = t.oid AND c.relkind <> 'c')
UNION ALL SELECT 'aggregate ' || p.proname FROM pg_proc p
 WHERE p.pronamespace = %(ns)s AND p.prokind = 'a'
UNION ALL SELECT 'collation ' || collname FROM pg_collation WHERE collnamespace = %(ns)s
UNION ALL SELECT 'operator ' || oprname FROM pg_operator WHERE oprnamespace = %(ns)s
UNION ALL SELECT 'operator family ' || opfname FROM pg_opfamily WHERE opfnamespace = %(ns)s
UNION ALL SELECT 'operator class ' || opcname FROM pg_opclass WHERE opcnamespace = %(ns)s
UNION ALL SELECT 'text search configuration ' || cfgname FROM pg_ts_config
 WHERE cfgnamespace = %(ns)s
UNION ALL SELECT 'text search dictionary ' || dictname FROM pg_ts_dict
 WHERE dictnamespace = %(ns)s
UNION ALL SELECT 'conversion ' || conname FROM pg_conversion WHERE connamespace = %(ns)s
UNION ALL SELECT 'statistics object ' || stxname FROM pg_statistic_ext
 WHERE stxnamespace = %(ns)s
UNION ALL SELECT 'extension ' || extname FROM pg_extension WHERE extnamespace = %(ns)s
UNION ALL SELECT 'options of the TOAST table of ' || c.relname FROM pg_class c
  JOIN pg_class t ON t.oid = c.reltoastrelid
 WHERE c.relnamespace = %(ns)s AND t.reloptions IS NOT NULL
UNION ALL SELECT 'a comment on ' || d.classoid::regclass::text FROM pg_description d
 WHERE d.classoid NOT IN ('pg_class'::regclass, 'pg_proc'::regclass,
                          'pg_constraint'::regclass, 'pg_trigger'::regclass)
   AND d.objoid IN (SELECT oid FROM pg_type WHERE typnamespace = %(ns)s)
"""

_FUNCTIONS_SQL = """
SELECT p.proname, p.prokind, pg_get_functiondef(p.oid),
       quote_ident(n.nspname) || '.' || quote_ident(p.proname),
       pg_get_function_identity_arguments(p.oid), r.rolname
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_roles r ON r.oid = p.proowner
 WHERE p.pronamespace = %(ns)s ORDER BY p.oid
"""

# Sequences not made by an identity column: their own CREATE SEQUENCE, and the column that
# owns them (a serial column's), if any.
_SEQUENCES_SQL = """
SELECT c.relname, format_type(s.seqtypid, NULL), s.seqincrement, s.seqmin, s.seqmax,
       s.seqstart, s.seqcache, s.seqcycle, r.rolname,
       owner.relname, a.attname, d.deptype
  FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid
  JOIN pg_roles r ON r.oid = c.relowner
  LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
       AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
  LEFT JOIN pg_class owner ON owner.oid = d.refobjid
  LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
 WHERE c.relnamespace = %(ns)s AND c.relkind = 'S' ORDER BY c.oid
"""

_TABLES_SQL = """
SELECT c.oid, c.relname, c.relpersistence, c.reloptions, c.relreplident, r.rolname
  FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
 WHERE c.relnamespace = %(ns)s AND c.relkind = 'r' ORDER BY c.oid
"""

_COLUMNS_SQL = """
SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
       CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::regcollation::text END,
       CASE WHEN a.attstattarget >= 0 THEN a.attstattarget END,
       CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage END,
       a.attcompression,
       seq.relname, s.seqincrement, s.seqmin, s.seqmax, s.seqstart, s.seqcache, s.seqcycle
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  LEFT JOIN pg_depend dep ON a.attidentity <> '' AND dep.refclassid = 'pg_class'::regclass
       AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum
       AND dep.classid = 'pg_class'::regclass AND dep.deptype = 'i'
  LEFT JOIN pg_class seq ON seq.oid = dep.objid AND seq.relkind = 'S'
  LEFT JOIN pg_sequence s ON s.seqrelid = seq.oid
 WHERE c.relnamespace = %(ns)s AND c.relkind = 'r' AND a.attnum > 0
   AND NOT a.attisdropped AND (dep.objid IS NULL OR seq.oid IS NOT NULL)
 ORDER BY a.attrelid, a.attnum
"""

# NOT NULL constraints ('n', PostgreSQL 18) come with the columns; constraint triggers
# ('t') with the triggers.
_CONSTRAINTS_SQL = """
SELECT con.conrelid::regclass::text, con.conname, pg_get_constraintdef(con.oid), con.contype
  FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
 WHERE c.relnamespace = %(ns)s AND con.contype IN ('p', 'u', 'x', 'c', 'f')
 ORDER BY array_position(ARRAY['p', 'u', 'x', 'c', 'f']::"char"[], con.contype),
          con.conrelid, con.conname
"""

_INDEXES_SQL = """
SELECT i.indrelid::regclass::text, c.relname, pg_get_indexdef(i.indexrelid, 0, true),
       i.indisclustered, i.indisreplident,
       EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid
                  AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x'))
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
 WHERE c.relnamespace = %(ns)s ORDER BY i.indrelid, c.relname
"""

_VIEWS_SQL = """
SELECT c.oid, c.relname, pg_get_viewdef(c.oid), c.reloptions, r.rolname,
       ARRAY(SELECT DISTINCT d.refobjid FROM pg_rewrite rw
               JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid
              WHERE rw.ev_class = c.oid AND d.refclassid = 'pg_class'::regclass
                AND d.refobjid <> c.oid)
  FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
 WHERE c.relnamespace = %(ns)s AND c.relkind = 'v' ORDER BY c.oid
"""

_TRIGGERS_SQL = """
SELECT t.tgrelid::regclass::text, t.tgname, pg_get_triggerdef(t.oid, true), t.tgenabled
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
 WHERE c.relnamespace = %(ns)s AND NOT t.tgisinternal ORDER BY t.tgrelid, t.tgname
"""

_COMMENTS_SQL = """
SELECT 'COMMENT ON '
       || CASE WHEN d.objsubid <> 0
               THEN 'COLUMN ' || quote_ident(c.relname) || '.' || quote_ident(a.attname)
               ELSE CASE c.relkind WHEN 'r' THEN 'TABLE ' WHEN 'v' THEN 'VIEW '
                    WHEN 'S' THEN 'SEQUENCE ' WHEN 'i' THEN 'INDEX ' END
                    || quote_ident(c.relname) END
       || ' IS ' || quote_literal(d.description)
  FROM pg_description d JOIN pg_class c ON d.classoid = 'pg_class'::regclass
       AND c.oid = d.objoid
  LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid
 WHERE c.relnamespace = %(ns)s
UNION ALL
SELECT 'COMMENT ON ' || CASE p.prokind WHEN 'p' THEN 'PROCEDURE ' ELSE 'FUNCTION ' END
       || quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')'
       || ' IS ' || quote_literal(d.description)
  FROM pg_description d JOIN pg_proc p ON d.classoid = 'pg_proc'::regclass AND p.oid = d.objoid
 WHERE p.pronamespace = %(ns)s
UNION ALL
SELECT 'COMMENT ON CONSTRAINT ' || quote_ident(con.conname) || ' ON '
       || con.conrelid::regclass::text || ' IS ' || quote_literal(d.description)
  FROM pg_description d JOIN pg_constraint con ON d.classoid = 'pg_constraint'::regclass
       AND con.oid = d.objoid
  JOIN pg_class c ON c.oid = con.conrelid
 WHERE c.relnamespace = %(ns)s
UNION ALL
SELECT 'COMMENT ON TRIGGER ' || quote_ident(t.tgname) || ' ON '
       || t.tgrelid::regclass::text || ' IS ' || quote_literal(d.description)
  FROM pg_description d JOIN pg_trigger t ON d.classoid = 'pg_trigger'::regclass
       AND t.oid = d.objoid
  JOIN pg_class c ON c.oid = t.tgrelid
 WHERE c.relnamespace = %(ns)s
ORDER BY 1
"""

# Grants on relations, their columns and functions: the object's GRANT target, and one row
# per grantee and grant option with its privileges. '' is PUBLIC.
_ACL_SQL = """
WITH objects AS (
    SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE ' ELSE 'TABLE ' END
           || quote_ident(c.relname) AS target, NULL::text AS column_name, c.relacl AS acl,
           c.relowner AS owner, 0 AS ord, c.oid AS oid
      FROM pg_class c WHERE c.relnamespace = %(ns)s AND c.relkind IN ('r', 'v', 'S')
       AND c.relacl IS NOT NULL
    UNION ALL
    SELECT 'TABLE ' || quote_ident(c.relname), a.attname, a.attacl, c.relowner, 1, c.oid
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
     WHERE c.relnamespace = %(ns)s AND a.attacl IS NOT NULL AND NOT a.attisdropped
    UNION ALL
    SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE ' ELSE 'FUNCTION ' END
           || quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')',
           NULL, p.proacl, p.proowner, 0, p.oid
      FROM pg_proc p WHERE p.pronamespace = %(ns)s AND p.proacl IS NOT NULL
)
SELECT o.target, o.column_name, owner.rolname, coalesce(r.rolname, ''), x.is_grantable,
       string_agg(x.privilege_type, ', ' ORDER BY x.privilege_type)
  FROM objects o JOIN pg_roles owner ON owner.oid = o.owner
 CROSS JOIN LATERAL aclexplode(o.acl) x
  LEFT JOIN pg_roles r ON r.oid = x.grantee
 GROUP BY o.ord, o.oid, o.target, o.column_name, owner.rolname, r.rolname, x.is_grantable
 ORDER BY o.ord, o.oid, o.column_name, 4, 5
"""

_SCHEMA_SQL = """
SELECT r.rolname, n.nspacl IS NOT NULL
  FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner WHERE n.oid = %(ns)s
"""

_SCHEMA_GRANTS_SQL = """
SELECT string_agg(x.privilege_type, ', ' ORDER BY x.privilege_type),
       coalesce(g.rolname, ''), x.is_grantable
  FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) x
  LEFT JOIN pg_roles g ON g.oid = x.grantee
 WHERE n.oid = %(ns)s GROUP BY g.rolname, x.is_grantable ORDER BY 2, 3
"""

_DEFAULT_PRIVILEGES_SQL = """
SELECT r.rolname, CASE d.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES'
                  WHEN 'f' THEN 'FUNCTIONS' WHEN 'T' THEN 'TYPES' END,
       string_agg(x.privilege_type, ', ' ORDER BY x.privilege_type),
       coalesce(g.rolname, ''), x.is_grantable
  FROM pg_default_acl d JOIN pg_roles r ON r.oid = d.defaclrole
 CROSS JOIN LATERAL aclexplode(d.defaclacl) x LEFT JOIN pg_roles g ON g.oid = x.grantee
 WHERE d.defaclnamespace = %(ns)s
 GROUP BY r.rolname, d.defaclobjtype, g.rolname, x.is_grantable ORDER BY 1, 2, 4, 5
"""


def names_schema(ddl: str, schema: str) -> bool:
    """Whether `ddl` names `schema` as an identifier of its own (`_plantilla.tabla`,
    `"_plantilla"`), not inside another one (a table `expedientes_plantilla`)."""
    return re.search(rf"(?<![\w$]){re.escape(schema)}(?![\w$])", ddl) is not None


def capture(template: str, *, key: str = "") -> Replay:
    """Read the template's DDL from the catalog (printed with only it on the search_path)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('search_path'), oid, current_user "
                       "FROM pg_namespace WHERE nspname = %s", [template])
        row = cursor.fetchone()
        if row is None:
            raise ReplayUnsupported(f"no schema {template!r}")
        search_path, namespace, user = row
        # SET LOCAL: on an error, the rollback of this atomic block restores it too.
        cursor.execute("SELECT set_config('search_path', quote_ident(%s), true)", [template])
        replay = _capture(cursor, template, namespace, user, key)
        cursor.execute("SELECT set_config('search_path', %s, true)", [search_path])
    return replay


def _rows(cursor, query: str, namespace: int) -> list[tuple]:
    cursor.execute(query, {"ns": namespace})
    return cursor.fetchall()


def _capture(cursor, template: str, namespace: int, user: str, key: str) -> Replay:
    unsupported = [row[0] for row in _rows(cursor, _UNSUPPORTED_SQL, namespace)]
    if unsupported:
        raise ReplayUnsupported("; ".join(unsupported))
    tables_ddl: list[str] = []
    objects_ddl: list[str] = []
    owners: list[str] = []

    def owned(kind: str, name: str, owner: str) -> None:
        if owner != user:
            owners.append(f"ALTER {kind} {name} OWNER TO {_quote_ident(owner)}")

    # Functions first: defaults, checks and indexes may call them.
    # pg_get_functiondef always names the function with its schema (quote_identifier each,
    # as quote_ident does): that exact prefix, checked, is the one text replaced.
    for name, kind, definition, qualified, arguments, owner in _rows(
            cursor, _FUNCTIONS_SQL, namespace):
        word = "PROCEDURE" if kind == "p" else "FUNCTION"
        header = f"CREATE OR REPLACE {word} {qualified}("
        if not definition.startswith(header):
            raise ReplayUnsupported(f"unexpected definition of function {name}")
        tables_ddl.append(f"CREATE {word} {_quote_ident(name)}(" + definition[len(header):])
        owned(word, f"{_quote_ident(name)}({arguments})", owner)

    owned_by: list[str] = []
    sequences: list[str] = []
    for (name, type_name, increment, minimum, maximum, start, cache, cycle, owner,
         owner_table, owner_column, dependency) in _rows(cursor, _SEQUENCES_SQL, namespace):
        sequences.append(name)
        if dependency == "i":
            continue  # an identity column's: made with its table
        tables_ddl.append(f"CREATE SEQUENCE {_quote_ident(name)} AS {type_name} "
                          + _sequence_options(increment, minimum, maximum, start, cache, cycle))
        owned("SEQUENCE", _quote_ident(name), owner)
        if dependency == "a":
            owned_by.append(f"ALTER SEQUENCE {_quote_ident(name)} OWNED BY "
                            f"{_quote_ident(owner_table)}.{_quote_ident(owner_column)}")

    columns_by_table: dict[int, list[tuple]] = {}
    for row in _rows(cursor, _COLUMNS_SQL, namespace):
        columns_by_table.setdefault(row[0], []).append(row[1:])

    tables: list[_TableData] = []
    column_options: list[str] = []
    replica_identity: list[str] = []
    for oid, name, persistence, options, replident, owner in _rows(cursor, _TABLES_SQL,
                                                                   namespace):
        table = _quote_ident(name)
        definitions: list[str] = []
        insertable: list[str] = []
        overriding = False
        for (column, type_name, not_null, default, identity, generated, collation, statistics,
             storage, compression, identity_sequence, *sequence) in columns_by_table.get(oid, []):
            text = f"{_quote_ident(column)} {type_name}"
            if collation:
                text += f" COLLATE {collation}"
            if generated == "s":
                text += f" GENERATED ALWAYS AS ({default}) STORED"
            elif identity:
                if identity_sequence is None:
                    raise ReplayUnsupported(f"identity column {name}.{column} without sequence")
                text += (" GENERATED " + ("ALWAYS" if identity == "a" else "BY DEFAULT")
                         + f" AS IDENTITY (SEQUENCE NAME {_quote_ident(identity_sequence)} "
                         + _sequence_options(*sequence) + ")")
                overriding = overriding or identity == "a"
            elif default is not None:
                text += f" DEFAULT {default}"
            if not_null:
                text += " NOT NULL"
            definitions.append(text)
            if generated != "s":
                insertable.append(column)
            target = f"ALTER TABLE {table} ALTER COLUMN {_quote_ident(column)}"
            if statistics is not None:
                column_options.append(f"{target} SET STATISTICS {statistics}")
            if storage:
                word = {"p": "PLAIN", "e": "EXTERNAL", "m": "MAIN", "x": "EXTENDED"}[storage]
                column_options.append(f"{target} SET STORAGE {word}")
            if compression:
                word = {"p": "pglz", "l": "lz4"}[compression]
                column_options.append(f"{target} SET COMPRESSION {word}")
        unlogged = "UNLOGGED " if persistence == "u" else ""
        text = f"CREATE {unlogged}TABLE {table} (\n    " + ",\n    ".join(definitions) + "\n)"
        if options:
            text += " WITH (" + ", ".join(_option(o) for o in options) + ")"
        tables_ddl.append(text)
        owned("TABLE", table, owner)
        if replident in ("n", "f"):
            replica_identity.append(f"ALTER TABLE {table} REPLICA IDENTITY "
                                    + ("NOTHING" if replident == "n" else "FULL"))
        tables.append(_TableData(name, tuple(insertable), overriding))
    tables_ddl.extend(column_options)

    # After the rows: sequence ownership, constraints (keys before the foreign keys that
    # need them), indexes, views, triggers, comments, owners, grants.
    objects_ddl.extend(owned_by)
    for table, name, definition, _kind in _rows(cursor, _CONSTRAINTS_SQL, namespace):
        objects_ddl.append(f"ALTER TABLE {table} ADD CONSTRAINT {_quote_ident(name)} "
                           f"{definition}")
    for table, name, definition, clustered, replident, backs_constraint in _rows(
            cursor, _INDEXES_SQL, namespace):
        if not backs_constraint:
            objects_ddl.append(definition)
        if clustered:
            objects_ddl.append(f"ALTER TABLE {table} CLUSTER ON {_quote_ident(name)}")
        if replident:
            replica_identity.append(f"ALTER TABLE {table} REPLICA IDENTITY USING INDEX "
                                    f"{_quote_ident(name)}")
    objects_ddl.extend(replica_identity)
    objects_ddl.extend(_views(_rows(cursor, _VIEWS_SQL, namespace), owned))
    for table, name, definition, enabled in _rows(cursor, _TRIGGERS_SQL, namespace):
        objects_ddl.append(definition)
        state = {"D": "DISABLE TRIGGER", "R": "ENABLE REPLICA TRIGGER",
                 "A": "ENABLE ALWAYS TRIGGER"}.get(enabled)
        if state:
            objects_ddl.append(f"ALTER TABLE {table} {state} {_quote_ident(name)}")
    objects_ddl.extend(row[0] for row in _rows(cursor, _COMMENTS_SQL, namespace))
    objects_ddl.extend(owners)
    objects_ddl.extend(_grants(_rows(cursor, _ACL_SQL, namespace)))

    schema_owner, schema_acl = _rows(cursor, _SCHEMA_SQL, namespace)[0]
    schema_grants = tuple(_rows(cursor, _SCHEMA_GRANTS_SQL, namespace)) if schema_acl else ()
    default_privileges = tuple(_rows(cursor, _DEFAULT_PRIVILEGES_SQL, namespace))
    replay = Replay(
        key=key, tables_ddl=_join(tables_ddl), objects_ddl=_join(objects_ddl),
        tables=tuple(t for t in tables if t.columns), sequences=tuple(sequences),
        schema_owner=schema_owner, schema_acl=schema_acl, schema_grants=schema_grants,
        default_privileges=default_privileges,
        statements=len(tables_ddl) + len(objects_ddl) + len(tables) + len(sequences))
    for text in (replay.tables_ddl, replay.objects_ddl):
        if names_schema(text, template):
            raise ReplayUnsupported(f"the template's DDL names the template schema {template}")
    return replay


def _join(statements: list[str]) -> str:
    return "".join(f"{statement};\n" for statement in statements)


def _sequence_options(increment, minimum, maximum, start, cache, cycle) -> str:
    return (f"INCREMENT BY {increment} MINVALUE {minimum} MAXVALUE {maximum} "
            f"START WITH {start} CACHE {cache} {'CYCLE' if cycle else 'NO CYCLE'}")


def _option(option: str) -> str:
    name, _, value = option.partition("=")
    return f"{name} = '" + value.replace("'", "''") + "'"


def _views(rows: list[tuple], owned) -> list[str]:
    """CREATE VIEW statements, each after the views it reads."""
    by_oid = {row[0]: row for row in rows}
    done: set[int] = set()
    ordered: list[str] = []

    def visit(oid: int, path: tuple[int, ...] = ()) -> None:
        if oid in done or oid not in by_oid:
            return
        if oid in path:
            raise ReplayUnsupported("views that depend on each other in a cycle")
        _oid, name, definition, options, owner, depends_on = by_oid[oid]
        for other in depends_on:
            visit(other, (*path, oid))
        done.add(oid)
        text = f"CREATE VIEW {_quote_ident(name)}"
        if options:
            text += " WITH (" + ", ".join(_option(o) for o in options) + ")"
        ordered.append(f"{text} AS\n{definition.rstrip().rstrip(';')}")
        owned("VIEW", _quote_ident(name), owner)

    for oid in by_oid:
        visit(oid)
    return ordered


def _grants(rows: list[tuple]) -> list[str]:
    """REVOKE the default privileges of each object with grants, then GRANT its own."""
    statements: list[str] = []
    revoked: set[str] = set()
    for target, column, owner, grantee, grantable, privileges in rows:
        if column is None and target not in revoked:
            revoked.add(target)
            statements.append(f"REVOKE ALL ON {target} FROM PUBLIC, {_quote_ident(owner)}")
        if column is not None:
            privileges = ", ".join(f"{p} ({_quote_ident(column)})" for p in privileges.split(", "))
        to = "PUBLIC" if grantee == "" else _quote_ident(grantee)
        statements.append(f"GRANT {privileges} ON {target} TO {to}"
                          + (" WITH GRANT OPTION" if grantable else ""))
    return statements
