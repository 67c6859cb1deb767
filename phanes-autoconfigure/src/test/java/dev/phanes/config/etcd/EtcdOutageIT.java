package dev.phanes.config.etcd;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.phanes.config.ConfigReloadObservationContext;
import dev.phanes.config.ConfigReloadSource;
import dev.phanes.config.ConfigReloader;
import dev.phanes.config.ShopProperties;
import dev.phanes.test.EtcdExtension;
import dev.phanes.test.EtcdServer;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cloud.context.refresh.ContextRefresher;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * etcd going away and coming back: the application keeps its last values, also across
 * refreshes during the outage, and catches up afterwards, also past a compaction.
 */
@ExtendWith(EtcdExtension.class)
class EtcdOutageIT {

	private static final Duration BOUND = Duration.ofSeconds(15);

	@Test
	void keepsTheLastValuesDuringAnOutageAndCatchesUpWhenEtcdReturns(EtcdServer etcd) {
		String prefix = "/config/outage/";
		etcd.put(prefix + "shop/greeting", "before-outage");
		etcd.put(prefix + "shop/labels/color", "blue");
		try (ConfigurableApplicationContext context = EtcdConfigIT.run(etcd, prefix)) {
			ShopProperties shop = context.getBean(ShopProperties.class);
			ConfigReloader reloader = context.getBean(ConfigReloader.class);
			EtcdConfigHealthIndicator health = context.getBean(EtcdConfigHealthIndicator.class);
			assertThat(shop.getGreeting()).isEqualTo("before-outage");
			etcd.stop();
			// Health answers from what is known, never waiting on etcd: each check here
			// takes far less than the request timeout (1 s) that a blocking check took.
			await().atMost(BOUND).until(() -> quickHealth(health) == Status.DOWN);
			// Spring Cloud's own refresh and a Phanes reload, both while etcd is down.
			context.getBean(ContextRefresher.class).refresh();
			ConfigReloader.Result result = reloader.reload(ConfigReloadSource.FILE);
			assertThat(result.outcome()).isEqualTo(ConfigReloadObservationContext.Outcome.SUCCESS);
			assertThat(result.changedKeys()).isEmpty();
			assertThat(shop.getGreeting()).isEqualTo("before-outage");
			assertThat(shop.getLabels()).containsEntry("color", "blue");
			assertThat(context.getEnvironment().getProperty("shop.greeting")).isEqualTo("before-outage");
			etcd.start();
			// Changes right after the restart, and a compaction past them, before the
			// watch is back.
			etcd.put(prefix + "shop/greeting", "after-outage");
			etcd.delete(prefix + "shop/labels/color");
			etcd.compact();
			await().atMost(BOUND).until(() -> shop.getGreeting().equals("after-outage"));
			await().atMost(BOUND).untilAsserted(() -> assertThat(shop.getLabels()).doesNotContainKey("color"));
			await().atMost(BOUND).until(() -> quickHealth(health) == Status.UP);
			etcd.put(prefix + "shop/greeting", "watching-again");
			await().atMost(BOUND).until(() -> shop.getGreeting().equals("watching-again"));
		}
	}

	private static Status quickHealth(EtcdConfigHealthIndicator health) {
		long started = System.nanoTime();
		Status status = health.health(false).getStatus();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(500));
		return status;
	}

	@Test
	void watchBehindACompactionReadsThePrefixAgain(EtcdServer etcd) {
		String prefix = "/config/compaction/";
		etcd.put(prefix + "shop/greeting", "first");
		try (ConfigurableApplicationContext context = EtcdConfigIT.run(etcd, prefix)) {
			ShopProperties shop = context.getBean(ShopProperties.class);
			EtcdConfigWatcher watcher = context.getBean(EtcdConfigWatcher.class);
			watcher.stop();
			etcd.put(prefix + "shop/greeting", "second");
			etcd.put(prefix + "shop/greeting", "third");
			long compacted = etcd.compact();
			// Starts watching after the revision read at start-up, which is compacted.
			watcher.start();
			await().atMost(BOUND).until(() -> shop.getGreeting().equals("third"));
			await().atMost(BOUND).until(() -> watcher.revisions().get(prefix) >= compacted);
			etcd.put(prefix + "shop/greeting", "fourth");
			await().atMost(BOUND).until(() -> shop.getGreeting().equals("fourth"));
		}
	}

}
