package dev.phanes.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.phanes.config.ConfigAutoConfiguration;
import dev.phanes.config.etcd.EtcdConfigWatcher;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * How long a change in etcd takes to reach the application: from an etcd put until a
 * {@code @ConfigurationProperties} bean of a Spring Boot application that imports the
 * prefix ({@code spring.config.import=etcd:/bench/}) holds the new value, beside the
 * floor, a raw jetcd watch on another prefix of the same server seeing the put, in the
 * same run. Every measured iteration is one put ({@link Mode#SingleShotTime}) of a new
 * value, so JMH's percentiles are over changes. Each round waits for its value by polling
 * every 50 µs. Phanes' figure includes its coalescing delay (20 ms by default).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 10)
@Measurement(iterations = ConfigReloadBenchmark.ROUNDS)
@Fork(1)
public class ConfigReloadBenchmark {

	/**
	 * Measured changes of each benchmark.
	 */
	static final int ROUNDS = 120;

	private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

	/**
	 * Put a new value and wait until the bound bean holds it.
	 * @param state the application and its etcd
	 * @return the value
	 */
	@Benchmark
	public String phanesPutToReboundBean(PhanesState state) {
		String value = state.next();
		state.put("/bench/bench/value", value);
		long deadline = System.nanoTime() + TIMEOUT_NANOS;
		while (!value.equals(state.properties.getValue())) {
			waitUntil(deadline, "the bean to be rebound");
		}
		return value;
	}

	/**
	 * Put a new value and wait until a raw jetcd watch has seen it.
	 * @param state the watch and its etcd
	 * @return the value
	 */
	@Benchmark
	public String rawWatchPutToEvent(RawState state) {
		String value = state.next();
		state.put("/raw/value", value);
		long deadline = System.nanoTime() + TIMEOUT_NANOS;
		while (!value.equals(state.seen)) {
			waitUntil(deadline, "the watch event");
		}
		return value;
	}

	private static void waitUntil(long deadline, String what) {
		if (System.nanoTime() > deadline) {
			throw new IllegalStateException("Waited more than 10 s for " + what);
		}
		LockSupport.parkNanos(50_000);
	}

	/**
	 * An etcd server and a client to write to it.
	 */
	@State(Scope.Benchmark)
	public abstract static class EtcdState {

		EtcdProcess etcd;

		Client writer;

		private int round;

		void startEtcd() throws Exception {
			this.etcd = new EtcdProcess();
			this.writer = Client.builder().endpoints(this.etcd.endpoint()).build();
		}

		String next() {
			return "v" + (++this.round);
		}

		void put(String key, String value) {
			try {
				this.writer.getKVClient().put(bytes(key), bytes(value)).get(10, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				throw new IllegalStateException("put failed", ex);
			}
		}

		void stopEtcd() throws Exception {
			this.writer.close();
			this.etcd.close();
		}

	}

	/**
	 * A Spring Boot application importing {@code etcd:/bench/}.
	 */
	public static class PhanesState extends EtcdState {

		ConfigurableApplicationContext context;

		BenchProperties properties;

		@Setup(Level.Trial)
		public void start() throws Exception {
			startEtcd();
			put("/bench/bench/value", "v0");
			this.context = new SpringApplicationBuilder(BenchApplication.class).web(WebApplicationType.NONE)
				.run("--spring.config.import=etcd:/bench/", "--phanes.config.etcd.endpoints=" + this.etcd.endpoint(),
						"--spring.main.banner-mode=off", "--logging.level.root=warn");
			this.properties = this.context.getBean(BenchProperties.class);
			// Fails the fork at once if the watch is not configured.
			this.context.getBean(EtcdConfigWatcher.class);
		}

		@TearDown(Level.Trial)
		public void stop() throws Exception {
			this.context.close();
			stopEtcd();
		}

	}

	/**
	 * A raw jetcd watch on {@code /raw/}, keeping the last value it saw.
	 */
	public static class RawState extends EtcdState {

		volatile String seen = "";

		Client reader;

		Watch.Watcher watcher;

		@Setup(Level.Trial)
		public void start() throws Exception {
			startEtcd();
			this.reader = Client.builder().endpoints(this.etcd.endpoint()).build();
			this.watcher = this.reader.getWatchClient()
				.watch(bytes("/raw/"), WatchOption.builder().isPrefix(true).build(), (response) -> {
					for (WatchEvent event : response.getEvents()) {
						this.seen = event.getKeyValue().getValue().toString(StandardCharsets.UTF_8);
					}
				});
			put("/raw/value", "v0");
			long deadline = System.nanoTime() + TIMEOUT_NANOS;
			while (!"v0".equals(this.seen)) {
				waitUntil(deadline, "the watch to start");
			}
		}

		@TearDown(Level.Trial)
		public void stop() throws Exception {
			this.watcher.close();
			this.reader.close();
			stopEtcd();
		}

	}

	private static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

	/**
	 * The benchmark's application: the auto-configurations a reload needs (the shaded jar
	 * carries no auto-configuration list); it scans nothing.
	 */
	@SpringBootConfiguration
	@ImportAutoConfiguration({ ConfigurationPropertiesAutoConfiguration.class, RefreshAutoConfiguration.class,
			ConfigurationPropertiesRebinderAutoConfiguration.class, ConfigAutoConfiguration.class })
	@EnableConfigurationProperties(BenchProperties.class)
	static class BenchApplication {

	}

	/**
	 * The bound bean.
	 */
	@ConfigurationProperties("bench")
	public static class BenchProperties {

		private volatile String value = "";

		public String getValue() {
			return this.value;
		}

		public void setValue(String value) {
			this.value = value;
		}

	}

}
