package dev.phanes.test;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Starts one real KRaft Kafka broker ({@link EmbeddedKafkaKraftBroker}) on loopback for
 * the whole test run and stops it when the run ends; injects it as a {@link Broker}
 * parameter. Tests keep apart by using topics and groups of their own.
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(EmbeddedKafkaExtension.class);

	@Override
	public void beforeAll(ExtensionContext context) {
		broker(context);
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == Broker.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return broker(extensionContext);
	}

	/**
	 * The broker of this test run, started on first use.
	 * @param context any extension context of the run
	 * @return the broker
	 */
	public static Broker broker(ExtensionContext context) {
		return context.getRoot()
			.getStore(NAMESPACE)
			.computeIfAbsent(Broker.class, (type) -> new Broker(), Broker.class);
	}

	/**
	 * A running single-node KRaft broker.
	 */
	public static final class Broker implements AutoCloseable {

		private final EmbeddedKafkaKraftBroker kafka;

		Broker() {
			this.kafka = new EmbeddedKafkaKraftBroker(1, 2);
			this.kafka.brokerProperty("group.initial.rebalance.delay.ms", "0");
			this.kafka.afterPropertiesSet();
		}

		/**
		 * The bootstrap servers, for {@code spring.kafka.bootstrap-servers}.
		 * @return host:port pairs
		 */
		public String bootstrapServers() {
			return this.kafka.getBrokersAsString();
		}

		@Override
		public void close() {
			this.kafka.destroy();
		}

	}

}
