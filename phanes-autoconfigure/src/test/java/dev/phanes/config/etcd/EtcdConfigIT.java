package dev.phanes.config.etcd;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.phanes.config.ConfigFileWatcher;
import dev.phanes.config.ConfigReloadHealthIndicator;
import dev.phanes.config.ConfigReloader;
import dev.phanes.config.ConfigTestApplication;
import dev.phanes.config.Limits;
import dev.phanes.config.LiveProperties;
import dev.phanes.config.ShopProperties;
import dev.phanes.test.EtcdExtension;
import dev.phanes.test.EtcdServer;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The etcd import and reloads against a real etcd server: precedence, puts and deletes
 * reaching bound beans, live handles of records, rejected values, file edits.
 */
@ExtendWith(EtcdExtension.class)
class EtcdConfigIT {

	private static final Duration BOUND = Duration.ofSeconds(10);

	/**
	 * What the reload health indicator says a rejected change does to later ones.
	 */
	private static final String HELD_BACK = "Every later configuration change is held back until these problems are fixed: "
			+ "a reload applies all sources or none, so the running values always match one state of them";

	@Test
	void etcdOverridesApplicationYamlAndEnvironmentAndCommandLineOverrideEtcd(EtcdServer etcd) {
		String prefix = "/config/precedence/";
		etcd.put(prefix + "shop/greeting", "from-etcd");
		etcd.put(prefix + "shop/owner", "from-etcd");
		etcd.put(prefix + "shop/max-items", "30");
		try (ConfigurableApplicationContext context = ConfigTestApplication.run(Map.of("SHOP_OWNER", "from-env"),
				"--config-it.import=etcd:" + prefix, "--phanes.config.etcd.endpoints=" + etcd.endpoint(),
				"--shop.max-items=40")) {
			ShopProperties shop = context.getBean(ShopProperties.class);
			assertThat(shop.getGreeting()).isEqualTo("from-etcd");
			assertThat(shop.getOwner()).isEqualTo("from-env");
			assertThat(shop.getMaxItems()).isEqualTo(40);
			assertThat(shop.isFeatureX()).isTrue();
			assertThat(context.getEnvironment().getPropertySources().get("etcd:" + prefix)).isNotNull();
		}
	}

	@Test
	void putReachesTheBeanAndDeleteFallsBackToApplicationYaml(EtcdServer etcd) {
		String prefix = "/config/put-delete/";
		try (ConfigurableApplicationContext context = run(etcd, prefix)) {
			ShopProperties shop = context.getBean(ShopProperties.class);
			List<java.util.Set<String>> changes = new java.util.concurrent.CopyOnWriteArrayList<>();
			context.addApplicationListener(
					(ApplicationListener<EnvironmentChangeEvent>) (event) -> changes.add(event.getKeys()));
			assertThat(shop.getGreeting()).isEqualTo("from-yml");
			etcd.put(prefix + "shop/greeting", "from-etcd");
			await().atMost(BOUND).until(() -> shop.getGreeting().equals("from-etcd"));
			// Listeners and the refresh scope see the change right after the rebinding.
			await().atMost(BOUND)
				.untilAsserted(
						() -> assertThat(changes).anySatisfy((keys) -> assertThat(keys).contains("shop.greeting")));
			await().atMost(BOUND)
				.until(() -> context.getBean(ConfigTestApplication.GreetingHolder.class)
					.greeting()
					.equals("from-etcd"));
			etcd.delete(prefix + "shop/greeting");
			await().atMost(BOUND).until(() -> shop.getGreeting().equals("from-yml"));
			// The observation stops right after the beans are rebound.
			await().atMost(BOUND).until(() -> reloads(context, "etcd", "success") >= 2);
		}
	}

	@Test
	void burstOfPutsBecomesFewReloads(EtcdServer etcd) {
		String prefix = "/config/burst/";
		try (ConfigurableApplicationContext context = run(etcd, prefix)) {
			ShopProperties shop = context.getBean(ShopProperties.class);
			ConfigReloader reloader = context.getBean(ConfigReloader.class);
			long before = reloader.reloadCount();
			etcd.putAll(prefix + "shop/labels/key-", 20);
			await().atMost(BOUND).until(() -> shop.getLabels().size() == 20);
			// 20 changes within a few milliseconds: coalesced into a few reloads, and no
			// more follow.
			await().during(Duration.ofMillis(300))
				.atMost(BOUND)
				.until(() -> reloader.reloadCount() - before >= 1 && reloader.reloadCount() - before <= 5);
		}
	}

	@Test
	void deletedMapAndListEntriesDisappearFromTheBean(EtcdServer etcd) {
		String prefix = "/config/entries/";
		etcd.put(prefix + "shop/labels/color", "blue");
		etcd.put(prefix + "shop/labels/size", "large");
		etcd.put(prefix + "shop/hosts/0", "alpha");
		etcd.put(prefix + "shop/hosts/1", "beta");
		try (ConfigurableApplicationContext context = run(etcd, prefix)) {
			ShopProperties shop = context.getBean(ShopProperties.class);
			assertThat(shop.getLabels()).containsExactly(Map.entry("color", "blue"), Map.entry("size", "large"));
			assertThat(shop.getHosts()).containsExactly("alpha", "beta");
			etcd.delete(prefix + "shop/labels/size");
			etcd.delete(prefix + "shop/hosts/1");
			await().atMost(BOUND)
				.untilAsserted(() -> assertThat(shop.getLabels()).containsExactly(Map.entry("color", "blue")));
			await().atMost(BOUND).untilAsserted(() -> assertThat(shop.getHosts()).containsExactly("alpha"));
		}
	}

	@Test
	void liveHandleFollowsARecordThatCannotBeReboundInPlace(EtcdServer etcd) {
		String prefix = "/config/record/";
		try (ConfigurableApplicationContext context = run(etcd, prefix)) {
			Supplier<Limits> limits = context.getBean(LiveProperties.class).of(Limits.class);
			assertThat(limits.get().burst()).isEqualTo(5);
			etcd.put(prefix + "limits/burst", "7");
			await().atMost(BOUND).until(() -> limits.get().burst() == 7);
			// The bean itself was bound once, through its constructor.
			assertThat(context.getBean(Limits.class).burst()).isEqualTo(5);
			etcd.put(prefix + "limits/burst", "0");
			ConfigReloader reloader = context.getBean(ConfigReloader.class);
			await().atMost(BOUND).until(() -> reloader.lastRejection() != null);
			assertThat(reloader.lastRejection().problems()).anySatisfy(
					(problem) -> assertThat(problem).contains("limits.burst").contains("greater than or equal to 1"));
			assertThat(limits.get().burst()).isEqualTo(7);
		}
	}

	@Test
	void invalidValueIsRejectedReportedAndTheLastGoodValuesStay(EtcdServer etcd) {
		String prefix = "/config/invalid/";
		etcd.put(prefix + "shop/labels/color", "blue");
		try (ConfigurableApplicationContext context = run(etcd, prefix)) {
			ShopProperties shop = context.getBean(ShopProperties.class);
			ConfigReloader reloader = context.getBean(ConfigReloader.class);
			etcd.put(prefix + "shop/greeting", "changed-with-a-bad-value");
			etcd.put(prefix + "shop/max-items", "500");
			await().atMost(BOUND).until(() -> reloader.lastRejection() != null);
			assertThat(reloader.lastRejection().problems())
				.anySatisfy((problem) -> assertThat(problem).contains("shop.max-items").contains("500"));
			assertThat(shop.getMaxItems()).isEqualTo(20);
			assertThat(shop.getGreeting()).isEqualTo("from-yml");
			assertThat(shop.getLabels()).containsEntry("color", "blue");
			assertThat(context.getEnvironment().getProperty("shop.max-items")).isEqualTo("20");
			Health health = context.getBean(ConfigReloadHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsKey("lastRejectedChange");
			assertThat(health.getDetails().get("lastRejectedChange").toString()).contains("shop.max-items")
				.contains(HELD_BACK);
			assertThat(context.getBean(EtcdConfigHealthIndicator.class).health(true).getStatus()).isEqualTo(Status.UP);
			await().atMost(BOUND).until(() -> reloads(context, "etcd", "rejected") >= 1);
			etcd.put(prefix + "shop/max-items", "50");
			await().atMost(BOUND).until(() -> shop.getMaxItems() == 50);
			assertThat(shop.getGreeting()).isEqualTo("changed-with-a-bad-value");
			await().atMost(BOUND).until(() -> reloader.lastRejection() == null);
			assertThat(context.getBean(ConfigReloadHealthIndicator.class).health(true).getDetails())
				.doesNotContainKey("lastRejectedChange");
		}
	}

	@Test
	void yamlDocumentUnderAKeyBecomesProperties(EtcdServer etcd) {
		String prefix = "/config/document/";
		etcd.put(prefix + "application.yml", "shop:\n  greeting: from-document\n  hosts: [one, two]\n");
		try (ConfigurableApplicationContext context = run(etcd, prefix)) {
			ShopProperties shop = context.getBean(ShopProperties.class);
			assertThat(shop.getGreeting()).isEqualTo("from-document");
			assertThat(shop.getHosts()).containsExactly("one", "two");
		}
	}

	@Test
	void editedImportedFileReloads(EtcdServer etcd, @TempDir Path directory) throws Exception {
		Path file = directory.resolve("shop.yml");
		Files.writeString(file, "shop:\n  greeting: from-file\n");
		String prefix = "/config/file/";
		try (ConfigurableApplicationContext context = ConfigTestApplication.run(Map.of(),
				"--config-it.import=optional:etcd:" + prefix + ",optional:file:" + file,
				"--phanes.config.etcd.endpoints=" + etcd.endpoint())) {
			ShopProperties shop = context.getBean(ShopProperties.class);
			assertThat(shop.getGreeting()).isEqualTo("from-file");
			assertThat(context.getBean(ConfigFileWatcher.class).files()).contains(file.toAbsolutePath());
			Path edited = directory.resolve("shop.yml.tmp");
			Files.writeString(edited, "shop:\n  greeting: edited\n");
			Files.move(edited, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			await().atMost(BOUND).until(() -> shop.getGreeting().equals("edited"));
			await().atMost(BOUND).until(() -> reloads(context, "file", "success") >= 1);
		}
	}

	private static long reloads(ConfigurableApplicationContext context, String source, String outcome) {
		Timer timer = context.getBean(MeterRegistry.class)
			.find("phanes.config.reload")
			.tags("source", source, "outcome", outcome)
			.timer();
		return (timer != null) ? timer.count() : 0;
	}

	static ConfigurableApplicationContext run(EtcdServer etcd, String prefix) {
		return ConfigTestApplication.run(Map.of(), "--config-it.import=optional:etcd:" + prefix,
				"--phanes.config.etcd.endpoints=" + etcd.endpoint());
	}

}
