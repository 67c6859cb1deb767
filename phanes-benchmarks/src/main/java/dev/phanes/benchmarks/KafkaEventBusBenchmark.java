package dev.phanes.benchmarks;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;

import dev.phanes.event.EventAutoConfiguration;
import dev.phanes.event.EventBus;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.support.serializer.JacksonJsonSerializer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Publication throughput over Kafka with a 1 KiB payload: the Phanes bus over its
 * {@code KafkaEventTransport} beside a raw {@link KafkaTemplate} with Spring Kafka's
 * {@link JacksonJsonSerializer}, on the same in-process KRaft broker
 * ({@link EmbeddedKafkaKraftBroker}), the same Boot producer settings made idempotent
 * with {@code acks=all} on both sides, and topics of two partitions. Each invocation
 * sends {@value #BATCH} events keyed over 16 keys and waits until the broker acknowledged
 * all of them, so the figure is acknowledged events per second. The Phanes side adds its
 * headers (id, type, time, delivered groups), the multicast to the (listener-less)
 * application and a no-op observation. Goal: Phanes at least 0.9× the baseline.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 3)
public class KafkaEventBusBenchmark {

	/**
	 * Events sent per invocation.
	 */
	static final int BATCH = 1000;

	private static final String[] KEYS = new String[16];

	static {
		for (int i = 0; i < KEYS.length; i++) {
			KEYS[i] = "key-" + i;
		}
	}

	private EmbeddedKafkaKraftBroker broker;

	private ConfigurableApplicationContext context;

	private EventBus bus;

	private KafkaTemplate<String, Object> template;

	private final Payload payload = new Payload("p".repeat(1024));

	@Setup(Level.Trial)
	public void start() {
		this.broker = new EmbeddedKafkaKraftBroker(1, 2);
		this.broker.afterPropertiesSet();
		this.broker.addTopics(new NewTopic("phanes-bench", 2, (short) 1), new NewTopic("raw-bench", 2, (short) 1));
		this.context = new SpringApplicationBuilder(KafkaConfiguration.class).web(WebApplicationType.NONE)
			.run("--spring.main.banner-mode=off",
					"--spring.kafka.bootstrap-servers=" + this.broker.getBrokersAsString(), "--phanes.event.type=kafka",
					"--spring.application.name=benchmark", "--logging.level.org.apache.kafka=WARN");
		this.bus = this.context.getBean(EventBus.class);
		ProducerFactory<?, ?> boot = this.context.getBean(ProducerFactory.class);
		Map<String, Object> properties = new HashMap<>(boot.getConfigurationProperties());
		properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		properties.put(ProducerConfig.ACKS_CONFIG, "all");
		this.template = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(properties, new StringSerializer(),
				new JacksonJsonSerializer<>(JsonMapper.builder().build()).noTypeInfo()));
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.template.destroy();
		this.context.close();
		this.broker.destroy();
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public void phanesEventBus() {
		CompletableFuture<?>[] sent = new CompletableFuture<?>[BATCH];
		for (int i = 0; i < BATCH; i++) {
			sent[i] = this.bus.publish("phanes-bench", KEYS[i & 15], this.payload, Map.of());
		}
		CompletableFuture.allOf(sent).join();
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public void baselineKafkaTemplate() {
		CompletableFuture<?>[] sent = new CompletableFuture<?>[BATCH];
		for (int i = 0; i < BATCH; i++) {
			sent[i] = this.template.send("raw-bench", KEYS[i & 15], this.payload);
		}
		CompletableFuture.allOf(sent).join();
	}

	/**
	 * A payload of about 1 KiB of JSON.
	 *
	 * @param text the text
	 */
	record Payload(String text) {

	}

	@SpringBootConfiguration
	@ImportAutoConfiguration({ KafkaAutoConfiguration.class, EventAutoConfiguration.class })
	static class KafkaConfiguration {

	}

}
