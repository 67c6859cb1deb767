package dev.phanes.event;

import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import tools.jackson.databind.json.JsonMapper;

import dev.phanes.observation.DocumentedObservations;
import dev.phanes.event.kafka.KafkaEventSettings;
import dev.phanes.event.kafka.KafkaEventTransport;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;

/**
 * Auto-configuration of the Phanes {@link EventBus}: in-process by default, over Kafka
 * with {@code phanes.event.type=kafka} on Spring Boot's Kafka auto-configuration; the
 * {@link Subscribe @Subscribe} methods and the export of {@link ExportedEvent} payloads.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
		"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
		"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnPhanesEventEnabled
@EnableConfigurationProperties(EventProperties.class)
public final class EventAutoConfiguration {

	/**
	 * The observations of this block, for the collectors to describe and cap.
	 * @return them
	 */
	@Bean
	static DocumentedObservations phanesEventObservations() {
		return DocumentedObservations.of(EventObservation.values());
	}

	private final EventProperties properties;

	EventAutoConfiguration(EventProperties properties) {
		this.properties = properties;
	}

	/**
	 * Binds {@code phanes.event.*} before any bean exists: an unknown
	 * {@code phanes.event.type} fails start-up naming the property and the accepted
	 * values, not as a missing {@link EventBus} in the first bean that needs one.
	 */
	@Bean
	static BeanFactoryPostProcessor phanesEventPropertiesCheck(Environment environment) {
		return (beanFactory) -> Binder.get(environment).bind("phanes.event", EventProperties.class);
	}

	@Bean
	@ConditionalOnMissingBean
	EventTypes eventTypes() {
		return new EventTypes(this.properties.getTypes());
	}

	@Bean
	static SubscribeAnnotationBeanPostProcessor phanesSubscribeAnnotationBeanPostProcessor() {
		return new SubscribeAnnotationBeanPostProcessor();
	}

	/**
	 * Exports marked payloads through a bus that is not Phanes' own (the user's
	 * {@link EventBus} bean), by publishing them; Phanes' bus gets its own exporter,
	 * which does not multicast them again.
	 */
	@Bean
	@ConditionalOnMissingBean
	ApplicationEventExporter phanesApplicationEventExporter(ObjectProvider<EventBus> eventBus) {
		return new ApplicationEventExporter(
				(topic, key, payload) -> eventBus.getObject().publish(topic, key, payload, Map.of()));
	}

	static String applicationGroup(EventProperties properties, Environment environment) {
		String group = properties.getGroup();
		return (group != null) ? group : environment.getProperty("spring.application.name", "application");
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnBean(MeterRegistry.class)
		@ConditionalOnMissingBean(EventMetrics.class)
		MicrometerEventMetrics phanesEventMetrics(MeterRegistry registry) {
			return new MicrometerEventMetrics(registry);
		}

	}

	/**
	 * Phanes' bus over the transport that {@code phanes.event.type} selects, unless the
	 * application defines its own bus.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(EventBus.class)
	static class BusConfiguration {

		@Bean
		DefaultEventBus eventBus(ApplicationEventPublisher publisher, EventTypes types, EventTransport transport,
				EventProperties properties, Environment environment,
				ObjectProvider<ObservationRegistry> observationRegistry,
				ObjectProvider<EventObservationConvention> conventions, ObjectProvider<EventMetrics> metrics) {
			return new DefaultEventBus(publisher, types, transport,
					new EventObservability(observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP),
							conventions.orderedStream().toList(), metrics.getIfAvailable(() -> EventMetrics.NONE)),
					applicationGroup(properties, environment), Set.copyOf(properties.getKafka().getListenTopics()));
		}

		@Bean
		ApplicationEventExporter phanesApplicationEventExporter(DefaultEventBus eventBus) {
			return new ApplicationEventExporter(eventBus::export);
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnProperty(name = "phanes.event.type", havingValue = "local", matchIfMissing = true)
		static class LocalTransportConfiguration {

			@Bean
			@ConditionalOnMissingBean(EventTransport.class)
			LocalEventTransport phanesEventTransport() {
				return new LocalEventTransport();
			}

		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnProperty(name = "phanes.event.type", havingValue = "kafka")
		@ConditionalOnClass({ KafkaTemplate.class, JsonMapper.class })
		static class KafkaTransportConfiguration {

			@Bean
			@ConditionalOnMissingBean(EventTransport.class)
			KafkaEventTransport phanesEventTransport(EventTypes types, EventProperties properties,
					ObjectProvider<ObservationRegistry> observationRegistry, ObjectProvider<EventMetrics> metrics,
					ObjectProvider<ProducerFactory<?, ?>> producerFactory,
					ObjectProvider<ConcurrentKafkaListenerContainerFactory<?, ?>> containerFactory,
					ObjectProvider<ConsumerFactory<?, ?>> consumerFactory, ObjectProvider<KafkaAdmin> admin,
					ObjectProvider<JsonMapper> jsonMapper) {
				ConsumerFactory<?, ?> consumers = consumerFactory.getIfAvailable();
				if (producerFactory.getIfAvailable() == null || containerFactory.getIfAvailable() == null
						|| consumers == null) {
					throw new EventBusUnavailableException("kafka",
							"Spring Boot's Kafka producer factory, consumer factory and listener container factory",
							"add the dependency org.springframework.boot:spring-boot-kafka (or spring-boot-starter-kafka) "
									+ "and leave its auto-configuration on");
				}
				// A group that is new reads its topics from the start, so that it
				// receives
				// every event, unless the application chose otherwise.
				Map<String, Object> consumerOverrides = consumers.getConfigurationProperties()
					.containsKey(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG) ? Map.of()
							: Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
				return new KafkaEventTransport(types, KafkaEventSettings.of(properties, consumerOverrides),
						producerFactory.getObject(), containerFactory.getObject(), admin.getIfAvailable(),
						jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()),
						observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP),
						metrics.getIfAvailable(() -> EventMetrics.NONE));
			}

		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnProperty(name = "phanes.event.type", havingValue = "kafka")
		@ConditionalOnMissingClass("org.springframework.kafka.core.KafkaTemplate")
		static class MissingKafkaConfiguration {

			@Bean
			@ConditionalOnMissingBean(EventTransport.class)
			EventTransport phanesEventTransport() {
				throw new EventBusUnavailableException("kafka", "spring-kafka",
						"add the dependency org.springframework.boot:spring-boot-starter-kafka and set "
								+ "spring.kafka.bootstrap-servers");
			}

		}

	}

}
