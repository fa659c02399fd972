"""New schemas made by replaying the template's DDL (tenants.template_ddl) are the same as
a migrated schema and as django-tenants' clone: read back from the catalog, object by
object, with the rows of every table."""

from __future__ import annotations

import secrets
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import override_settings
from django_tenants.clone import CloneSchema

from tenants import provisioning, template_ddl

pytestmark = pytest.mark.django_db

TEMPLATE = "_plantilla"


@pytest.fixture(autouse=True)
def _fresh_capture():
    """Each test starts without a captured DDL (a test may change the template)."""
    template_ddl.forget()
    yield
    template_ddl.forget()


def _fetch(query: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def describe(schema: str) -> dict[str, object]:
    """Everything a schema holds, printed with only that schema on the search_path (so two
    copies of the same objects print the same whatever their schema's name). Grants are
    the effective ones (an object without grants of its own has its kind's defaults)."""
    with transaction.atomic():
        _fetch("SELECT set_config('search_path', quote_ident(%s), true)", [schema])
        ns = _fetch("SELECT oid FROM pg_namespace WHERE nspname = %s", [schema])[0][0]
        facts = {
            "schema": _fetch("""
                SELECT r.rolname, ARRAY(SELECT (coalesce(g.rolname, 'PUBLIC'), x.privilege_type,
                                                 x.is_grantable)::text
                                          FROM aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) x
                                          LEFT JOIN pg_roles g ON g.oid = x.grantee ORDER BY 1)
                  FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner
                 WHERE n.oid = %s""", [ns]),
            "relations": _fetch("""
                SELECT c.relname, c.relkind, c.relpersistence, r.rolname, c.reloptions,
                       c.relreplident, obj_description(c.oid, 'pg_class'),
                       ARRAY(SELECT (coalesce(g.rolname, 'PUBLIC'), x.privilege_type,
                                     x.is_grantable)::text
                               FROM aclexplode(coalesce(
                                   c.relacl, acldefault(CASE c.relkind WHEN 'S' THEN 's'
                                                        ELSE 'r' END::"char", c.relowner))) x
                               LEFT JOIN pg_roles g ON g.oid = x.grantee ORDER BY 1)
                  FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
                 WHERE c.relnamespace = %s ORDER BY c.relname""", [ns]),
            # Columns in table order (not attnum: a migrated table may have dropped ones).
            "columns": _fetch("""
                SELECT c.relname, row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum),
                       a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                       pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
                       a.attcollation::regcollation::text, a.attstorage,
                       col_description(c.oid, a.attnum),
                       ARRAY(SELECT (coalesce(g.rolname, 'PUBLIC'), x.privilege_type)::text
                               FROM aclexplode(a.attacl) x
                               LEFT JOIN pg_roles g ON g.oid = x.grantee ORDER BY 1)
                  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                 WHERE c.relnamespace = %s AND c.relkind IN ('r', 'v') AND a.attnum > 0
                   AND NOT a.attisdropped ORDER BY 1, 2""", [ns]),
            "indexes": _fetch("""
                SELECT c.relname, pg_get_indexdef(i.indexrelid, 0, true), i.indisprimary,
                       i.indisunique, i.indisclustered, i.indisreplident,
                       ARRAY(SELECT coalesce(a.attname, '(expression)')
                               FROM unnest(i.indkey) WITH ORDINALITY k(attnum, position)
                               LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid
                                    AND a.attnum = k.attnum ORDER BY k.position),
                       i.indclass::text, i.indcollation::text, i.indoption::text,
                       pg_get_expr(i.indexprs, i.indrelid), pg_get_expr(i.indpred, i.indrelid)
                  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                 WHERE c.relnamespace = %s ORDER BY 1""", [ns]),
            "constraints": _fetch("""
                SELECT con.conrelid::regclass::text, con.conname, con.contype,
                       pg_get_constraintdef(con.oid), con.condeferrable, con.condeferred,
                       con.convalidated, obj_description(con.oid, 'pg_constraint')
                  FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
                 WHERE c.relnamespace = %s ORDER BY 1, 2""", [ns]),
            "sequences": _fetch("""
                SELECT c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
                       s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
                       pg_sequence_last_value(c.oid), t.relname, a.attname, d.deptype
                  FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid
                  LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
                       AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
                  LEFT JOIN pg_class t ON t.oid = d.refobjid
                  LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid
                       AND a.attnum = d.refobjsubid
                 WHERE c.relnamespace = %s ORDER BY 1""", [ns]),
            "triggers": _fetch("""
                SELECT t.tgrelid::regclass::text, t.tgname, pg_get_triggerdef(t.oid, true),
                       t.tgenabled, obj_description(t.oid, 'pg_trigger')
                  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                 WHERE c.relnamespace = %s AND NOT t.tgisinternal ORDER BY 1, 2""", [ns]),
            "functions": _fetch("""
                SELECT p.proname, pg_get_function_arguments(p.oid),
                       pg_get_function_result(p.oid), l.lanname, p.prosrc, p.provolatile,
                       p.proisstrict, p.prosecdef, p.proconfig, r.rolname,
                       obj_description(p.oid, 'pg_proc'),
                       ARRAY(SELECT (coalesce(g.rolname, 'PUBLIC'), x.privilege_type)::text
                               FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) x
                               LEFT JOIN pg_roles g ON g.oid = x.grantee ORDER BY 1)
                  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
                  JOIN pg_roles r ON r.oid = p.proowner
                 WHERE p.pronamespace = %s ORDER BY 1, 2""", [ns]),
            "views": _fetch("""
                SELECT c.relname, pg_get_viewdef(c.oid) FROM pg_class c
                 WHERE c.relnamespace = %s AND c.relkind = 'v' ORDER BY 1""", [ns]),
            "default_privileges": _fetch("""
                SELECT r.rolname, d.defaclobjtype, d.defaclacl::text FROM pg_default_acl d
                  JOIN pg_roles r ON r.oid = d.defaclrole
                 WHERE d.defaclnamespace = %s ORDER BY 1, 2""", [ns]),
        }
        tables = [name for name, kind, *_ in facts["relations"] if kind == "r"]
        facts["rows"] = {table: sorted(row[0] for row in _fetch(
            f'SELECT t::text FROM "{schema}"."{table}" t')) for table in tables}
    return facts


def _migrated(schema: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema}"')
    call_command("migrate_schemas", tenant=True, schema_name=schema, interactive=False,
                 verbosity=0, executor="standard")
    connection.set_schema_to_public()


def _migration_names(schema: str) -> list[tuple[str, str]]:
    return _fetch(f'SELECT app, name FROM "{schema}".django_migrations ORDER BY app, name')


def _assert_same(left: dict, right: dict) -> None:
    assert left.keys() == right.keys()
    for key in left:
        assert left[key] == right[key], key


def _grants(facts: dict) -> list[tuple]:
    """Who may do what on each table, view and sequence, and on the schema."""
    return [facts["schema"], [(name, acl) for name, kind, *_, acl in facts["relations"]
                              if kind in ("r", "v", "S")],
            [(table, column, acl) for table, _n, column, *_, acl in facts["columns"]],
            [(name, args, acl) for name, args, *_, acl in facts["functions"]]]


def test_a_replayed_schema_is_the_template_with_its_rows_and_grants_as_the_clone(province):
    template_ddl.create_schema(TEMPLATE, "replayed")
    CloneSchema().clone_schema(TEMPLATE, "cloned", "DATA")
    template, replayed, cloned = describe(TEMPLATE), describe("replayed"), describe("cloned")
    _assert_same(replayed, template)
    # Not vacuous: the template has tables, keys, a trigger, sequences with values, rows.
    assert len(template["relations"]) > 200
    assert template["triggers"][0][:2] == ("registro_asiento", "registro_asiento_no_delete")
    assert len(template["rows"]["django_content_type"]) > 50
    last_values = {name: value for name, *_, value, _t, _a, _d in template["sequences"]}
    assert last_values["django_migrations_id_seq"] == len(_migration_names(TEMPLATE))
    # The stock clone gives the same rows and grants. (Not the same constraints: it renames
    # the unique constraints Django named, e.g. domicilio_unique becomes
    # padron_domicilio_via_id_pseudovia_id_number_qualifier_km_hm_key, which a later
    # migration removing the constraint by name would not find; nor the same identity
    # sequences: django_content_type_id_seq becomes a bigint one.)
    assert replayed["rows"] == cloned["rows"]
    assert _grants(replayed) == _grants(cloned)


def test_a_replayed_schema_is_a_migrated_schema(province):
    template_ddl.create_schema(TEMPLATE, "replayed")
    _migrated("migrated")
    replayed, migrated = describe("replayed"), describe("migrated")
    # A migrated schema records when it was migrated; everything else is the same.
    for facts, schema in ((replayed, "replayed"), (migrated, "migrated")):
        facts["rows"]["django_migrations"] = _migration_names(schema)
    _assert_same(replayed, migrated)


def test_grants_comments_and_default_privileges_of_the_template_arrive(province):
    """Every grant of the template, exactly. (The stock clone gives the table grants without
    their grant option, drops column grants and gives back the EXECUTE that the template
    revoked from PUBLIC.)"""
    # A role of this test only (roles are cluster-wide; the rollback removes it).
    role = f"lector_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(f"""
            CREATE ROLE {role};
            SET LOCAL search_path TO {TEMPLATE};
            GRANT USAGE ON SCHEMA {TEMPLATE} TO {role};
            ALTER DEFAULT PRIVILEGES IN SCHEMA {TEMPLATE} GRANT SELECT ON TABLES TO {role};
            GRANT SELECT, INSERT ON django_content_type TO {role} WITH GRANT OPTION;
            GRANT UPDATE (model) ON django_content_type TO PUBLIC;
            GRANT USAGE ON SEQUENCE django_content_type_id_seq TO {role};
            REVOKE EXECUTE ON FUNCTION registro_asiento_no_delete() FROM PUBLIC;
            GRANT EXECUTE ON FUNCTION registro_asiento_no_delete() TO {role};
            COMMENT ON TABLE django_content_type IS 'Tipos de contenido';
            COMMENT ON COLUMN django_content_type.model IS 'Modelo';
        """)
    connection.set_schema_to_public()
    template_ddl.create_schema(TEMPLATE, "replayed")
    template, replayed = describe(TEMPLATE), describe("replayed")
    _assert_same(replayed, template)
    content_types = next(r for r in replayed["relations"] if r[0] == "django_content_type")
    assert content_types[6] == "Tipos de contenido"
    assert f"({role},INSERT,t)" in content_types[7]
    assert ("django_content_type", "model", ["(PUBLIC,UPDATE)"]) in _grants(replayed)[2]
    owner = _fetch("SELECT current_user")[0][0]
    assert ("registro_asiento_no_delete", "", [f"({role},EXECUTE)", f"({owner},EXECUTE)"]) \
        in _grants(replayed)[3]
    assert f"({role},USAGE,f)" in replayed["schema"][0][1]
    assert replayed["default_privileges"] == [(owner, "r", f"{{{role}=r/{owner}}}")]


def test_objects_django_does_not_make_arrive_too(province):
    """Quoted names, a serial column, identity ALWAYS and generated columns, a collation,
    table and column options, an expression index, views on views, a function, a
    statement trigger, a disabled trigger, comments: the stock clone fails on this
    template ("get_insert_stmt_ddl() failed"); the replay copies it."""
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SET LOCAL search_path TO {TEMPLATE};
            COMMENT ON FUNCTION registro_asiento_no_delete() IS 'No se borran';
            ALTER TABLE registro_asiento DISABLE TRIGGER registro_asiento_no_delete;
            CREATE SEQUENCE "Numeración" AS integer START 100 INCREMENT 5;
            SELECT setval('"Numeración"', 240);
            CREATE TABLE "order" ("select" serial PRIMARY KEY,
                                  "Texto" text COLLATE "C" DEFAULT 'x''y' NOT NULL,
                                  doble integer GENERATED ALWAYS AS ("select" * 2) STORED,
                                  siempre integer GENERATED ALWAYS AS IDENTITY,
                                  n integer DEFAULT nextval('"Numeración"') CHECK (n > 0))
                WITH (fillfactor = 80);
            ALTER TABLE "order" ALTER COLUMN "Texto" SET STATISTICS 200;
            ALTER TABLE "order" ALTER COLUMN "Texto" SET STORAGE MAIN;
            COMMENT ON CONSTRAINT order_n_check ON "order" IS 'Positivo';
            INSERT INTO "order" ("Texto") VALUES ('a'), ('b');
            CREATE INDEX order_lower ON "order" (lower("Texto")) WHERE n > 3;
            CREATE VIEW pedidos AS SELECT o."select", ct.model
                FROM "order" o JOIN django_content_type ct ON ct.id = o."select";
            CREATE FUNCTION dos() RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT 2';
            CREATE VIEW "pedidos 2" AS SELECT * FROM pedidos WHERE dos() = 2;
            GRANT SELECT ON "pedidos 2" TO PUBLIC;
            CREATE TRIGGER order_no_truncate BEFORE TRUNCATE ON "order"
                FOR EACH STATEMENT EXECUTE FUNCTION registro_asiento_no_delete();
            COMMENT ON TRIGGER order_no_truncate ON "order" IS 'Nada de vaciar';
        """)
    connection.set_schema_to_public()
    template_ddl.create_schema(TEMPLATE, "replayed")
    template, replayed = describe(TEMPLATE), describe("replayed")
    _assert_same(replayed, template)
    assert replayed["rows"]["order"] == ["(1,a,2,1,245)", "(2,b,4,2,250)"]
    assert [s[8] for s in replayed["sequences"] if s[0] == "Numeración"] == [250]
    with connection.cursor() as cursor:
        cursor.execute('INSERT INTO replayed."order" ("Texto") VALUES (%s) RETURNING *', ["c"])
        assert cursor.fetchone() == (3, "c", 6, 3, 255)
        cursor.execute('SELECT count(*) FROM replayed."pedidos 2"')
        assert cursor.fetchone() == (3,)


def test_a_template_with_an_object_the_replay_does_not_know_is_cloned_the_stock_way(
        province, caplog):
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TYPE {TEMPLATE}.estado AS ENUM ('a', 'b')")
    with pytest.raises(template_ddl.ReplayUnsupported, match="type estado"):
        template_ddl.capture(TEMPLATE)
    provisioning.clone_template("copia")
    assert "type estado" in caplog.text
    assert _fetch("SELECT count(*) FROM pg_type WHERE typname = 'estado' "
                  "AND typnamespace = 'copia'::regnamespace") == [(1,)]
    assert _migration_names("copia") == _migration_names(TEMPLATE)


def test_the_ddl_is_captured_once_and_again_when_the_template_migrations_change(province):
    with mock.patch.object(template_ddl, "capture", wraps=template_ddl.capture) as capture:
        template_ddl.create_schema(TEMPLATE, "uno")
        template_ddl.create_schema(TEMPLATE, "dos")
        assert capture.call_count == 1
        with connection.cursor() as cursor:
            cursor.execute(f"""
                INSERT INTO {TEMPLATE}.django_migrations (app, name, applied)
                VALUES ('padron', '9999_prueba', now());
                CREATE TABLE {TEMPLATE}.padron_prueba (id bigint PRIMARY KEY)""")
        template_ddl.create_schema(TEMPLATE, "tres")
        assert capture.call_count == 2
    assert ("padron", "9999_prueba") in _migration_names("tres")
    assert _fetch("SELECT to_regclass('tres.padron_prueba') IS NOT NULL") == [(True,)]
    assert _fetch("SELECT to_regclass('dos.padron_prueba')") == [(None,)]


def test_a_migration_of_the_template_during_the_copy_is_not_mixed_into_it(province):
    real = template_ddl.replay_for
    stale = real(TEMPLATE)
    # The template is migrated after the DDL was read, before its rows are copied.
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO {TEMPLATE}.django_migrations (app, name, applied)
            VALUES ('padron', '9999_prueba', now());
            CREATE TABLE {TEMPLATE}.padron_prueba (id bigint PRIMARY KEY)""")
    calls = []

    def replay_for(template):
        calls.append(template)
        return stale if len(calls) == 1 else real(template)

    with mock.patch.object(template_ddl, "replay_for", side_effect=replay_for):
        template_ddl.create_schema(TEMPLATE, "copia")
    assert len(calls) == 2
    assert ("padron", "9999_prueba") in _migration_names("copia")
    assert _fetch("SELECT to_regclass('copia.padron_prueba') IS NOT NULL") == [(True,)]


def test_the_replay_leaves_the_search_path_as_it_found_it(province):
    connection.set_schema("agost")
    before = _fetch("SHOW search_path")
    template_ddl.create_schema(TEMPLATE, "replayed")
    assert _fetch("SHOW search_path") == before
    assert _fetch("SHOW check_function_bodies") == [("on",)]


def test_a_schema_name_that_needs_quoting_is_safe(province):
    template_ddl.create_schema(TEMPLATE, 'raro"; DROP SCHEMA public; --')
    assert _fetch("SELECT count(*) FROM pg_namespace WHERE nspname = 'public'") == [(1,)]
    names = _fetch("""SELECT count(*) FROM pg_class c JOIN pg_namespace n
                      ON n.oid = c.relnamespace WHERE n.nspname = 'raro"; DROP SCHEMA public; --'""")
    assert names == _fetch(f"SELECT count(*) FROM pg_class "
                           f"WHERE relnamespace = '{TEMPLATE}'::regnamespace")


def test_the_refill_recycles_its_connection_after_enough_schemas(province):
    closed = []
    with override_settings(TENANT_SCHEMAS_PER_CONNECTION=2), \
            mock.patch.object(provisioning, "_in_transaction", return_value=False), \
            mock.patch.object(connection, "close", side_effect=lambda: closed.append(
                provisioning.schemas_made_on_connection())):
        connection._schemas_made = None  # as if the connection had just been opened
        start = len(provisioning.spare_schemas())
        made = provisioning.refill_spares(start + 3)
    assert made == 3
    # Closed (mocked) once, when the count reached 2; the third spare counts from zero.
    assert closed == [2]
    assert provisioning.schemas_made_on_connection() == 1


def test_a_new_connection_counts_its_schemas_from_zero(province):
    connection._schemas_made = None
    provisioning.clone_template("uno")
    provisioning.clone_template("dos")
    assert provisioning.schemas_made_on_connection() == 2
    with mock.patch.object(connection, "connection", object()):
        assert provisioning.schemas_made_on_connection() == 0


def test_a_connection_is_not_closed_inside_a_transaction(province):
    with override_settings(TENANT_SCHEMAS_PER_CONNECTION=1), \
            mock.patch.object(connection, "close") as close:
        connection._schemas_made = None
        provisioning.clone_template("uno")
        assert provisioning.schemas_made_on_connection() == 1
        assert provisioning.recycle_connection_if_due() is False
    close.assert_not_called()


def test_only_the_schema_named_as_an_identifier_makes_the_ddl_unsupported():
    assert template_ddl.names_schema("SET search_path TO _plantilla;", "_plantilla")
    assert template_ddl.names_schema('SELECT * FROM "_plantilla".t;', "_plantilla")
    assert template_ddl.names_schema("DEFAULT nextval('_plantilla.s'::regclass)", "_plantilla")
    # A table or column whose name contains the schema's is not a reference to it.
    assert not template_ddl.names_schema("CREATE TABLE expedientes_plantilla (id bigint);",
                                         "_plantilla")
    assert not template_ddl.names_schema("ALTER TABLE d ADD plantilla_id bigint;", "_plantilla")
    assert not template_ddl.names_schema("CREATE INDEX x ON _plantilla_b (id);", "_plantilla")

