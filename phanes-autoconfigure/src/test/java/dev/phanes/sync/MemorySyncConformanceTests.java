package dev.phanes.sync;

/**
 * The conformance suite on the memory engine; two registries share one engine's locks.
 */
class MemorySyncConformanceTests extends SyncConformanceTests {

	private final MemoryLockEngine shared = new MemoryLockEngine();

	private boolean first = true;

	@Override
	protected LockEngine newEngine() {
		if (this.first) {
			this.first = false;
			return this.shared;
		}
		return this.shared.sharedWithAnotherHolder();
	}

}
