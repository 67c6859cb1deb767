package dev.phanes.event;

import java.time.Duration;

import org.springframework.context.ConfigurableApplicationContext;

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
