package dev.phanes.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;
import javax.jmdns.impl.constants.DNSConstants;

import dev.phanes.discovery.DiscoveredInstance;
import dev.phanes.discovery.DiscoveryChange;
import dev.phanes.discovery.DnsSd;
import dev.phanes.discovery.MdnsDiscoveryClient;
import dev.phanes.discovery.MdnsDiscoveryProperties;
import dev.phanes.discovery.MdnsRegistration;
import dev.phanes.discovery.MdnsServiceRegistry;
import dev.phanes.discovery.MdnsTransport;
import dev.phanes.discovery.MdnsTtlEnvironmentPostProcessor;
import dev.phanes.discovery.MdnsView;
import org.jspecify.annotations.Nullable;
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

import org.springframework.cloud.client.ServiceInstance;

/**
 * How long discovery takes to converge on loopback: from {@code register} on engine A
 * until engine B sees the new instance, and from a graceful deregistration on A until B
 * no longer sees it. Phanes and raw JmDNS with its defaults are measured in the same run.
 * <p>
 * Every measured iteration is one round ({@link Mode#SingleShotTime}) with a fresh
 * instance name, so JMH's percentiles are percentiles over rounds. Two engines share one
 * JVM and the address 127.0.0.1; nothing is sent on another interface. A removal round
 * registers its instance and waits until B sees it in its setup, then pauses for a random
 * time shorter than the period of the task on B that makes departures visible (Phanes'
 * sweep, JmDNS' record reaper), so that the deregistration falls at a random point of
 * that period, as a real stop does, and not always just after B's last change. After a
 * round, outside the measured time, A finishes the deregistration: the next round starts
 * only when A's JmDNS has sent its last goodbye and forgotten the service, and (after an
 * add) when B has forgotten it too.
 * <ul>
 * <li><b>Phanes</b>: an {@link MdnsTransport}, an {@link MdnsView} and an
 * {@link MdnsServiceRegistry} per engine, with the defaults of
 * {@link MdnsDiscoveryProperties} (100 ms sweep). A round ends when a listener of B's
 * view finds the instance in (or no longer in) B's {@code getInstances}.</li>
 * <li><b>JmDNS</b>: two {@code JmDNS.create(127.0.0.1, name)} engines; A calls
 * {@code registerService} and {@code unregisterService}, B has one
 * {@code addServiceListener}. A round ends on B's {@code serviceResolved} (add) or
 * {@code serviceRemoved} (remove). {@code unregisterService} blocks while JmDNS repeats
 * its goodbye, so it is called on another thread and the round ends on B's event. JmDNS
 * slows its probing down when a probe starts within
 * {@value DNSConstants#PROBE_THROTTLE_COUNT_INTERVAL} ms of the previous one ten times in
 * a row, so its registrations are spaced at least {@value #JMDNS_REGISTRATION_SPACING} ms
 * apart, outside the measured time: every round measures an unthrottled
 * registration.</li>
 * </ul>
 * JmDNS reads its record TTL once per JVM from {@code net.dns.ttl}: the Phanes benchmarks
 * fork with {@value #PHANES_TTL_ARGUMENT} (Phanes' default), the JmDNS ones without it
 * (JmDNS' default of one hour). Each side checks this in its setup. Each wait is bounded
 * by {@value #ROUND_TIMEOUT_SECONDS} s; a round that takes longer fails the benchmark.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
public class DiscoveryConvergenceBenchmark {

	/**
	 * The JVM argument the Phanes forks run with: Phanes' default record TTL.
	 */
	static final String PHANES_TTL_ARGUMENT = "-D" + MdnsTtlEnvironmentPostProcessor.TTL_PROPERTY + "=20";

	/**
	 * Measured rounds of each benchmark (a JmDNS removal can take 13 s).
	 */
	static final int ROUNDS = 50;

	/**
	 * Least time between two JmDNS registrations, in milliseconds.
	 */
	static final long JMDNS_REGISTRATION_SPACING = DNSConstants.PROBE_THROTTLE_COUNT_INTERVAL + 100;

	/**
	 * Longest wait for one change, in seconds.
	 */
	static final int ROUND_TIMEOUT_SECONDS = 30;

	/**
	 * The service every instance belongs to.
	 */
	static final String SERVICE_ID = "convergence";

	private static final String DOMAIN = "local";

	private static final int PORT = 8080;

	/**
	 * Register a new instance on A and wait until B's {@code getInstances} returns it.
	 * @param round the instance, not yet registered
	 * @return its name
	 * @throws Exception if B does not see it in time
	 */
	@Benchmark
	@Fork(value = 1, jvmArgsAppend = PHANES_TTL_ARGUMENT)
	@Measurement(iterations = ROUNDS)
	public String phanesAdd(PhanesAddRound round) throws Exception {
		return round.add();
	}

	/**
	 * Deregister an instance B sees and wait until B's {@code getInstances} no longer
	 * returns it.
	 * @param round the instance, registered and seen
	 * @return its name
	 * @throws Exception if B still sees it after the timeout
	 */
	@Benchmark
	@Fork(value = 1, jvmArgsAppend = PHANES_TTL_ARGUMENT)
	@Measurement(iterations = ROUNDS)
	public String phanesRemove(PhanesRemoveRound round) throws Exception {
		return round.remove();
	}

	/**
	 * Register a new service on JmDNS engine A and wait for B's {@code serviceResolved}.
	 * @param round the service, not yet registered
	 * @return its name
	 * @throws Exception if B does not resolve it in time
	 */
	@Benchmark
	@Fork(1)
	@Measurement(iterations = ROUNDS)
	public String jmdnsAdd(JmdnsAddRound round) throws Exception {
		return round.add();
	}

	/**
	 * Unregister a service B has resolved and wait for B's {@code serviceRemoved}.
	 * @param round the service, registered and resolved
	 * @return its name
	 * @throws Exception if B does not remove it in time
	 */
	@Benchmark
	@Fork(1)
	@Measurement(iterations = ROUNDS)
	public String jmdnsRemove(JmdnsRemoveRound round) throws Exception {
		return round.remove();
	}

	static InetAddress loopback() throws IOException {
		return InetAddress.getByAddress(new byte[] { 127, 0, 0, 1 });
	}

	static void await(CompletableFuture<?> change, String what) throws InterruptedException, ExecutionException {
		try {
			change.get(ROUND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException(what + " did not happen within " + ROUND_TIMEOUT_SECONDS + " s", ex);
		}
	}

	/**
	 * Two engines on loopback, A publishing and B browsing, and the changes of B a round
	 * waits for. Instance names are unique within the run.
	 */
	abstract static class Loopback {

		private final String run = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());

		private final Map<String, CompletableFuture<Void>> appearances = new ConcurrentHashMap<>();

		private final Map<String, CompletableFuture<Void>> departures = new ConcurrentHashMap<>();

		private final Set<String> departed = ConcurrentHashMap.newKeySet();

		private final AtomicInteger reappearances = new AtomicInteger();

		private int rounds;

		final String nextInstanceId() {
			this.rounds++;
			return "round-" + this.run + "-" + this.rounds;
		}

		/**
		 * Return a future that completes when B sees an instance; ask before registering.
		 */
		final CompletableFuture<Void> expectAppearance(String instanceId) {
			CompletableFuture<Void> appearance = new CompletableFuture<>();
			this.appearances.put(instanceId, appearance);
			return appearance;
		}

		/**
		 * Return a future that completes when B no longer sees an instance; ask before
		 * deregistering.
		 */
		final CompletableFuture<Void> expectDeparture(String instanceId) {
			CompletableFuture<Void> departure = new CompletableFuture<>();
			this.departures.put(instanceId, departure);
			return departure;
		}

		final void appeared(String instanceId) {
			CompletableFuture<Void> appearance = this.appearances.remove(instanceId);
			if (appearance != null) {
				appearance.complete(null);
			}
			else if (this.departed.contains(instanceId)) {
				this.reappearances.incrementAndGet();
			}
		}

		final void departed(String instanceId) {
			this.departed.add(instanceId);
			CompletableFuture<Void> departure = this.departures.remove(instanceId);
			if (departure != null) {
				departure.complete(null);
			}
		}

		final String summary() {
			return this.rounds + " instances registered, " + this.reappearances.get()
					+ " seen again by B after they had left";
		}

		/**
		 * Wait, outside the measured time, until A may register again.
		 */
		void pace() throws InterruptedException {
		}

		/**
		 * Return the period of the task on B that makes a departure visible: a removal
		 * round starts at a random point of it, as a real stop would.
		 */
		abstract long departurePeriodMillis();

		abstract void register(String instanceId) throws IOException;

		/**
		 * Start a graceful deregistration and return at once.
		 */
		abstract void deregister(String instanceId);

		/**
		 * Wait, outside the measured time, until the deregistration of an instance is
		 * done with.
		 */
		abstract void settle(String instanceId) throws Exception;

	}

	/**
	 * One round of adding: an instance name, and B's future for it.
	 */
	abstract static class AddRound {

		private @Nullable Loopback loopback;

		private @Nullable String instanceId;

		private @Nullable CompletableFuture<Void> appearance;

		final void prepare(Loopback loopback) throws InterruptedException {
			loopback.pace();
			this.loopback = loopback;
			this.instanceId = loopback.nextInstanceId();
			this.appearance = loopback.expectAppearance(this.instanceId);
		}

		final String add() throws Exception {
			String instanceId = StoreBenchmark.requireSetUp(this.instanceId);
			StoreBenchmark.requireSetUp(this.loopback).register(instanceId);
			await(StoreBenchmark.requireSetUp(this.appearance), "B seeing " + instanceId);
			return instanceId;
		}

		final void finish() throws Exception {
			Loopback loopback = StoreBenchmark.requireSetUp(this.loopback);
			String instanceId = StoreBenchmark.requireSetUp(this.instanceId);
			loopback.deregister(instanceId);
			loopback.settle(instanceId);
		}

	}

	/**
	 * One round of removing: an instance registered and seen by B, and B's future for its
	 * departure.
	 */
	abstract static class RemoveRound {

		private @Nullable Loopback loopback;

		private @Nullable String instanceId;

		private @Nullable CompletableFuture<Void> departure;

		final void prepare(Loopback loopback) throws Exception {
			loopback.pace();
			String instanceId = loopback.nextInstanceId();
			CompletableFuture<Void> appearance = loopback.expectAppearance(instanceId);
			loopback.register(instanceId);
			await(appearance, "B seeing " + instanceId);
			Thread.sleep(ThreadLocalRandom.current().nextLong(loopback.departurePeriodMillis()));
			this.loopback = loopback;
			this.instanceId = instanceId;
			this.departure = loopback.expectDeparture(instanceId);
		}

		final String remove() throws Exception {
			String instanceId = StoreBenchmark.requireSetUp(this.instanceId);
			StoreBenchmark.requireSetUp(this.loopback).deregister(instanceId);
			await(StoreBenchmark.requireSetUp(this.departure), "B forgetting " + instanceId);
			return instanceId;
		}

		final void finish() throws Exception {
			StoreBenchmark.requireSetUp(this.loopback).settle(StoreBenchmark.requireSetUp(this.instanceId));
		}

	}

	/**
	 * Phanes on both engines, with the defaults of {@link MdnsDiscoveryProperties}. B's
	 * view tells a listener of each change; the listener reads B's discovery client.
	 */
	@State(Scope.Benchmark)
	public static class PhanesLoopback extends Loopback {

		private final MdnsDiscoveryProperties properties = new MdnsDiscoveryProperties();

		private final Map<String, MdnsRegistration> registrations = new ConcurrentHashMap<>();

		private @Nullable MdnsTransport publisherTransport;

		private @Nullable MdnsTransport browserTransport;

		private @Nullable MdnsView publisherView;

		private @Nullable MdnsView browserView;

		private @Nullable MdnsServiceRegistry registry;

		private @Nullable MdnsDiscoveryClient client;

		/**
		 * Open both engines on 127.0.0.1 and let B browse the service.
		 * @throws IOException if an engine cannot be opened
		 */
		@Setup(Level.Trial)
		public void open() throws IOException {
			long expectedTtl = this.properties.getTtl().toSeconds();
			if (MdnsTransport.recordTtlSeconds() != expectedTtl) {
				throw new IllegalStateException("Phanes must run with " + PHANES_TTL_ARGUMENT + ", records carry "
						+ MdnsTransport.recordTtlSeconds() + " s");
			}
			this.publisherTransport = MdnsTransport.open(loopback(), this.properties.getCloseTimeout());
			this.browserTransport = MdnsTransport.open(loopback(), this.properties.getCloseTimeout());
			this.publisherView = view(this.publisherTransport);
			MdnsView browserView = view(this.browserTransport);
			this.browserView = browserView;
			MdnsDiscoveryClient client = new MdnsDiscoveryClient(browserView, this.browserTransport,
					this.properties.getOrder());
			this.client = client;
			browserView.addListener((change) -> viewChanged(client, change));
			this.publisherView.start();
			browserView.start();
			this.registry = new MdnsServiceRegistry(this.publisherTransport, this.publisherView,
					this.properties.getDomain(), (int) this.properties.getMaxTxtSize().toBytes());
			client.getInstances(SERVICE_ID);
		}

		private MdnsView view(MdnsTransport transport) {
			return new MdnsView(transport, this.properties.getDomain(), this.properties.getSweepInterval(),
					this.properties.getFirstLookupTimeout(), this.properties.getMaxServices(),
					this.properties.getMaxInstances());
		}

		private void viewChanged(MdnsDiscoveryClient client, DiscoveryChange change) {
			List<ServiceInstance> instances = client.getInstances(SERVICE_ID);
			for (DiscoveredInstance added : change.added()) {
				if (instances.contains(added)) {
					appeared(added.instanceId());
				}
			}
			for (DiscoveredInstance removed : change.removed()) {
				if (instances.stream().noneMatch((instance) -> instance.getInstanceId().equals(removed.instanceId()))) {
					departed(removed.instanceId());
				}
			}
		}

		@Override
		void register(String instanceId) {
			MdnsRegistration registration = new MdnsRegistration(SERVICE_ID, instanceId,
					loopbackAddress(StoreBenchmark.requireSetUp(this.publisherTransport)), PORT, false, Map.of());
			this.registrations.put(instanceId, registration);
			StoreBenchmark.requireSetUp(this.registry).register(registration);
		}

		/**
		 * B's view sweeps its cache at this period; a goodbye takes effect at the next
		 * sweep.
		 */
		@Override
		long departurePeriodMillis() {
			return this.properties.getSweepInterval().toMillis();
		}

		private static String loopbackAddress(MdnsTransport transport) {
			return transport.address().getHostAddress();
		}

		@Override
		void deregister(String instanceId) {
			MdnsRegistration registration = this.registrations.remove(instanceId);
			if (registration == null) {
				throw new IllegalStateException(instanceId + " is not registered");
			}
			StoreBenchmark.requireSetUp(this.registry).deregister(registration);
		}

		/**
		 * Wait until B no longer sees the instance and A's JmDNS has finished the
		 * unregistration Phanes leaves to it in the background (its repeated goodbyes,
		 * about two seconds). Rounds that follow one another sooner find A still
		 * answering B's queries with pointers to the services it is cancelling, which
		 * keeps B's view sweeping every 10 ms and its removals faster than a quiet
		 * network gives.
		 */
		@Override
		void settle(String instanceId) throws InterruptedException {
			MdnsDiscoveryClient client = StoreBenchmark.requireSetUp(this.client);
			MdnsTransport publisher = StoreBenchmark.requireSetUp(this.publisherTransport);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ROUND_TIMEOUT_SECONDS);
			while (client.getInstances(SERVICE_ID)
				.stream()
				.anyMatch((instance) -> instance.getInstanceId().equals(instanceId))
					|| publisher.publishes(instanceId)) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException(
							instanceId + " still registered or seen " + ROUND_TIMEOUT_SECONDS + " s after its goodbye");
				}
				Thread.sleep(5);
			}
		}

		/**
		 * Close both engines.
		 */
		@TearDown(Level.Trial)
		public void close() {
			System.out.println("Phanes: " + summary());
			for (AutoCloseable closeable : new AutoCloseable[] { this.publisherView, this.browserView,
					this.publisherTransport, this.browserTransport }) {
				closeQuietly(closeable);
			}
		}

	}

	/**
	 * Raw JmDNS on both engines, with its defaults.
	 */
	@State(Scope.Benchmark)
	public static class JmdnsLoopback extends Loopback {

		private static final String TYPE = DnsSd.serviceType(SERVICE_ID, DOMAIN);

		private final Map<String, ServiceInfo> services = new ConcurrentHashMap<>();

		private final Map<String, Future<?>> unregistrations = new ConcurrentHashMap<>();

		private final ExecutorService unregisterer = Executors.newSingleThreadExecutor((task) -> {
			Thread thread = new Thread(task, "jmdns-unregister");
			thread.setDaemon(true);
			return thread;
		});

		private @Nullable JmDNS publisher;

		private @Nullable JmDNS browser;

		private long lastRegistration;

		/**
		 * Open both engines on 127.0.0.1 and add B's listener.
		 * @throws IOException if an engine cannot be opened
		 */
		@Setup(Level.Trial)
		public void open() throws IOException {
			if (System.getProperty(MdnsTtlEnvironmentPostProcessor.TTL_PROPERTY) != null) {
				throw new IllegalStateException("Raw JmDNS must run with its default TTL, without -D"
						+ MdnsTtlEnvironmentPostProcessor.TTL_PROPERTY);
			}
			String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
			this.publisher = JmDNS.create(loopback(), "jmdns-a-" + suffix);
			this.browser = JmDNS.create(loopback(), "jmdns-b-" + suffix);
			this.browser.addServiceListener(TYPE, new ServiceListener() {

				@Override
				public void serviceAdded(ServiceEvent event) {
				}

				@Override
				public void serviceRemoved(ServiceEvent event) {
					departed(event.getName());
				}

				@Override
				public void serviceResolved(ServiceEvent event) {
					appeared(event.getName());
				}

			});
		}

		/**
		 * B's record reaper runs at this period; JmDNS tells its listeners of a goodbye
		 * when the reaper removes the record, one second after the goodbye at the
		 * earliest.
		 */
		@Override
		long departurePeriodMillis() {
			return DNSConstants.RECORD_REAPER_INTERVAL;
		}

		@Override
		void pace() throws InterruptedException {
			long wait = this.lastRegistration + JMDNS_REGISTRATION_SPACING - System.currentTimeMillis();
			if (wait > 0) {
				Thread.sleep(wait);
			}
		}

		@Override
		void register(String instanceId) throws IOException {
			ServiceInfo info = ServiceInfo.create(TYPE, instanceId, PORT, 0, 0, Map.<String, String>of());
			this.lastRegistration = System.currentTimeMillis();
			this.services.put(instanceId, info);
			StoreBenchmark.requireSetUp(this.publisher).registerService(info);
		}

		@Override
		void deregister(String instanceId) {
			ServiceInfo info = this.services.remove(instanceId);
			if (info == null) {
				throw new IllegalStateException(instanceId + " is not registered");
			}
			JmDNS publisher = StoreBenchmark.requireSetUp(this.publisher);
			this.unregistrations.put(instanceId, this.unregisterer.submit(() -> publisher.unregisterService(info)));
		}

		/**
		 * Wait until {@code unregisterService} has returned (JmDNS has sent its last
		 * goodbye).
		 */
		@Override
		void settle(String instanceId) throws Exception {
			Future<?> unregistration = this.unregistrations.remove(instanceId);
			if (unregistration != null) {
				unregistration.get(ROUND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
			}
		}

		/**
		 * Close both engines.
		 */
		@TearDown(Level.Trial)
		public void close() {
			System.out.println("JmDNS: " + summary());
			this.unregisterer.shutdownNow();
			closeQuietly(this.publisher);
			closeQuietly(this.browser);
		}

	}

	/**
	 * A Phanes add round.
	 */
	@State(Scope.Thread)
	public static class PhanesAddRound extends AddRound {

		/**
		 * Choose the instance name.
		 * @param loopback the engines
		 * @throws InterruptedException if interrupted
		 */
		@Setup(Level.Iteration)
		public void setUp(PhanesLoopback loopback) throws InterruptedException {
			prepare(loopback);
		}

		/**
		 * Deregister the instance and wait until B has forgotten it and A's JmDNS has
		 * finished unregistering it.
		 * @throws Exception if either does not happen
		 */
		@TearDown(Level.Iteration)
		public void tearDown() throws Exception {
			finish();
		}

	}

	/**
	 * A Phanes remove round.
	 */
	@State(Scope.Thread)
	public static class PhanesRemoveRound extends RemoveRound {

		/**
		 * Register the instance, wait until B sees it, then pause for part of a sweep.
		 * @param loopback the engines
		 * @throws Exception if B does not see it
		 */
		@Setup(Level.Iteration)
		public void setUp(PhanesLoopback loopback) throws Exception {
			prepare(loopback);
		}

		/**
		 * Wait until A's JmDNS has finished unregistering the instance.
		 * @throws Exception if it does not finish
		 */
		@TearDown(Level.Iteration)
		public void tearDown() throws Exception {
			finish();
		}

	}

	/**
	 * A JmDNS add round.
	 */
	@State(Scope.Thread)
	public static class JmdnsAddRound extends AddRound {

		/**
		 * Wait until a registration is not throttled and choose the service name.
		 * @param loopback the engines
		 * @throws InterruptedException if interrupted
		 */
		@Setup(Level.Iteration)
		public void setUp(JmdnsLoopback loopback) throws InterruptedException {
			prepare(loopback);
		}

		/**
		 * Unregister the service and wait until JmDNS has sent its goodbyes.
		 * @throws Exception if unregistering fails
		 */
		@TearDown(Level.Iteration)
		public void tearDown() throws Exception {
			finish();
		}

	}

	/**
	 * A JmDNS remove round.
	 */
	@State(Scope.Thread)
	public static class JmdnsRemoveRound extends RemoveRound {

		/**
		 * Wait until a registration is not throttled, register the service, wait until B
		 * has resolved it, then pause for part of a reaper period.
		 * @param loopback the engines
		 * @throws Exception if B does not resolve it
		 */
		@Setup(Level.Iteration)
		public void setUp(JmdnsLoopback loopback) throws Exception {
			prepare(loopback);
		}

		/**
		 * Wait until JmDNS has sent its goodbyes.
		 * @throws Exception if unregistering failed
		 */
		@TearDown(Level.Iteration)
		public void tearDown() throws Exception {
			finish();
		}

	}

	private static void closeQuietly(@Nullable AutoCloseable closeable) {
		if (closeable == null) {
			return;
		}
		try {
			closeable.close();
		}
		catch (Exception ex) {
			System.err.println("Could not close " + closeable + ": " + ex);
		}
	}

}
