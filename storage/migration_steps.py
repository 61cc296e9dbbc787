"""The later schema steps (8 on), each as it was written: a step never changes once released.
storage/migrations.py runs them in order."""

from __future__ import annotations

from sqlalchemy import Connection, text


def _v8_task_search(conn: Connection) -> None:
    from storage.search import fold

    conn.execute(text("ALTER TABLE task ADD COLUMN search_text TEXT NOT NULL DEFAULT ''"))
    rows = conn.execute(text("SELECT id, title FROM task")).all()
    update = text("UPDATE task SET search_text = :folded WHERE id = :id")
    for start in range(0, len(rows), 5000):
        batch = [{"id": i, "folded": fold(t or "")} for i, t in rows[start : start + 5000]]
        conn.execute(update, batch)


def _v9_task_search_index(conn: Connection) -> None:
    conn.execute(text("DROP INDEX ix_task_status_due"))
    conn.execute(text("CREATE INDEX ix_task_status_due ON task (status, due_on, id, search_text)"))
    conn.execute(text("ANALYZE task"))  # the planner's statistics for the new index


def _v10_sort_names(conn: Connection) -> None:
    from storage.search import sort_key

    for table in ("organisation", "person"):
        conn.execute(text(f"ALTER TABLE {table} ADD COLUMN sort_name TEXT NOT NULL DEFAULT ''"))
    for oid, name in conn.execute(text("SELECT id, name FROM organisation")).all():
        conn.execute(
            text("UPDATE organisation SET sort_name = :k WHERE id = :i"),
            {"k": sort_key(name), "i": oid},
        )
    for pid, given, family in conn.execute(
        text("SELECT id, given_name, family_name FROM person")
    ).all():
        conn.execute(
            text("UPDATE person SET sort_name = :k WHERE id = :i"),
            {"k": sort_key(family, given), "i": pid},
        )
    conn.execute(text("DROP INDEX ix_organisation_name_search"))
    conn.execute(
        text(
            "CREATE INDEX ix_organisation_name_search ON organisation (sort_name, id, search_text)"
        )
    )
    conn.execute(text("DROP INDEX ix_person_name_search"))
    conn.execute(
        text("CREATE INDEX ix_person_name_search ON person (sort_name, id, erased_at, search_text)")
    )
    conn.execute(text("ANALYZE"))


def _v11_answers_read(conn: Connection) -> None:
    # Attendance taken from the answers (expected until confirmed), and the mails read.
    false = "false" if conn.dialect.name == "postgresql" else "0"
    conn.execute(
        text(f"ALTER TABLE attendance ADD COLUMN expected BOOLEAN NOT NULL DEFAULT {false}")
    )
    from sqlalchemy import Column, Integer, MetaData, String, Table

    from storage.types import UTCDateTime

    table = Table(  # a frozen copy of the table as version 11 made it
        "mail_reply",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("message_key", String(64), nullable=False, unique=True),
        Column("sender", String(254), nullable=False),
        Column("subject", String(300), nullable=False),
        Column("outcome", String(16), nullable=False),
        Column("detail", String, nullable=False),
        Column("read_at", UTCDateTime, nullable=False),
    )
    table.create(conn)
