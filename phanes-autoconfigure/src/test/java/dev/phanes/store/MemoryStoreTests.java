package dev.phanes.store;

/**
 * The conformance suite on {@link MemoryStore}.
 */
class MemoryStoreTests extends StoreConformanceTests {

	@Override
	protected Store createStore(StoreOptions options) {
		return new MemoryStore(options);
	}

}
