package dev.phanes.store;

import java.time.Clock;
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
 * The default engine: records in memory, lost when the application stops.
 * <p>
 * Each table is a {@link ConcurrentHashMap} for point reads and writes, with a concurrent
 * sorted index of its keys for listing. Writes to one key are atomic (the map's per-key
 * lock also guards the index), so concurrent writers never lose an update. A table is
 * created by its first write: reading a table nobody wrote to creates nothing. Expired
 * records are invisible at once and removed by {@link #purgeExpired(Clock)}. The value
 * array is copied on write, not on read. Thread-safe.
 */
public final class MemoryStoreEngine implements StoreEngine {

	/**
	 * Orders keys by the UTF-8 encoding of their text, byte by byte: code point order.
	 */
	public static final Comparator<String> KEY_ORDER = MemoryStoreEngine::compareCodePoints;

	private final Map<Scope, Table> tables = new ConcurrentHashMap<>();

	/** The highest fencing token written with, by lock name. */
	private final Map<String, Long> fences = new ConcurrentHashMap<>();

	@Override
	public String backend() {
		return "memory";
	}

	@Override
	public @Nullable StoreRecord read(Scope scope, String key, Clock clock) {
		Table table = this.tables.get(scope);
		Entry entry = (table != null) ? table.entries.get(key) : null;
		return (entry != null && entry.isLive(clock)) ? entry.record : null;
	}

	@Override
	public List<StoreRecord> read(Scope scope, Query query, Clock clock) {
		List<StoreRecord> records = new ArrayList<>();
		scan(scope, query, clock.millis(), (key, entry) -> records.add(entry.record));
		return records;
	}

	@Override
	public List<String> list(Scope scope, Query query, Clock clock) {
		List<String> keys = new ArrayList<>();
		scan(scope, query, clock.millis(), (key, entry) -> keys.add(key));
		return keys;
	}

	@Override
	public StoreRecord write(Scope scope, Write write, Clock clock) {
		Fence fence = write.fence();
		if (fence == null) {
			return store(scope, write, clock);
		}
		// The fence's highest token is checked and raised, and the record written, while
		// the fence's entry is locked: no other write of that fence runs in between.
		StoreRecord[] stored = new StoreRecord[1];
		this.fences.compute(fence.lockName(), (name, highest) -> {
			write.checkFence((highest != null) ? highest : 0);
			stored[0] = store(scope, write, clock);
			return (highest != null) ? Math.max(highest, fence.token()) : fence.token();
		});
		return stored[0];
	}

	private StoreRecord store(Scope scope, Write write, Clock clock) {
		byte[] value = write.value().clone();
		Table table = this.tables.get(scope);
		if (table == null) {
			table = this.tables.computeIfAbsent(scope, (created) -> new Table());
		}
		NavigableSet<String> index = table.index;
		Entry stored = table.entries.compute(write.key(), (key, current) -> {
			long live = (current != null && current.isLive(clock)) ? current.record.version() : 0;
			long version = write.nextVersion(live);
			if (current == null) {
				index.add(key);
			}
			return new Entry(StoreEngine.record(key, value, write.metadata(), write.expiresAt(), version),
					write.expiresAt());
		});
		return stored.record;
	}

	@Override
	public boolean delete(Scope scope, String key, @Nullable Long expectedVersion, Clock clock) {
		Table table = this.tables.get(scope);
		if (table == null) {
			StoreEngine.checkVersion(key, 0, expectedVersion);
			return false;
		}
		long now = clock.millis();
		boolean[] deleted = new boolean[1];
		table.entries.compute(key, (k, current) -> {
			long live = (current != null && current.isLive(now)) ? current.record.version() : 0;
			StoreEngine.checkVersion(k, live, expectedVersion);
			if (current != null) {
				table.index.remove(k);
			}
			deleted[0] = live > 0;
			return null;
		});
		return deleted[0];
	}

	@Override
	public int purgeExpired(Clock clock) {
		long now = clock.millis();
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

	/**
	 * How many tables hold or held records, across every database.
	 * @return the count
	 */
	public int tableCount() {
		return this.tables.size();
	}

	private void scan(Scope scope, Query query, long now, BiConsumer<String, Entry> action) {
		Table table = this.tables.get(scope);
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

		boolean isLive(Clock clock) {
			return this.expiresAt == Long.MAX_VALUE || this.expiresAt > clock.millis();
		}

	}

}
