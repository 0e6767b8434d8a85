-- PostgreSQL roles for cfw: the audit log is append-only by privilege, not only by trigger.
--
--   cfw_owner  owns the database, its schema and every table; `cfw init` (migrations) and
--              `pg_dump` run as this role. It never serves web requests.
--   cfw_app    what the app servers connect as (DATABASE_URL): read and write the data, but
--              on audit_log only SELECT and INSERT — no UPDATE, DELETE or TRUNCATE, and no
--              DDL anywhere, so even a compromised app server cannot rewrite history.
--
-- Run as a superuser, connected to the cfw database, TWICE:
--   1. before the first `cfw init`:   sudo -u postgres psql -d cfw -f deploy/postgres-roles.sql
--      (creates the roles; prints a NOTICE that the tables do not exist yet)
--   2. after `cfw init` ran as cfw_owner, and again after every upgrade that migrates:
--      sudo -u postgres psql -d cfw -f deploy/postgres-roles.sql
--      (grants on every table, then takes UPDATE/DELETE/TRUNCATE on audit_log away again)
-- Then give both roles a password:  \password cfw_owner   and   \password cfw_app
-- The script is idempotent. tests/survey_app/test_postgres_roles.py runs it (with other role
-- names) against a throw-away database and checks what cfw_app may and may not do.

\set ON_ERROR_STOP on
BEGIN;

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cfw_owner') THEN
        CREATE ROLE cfw_owner LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cfw_app') THEN
        -- Not the owner, not a superuser, no CREATEDB/CREATEROLE: it can only use what it is given.
        CREATE ROLE cfw_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
    END IF;
    EXECUTE format('ALTER DATABASE %I OWNER TO cfw_owner', current_database());
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO cfw_app', current_database());
END $$;

-- The schema: the owner creates tables in it, the app only uses it.
ALTER SCHEMA public OWNER TO cfw_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO cfw_app;

-- Tables the owner's migrations create later get the ordinary grants automatically ...
ALTER DEFAULT PRIVILEGES FOR ROLE cfw_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO cfw_app;
ALTER DEFAULT PRIVILEGES FOR ROLE cfw_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO cfw_app;

-- ... and the tables that exist now get them here, with audit_log reduced to SELECT, INSERT.
DO $$
DECLARE
    name text;
BEGIN
    IF to_regclass('public.audit_log') IS NULL THEN
        RAISE NOTICE 'no tables yet: run `cfw init` as cfw_owner, then run this script again';
        RETURN;
    END IF;
    -- Tables made by an earlier owner (e.g. the README's single "cfw" role) move to cfw_owner.
    FOR name IN
        SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner <> 'cfw_owner'
    LOOP
        EXECUTE format('ALTER TABLE public.%I OWNER TO cfw_owner', name);
    END LOOP;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO cfw_app;
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO cfw_app;
    REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON public.audit_log FROM cfw_app;
    REVOKE ALL ON public.alembic_version FROM cfw_app;
    GRANT SELECT ON public.alembic_version TO cfw_app;
END $$;

COMMIT;
