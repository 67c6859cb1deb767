package dev.phanes.sync.etcd;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * How lock names become etcd keys.
 */
class EtcdLockKeysTests {

	private final EtcdLockKeys keys = new EtcdLockKeys("/locks/", "/holders/");

	@Test
	void namesWithoutSlashOrPercentSignAreKeptAsTheyAre() {
		assertThat(EtcdLockKeys.encode("orders 1:é€")).isEqualTo("orders 1:é€");
		assertThat(key("orders")).isEqualTo("/locks/orders");
	}

	@Test
	void slashesAndPercentSignsAreEncoded() {
		assertThat(EtcdLockKeys.encode("leader/orders")).isEqualTo("leader%2Forders");
		assertThat(EtcdLockKeys.encode("100%")).isEqualTo("100%25");
		assertThat(EtcdLockKeys.encode("a%2Fb")).isEqualTo("a%252Fb");
		assertThat(this.keys.waiters("a/b")).isEqualTo("/locks/a%2Fb/");
	}

	@Test
	void noNameHasKeysUnderAnotherNamesKeys() {
		List<String> names = List.of("a", "a/b", "a/b/c", "a%2Fb", "a%", "a%2F", "/", "//", "%", "a b", "ä/ö");
		for (String name : names) {
			for (String other : names) {
				if (!name.equals(other)) {
					assertThat(this.keys.waiters(other)).as("%s beside %s", other, name)
						.doesNotStartWith(this.keys.waiters(name))
						.isNotEqualTo(this.keys.waiters(name));
				}
			}
		}
	}

	@Test
	void prefixesMustBeApart() {
		assertThatIllegalArgumentException().isThrownBy(() -> new EtcdLockKeys("/p/", "/p/holders/"))
			.withMessageContaining("neither may start with the other");
		assertThatIllegalArgumentException().isThrownBy(() -> new EtcdLockKeys("", "/holders/"));
	}

	private String key(String name) {
		return this.keys.lock(name).toString(StandardCharsets.UTF_8);
	}

}
