package dev.phanes.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

/**
 * The default store: records in memory, lost when the application stops.
 * <p>
 * Each table is a {@link ConcurrentHashMap} for point reads and writes, with a concurrent
 * sorted index of its keys for listing. Writes to one key are atomic (the map's per-key
 * lock also guards the index), so concurrent writers never lose an update. Expired
 * records are invisible at once and removed by {@link #purgeExpired()}. The value array
 * is copied on write, not on read. Thread-safe.
 */
public class MemoryStore extends AbstractStore {

	/**
	 * Orders keys by the UTF-8 encoding of their text, byte by byte: code point order.
	 */
	public static final Comparator<String> KEY_ORDER = MemoryStore::compareCodePoints;

	private final Map<Scope, Table> tables;

	/**
	 * This view's table once it exists: a view of a table nobody wrote to creates
	 * nothing, so views of arbitrary names do not grow the store. Tables are created and
	 * never replaced in {@link #tables}, so caching one here is safe.
	 */
	private @Nullable Table table;

	/**
	 * Create an empty store with the default settings.
	 */
	public MemoryStore() {
		this(StoreOptions.defaults());
	}

	/**
	 * Create an empty store.
	 * @param options the settings
	 */
	public MemoryStore(StoreOptions options) {
		this(Scope.DEFAULT, options, new ConcurrentHashMap<>());
	}

	private MemoryStore(Scope scope, StoreOptions options, Map<Scope, Table> tables) {
		super(scope, options);
		this.tables = tables;
	}

	@Override
	public String backend() {
		return "memory";
	}

	@Override
	protected AbstractStore withScope(Scope scope) {
		return new MemoryStore(scope, options(), this.tables);
	}

	@Override
	protected @Nullable StoreRecord doRead(String key) {
		Table table = existingTable();
		Entry entry = (table != null) ? table.entries.get(key) : null;
		return (entry != null && entry.isLive(this)) ? entry.record : null;
	}

	@Override
	protected List<StoreRecord> doRead(Query query, long now) {
		List<StoreRecord> records = new ArrayList<>();
		scan(query, now, (key, entry) -> records.add(entry.record));
		return records;
	}

	@Override
	protected List<String> doList(Query query, long now) {
		List<String> keys = new ArrayList<>();
		scan(query, now, (key, entry) -> keys.add(key));
		return keys;
	}

	@Override
	protected StoreRecord doWrite(Write write) {
		byte[] value = write.value().clone();
		Table table = createdTable();
		Entry stored = table.entries.compute(write.key(), (key, current) -> {
			long live = (current != null && current.isLive(this)) ? current.record.version() : 0;
			long version = nextVersion(key, live, write.expectedVersion());
			if (current == null) {
				table.index.add(key);
			}
			return new Entry(record(key, value, write.metadata(), write.expiresAt(), version), write.expiresAt());
		});
		return stored.record;
	}

	@Override
	protected boolean doDelete(String key, @Nullable Long expectedVersion, long now) {
		boolean[] deleted = new boolean[1];
		Table table = existingTable();
		if (table == null) {
			checkVersion(key, 0, expectedVersion);
			return false;
		}
		table.entries.compute(key, (k, current) -> {
			long live = (current != null && current.isLive(now)) ? current.record.version() : 0;
			checkVersion(k, live, expectedVersion);
			if (current != null) {
				table.index.remove(k);
			}
			deleted[0] = live > 0;
			return null;
		});
		return deleted[0];
	}

	@Override
	public int purgeExpired() {
		long now = now();
		int removed = 0;
		for (Table each : this.tables.values()) {
			for (Map.Entry<String, Entry> entry : each.entries.entrySet()) {
				if (!entry.getValue().isLive(now) && each.remove(entry.getKey(), now)) {
					removed++;
				}
			}
		}
		return removed;
	}

	private void scan(Query query, long now, BiConsumer<String, Entry> action) {
		Table table = existingTable();
		if (table == null) {
			return;
		}
		NavigableSet<String> keys = query.prefix().isEmpty() ? table.index : table.index.tailSet(query.prefix(), true);
		int skipped = 0;
		int taken = 0;
		for (String key : keys) {
			if (!key.startsWith(query.prefix())) {
				break;
			}
			Entry entry = table.entries.get(key);
			if (entry == null || !entry.isLive(now) || !key.endsWith(query.suffix())) {
				continue;
			}
			if (skipped < query.offset()) {
				skipped++;
				continue;
			}
			action.accept(key, entry);
			taken++;
			if (query.limit() > 0 && taken == query.limit()) {
				break;
			}
		}
	}

	/**
	 * How many tables hold or held records, across every database.
	 * @return the count
	 */
	public int tableCount() {
		return this.tables.size();
	}

	private @Nullable Table existingTable() {
		Table table = this.table;
		if (table == null) {
			table = this.tables.get(scope());
			this.table = table;
		}
		return table;
	}

	private Table createdTable() {
		Table table = existingTable();
		if (table == null) {
			table = this.tables.computeIfAbsent(scope(), (scope) -> new Table());
			this.table = table;
		}
		return table;
	}

	private static int compareCodePoints(String a, String b) {
		int length = Math.min(a.length(), b.length());
		for (int i = 0; i < length; i++) {
			char x = a.charAt(i);
			char y = b.charAt(i);
			if (x != y) {
				return fixUp(x) - fixUp(y);
			}
		}
		return a.length() - b.length();
	}

	/**
	 * Move surrogates above the rest of the BMP so UTF-16 units compare in code point
	 * order.
	 */
	private static int fixUp(char c) {
		if (c >= 0xD800) {
			return (c >= 0xE000) ? c - 0x800 : c + 0x2000;
		}
		return c;
	}

	private static final class Table {

		final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

		final ConcurrentSkipListSet<String> index = new ConcurrentSkipListSet<>(KEY_ORDER);

		boolean remove(String key, long now) {
			boolean[] removed = new boolean[1];
			this.entries.computeIfPresent(key, (k, current) -> {
				if (current.isLive(now)) {
					return current;
				}
				this.index.remove(k);
				removed[0] = true;
				return null;
			});
			return removed[0];
		}

	}

	/**
	 * A stored record, kept as the {@link StoreRecord} reads return, with its expiry in
	 * epoch milliseconds ({@link Long#MAX_VALUE} for never) so a read of a record that
	 * never expires need not read the clock.
	 */
	private static final class Entry {

		final StoreRecord record;

		final long expiresAt;

		Entry(StoreRecord record, @Nullable Long expiresAt) {
			this.record = record;
			this.expiresAt = (expiresAt != null) ? expiresAt : Long.MAX_VALUE;
		}

		boolean isLive(long now) {
			return this.expiresAt > now;
		}

		boolean isLive(AbstractStore store) {
			return this.expiresAt == Long.MAX_VALUE || this.expiresAt > store.now();
		}

	}

}
