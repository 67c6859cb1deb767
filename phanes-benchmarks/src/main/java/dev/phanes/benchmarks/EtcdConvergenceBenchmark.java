package dev.phanes.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
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

import dev.phanes.discovery.DiscoveredInstance;
import dev.phanes.discovery.DiscoveryChange;
import dev.phanes.discovery.etcd.EtcdDiscoveryAutoConfiguration;
import dev.phanes.discovery.etcd.EtcdRegistration;
import dev.phanes.discovery.etcd.EtcdServiceRegistry;
import dev.phanes.discovery.etcd.EtcdView;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * How long discovery over etcd takes to converge on loopback: from
 * {@code ServiceRegistry.register} in application A until application B's etcd view (and
 * so its {@code DiscoveryClient}) has the new instance, and from {@code deregister} in A
 * until B's view no longer has it; beside the floor, a raw jetcd client putting (or
 * deleting) a key and a raw prefix watch of another client seeing it, on the same etcd in
 * the same run. Every measured iteration is one round ({@link Mode#SingleShotTime}) with
 * a fresh instance, so JMH's percentiles are over rounds. A and B are two Spring contexts
 * with the etcd discovery auto-configuration, each with its own etcd client, in one JVM.
 * Phanes' register is two requests (a lease grant, then the put under it) where the raw
 * side makes one. A round waits at most {@value #ROUND_TIMEOUT_SECONDS} s.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 10)
@Measurement(iterations = EtcdConvergenceBenchmark.ROUNDS)
@Fork(1)
public class EtcdConvergenceBenchmark {

	/**
	 * Measured rounds of each benchmark.
	 */
	static final int ROUNDS = 100;

	static final int ROUND_TIMEOUT_SECONDS = 10;

	private static final String SERVICE_ID = "convergence";

	/**
	 * Register a new instance in A and wait until B's view has it.
	 * @param round the instance, not yet registered
	 * @return its id
	 * @throws Exception if B does not see it in time
	 */
	@Benchmark
	public String phanesAdd(PhanesAddRound round) throws Exception {
		CompletableFuture<Void> seen = round.phanes.awaitAdded(round.registration.getInstanceId());
		round.phanes.registry.register(round.registration);
		await(seen);
		return round.registration.getInstanceId();
	}

	/**
	 * Deregister an instance B sees and wait until B's view no longer has it.
	 * @param round the instance, registered and seen
	 * @return its id
	 * @throws Exception if B still sees it after the timeout
	 */
	@Benchmark
	public String phanesRemove(PhanesRemoveRound round) throws Exception {
		CompletableFuture<Void> gone = round.phanes.awaitRemoved(round.registration.getInstanceId());
		round.phanes.registry.deregister(round.registration);
		await(gone);
		return round.registration.getInstanceId();
	}

	/**
	 * Put a new key and wait until a raw prefix watch sees it.
	 * @param round the key
	 * @return the key
	 * @throws Exception if the watch does not see it in time
	 */
	@Benchmark
	public String rawAdd(RawRound round) throws Exception {
		CompletableFuture<Void> seen = round.raw.await(round.key, WatchEvent.EventType.PUT);
		round.raw.writer.getKVClient().put(bytes(round.key), bytes("{}")).get(ROUND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
		await(seen);
		return round.key;
	}

	/**
	 * Delete a key and wait until a raw prefix watch sees the deletion.
	 * @param round the key, put and seen
	 * @return the key
	 * @throws Exception if the watch does not see it in time
	 */
	@Benchmark
	public String rawRemove(RawRemoveRound round) throws Exception {
		CompletableFuture<Void> gone = round.raw.await(round.key, WatchEvent.EventType.DELETE);
		round.raw.writer.getKVClient().delete(bytes(round.key)).get(ROUND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
		await(gone);
		return round.key;
	}

	static void await(CompletableFuture<Void> change) throws Exception {
		try {
			change.get(ROUND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("The change did not arrive within " + ROUND_TIMEOUT_SECONDS + " s", ex);
		}
	}

	static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

	/**
	 * An etcd server, application A (registering) and application B (watching).
	 */
	@State(Scope.Benchmark)
	public static class PhanesState {

		EtcdProcess etcd;

		ConfigurableApplicationContext registering;

		ConfigurableApplicationContext watching;

		EtcdServiceRegistry registry;

		private final Map<String, CompletableFuture<Void>> added = new ConcurrentHashMap<>();

		private final Map<String, CompletableFuture<Void>> removed = new ConcurrentHashMap<>();

		private int round;

		@Setup(Level.Trial)
		public void start() throws Exception {
			this.etcd = new EtcdProcess();
			this.registering = application("a");
			this.watching = application("b");
			this.registry = this.registering.getBean(EtcdServiceRegistry.class);
			this.watching.getBean(EtcdView.class).addListener(this::changed);
		}

		private ConfigurableApplicationContext application(String name) {
			return new SpringApplicationBuilder(BenchDiscoveryApplication.class).web(WebApplicationType.NONE)
				.run("--spring.application.name=" + name, "--phanes.discovery.type=etcd",
						"--phanes.discovery.etcd.endpoints=" + this.etcd.endpoint(),
						"--phanes.discovery.etcd.hostname=127.0.0.1", "--spring.main.banner-mode=off",
						"--logging.level.root=warn");
		}

		private void changed(DiscoveryChange change) {
			for (DiscoveredInstance instance : change.added()) {
				complete(this.added, instance.instanceId());
			}
			for (DiscoveredInstance instance : change.removed()) {
				complete(this.removed, instance.instanceId());
			}
		}

		private static void complete(Map<String, CompletableFuture<Void>> waiting, String instanceId) {
			CompletableFuture<Void> future = waiting.remove(instanceId);
			if (future != null) {
				future.complete(null);
			}
		}

		CompletableFuture<Void> awaitAdded(String instanceId) {
			return this.added.computeIfAbsent(instanceId, (id) -> new CompletableFuture<>());
		}

		CompletableFuture<Void> awaitRemoved(String instanceId) {
			return this.removed.computeIfAbsent(instanceId, (id) -> new CompletableFuture<>());
		}

		EtcdRegistration next() {
			return new EtcdRegistration(SERVICE_ID, SERVICE_ID + "-" + (++this.round), "127.0.0.1", 8080, false,
					"latest", Map.of());
		}

		@TearDown(Level.Trial)
		public void stop() throws Exception {
			this.registering.close();
			this.watching.close();
			this.etcd.close();
		}

	}

	/**
	 * A new instance, deregistered after its round, outside the measured time.
	 */
	@State(Scope.Thread)
	public static class PhanesAddRound {

		PhanesState phanes;

		EtcdRegistration registration;

		@Setup(Level.Iteration)
		public void next(PhanesState phanes) {
			this.phanes = phanes;
			this.registration = phanes.next();
		}

		@TearDown(Level.Iteration)
		public void deregister() throws Exception {
			CompletableFuture<Void> gone = this.phanes.awaitRemoved(this.registration.getInstanceId());
			this.phanes.registry.deregister(this.registration);
			await(gone);
		}

	}

	/**
	 * An instance registered and seen by B before its round.
	 */
	@State(Scope.Thread)
	public static class PhanesRemoveRound {

		PhanesState phanes;

		EtcdRegistration registration;

		@Setup(Level.Iteration)
		public void register(PhanesState phanes) throws Exception {
			this.phanes = phanes;
			this.registration = phanes.next();
			CompletableFuture<Void> seen = phanes.awaitAdded(this.registration.getInstanceId());
			phanes.registry.register(this.registration);
			await(seen);
		}

	}

	/**
	 * An etcd server, a writing client and a watching client.
	 */
	@State(Scope.Benchmark)
	public static class RawState {

		EtcdProcess etcd;

		Client writer;

		Client watcher;

		Watch.Watcher watch;

		private final Map<String, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();

		private int round;

		@Setup(Level.Trial)
		public void start() throws Exception {
			this.etcd = new EtcdProcess();
			this.writer = Client.builder().endpoints(this.etcd.endpoint()).build();
			this.watcher = Client.builder().endpoints(this.etcd.endpoint()).build();
			// from the current revision on, so that no put is missed while the watch is
			// being set up
			long revision = this.writer.getKVClient()
				.get(bytes("/raw/"), GetOption.builder().isPrefix(true).withCountOnly(true).build())
				.get(ROUND_TIMEOUT_SECONDS, TimeUnit.SECONDS)
				.getHeader()
				.getRevision();
			this.watch = this.watcher.getWatchClient()
				.watch(bytes("/raw/"), WatchOption.builder().isPrefix(true).withRevision(revision + 1).build(),
						(response) -> {
							for (WatchEvent event : response.getEvents()) {
								CompletableFuture<Void> future = this.waiting
									.remove(event.getEventType() + " " + event.getKeyValue().getKey().toString());
								if (future != null) {
									future.complete(null);
								}
							}
						});
			// the watch is set up once a first event arrives through it
			CompletableFuture<Void> ready = await("/raw/ready", WatchEvent.EventType.PUT);
			this.writer.getKVClient()
				.put(bytes("/raw/ready"), bytes("{}"))
				.get(ROUND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
			EtcdConvergenceBenchmark.await(ready);
		}

		CompletableFuture<Void> await(String key, WatchEvent.EventType type) {
			return this.waiting.computeIfAbsent(type + " " + key, (name) -> new CompletableFuture<>());
		}

		String next() {
			return "/raw/" + SERVICE_ID + "/" + SERVICE_ID + "-" + (++this.round);
		}

		@TearDown(Level.Trial)
		public void stop() throws Exception {
			this.watch.close();
			this.watcher.close();
			this.writer.close();
			this.etcd.close();
		}

	}

	/**
	 * A new key, deleted after its round, outside the measured time.
	 */
	@State(Scope.Thread)
	public static class RawRound {

		RawState raw;

		String key;

		@Setup(Level.Iteration)
		public void next(RawState raw) {
			this.raw = raw;
			this.key = raw.next();
		}

		@TearDown(Level.Iteration)
		public void delete() throws Exception {
			this.raw.writer.getKVClient().delete(bytes(this.key)).get(ROUND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}

	}

	/**
	 * A key put and seen by the watch before its round.
	 */
	@State(Scope.Thread)
	public static class RawRemoveRound {

		RawState raw;

		String key;

		@Setup(Level.Iteration)
		public void put(RawState raw) throws Exception {
			this.raw = raw;
			this.key = raw.next();
			CompletableFuture<Void> seen = raw.await(this.key, WatchEvent.EventType.PUT);
			raw.writer.getKVClient().put(bytes(this.key), bytes("{}")).get(ROUND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
			EtcdConvergenceBenchmark.await(seen);
		}

	}

	/**
	 * The discovery auto-configuration over etcd alone; it scans nothing.
	 */
	@SpringBootConfiguration
	@ImportAutoConfiguration(EtcdDiscoveryAutoConfiguration.class)
	static class BenchDiscoveryApplication {

	}

}
