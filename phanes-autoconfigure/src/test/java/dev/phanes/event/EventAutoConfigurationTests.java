package dev.phanes.event;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import dev.phanes.event.kafka.KafkaEventTransport;
import dev.phanes.event.kafka.KafkaEventBusHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EventAutoConfiguration} and {@link EventHealthAutoConfiguration}.
 */
class EventAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EventAutoConfiguration.class, EventHealthAutoConfiguration.class));

	@Test
	void failsOnAnInvalidValueNamingThePropertyAndWhatItMustBe() {
		this.contextRunner.withPropertyValues("phanes.event.kafka.retry.multiplier=0.5")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("phanes.event")
				.hasStackTraceContaining("'kafka.retry.multiplier'")
				.hasStackTraceContaining("must be at least 1"));
	}

	@Test
	void usesTheInProcessBusByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(EventBus.class).hasSingleBean(EventTypes.class);
			assertThat(context.getBean(EventBus.class)).isExactlyInstanceOf(DefaultEventBus.class);
			assertThat(context).getBean(EventTransport.class).isExactlyInstanceOf(LocalEventTransport.class);
			assertThat(context).doesNotHaveBean(KafkaEventBusHealthIndicator.class);
		});
	}

	@Test
	void configuresNothingWhenDisabled() {
		this.contextRunner.withPropertyValues("phanes.event.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(EventBus.class).doesNotHaveBean(EventTypes.class));
	}

	@Test
	void backsOffWhenUserDefinesEventBus() {
		this.contextRunner.withUserConfiguration(UserBus.class).run((context) -> {
			assertThat(context).hasSingleBean(EventBus.class);
			assertThat(context.getBean(EventBus.class)).isSameAs(UserBus.BUS);
		});
	}

	@Test
	void leavesOutTheTransportAndExportsThroughPublishWhenUserDefinesEventBus() {
		this.contextRunner.withUserConfiguration(RecordingBus.class).run((context) -> {
			assertThat(context).doesNotHaveBean(EventTransport.class).hasSingleBean(ApplicationEventExporter.class);
			context.publishEvent(new Exported("e1"));
			assertThat(context.getBean(RecordingBus.class).published).containsExactly("exported:e1");
		});
	}

	@Test
	void usesTheUsersTransportUnderPhanesBus() {
		this.contextRunner.withUserConfiguration(UserTransport.class).run((context) -> {
			assertThat(context).hasSingleBean(EventTransport.class).hasSingleBean(DefaultEventBus.class);
			context.getBean(EventBus.class).publish("exported", new Exported("e2")).join();
			context.publishEvent(new Exported("e3"));
			assertThat(context.getBean(UserTransport.class).sent).containsExactly("e2", "e3");
		});
	}

	@Test
	void bindsTheAllowListOfTypes() {
		this.contextRunner.withPropertyValues("phanes.event.types.price-changed=java.math.BigDecimal")
			.run((context) -> assertThat(context.getBean(EventTypes.class).typeOf("price-changed"))
				.contains(java.math.BigDecimal.class));
	}

	@Test
	void anUnknownTypeFailsAsABindingFailureEvenWhenAnApplicationBeanNeedsTheEventBusFirst() {
		this.contextRunner.withUserConfiguration(NeedsEventBus.class)
			.withPropertyValues("phanes.event.type=rabbit")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.isInstanceOf(BindException.class)
				.hasMessageContaining("phanes.event")
				.hasStackTraceContaining("rabbit"));
	}

	@Test
	void failsOnAnUnknownTransportNamingTheProperty() {
		this.contextRunner.withPropertyValues("phanes.event.type=rabbit")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("phanes.event.type")
				.hasStackTraceContaining("rabbit"));
	}

	@Test
	void usesKafkaOnBootsKafkaAutoConfiguration() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class))
			.withPropertyValues("phanes.event.type=kafka", "spring.kafka.bootstrap-servers=127.0.0.1:1")
			.run((context) -> {
				assertThat(context).hasSingleBean(KafkaEventTransport.class);
				assertThat(context.getBean(EventBus.class)).isExactlyInstanceOf(DefaultEventBus.class);
				assertThat(context).hasSingleBean(KafkaEventBusHealthIndicator.class);
			});
	}

	@Test
	void leavesOutTheKafkaHealthIndicatorWhenDisabled() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class))
			.withPropertyValues("phanes.event.type=kafka", "spring.kafka.bootstrap-servers=127.0.0.1:1",
					"management.health.phanes-event.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(KafkaEventTransport.class)
				.doesNotHaveBean(KafkaEventBusHealthIndicator.class));
	}

	@Test
	void failsClearlyWhenKafkaIsChosenWithoutSpringKafka() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(KafkaTemplate.class))
			.withPropertyValues("phanes.event.type=kafka")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(EventBusUnavailableException.class)
				.hasMessageContaining("spring-kafka")
				.hasMessageContaining("spring.kafka.bootstrap-servers"));
	}

	@Test
	void failsClearlyWhenKafkaIsChosenWithoutBootsKafkaAutoConfiguration() {
		this.contextRunner.withPropertyValues("phanes.event.type=kafka")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(EventBusUnavailableException.class)
				.hasMessageContaining("spring-boot-kafka"));
	}

	@Test
	void propertyDefaultsAgreeWithKafka() {
		EventProperties.Kafka kafka = new EventProperties().getKafka();
		Object deliveryTimeout = ProducerConfig.configDef()
			.defaultValues()
			.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
		assertThat(kafka.getDeliveryTimeout()).isEqualTo(Duration.ofMillis((Integer) deliveryTimeout));
		Object maxRequestSize = ProducerConfig.configDef().defaultValues().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
		assertThat(new EventProperties().getMaxSize().toBytes()).isLessThan((Integer) maxRequestSize);
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBus {

		static final EventBus BUS = new EventBus() {

			@Override
			public <T> CompletableFuture<Event<T>> publish(String topic, String key, T payload,
					Map<String, String> headers) {
				throw new UnsupportedOperationException();
			}

			@Override
			public <T> EventSubscription subscribe(String topic, String group, Class<T> type, EventHandler<T> handler) {
				throw new UnsupportedOperationException();
			}

		};

		@Bean
		EventBus userBus() {
			return BUS;
		}

	}

	@ExportedEvent(topic = "exported")
	record Exported(String id) {

	}

	@Configuration(proxyBeanMethods = false)
	static class RecordingBus implements EventBus {

		final List<String> published = new CopyOnWriteArrayList<>();

		@Override
		public <T> CompletableFuture<Event<T>> publish(String topic, @Nullable String key, T payload,
				Map<String, String> headers) {
			this.published.add(topic + ":" + ((Exported) payload).id());
			return new CompletableFuture<>();
		}

		@Override
		public <T> EventSubscription subscribe(String topic, String group, Class<T> type, EventHandler<T> handler) {
			throw new UnsupportedOperationException();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserTransport implements EventTransport {

		final List<String> sent = new CopyOnWriteArrayList<>();

		@Override
		public String name() {
			return "user";
		}

		@Override
		public CompletableFuture<Void> send(Event<?> event, Set<String> deliveredGroups) {
			this.sent.add(((Exported) event.payload()).id());
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public void join(String topic, String group, Receiver receiver) {
		}

		@Override
		public void leave(String topic, String group) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NeedsEventBus {

		@Bean
		String needsEventBus(EventBus eventBus) {
			return "uses " + eventBus;
		}

	}

}
