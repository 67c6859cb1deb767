package dev.phanes.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.phanes.test.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.OptimisticLockingFailureException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The behaviour every {@link Store} must have: each {@link StoreEngine} under a
 * {@link DefaultStore}, and a store under its {@link ObservedStore}. A subclass says how
 * to build the store, which must be a {@link PurgeableStore}.
 */
public abstract class StoreConformanceTests {

	/**
	 * Largest value the stores under test accept.
	 */
	protected static final long MAX_VALUE_BYTES = 256 * 1024;

	private static final AtomicInteger databases = new AtomicInteger();

	protected final MutableClock clock = new MutableClock();

	protected Store store;

	/**
	 * Create the store under test, or a view of one, with these options; every test then
	 * works in a database of its own.
	 * @param options the options, with a clock the test moves
	 * @return the store
	 */
	protected abstract Store createStore(StoreOptions options);

	@BeforeEach
	void createStoreInFreshDatabase() {
		this.store = createStore(new StoreOptions(MAX_VALUE_BYTES, this.clock))
			.database("conformance" + databases.incrementAndGet());
	}

	@Test
	void writtenRecordIsReadBackWithVersionOne() {
		StoreRecord stored = this.store
			.write(StoreRecord.of("k", "v").withMetadata(Map.of("type", "text", "lang", "en")));
		assertThat(stored.version()).isEqualTo(1);
		StoreRecord read = this.store.read("k").orElseThrow();
		assertThat(read.valueAsString()).isEqualTo("v");
		assertThat(read.metadata()).containsOnly(Map.entry("type", "text"), Map.entry("lang", "en"));
		assertThat(read.expiresAt()).isNull();
		assertThat(read.version()).isEqualTo(1);
		assertThat(read).isEqualTo(stored);
	}

	@Test
	void overwritingIncrementsTheVersion() {
		this.store.write(StoreRecord.of("k", "1"));
		this.store.write(StoreRecord.of("k", "2"));
		StoreRecord third = this.store.write(StoreRecord.of("k", "3"));
		assertThat(third.version()).isEqualTo(3);
		assertThat(this.store.read("k").orElseThrow().valueAsString()).isEqualTo("3");
	}

	@Test
	void absentKeyReadsEmpty() {
		assertThat(this.store.read("missing")).isEmpty();
		assertThat(this.store.list(Query.all())).isEmpty();
	}

	@Test
	void deleteRemovesTheRecordAndSaysWhetherItExisted() {
		this.store.write(StoreRecord.of("k", "v"));
		assertThat(this.store.delete("k")).isTrue();
		assertThat(this.store.read("k")).isEmpty();
		assertThat(this.store.delete("k")).isFalse();
		assertThat(this.store.write(StoreRecord.of("k", "again")).version()).isEqualTo(1);
	}

	@Test
	void conditionalDeleteRemovesOnlyTheExpectedVersion() {
		this.store.write(StoreRecord.of("k", "1"));
		this.store.write(StoreRecord.of("k", "2"));
		assertThatExceptionOfType(VersionConflictException.class).isThrownBy(() -> this.store.delete("k", 1))
			.satisfies((ex) -> assertThat(ex.getActualVersion()).isEqualTo(2));
		assertThat(this.store.read("k").orElseThrow().valueAsString()).isEqualTo("2");
		this.store.delete("k", 2);
		assertThat(this.store.read("k")).isEmpty();
		assertThatExceptionOfType(VersionConflictException.class).isThrownBy(() -> this.store.delete("k", 2))
			.satisfies((ex) -> assertThat(ex.getActualVersion()).isZero());
		assertThatExceptionOfType(InvalidQueryException.class).isThrownBy(() -> this.store.delete("k", 0));
	}

	@Test
	void conditionalDeleteTreatsAnExpiredRecordAsAbsent() {
		this.store.write(StoreRecord.of("k", "v"), Duration.ofSeconds(1));
		this.clock.advance(Duration.ofSeconds(1));
		assertThatExceptionOfType(VersionConflictException.class).isThrownBy(() -> this.store.delete("k", 1));
		assertThat(this.store.write(StoreRecord.of("k", "new"), WriteOptions.ifAbsent()).version()).isEqualTo(1);
	}

	@Test
	void keysAreListedInUtf8ByteOrder() {
		List<String> keys = List.of("b", "a", "B", "é", "z", "\u00ff", "\u4e2d", "\uE000", "\uFFFD", "😀", "𝄞", "aa",
				"a0", "~");
		keys.forEach((key) -> this.store.write(StoreRecord.of(key, key)));
		List<String> expected = new ArrayList<>(keys);
		expected.sort((x, y) -> Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8),
				y.getBytes(StandardCharsets.UTF_8)));
		assertThat(this.store.list(Query.all())).containsExactlyElementsOf(expected);
		assertThat(this.store.read(Query.all())).extracting(StoreRecord::key).containsExactlyElementsOf(expected);
	}

	@Test
	void prefixSuffixLimitAndOffsetSelectKeysInOrder() {
		for (String key : List.of("user/1", "user/2", "user/3", "user/10", "order/1", "users", "user/2/x")) {
			this.store.write(StoreRecord.of(key, key));
		}
		assertThat(this.store.list(Query.prefix("user/"))).containsExactly("user/1", "user/10", "user/2", "user/2/x",
				"user/3");
		assertThat(this.store.list(Query.suffix("/1"))).containsExactly("order/1", "user/1");
		assertThat(this.store.list(Query.prefix("user/").withSuffix("x"))).containsExactly("user/2/x");
		assertThat(this.store.list(Query.prefix("user/").withLimit(2))).containsExactly("user/1", "user/10");
		assertThat(this.store.list(Query.prefix("user/").withOffset(2).withLimit(2))).containsExactly("user/2",
				"user/2/x");
		assertThat(this.store.list(Query.prefix("user/").withOffset(10))).isEmpty();
		assertThat(this.store.read(Query.prefix("user/").withOffset(1).withLimit(1)))
			.extracting(StoreRecord::valueAsString)
			.containsExactly("user/10");
	}

	@Test
	void prefixAndSuffixMayOverlap() {
		this.store.write(StoreRecord.of("aba", "x"));
		assertThat(this.store.list(Query.prefix("ab").withSuffix("ba"))).containsExactly("aba");
	}

	@Test
	void wildcardCharactersInQueriesMatchOnlyThemselves() {
		for (String key : List.of("a%b", "a_b", "axb", "a*b", "a?b", "a[b]", "a!b", "a\\b", "A%b", "ab")) {
			this.store.write(StoreRecord.of(key, key));
		}
		assertThat(this.store.list(Query.prefix("a%"))).containsExactly("a%b");
		assertThat(this.store.list(Query.prefix("a_"))).containsExactly("a_b");
		assertThat(this.store.list(Query.prefix("a*"))).containsExactly("a*b");
		assertThat(this.store.list(Query.prefix("a?"))).containsExactly("a?b");
		assertThat(this.store.list(Query.prefix("a["))).containsExactly("a[b]");
		assertThat(this.store.list(Query.prefix("a!"))).containsExactly("a!b");
		assertThat(this.store.list(Query.prefix("a\\"))).containsExactly("a\\b");
		assertThat(this.store.list(Query.suffix("%b"))).containsExactly("A%b", "a%b");
		assertThat(this.store.list(Query.suffix("b]"))).containsExactly("a[b]");
		assertThat(this.store.list(Query.prefix("A"))).containsExactly("A%b");
	}

	@Test
	void recordsExpireAfterTheirTtl() {
		StoreRecord stored = this.store.write(StoreRecord.of("session", "s"), Duration.ofSeconds(10));
		this.store.write(StoreRecord.of("forever", "f"));
		assertThat(stored.expiresAt()).isEqualTo(this.clock.instant().plusSeconds(10));
		this.clock.advance(Duration.ofSeconds(9));
		assertThat(this.store.read("session")).isPresent();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.store.read("session")).isEmpty();
		assertThat(this.store.list(Query.all())).containsExactly("forever");
		assertThat(this.store.read(Query.all())).extracting(StoreRecord::key).containsExactly("forever");
		assertThat(this.store.delete("session")).isFalse();
	}

	@Test
	void recordsExpireAtAnAbsoluteInstant() {
		this.store.write(StoreRecord.of("k", "v"), WriteOptions.expireAt(this.clock.instant().plusSeconds(60)));
		this.clock.advance(Duration.ofSeconds(59));
		assertThat(this.store.read("k").orElseThrow().expiresAt()).isEqualTo(this.clock.instant().plusSeconds(1));
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.store.read("k")).isEmpty();
	}

	@Test
	void aRecordKeepsTheExpiryItCarriesWhenWrittenBack() {
		StoreRecord stored = this.store.write(StoreRecord.of("k", "v"), Duration.ofSeconds(30));
		StoreRecord rewritten = this.store.write(stored.withValue("w".getBytes(StandardCharsets.UTF_8)));
		assertThat(rewritten.expiresAt()).isEqualTo(stored.expiresAt());
		assertThat(rewritten.version()).isEqualTo(2);
	}

	@Test
	void anExpiredKeyCountsAsAbsentForConditionalWrites() {
		this.store.write(StoreRecord.of("lock", "owner-1"), Duration.ofSeconds(5));
		assertThatExceptionOfType(VersionConflictException.class)
			.isThrownBy(() -> this.store.write(StoreRecord.of("lock", "owner-2"), WriteOptions.ifAbsent()));
		this.clock.advance(Duration.ofSeconds(5));
		StoreRecord taken = this.store.write(StoreRecord.of("lock", "owner-2"), WriteOptions.ifAbsent());
		assertThat(taken.version()).isEqualTo(1);
		assertThat(this.store.read("lock").orElseThrow().valueAsString()).isEqualTo("owner-2");
	}

	@Test
	void purgeRemovesOnlyExpiredRecords() {
		this.store.write(StoreRecord.of("a", "1"), Duration.ofSeconds(1));
		this.store.write(StoreRecord.of("b", "2"), Duration.ofSeconds(100));
		this.store.write(StoreRecord.of("c", "3"));
		this.clock.advance(Duration.ofSeconds(2));
		assertThat(((PurgeableStore) this.store).purgeExpired()).isGreaterThanOrEqualTo(1);
		assertThat(this.store.list(Query.all())).containsExactly("b", "c");
		assertThat(((PurgeableStore) this.store).purgeExpired()).isZero();
	}

	@Test
	void tablesAndDatabasesAreIsolated() {
		Store orders = this.store.table("orders");
		Store users = this.store.table("users");
		Store otherDatabase = this.store.database("elsewhere" + databases.incrementAndGet()).table("orders");
		orders.write(StoreRecord.of("1", "order"));
		users.write(StoreRecord.of("1", "user"));
		users.write(StoreRecord.of("2", "user"));
		assertThat(orders.read("1").orElseThrow().valueAsString()).isEqualTo("order");
		assertThat(users.read("1").orElseThrow().valueAsString()).isEqualTo("user");
		assertThat(orders.list(Query.all())).containsExactly("1");
		assertThat(otherDatabase.read("1")).isEmpty();
		assertThat(orders.delete("1")).isTrue();
		assertThat(users.read("1")).isPresent();
		assertThat(users.table()).isEqualTo("users");
		assertThat(users.database()).isEqualTo(this.store.database());
	}

	@Test
	void conditionalWritesSucceedOnlyOnTheExpectedVersion() {
		StoreRecord created = this.store.write(StoreRecord.of("k", "1"), WriteOptions.ifAbsent());
		assertThat(created.version()).isEqualTo(1);
		assertThatExceptionOfType(VersionConflictException.class)
			.isThrownBy(() -> this.store.write(StoreRecord.of("k", "x"), WriteOptions.ifAbsent()))
			.satisfies((ex) -> assertThat(ex.getActualVersion()).isEqualTo(1));
		StoreRecord updated = this.store.write(StoreRecord.of("k", "2"), WriteOptions.ifVersion(1));
		assertThat(updated.version()).isEqualTo(2);
		assertThatExceptionOfType(VersionConflictException.class)
			.isThrownBy(() -> this.store.write(StoreRecord.of("k", "stale"), WriteOptions.ifVersion(1)))
			.satisfies((ex) -> {
				assertThat(ex.getExpectedVersion()).isEqualTo(1);
				assertThat(ex.getActualVersion()).isEqualTo(2);
			});
		assertThatExceptionOfType(VersionConflictException.class)
			.isThrownBy(() -> this.store.write(StoreRecord.of("absent", "x"), WriteOptions.ifVersion(3)))
			.satisfies((ex) -> assertThat(ex.getActualVersion()).isZero());
		assertThat(this.store.read("k").orElseThrow().valueAsString()).isEqualTo("2");
		assertThat(this.store.read("absent")).isEmpty();
	}

	@Test
	void aVersionConflictIsSpringsOptimisticLockingFailure() {
		this.store.write(StoreRecord.of("k", "1"));
		assertThatExceptionOfType(OptimisticLockingFailureException.class)
			.isThrownBy(() -> this.store.write(StoreRecord.of("k", "x"), WriteOptions.ifVersion(7)))
			.isInstanceOf(VersionConflictException.class);
		assertThatExceptionOfType(OptimisticLockingFailureException.class).isThrownBy(() -> this.store.delete("k", 7));
		assertThat(this.store.read("k").orElseThrow().valueAsString()).isEqualTo("1");
	}

	@Test
	void typedReadsCarryTheVersionForAConditionalWrite() {
		JsonStore json = new JsonStore(this.store, JsonMapper.builder().build());
		json.write("point", new Point(1, 2));
		json.write("point", new Point(3, 4));
		Versioned<Point> read = json.readVersioned("point", Point.class).orElseThrow();
		assertThat(read.key()).isEqualTo("point");
		assertThat(read.value()).isEqualTo(new Point(3, 4));
		assertThat(read.version()).isEqualTo(2);
		assertThat(json.write("point", new Point(5, 6), WriteOptions.ifVersion(read.version())).version()).isEqualTo(3);
		assertThatExceptionOfType(VersionConflictException.class)
			.isThrownBy(() -> json.write("point", new Point(7, 8), WriteOptions.ifVersion(read.version())));
		assertThat(json.readVersioned(Query.all(), Point.class)).singleElement()
			.satisfies((versioned) -> assertThat(versioned.version()).isEqualTo(3));
		assertThat(json.readVersioned("absent", Point.class)).isEmpty();
	}

	record Point(int x, int y) {

	}

	@Test
	void concurrentReadModifyWritesLoseNoUpdate() throws Exception {
		int threads = 4;
		int increments = concurrentIncrements();
		this.store.write(StoreRecord.of("counter", "0"));
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<Integer>> conflicts = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				conflicts.add(executor.submit(() -> incrementCounter(increments)));
			}
			int totalConflicts = 0;
			for (Future<Integer> each : conflicts) {
				totalConflicts += each.get(120, TimeUnit.SECONDS);
			}
			StoreRecord counter = this.store.read("counter").orElseThrow();
			assertThat(Integer.parseInt(counter.valueAsString())).isEqualTo(threads * increments);
			assertThat(counter.version()).isEqualTo(threads * increments + 1L);
			assertThat(totalConflicts).isGreaterThanOrEqualTo(0);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void concurrentUnconditionalWritesToOneKeyKeepEveryVersion() throws Exception {
		int threads = 4;
		int writes = concurrentIncrements();
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<List<Long>>> results = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				results.add(executor.submit(() -> {
					List<Long> versions = new ArrayList<>();
					for (int i = 0; i < writes; i++) {
						versions.add(this.store.write(StoreRecord.of("hot", thread + "-" + i)).version());
					}
					return versions;
				}));
			}
			List<Long> versions = new ArrayList<>();
			for (Future<List<Long>> each : results) {
				versions.addAll(each.get(120, TimeUnit.SECONDS));
			}
			assertThat(versions).doesNotHaveDuplicates().hasSize(threads * writes);
			assertThat(this.store.read("hot").orElseThrow().version()).isEqualTo((long) threads * writes);
		}
		finally {
			executor.shutdownNow();
		}
	}

	/**
	 * How many increments each of the concurrent writers makes.
	 * @return the count
	 */
	protected int concurrentIncrements() {
		return 200;
	}

	private int incrementCounter(int increments) {
		int conflicts = 0;
		for (int i = 0; i < increments; i++) {
			while (true) {
				StoreRecord current = this.store.read("counter").orElseThrow();
				int next = Integer.parseInt(current.valueAsString()) + 1;
				try {
					this.store.write(StoreRecord.of("counter", Integer.toString(next)),
							WriteOptions.ifVersion(current.version()));
					break;
				}
				catch (VersionConflictException ex) {
					conflicts++;
				}
			}
		}
		return conflicts;
	}

	@Test
	void aFencedWriteWithAStaleTokenIsRefusedAndLeavesTheSuccessorsData() {
		String lock = "fence-" + UUID.randomUUID();
		this.store.write(StoreRecord.of("job", "old holder"), WriteOptions.fenced(lock, 5));
		this.store.write(StoreRecord.of("job", "new holder"), WriteOptions.fenced(lock, 6));
		assertThatExceptionOfType(StaleFencingTokenException.class)
			.isThrownBy(() -> this.store.write(StoreRecord.of("job", "late write"), WriteOptions.fenced(lock, 5)))
			.satisfies((ex) -> {
				assertThat(ex.getLockName()).isEqualTo(lock);
				assertThat(ex.getToken()).isEqualTo(5);
				assertThat(ex.getHighestToken()).isEqualTo(6);
			})
			.withMessageContaining("stale");
		// the fence is the lock's, not the key's
		assertThatExceptionOfType(StaleFencingTokenException.class)
			.isThrownBy(() -> this.store.write(StoreRecord.of("other", "late"), WriteOptions.fenced(lock, 5)));
		assertThat(this.store.read("job").orElseThrow().valueAsString()).isEqualTo("new holder");
		assertThat(this.store.read("job").orElseThrow().version()).isEqualTo(2);
		assertThat(this.store.read("other")).isEmpty();
		// the holder of the highest token writes on; unfenced writes are not fenced
		this.store.write(StoreRecord.of("job", "again"), WriteOptions.fenced(lock, 6));
		this.store.write(StoreRecord.of("job", "unfenced"));
		assertThat(this.store.read("job").orElseThrow().valueAsString()).isEqualTo("unfenced");
	}

	@Test
	void aFencedWriteThatFailsOtherwiseDoesNotRaiseTheFence() {
		String lock = "fence-" + UUID.randomUUID();
		this.store.write(StoreRecord.of("job", "v1"), WriteOptions.fenced(lock, 1));
		assertThatExceptionOfType(VersionConflictException.class).isThrownBy(() -> this.store
			.write(StoreRecord.of("job", "v2"), WriteOptions.fenced(lock, 7).withExpectedVersion(99)));
		StoreRecord stored = this.store.write(StoreRecord.of("job", "v3"),
				WriteOptions.fenced(lock, 2).withExpectedVersion(1).withTtl(Duration.ofHours(1)));
		assertThat(stored.version()).isEqualTo(2);
		assertThat(stored.expiresAt()).isNotNull();
	}

	@Test
	void onceASuccessorHasWrittenNoWriteOfTheOldHolderLands() throws Exception {
		String lock = "fence-" + UUID.randomUUID();
		int writes = Math.max(20, concurrentIncrements() / 4);
		ExecutorService executor = Executors.newFixedThreadPool(2);
		try {
			Future<List<Long>> old = executor.submit(() -> fencedWrites(lock, 1, "old", writes));
			Future<List<Long>> successor = executor.submit(() -> fencedWrites(lock, 2, "new", writes));
			List<Long> oldVersions = old.get(120, TimeUnit.SECONDS);
			List<Long> newVersions = successor.get(120, TimeUnit.SECONDS);
			assertThat(newVersions).hasSize(writes);
			if (!oldVersions.isEmpty()) {
				assertThat(Collections.max(oldVersions)).isLessThan(Collections.min(newVersions));
			}
			assertThat(this.store.read("fenced").orElseThrow().valueAsString()).startsWith("new");
		}
		finally {
			executor.shutdownNow();
		}
	}

	private List<Long> fencedWrites(String lock, long token, String writer, int writes) {
		List<Long> versions = new ArrayList<>();
		for (int i = 0; i < writes; i++) {
			try {
				versions
					.add(this.store.write(StoreRecord.of("fenced", writer + "-" + i), WriteOptions.fenced(lock, token))
						.version());
			}
			catch (StaleFencingTokenException ex) {
				// refused: the successor has written
			}
		}
		return versions;
	}

	@Test
	void valuesUpToTheMaximumSizeRoundTrip() {
		byte[] large = new byte[(int) MAX_VALUE_BYTES];
		for (int i = 0; i < large.length; i++) {
			large[i] = (byte) (i * 31);
		}
		this.store.write(StoreRecord.of("large", large));
		assertThat(this.store.read("large").orElseThrow().value()).isEqualTo(large);
		this.store.write(StoreRecord.of("empty", new byte[0]));
		assertThat(this.store.read("empty").orElseThrow().value()).isEmpty();
	}

	@Test
	void oversizedValueIsRejectedAndChangesNothing() {
		this.store.write(StoreRecord.of("k", "before"));
		assertThatExceptionOfType(ValueTooLargeException.class)
			.isThrownBy(() -> this.store.write(StoreRecord.of("k", new byte[(int) MAX_VALUE_BYTES + 1])))
			.withMessageContaining("phanes.store.max-value-size");
		assertThat(this.store.read("k").orElseThrow().valueAsString()).isEqualTo("before");
		assertThat(this.store.read("k").orElseThrow().version()).isEqualTo(1);
	}

	@Test
	void unicodeKeysRoundTrip() {
		List<String> keys = List.of("ключ", "鍵/子", "מפתח", "🔑🗝️", "e\u0301", "é", "tab\tnew\nline", "'quote\"");
		keys.forEach((key) -> this.store.write(StoreRecord.of(key, "value of " + key)));
		for (String key : keys) {
			assertThat(this.store.read(key).orElseThrow().valueAsString()).isEqualTo("value of " + key);
		}
		assertThat(this.store.list(Query.prefix("🔑"))).containsExactly("🔑🗝️");
		assertThat(this.store.list(Query.all())).hasSize(keys.size());
	}

	@Test
	void keysThatLookLikeSqlOrPathsAreJustKeys() {
		List<String> keys = List.of("'; DROP TABLE phanes_store; --", "../../../etc/passwd", "/abs/path", "%", "_", "*",
				"a OR 1=1", "C:\\windows\\system32", "..");
		keys.forEach((key) -> this.store.write(StoreRecord.of(key, key)));
		for (String key : keys) {
			assertThat(this.store.read(key).orElseThrow().valueAsString()).isEqualTo(key);
		}
		assertThat(this.store.list(Query.all())).hasSize(keys.size());
		assertThat(this.store.list(Query.prefix("%"))).containsExactly("%");
	}

	@Test
	void keyOfTheMaximumLengthIsAcceptedAndLongerIsRejected() {
		String longest = "é".repeat(Store.MAX_KEY_BYTES / 2);
		this.store.write(StoreRecord.of(longest, "v"));
		assertThat(this.store.read(longest)).isPresent();
		assertThatExceptionOfType(InvalidKeyException.class)
			.isThrownBy(() -> this.store.write(StoreRecord.of(longest + "x", "v")))
			.withMessageContaining("1025 bytes");
		assertThat(this.store.list(Query.all())).containsExactly(longest);
	}

	@Test
	void invalidKeysAreRejectedAndChangeNothing() {
		this.store.write(StoreRecord.of("existing", "v"));
		List<String> invalid = new ArrayList<>(List.of("", "nul\u0000char", "lone\uD800surrogate", "\uDC00"));
		for (String key : invalid) {
			assertThatExceptionOfType(InvalidKeyException.class).as("key %s", key)
				.isThrownBy(() -> this.store.write(StoreRecord.of(key, "v")));
			assertThatExceptionOfType(InvalidKeyException.class).isThrownBy(() -> this.store.read(key));
			assertThatExceptionOfType(InvalidKeyException.class).isThrownBy(() -> this.store.delete(key));
		}
		assertThatExceptionOfType(InvalidKeyException.class).isThrownBy(() -> this.store.read((String) null));
		assertThatExceptionOfType(InvalidKeyException.class)
			.isThrownBy(() -> this.store.write(new StoreRecord(null, new byte[0], Map.of(), null, 0)));
		assertThat(this.store.list(Query.all())).containsExactly("existing");
	}

	@Test
	void invalidRecordsExpiriesAndQueriesAreRejectedAndChangeNothing() {
		this.store.write(StoreRecord.of("k", "before"));
		assertThatExceptionOfType(InvalidRecordException.class)
			.isThrownBy(() -> this.store.write(new StoreRecord("k", null, Map.of(), null, 0)));
		assertThatExceptionOfType(InvalidExpiryException.class)
			.isThrownBy(() -> this.store.write(StoreRecord.of("k", "x"), Duration.ofSeconds(-1)));
		assertThatExceptionOfType(InvalidExpiryException.class)
			.isThrownBy(() -> this.store.write(StoreRecord.of("k", "x"), Duration.ZERO));
		assertThatExceptionOfType(InvalidExpiryException.class).isThrownBy(() -> this.store
			.write(StoreRecord.of("k", "x"), WriteOptions.expireAt(this.clock.instant().minusSeconds(1))));
		assertThatExceptionOfType(InvalidExpiryException.class)
			.isThrownBy(() -> this.store.write(StoreRecord.of("k", "x"),
					new WriteOptions(Duration.ofSeconds(1), this.clock.instant().plusSeconds(5), null)));
		assertThatExceptionOfType(InvalidRecordException.class)
			.isThrownBy(() -> this.store.write(StoreRecord.of("k", "x").withMetadata(Map.of("", "empty name"))));
		assertThatExceptionOfType(InvalidRecordException.class).isThrownBy(
				() -> this.store.write(StoreRecord.of("k", "x").withMetadata(Map.of("big", "m".repeat(70 * 1024)))));
		assertThatExceptionOfType(InvalidQueryException.class)
			.isThrownBy(() -> this.store.list(Query.all().withLimit(-1)));
		assertThatExceptionOfType(InvalidQueryException.class).isThrownBy(() -> this.store.list(null));
		assertThatExceptionOfType(InvalidNameException.class).isThrownBy(() -> this.store.table("bad name"));
		assertThatExceptionOfType(InvalidNameException.class).isThrownBy(() -> this.store.table("x; DROP TABLE t"));
		assertThatExceptionOfType(InvalidNameException.class).isThrownBy(() -> this.store.database("1starts"));
		StoreRecord unchanged = this.store.read("k").orElseThrow();
		assertThat(unchanged.valueAsString()).isEqualTo("before");
		assertThat(unchanged.version()).isEqualTo(1);
		assertThat(unchanged.metadata()).isEmpty();
	}

}
