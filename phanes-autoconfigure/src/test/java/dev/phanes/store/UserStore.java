package dev.phanes.store;

import java.util.List;
import java.util.Optional;

/**
 * A store an application writes itself, as {@code @ConditionalOnMissingBean} invites: it
 * implements {@link Store} only (no {@link PurgeableStore}, no {@link DescribedStore}),
 * here by delegating to another store.
 */
class UserStore implements Store {

	private final Store store;

	UserStore(Store store) {
		this.store = store;
	}

	@Override
	public String database() {
		return this.store.database();
	}

	@Override
	public String table() {
		return this.store.table();
	}

	@Override
	public Store database(String database) {
		return new UserStore(this.store.database(database));
	}

	@Override
	public Store table(String table) {
		return new UserStore(this.store.table(table));
	}

	@Override
	public Optional<StoreRecord> read(String key) {
		return this.store.read(key);
	}

	@Override
	public List<StoreRecord> read(Query query) {
		return this.store.read(query);
	}

	@Override
	public List<String> list(Query query) {
		return this.store.list(query);
	}

	@Override
	public StoreRecord write(StoreRecord record, WriteOptions options) {
		return this.store.write(record, options);
	}

	@Override
	public boolean delete(String key) {
		return this.store.delete(key);
	}

	@Override
	public void delete(String key, long expectedVersion) {
		this.store.delete(key, expectedVersion);
	}

}
