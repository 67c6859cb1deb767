package dev.phanes.event;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The conformance suite on the bus over a transport of the application's own: an
 * {@link EventTransport} bean (here {@link MemoryEventBroker}'s, which connects the
 * services of a test in memory) replaces the auto-configured one under the same bus. It
 * checks the bus's side of the seam without a broker: the groups it reports as served,
 * what it joins, and that what it receives is not sent again.
 */
class MemoryTransportEventBusConformanceTests extends EventBusConformanceTests {

	private final MemoryEventBroker broker = new MemoryEventBroker();

	@Override
	protected ConfigurableApplicationContext start(String name, String... arguments) {
		EventTransport transport = this.broker.transport();
		return InProcessEventBusConformanceTests.run(name,
				(context) -> context.getBeanFactory().registerSingleton("memoryEventTransport", transport), arguments);
	}

	@Test
	void aSubscriptionMadeWhileTheLastOneOfItsGroupLeavesIsJoinedAfterTheLeave() throws Exception {
		String topic = "rejoin";
		String group = "rejoin-group";
		EventTransport memory = this.broker.transport();
		CountDownLatch leaving = new CountDownLatch(1);
		CountDownLatch leave = new CountDownLatch(1);
		EventTransport gated = new EventTransport() {

			@Override
			public String name() {
				return memory.name();
			}

			@Override
			public CompletableFuture<Void> send(Event<?> event, Set<String> deliveredGroups) {
				return memory.send(event, deliveredGroups);
			}

			@Override
			public void join(String topic, String group, Receiver receiver) {
				memory.join(topic, group, receiver);
			}

			@Override
			public void leave(String topic, String group) {
				leaving.countDown();
				try {
					leave.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				memory.leave(topic, group);
			}

		};
		try (ConfigurableApplicationContext shop = InProcessEventBusConformanceTests.run("rejoin-shop",
				(context) -> context.getBeanFactory().registerSingleton("gatedEventTransport", gated));
				ConfigurableApplicationContext other = start("rejoin-other")) {
			EventBus bus = shop.getBean(EventBus.class);
			EventSubscription first = bus.subscribe(topic, group, Step.class, (event) -> {
			});
			Thread cancelling = new Thread(first::cancel);
			cancelling.start();
			leaving.await();
			List<String> received = new CopyOnWriteArrayList<>();
			Thread subscribing = new Thread(
					() -> bus.subscribe(topic, group, Step.class, (event) -> received.add(event.id())));
			subscribing.start();
			// The new subscription waits for the leave (or, joining at once, is left by
			// it, which is what must not happen).
			await().atMost(Duration.ofSeconds(30))
				.until(() -> subscribing.getState() == Thread.State.BLOCKED || !subscribing.isAlive());
			leave.countDown();
			cancelling.join(30_000);
			subscribing.join(30_000);
			assertThat(this.broker.members(topic, group)).isOne();
			String id = other.getBean(EventBus.class).publish(topic, new Step("none", 1)).join().id();
			assertThat(received).containsExactly(id);
		}
	}

	@Override
	protected long carried(String topic) {
		return this.broker.carried(topic);
	}

	@Override
	protected boolean limitsSize() {
		return false;
	}

	@Override
	protected Duration quietPeriod() {
		return Duration.ofMillis(200);
	}

}
