-- The table of the Phanes JPA store, for PostgreSQL and CockroachDB.
-- Run at start-up when phanes.store.jpa.schema=create (the default); copy it into a
-- Flyway or Liquibase migration and set phanes.store.jpa.schema=validate to manage it yourself.
-- Every database and table of the Store API is rows of this one SQL table.
-- COLLATE "C" makes keys sort by the bytes of their UTF-8 encoding, as in every backend.
CREATE TABLE IF NOT EXISTS phanes_store (
    database_name TEXT COLLATE "C" NOT NULL,
    table_name    TEXT COLLATE "C" NOT NULL,
    record_key    TEXT COLLATE "C" NOT NULL,
    record_value  BYTEA NOT NULL,
    metadata      BYTEA,
    expires_at    BIGINT,
    version       BIGINT NOT NULL,
    PRIMARY KEY (database_name, table_name, record_key)
);
CREATE INDEX IF NOT EXISTS phanes_store_expires_at ON phanes_store (expires_at) WHERE expires_at IS NOT NULL;
-- The highest fencing token each lock name has written with (writes fenced by a lock of
-- the Sync block): a write with a lower token is refused in the write's transaction.
CREATE TABLE IF NOT EXISTS phanes_store_fence (
    lock_name TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    token     BIGINT NOT NULL
);
