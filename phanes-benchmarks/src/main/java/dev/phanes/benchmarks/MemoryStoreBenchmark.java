package dev.phanes.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;

import dev.phanes.store.MemoryStore;
import dev.phanes.store.Query;
import dev.phanes.store.Record;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of {@link MemoryStore} beside the bare JDK maps it is built on.
 * <p>
 * Both sides hold the same {@value Workload#KEYS} keys of {@value Workload#VALUE_BYTES}
 * bytes. The baseline of {@code write} and {@code read} is a
 * {@code ConcurrentHashMap<String, byte[]>} ({@code put} and {@code get}). A hash map
 * cannot list keys by prefix, so the fair baseline of {@code list} is a
 * {@link ConcurrentSkipListMap}: {@code tailMap(prefix)} walked until a key no longer
 * starts with the prefix or {@value Workload#LIST_LIMIT} keys are taken. The inputs
 * (keys, {@link Record records}, {@link Query queries}) are built in the setup, so each
 * measured method is one call on each side. Writes overwrite preloaded keys, so the maps
 * do not grow.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MemoryStoreBenchmark {

	private final Workload workload = new Workload();

	private final Record[] records = new Record[Workload.KEYS];

	private final Query[] queries = new Query[Workload.KEYS / Workload.LIST_LIMIT];

	private final MemoryStore store = new MemoryStore();

	private final ConcurrentHashMap<String, byte[]> map = new ConcurrentHashMap<>();

	private final ConcurrentSkipListMap<String, byte[]> sortedMap = new ConcurrentSkipListMap<>();

	/**
	 * Preload both sides with every key and build the inputs.
	 */
	@Setup
	public void setUp() {
		for (int i = 0; i < Workload.KEYS; i++) {
			String key = this.workload.key(i);
			this.records[i] = Record.of(key, this.workload.value());
			this.store.write(this.records[i]);
			this.map.put(key, this.workload.value());
			this.sortedMap.put(key, this.workload.value());
		}
		for (int i = 0; i < this.queries.length; i++) {
			this.queries[i] = Query.prefix(this.workload.prefix(i)).withLimit(Workload.LIST_LIMIT);
		}
	}

	/**
	 * Overwrite a record through the store.
	 * @return the record as stored
	 */
	@Benchmark
	public Record phanesWrite() {
		return this.store.write(this.records[this.workload.nextKey()]);
	}

	/**
	 * Overwrite a value in a bare hash map.
	 * @return the previous value
	 */
	@Benchmark
	public byte[] baselineWrite() {
		return this.map.put(this.workload.key(this.workload.nextKey()), this.workload.value());
	}

	/**
	 * Read a present record through the store.
	 * @return the record
	 */
	@Benchmark
	public Optional<Record> phanesRead() {
		return this.store.read(this.workload.key(this.workload.nextKey()));
	}

	/**
	 * Read a present value from a bare hash map.
	 * @return the value
	 */
	@Benchmark
	public byte[] baselineRead() {
		return this.map.get(this.workload.key(this.workload.nextKey()));
	}

	/**
	 * List the first keys with a prefix through the store.
	 * @return the keys
	 */
	@Benchmark
	public List<String> phanesList() {
		return this.store.list(this.queries[this.workload.nextPrefix()]);
	}

	/**
	 * List the first keys with a prefix from a bare skip list map.
	 * @return the keys
	 */
	@Benchmark
	public List<String> baselineList() {
		String prefix = this.workload.prefix(this.workload.nextPrefix());
		List<String> keys = new ArrayList<>();
		for (String key : this.sortedMap.tailMap(prefix, true).keySet()) {
			if (!key.startsWith(prefix) || keys.size() == Workload.LIST_LIMIT) {
				break;
			}
			keys.add(key);
		}
		return keys;
	}

}
