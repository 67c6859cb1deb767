package dev.phanes.store.jpa;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.phanes.store.StoreRecord;
import dev.phanes.store.Store;
import dev.phanes.store.StoreAccessException;
import dev.phanes.test.EmbeddedPostgresExtension;
import dev.phanes.test.jpa.JpaTestApplication;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the JPA store's table lives beside the application's own schema management.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class JpaStoreSchemaIT {

	@Test
	void hibernateValidatesTheTableTheScriptCreated(EmbeddedPostgresExtension.Server server) {
		try (ConfigurableApplicationContext context = JpaTestApplication.run(server,
				"spring.jpa.hibernate.ddl-auto=validate")) {
			Store store = context.getBean(Store.class).table("validated");
			store.write(StoreRecord.of("k", "v"));
			assertThat(store.read("k")).isPresent();
		}
	}

	@Test
	void writesAreCommittedWhenThePoolDoesNotAutoCommit(EmbeddedPostgresExtension.Server server) {
		try (ConfigurableApplicationContext context = JpaTestApplication.run(server,
				"spring.datasource.hikari.auto-commit=false")) {
			context.getBean(Store.class).table("manualcommit").write(StoreRecord.of("k", "kept"));
		}
		try (ConfigurableApplicationContext context = JpaTestApplication.run(server)) {
			assertThat(context.getBean(Store.class).table("manualcommit").read("k"))
				.hasValueSatisfying((record) -> assertThat(record.valueAsString()).isEqualTo("kept"));
		}
	}

	@Test
	void validateModeFailsStartUpWhenTheTableIsMissing(EmbeddedPostgresExtension.Server server) {
		// template1 exists on every server and has no phanes_store; validate mode only
		// reads.
		String url = server.jdbcUrl().replace("/postgres?", "/template1?");
		assertThatThrownBy(() -> JpaTestApplication.run(server, "spring.datasource.url=" + url,
				"phanes.store.jpa.schema=validate"))
			.hasStackTraceContaining(
					StoreAccessException.class.getName() + ": Table phanes_store or phanes_store_fence is missing")
			.hasStackTraceContaining("phanes.store.jpa.schema=create");
	}

}
