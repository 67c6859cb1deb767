package dev.phanes.store.jpa;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.Repository;
import org.springframework.data.repository.query.Param;

/**
 * Spring Data repository of {@link StoreRecordEntity}, created by {@link JpaStoreEngine}
 * itself so no repository scanning of the application is needed.
 * <p>
 * Reads are JPQL projections. Writes and deletes are single native statements that decide
 * the version in the database ({@code INSERT ... ON CONFLICT DO UPDATE ... RETURNING}),
 * one round trip each, atomic at any isolation level; PostgreSQL and CockroachDB both
 * speak this dialect.
 */
interface StoreRecordRepository extends Repository<StoreRecordEntity, StoreRecordId> {

	/**
	 * Selection of a row as a {@link StoreRecordRow}.
	 */
	String ROW = "new dev.phanes.store.jpa.StoreRecordRow(e.id.recordKey, e.value, e.metadata, e.expiresAt, e.version)";

	/**
	 * Condition of a live row in native SQL, with the current time as {@code :now}.
	 */
	String LIVE = "(expires_at IS NULL OR expires_at > :now)";

	/**
	 * Condition of one key in native SQL.
	 */
	String KEY = "database_name = :database AND table_name = :table AND record_key = :key";

	/**
	 * Insert a row, or overwrite it: an expired row restarts at version 1.
	 */
	String UPSERT = "INSERT INTO phanes_store (database_name, table_name, record_key, record_value, metadata, "
			+ "expires_at, version) VALUES (:database, :table, :key, :value, CAST(:metadata AS BYTEA), "
			+ "CAST(:expiresAt AS BIGINT), 1) ON CONFLICT (database_name, table_name, record_key) DO UPDATE SET "
			+ "record_value = EXCLUDED.record_value, metadata = EXCLUDED.metadata, expires_at = EXCLUDED.expires_at, "
			+ "version = CASE WHEN phanes_store.expires_at IS NOT NULL AND phanes_store.expires_at <= :now THEN 1 "
			+ "ELSE phanes_store.version + 1 END";

	@Query("select " + ROW + " from StoreRecordEntity e where e.id = :id"
			+ " and (e.expiresAt is null or e.expiresAt > :now)")
	Optional<StoreRecordRow> findLive(@Param("id") StoreRecordId id, @Param("now") long now);

	@Query(value = "SELECT version FROM phanes_store WHERE " + KEY + " AND " + LIVE, nativeQuery = true)
	Optional<Long> findLiveVersion(@Param("database") String database, @Param("table") String table,
			@Param("key") String key, @Param("now") long now);

	@Query(value = UPSERT + " RETURNING version", nativeQuery = true)
	long upsert(@Param("database") String database, @Param("table") String table, @Param("key") String key,
			@Param("value") byte[] value, @Param("metadata") byte @Nullable [] metadata,
			@Param("expiresAt") @Nullable Long expiresAt, @Param("now") long now);

	@Query(value = UPSERT + " WHERE phanes_store.expires_at IS NOT NULL AND phanes_store.expires_at <= :now"
			+ " RETURNING version", nativeQuery = true)
	Optional<Long> insertIfAbsent(@Param("database") String database, @Param("table") String table,
			@Param("key") String key, @Param("value") byte[] value, @Param("metadata") byte @Nullable [] metadata,
			@Param("expiresAt") @Nullable Long expiresAt, @Param("now") long now);

	@Query(value = "UPDATE phanes_store SET record_value = :value, metadata = CAST(:metadata AS BYTEA), "
			+ "expires_at = CAST(:expiresAt AS BIGINT), version = version + 1 WHERE " + KEY
			+ " AND version = :expected AND " + LIVE + " RETURNING version", nativeQuery = true)
	Optional<Long> updateIfVersion(@Param("database") String database, @Param("table") String table,
			@Param("key") String key, @Param("value") byte[] value, @Param("metadata") byte @Nullable [] metadata,
			@Param("expiresAt") @Nullable Long expiresAt, @Param("expected") long expected, @Param("now") long now);

	@Query(value = "DELETE FROM phanes_store WHERE " + KEY + " RETURNING CASE WHEN " + LIVE
			+ " THEN version ELSE 0 END", nativeQuery = true)
	Optional<Long> delete(@Param("database") String database, @Param("table") String table, @Param("key") String key,
			@Param("now") long now);

	@Query(value = "DELETE FROM phanes_store WHERE " + KEY + " AND version = :expected AND " + LIVE
			+ " RETURNING version", nativeQuery = true)
	Optional<Long> deleteIfVersion(@Param("database") String database, @Param("table") String table,
			@Param("key") String key, @Param("expected") long expected, @Param("now") long now);

	@Query(value = "INSERT INTO phanes_store_fence (lock_name, token) VALUES (:name, :token) "
			+ "ON CONFLICT (lock_name) DO UPDATE SET token = EXCLUDED.token "
			+ "WHERE phanes_store_fence.token <= EXCLUDED.token RETURNING token", nativeQuery = true)
	Optional<Long> raiseFence(@Param("name") String name, @Param("token") long token);

	@Query(value = "SELECT token FROM phanes_store_fence WHERE lock_name = :name", nativeQuery = true)
	Optional<Long> findFence(@Param("name") String name);

	@Modifying
	@Query("delete from StoreRecordEntity e where e.expiresAt is not null and e.expiresAt <= :now")
	int deleteExpired(@Param("now") long now);

}
