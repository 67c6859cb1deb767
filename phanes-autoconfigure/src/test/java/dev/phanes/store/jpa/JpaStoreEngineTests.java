package dev.phanes.store.jpa;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import dev.phanes.store.StoreProperties;
import org.springframework.dao.CannotAcquireLockException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the JPA engine decides without a database: which failures it retries, how it
 * escapes patterns, and that its defaults agree with the properties'.
 */
class JpaStoreEngineTests {

	@Test
	void retriesSerializationFailuresDeadlocksAndRacingInserts() {
		assertThat(JpaTransactions.isRetryable(wrapped("40001"))).isTrue();
		assertThat(JpaTransactions.isRetryable(wrapped("40P01"))).isTrue();
		assertThat(JpaTransactions.isRetryable(wrapped("23505"))).isTrue();
	}

	@Test
	void doesNotRetryOtherFailures() {
		assertThat(JpaTransactions.isRetryable(wrapped("42P01"))).isFalse();
		assertThat(JpaTransactions.isRetryable(wrapped(null))).isFalse();
		assertThat(JpaTransactions.isRetryable(new IllegalStateException("no SQL here"))).isFalse();
	}

	@Test
	void likePatternsEscapeWildcardsAndTheEscapeCharacter() {
		assertThat(JpaStoreEngine.escapeLike("50%_off!")).isEqualTo("50!%!_off!!");
		assertThat(JpaStoreEngine.escapeLike("plain/key")).isEqualTo("plain/key");
	}

	@Test
	void settingsDefaultsAgreeWithPropertyDefaults() {
		StoreProperties.Jpa jpa = new StoreProperties().getJpa();
		JpaStoreEngine.Settings fromProperties = new JpaStoreEngine.Settings(jpa.getIsolation().level(),
				jpa.getRetry().getMaxAttempts(), jpa.getRetry().getInitialBackoff(), jpa.getRetry().getMaxBackoff());
		assertThat(fromProperties).isEqualTo(JpaStoreEngine.Settings.DEFAULTS);
	}

	private static RuntimeException wrapped(String sqlState) {
		return new CannotAcquireLockException("could not execute statement",
				new RuntimeException("hibernate", new SQLException("failure", sqlState)));
	}

}
