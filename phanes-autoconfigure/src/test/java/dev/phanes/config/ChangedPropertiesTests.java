package dev.phanes.config;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ChangedProperties}.
 */
class ChangedPropertiesTests {

	@Test
	void affectsThePrefixesAboveAChangedKeyOnly() {
		ChangedProperties changed = ChangedProperties.of(Set.of("shop.greeting"), Map.of("shop.greeting", "hi"));
		assertThat(changed.affects("shop")).isTrue();
		assertThat(changed.affects("shop.greeting")).isTrue();
		assertThat(changed.affects("limits")).isFalse();
		assertThat(changed.affects("shopping")).isFalse();
		assertThat(changed.affects("")).isTrue();
	}

	@Test
	void matchesRelaxedFormsAndIndexedKeys() {
		assertThat(ChangedProperties.of(Set.of("phanes.store.maxSize"), Map.of()).affects("phanes.store")).isTrue();
		assertThat(ChangedProperties.of(Set.of("phanes.event.types[0]"), Map.of()).affects("phanes.event")).isTrue();
		assertThat(ChangedProperties.of(Set.of("phanes"), Map.of()).affects("phanes.store")).isTrue();
	}

	@Test
	void aPlaceholderMakesItsPrefixAffectedByAnyChange() {
		ChangedProperties changed = ChangedProperties.of(Set.of("spring.application.name"),
				Map.of("sample.peer-service", "${spring.application.name}", "limits.max", "3"));
		assertThat(changed.affects("sample")).isTrue();
		assertThat(changed.affects("limits")).isFalse();
	}

	@Test
	void aKeyThatIsNoPropertyNameAffectsEverything() {
		assertThat(ChangedProperties.of(Set.of("!!"), Map.of()).affects("limits")).isTrue();
	}

}
