package dev.phanes.store;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conformance suite on {@link MemoryStoreEngine}.
 */
class MemoryStoreEngineTests extends StoreConformanceTests {

	@Test
	void viewsOfTablesNobodyWroteCreateNothing() {
		MemoryStoreEngine engine = new MemoryStoreEngine();
		DefaultStore memory = new DefaultStore(engine);
		for (int i = 0; i < 1_000; i++) {
			Store view = memory.table("t" + i);
			assertThat(view.read("k")).isEmpty();
			assertThat(view.list(Query.all())).isEmpty();
			assertThat(view.delete("k")).isFalse();
		}
		assertThat(engine.tableCount()).isZero();
		memory.table("written").write(StoreRecord.of("k", "v"));
		assertThat(engine.tableCount()).isEqualTo(1);
		assertThat(memory.table("written").read("k")).isPresent();
	}

	@Override
	protected Store createStore(StoreOptions options) {
		return new DefaultStore(new MemoryStoreEngine(), options);
	}

}
