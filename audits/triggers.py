"""PostgreSQL triggers that make history and audit tables append-only.

Installed after every `migrate` (post_migrate), idempotently, for the table of every model that
keeps history — so models given history later are covered without a migration of this app — and
for the audit tables. TRUNCATE is refused by a statement-level trigger on every one of those
tables, unless the session says `SET relief.allow_truncate = 'on'` on purpose: the test
settings do (test databases are flushed with TRUNCATE), and so does `seed_demo --reset`; a
restore needs no exception, as `pg_restore --clean` drops the tables rather than truncating
them. The chain head only moves forward. A database
owner can still switch triggers off; what that hides, the external checkpoints reveal.
"""

from django.db import connections

from .chain import history_tables

TRIGGER = "relief_audit_protect"
TRUNCATE_TRIGGER = "relief_audit_no_truncate"
ALLOW_TRUNCATE = "relief.allow_truncate"

REFUSE = """
CREATE OR REPLACE FUNCTION relief_audit_refuse() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit: % on %.% is not allowed (history is append-only)',
    TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$ LANGUAGE plpgsql;
"""

# Audit rows may be updated once, by the sealer: chain_seq from NULL, nothing else.
SEAL_ONLY = """
CREATE OR REPLACE FUNCTION relief_audit_seal_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.chain_seq IS NULL AND NEW.chain_seq IS NOT NULL
     AND (to_jsonb(NEW) - 'chain_seq' - 'chain_digest')
       = (to_jsonb(OLD) - 'chain_seq' - 'chain_digest') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit: % on %.% is not allowed (audit rows are append-only)',
    TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$ LANGUAGE plpgsql;
"""

# The chain head only moves forward (a new digest only with a higher sequence number) and is
# never removed.
FORWARD_ONLY = """
CREATE OR REPLACE FUNCTION relief_audit_forward_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.name = OLD.name
     AND (NEW.seq > OLD.seq OR (NEW.seq = OLD.seq AND NEW.digest = OLD.digest)) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit: % on %.% is not allowed (the chain only grows)',
    TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$ LANGUAGE plpgsql;
"""


NO_TRUNCATE = f"""
CREATE OR REPLACE FUNCTION relief_audit_no_truncate() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('{ALLOW_TRUNCATE}', true), '') = 'on' THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'audit: TRUNCATE of %.% is not allowed (history is append-only)',
    TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$ LANGUAGE plpgsql;
"""


def protected_tables() -> dict[str, str]:
    """table → trigger function."""
    from .models import AccessLog, ChainHead, ChangeEntry, HistoryColumns

    tables = {table: "relief_audit_refuse" for table in history_tables()}
    tables[AccessLog._meta.db_table] = "relief_audit_seal_only"
    tables[ChangeEntry._meta.db_table] = "relief_audit_seal_only"
    tables[ChainHead._meta.db_table] = "relief_audit_forward_only"
    tables[HistoryColumns._meta.db_table] = "relief_audit_refuse"
    return tables


def install_triggers(sender=None, using: str = "default", **kwargs) -> None:
    if sender is not None and getattr(sender, "label", "audits") != "audits":
        return  # post_migrate fires once per app; every table exists by the audits round
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        cursor.execute(REFUSE)
        cursor.execute(SEAL_ONLY)
        cursor.execute(FORWARD_ONLY)
        cursor.execute(NO_TRUNCATE)
        for table, function in sorted(protected_tables().items()):
            if table not in existing:
                continue
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {quoted}")
            cursor.execute(  # noqa: S608 — table names come from the models, quoted
                f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {quoted} "
                f"FOR EACH ROW EXECUTE FUNCTION {function}()"
            )
            cursor.execute(f"DROP TRIGGER IF EXISTS {TRUNCATE_TRIGGER} ON {quoted}")
            cursor.execute(
                f"CREATE TRIGGER {TRUNCATE_TRIGGER} BEFORE TRUNCATE ON {quoted} "
                "FOR EACH STATEMENT EXECUTE FUNCTION relief_audit_no_truncate()"
            )
