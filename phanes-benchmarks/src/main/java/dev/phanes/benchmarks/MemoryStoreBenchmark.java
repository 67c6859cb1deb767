package dev.phanes.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

import dev.phanes.store.DefaultStore;
import dev.phanes.store.MemoryStoreEngine;
import dev.phanes.store.Query;
import dev.phanes.store.StoreRecord;
import dev.phanes.store.Store;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * Throughput of a {@link DefaultStore} on a {@link MemoryStoreEngine} beside the bare JDK
 * maps the engine is built on.
 * <p>
 * Both sides hold the same {@value Workload#KEYS} keys of {@value Workload#VALUE_BYTES}
 * bytes. The baseline of {@code write} and {@code read} is a
 * {@code ConcurrentHashMap<String, byte[]>} ({@code put} and {@code get}). A hash map
 * cannot list keys by prefix, so the fair baseline of {@code list} is a
 * {@link ConcurrentSkipListMap}: {@code tailMap(prefix)} walked until a key no longer
 * starts with the prefix or {@value Workload#LIST_LIMIT} keys are taken. The inputs
 * (keys, {@link StoreRecord records}, {@link Query queries}) are built once by the
 * {@link Workload}, so each measured method is one call on each side. Writes overwrite
 * preloaded keys, so the maps do not grow.
 */
public class MemoryStoreBenchmark extends StoreBenchmark {

	private final Store store = new DefaultStore(new MemoryStoreEngine());

	private final ConcurrentHashMap<String, byte[]> map = new ConcurrentHashMap<>();

	private final ConcurrentSkipListMap<String, byte[]> sortedMap = new ConcurrentSkipListMap<>();

	/**
	 * Preload both sides with every key.
	 */
	@Setup
	public void setUp() {
		Workload workload = workload();
		for (int i = 0; i < Workload.KEYS; i++) {
			String key = workload.key(i);
			this.store.write(workload.record(i));
			this.map.put(key, workload.value());
			this.sortedMap.put(key, workload.value());
		}
	}

	/**
	 * Overwrite a value in a bare hash map.
	 * @return the previous value
	 */
	@Benchmark
	public byte[] baselineWrite() {
		Workload workload = workload();
		return this.map.put(workload.key(workload.nextKey()), workload.value());
	}

	/**
	 * Read a present value from a bare hash map.
	 * @return the value
	 */
	@Benchmark
	public byte[] baselineRead() {
		Workload workload = workload();
		return this.map.get(workload.key(workload.nextKey()));
	}

	/**
	 * List the first keys with a prefix from a bare skip list map.
	 * @return the keys
	 */
	@Benchmark
	public List<String> baselineList() {
		Workload workload = workload();
		String prefix = workload.prefix(workload.nextPrefix());
		List<String> keys = new ArrayList<>();
		for (String key : this.sortedMap.tailMap(prefix, true).keySet()) {
			if (!key.startsWith(prefix) || keys.size() == Workload.LIST_LIMIT) {
				break;
			}
			keys.add(key);
		}
		return keys;
	}

	@Override
	Store store() {
		return this.store;
	}

}
