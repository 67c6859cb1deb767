package dev.phanes.event.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.phanes.event.EventBusConformanceTests;
import dev.phanes.test.EmbeddedKafkaExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The conformance suite on the bus over the Kafka transport, each service an application
 * context on one real KRaft broker; what a topic carried is what the broker holds.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class KafkaEventBusConformanceIT extends EventBusConformanceTests {

	private static String bootstrapServers;

	@BeforeAll
	static void broker(EmbeddedKafkaExtension.Broker broker) {
		bootstrapServers = broker.bootstrapServers();
	}

	@Override
	protected ConfigurableApplicationContext start(String name, String... arguments) {
		return KafkaEventService.run(bootstrapServers, name, arguments);
	}

	@Override
	protected long carried(String topic) {
		try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringDeserializer(),
				new ByteArrayDeserializer())) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic)
				.stream()
				.map((info) -> new TopicPartition(topic, info.partition()))
				.toList();
			return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
		}
	}

	@Override
	protected boolean limitsSize() {
		return true;
	}

	@Override
	protected Duration quietPeriod() {
		return Duration.ofSeconds(3);
	}

}
