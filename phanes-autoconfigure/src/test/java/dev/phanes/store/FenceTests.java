package dev.phanes.store;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link Fence} and fenced {@link WriteOptions}.
 */
class FenceTests {

	@Test
	void aFenceNeedsANameAndAPositiveToken() {
		assertThatExceptionOfType(InvalidRecordException.class).isThrownBy(() -> WriteOptions.fenced(" ", 1))
			.withMessageContaining("non-blank");
		assertThatExceptionOfType(InvalidRecordException.class).isThrownBy(() -> WriteOptions.fenced("lock", 0))
			.withMessageContaining("positive");
		assertThatExceptionOfType(InvalidRecordException.class)
			.isThrownBy(() -> WriteOptions.fenced("x".repeat(Fence.MAX_NAME_LENGTH + 1), 1))
			.withMessageContaining("at most " + Fence.MAX_NAME_LENGTH);
	}

	@Test
	void optionsKeepTheirFence() {
		WriteOptions options = WriteOptions.ifVersion(3).withFence("jobs", 9).withTtl(java.time.Duration.ofSeconds(5));
		assertThat(options.fence()).isEqualTo(new Fence("jobs", 9));
		assertThat(options.expectedVersion()).isEqualTo(3);
		assertThat(options.withExpectedVersion(4).fence()).isEqualTo(new Fence("jobs", 9));
		assertThat(WriteOptions.NONE.fence()).isNull();
	}

}
