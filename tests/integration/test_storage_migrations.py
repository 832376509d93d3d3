from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from assessment.storage.db import make_engine
from assessment.storage.migrate import current_revision, head_revision, upgrade
from assessment.storage.tables import Base


def test_upgrade_head__on_an_empty_database__matches_the_tables_the_code_declares(empty_db_url):
    engine = make_engine(empty_db_url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_upgrade_head__run_twice__changes_nothing_the_second_time(empty_db_url):
    engine = make_engine(empty_db_url)
    upgrade(engine)
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= set(Base.metadata.tables)
    engine.dispose()


def test_sqlite_engine__opened__uses_wal_and_enforces_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_default_url__without_the_environment_variable__is_a_sqlite_file_under_data(monkeypatch):
    from assessment.storage.db import database_url

    monkeypatch.delenv("WENPING_DATABASE_URL", raising=False)
    assert database_url() == "sqlite:///data/wenping.db"
    monkeypatch.setenv("WENPING_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert database_url() == "postgresql+psycopg://u@h/db"


def test_upgrade__from_the_first_schema_with_data__keeps_the_rows(empty_db_url):
    engine = make_engine(empty_db_url)
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO units (id, code, name, kind, path, created_at) "
                          "VALUES (1, 'C', '示范市', 'city', '/1/', '2026-11-25 08:00:00')"))
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM units WHERE code = 'C'")).scalar() == "示范市"
        assert conn.execute(text("SELECT seq FROM audit_head")).scalar() == 0
    assert current_revision(engine) == head_revision()
    engine.dispose()
