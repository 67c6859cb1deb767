package dev.phanes.event;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.core.ResolvableType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What every {@link EventBus} promises, whatever carries its events between services:
 * groups, keys and order, isolation of failures, refusal of bad input, the size limit,
 * once per group with the publisher serving its own groups, and no echo. Each test runs
 * one or more services (application contexts with the event auto-configuration) that a
 * subclass starts over its transport, on topics and groups of its own.
 */
public abstract class EventBusConformanceTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private final List<ConfigurableApplicationContext> services = new ArrayList<>();

	/**
	 * Start a service over the transport under test.
	 * @param name its {@code spring.application.name}, also its application group
	 * @param arguments more properties as {@code --name=value}
	 * @return the running context
	 */
	protected abstract ConfigurableApplicationContext start(String name, String... arguments);

	/**
	 * How many events the transport carried to a topic, as a broker would count them.
	 * @param topic the topic
	 * @return the count
	 */
	protected abstract long carried(String topic);

	/**
	 * Whether the transport refuses payloads larger than {@code phanes.event.max-size};
	 * one that serialises nothing has no size to limit.
	 * @return {@code true} if it does
	 */
	protected abstract boolean limitsSize();

	/**
	 * Whether the transport carries events to other services; the in-process bus's does
	 * not, and its other services must receive nothing.
	 * @return {@code true} if it does
	 */
	protected boolean carriesBetweenServices() {
		return true;
	}

	/**
	 * How long to watch that nothing more arrives once what was expected did.
	 * @return the quiet period
	 */
	protected abstract Duration quietPeriod();

	@AfterEach
	void stopServices() {
		Collections.reverse(this.services);
		this.services.forEach(ConfigurableApplicationContext::close);
	}

	private EventBus service(String name, String... arguments) {
		ConfigurableApplicationContext context = start(name, arguments);
		this.services.add(context);
		return context.getBean(EventBus.class);
	}

	private <T> List<T> remote(List<T> expected) {
		return carriesBetweenServices() ? expected : List.of();
	}

	private long remote(long expected) {
		return carriesBetweenServices() ? expected : 0;
	}

	private void quietly(Runnable assertion) {
		await().during(quietPeriod()).atMost(quietPeriod().plus(Duration.ofSeconds(10))).untilAsserted(assertion::run);
	}

	@Test
	void eachGroupReceivesEachEventOnceOnOneOfItsSubscribers() {
		String topic = "conformance-groups";
		EventBus shop = service("conformance-groups-shop");
		EventBus other = service("conformance-groups-other");
		Map<String, List<String>> received = new ConcurrentHashMap<>();
		subscribe(other, topic, topic + "-a", "a1", received);
		subscribe(other, topic, topic + "-a", "a2", received);
		subscribe(other, topic, topic + "-b", "b", received);
		subscribe(shop, topic, topic + "-local", "local", received);
		List<String> published = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			published.add(shop.publish(topic, new Step("none", i)).join().id());
		}
		assertThat(received.get("local")).containsExactlyElementsOf(published);
		await().atMost(WAIT).untilAsserted(() -> {
			List<String> a = new ArrayList<>(received.getOrDefault("a1", List.of()));
			a.addAll(received.getOrDefault("a2", List.of()));
			assertThat(a).containsExactlyInAnyOrderElementsOf(remote(published));
			assertThat(received.getOrDefault("b", List.of())).containsExactlyInAnyOrderElementsOf(remote(published));
		});
		quietly(() -> {
			List<String> a1 = received.getOrDefault("a1", List.of());
			List<String> a2 = received.getOrDefault("a2", List.of());
			assertThat(a1.isEmpty() || a2.isEmpty()).isEqualTo(!carriesBetweenServices());
			assertThat(a1.size() + a2.size()).isEqualTo(remote(20));
			assertThat(received.getOrDefault("b", List.of())).hasSize((int) remote(20));
			assertThat(received.get("local")).hasSize(20);
		});
		assertThat(carried(topic)).isEqualTo(remote(20));
	}

	private static void subscribe(EventBus bus, String topic, String group, String name,
			Map<String, List<String>> received) {
		bus.subscribe(topic, group, Step.class,
				(event) -> received.computeIfAbsent(name, (key) -> new CopyOnWriteArrayList<>()).add(event.id()));
	}

	@Test
	void eachGroupReceivesTheEventsOfAKeyInPublicationOrderOnOneSubscriber() {
		String topic = "conformance-order";
		EventBus shop = service("conformance-order-shop");
		EventBus other = service("conformance-order-other");
		Map<String, List<Integer>> local = new ConcurrentHashMap<>();
		Map<String, List<Integer>> remote = new ConcurrentHashMap<>();
		Map<String, Set<Integer>> localSubscribers = new ConcurrentHashMap<>();
		Map<String, Set<Integer>> remoteSubscribers = new ConcurrentHashMap<>();
		for (int s = 0; s < 3; s++) {
			orderedSubscriber(shop, topic, topic + "-audit", s, local, localSubscribers);
			orderedSubscriber(other, topic, topic + "-billing", s, remote, remoteSubscribers);
		}
		List<CompletableFuture<Event<Step>>> sent = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			sent.add(shop.publish(topic, "key-" + (i % 5), new Step("key-" + (i % 5), i / 5)));
		}
		sent.forEach(CompletableFuture::join);
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(remote.values()).hasSize((int) remote(5))
				.allSatisfy((steps) -> assertThat(steps).hasSize(20)));
		quietly(() -> {
			for (Map<String, List<Integer>> group : List.of(local, remote)) {
				assertThat(group).hasSize((group == local) ? 5 : (int) remote(5));
				group.values().forEach((steps) -> assertThat(steps).hasSize(20).isSorted().doesNotHaveDuplicates());
			}
		});
		assertThat(localSubscribers.values()).allSatisfy((subscribers) -> assertThat(subscribers).hasSize(1));
		assertThat(remoteSubscribers.values()).allSatisfy((subscribers) -> assertThat(subscribers).hasSize(1));
	}

	private static void orderedSubscriber(EventBus bus, String topic, String group, int subscriber,
			Map<String, List<Integer>> steps, Map<String, Set<Integer>> subscribers) {
		bus.subscribe(topic, group, Step.class, (event) -> {
			steps.computeIfAbsent(event.key(), (key) -> new CopyOnWriteArrayList<>()).add(event.payload().sequence());
			subscribers.computeIfAbsent(event.key(), (key) -> ConcurrentHashMap.newKeySet()).add(subscriber);
		});
	}

	@Test
	void aFailingSubscriberStopsNeitherTheOtherGroupsNorThePublication() {
		String topic = "conformance-failure";
		EventBus shop = service("conformance-failure-shop");
		EventBus other = service("conformance-failure-other");
		List<String> working = new CopyOnWriteArrayList<>();
		List<String> remote = new CopyOnWriteArrayList<>();
		shop.subscribe(topic, topic + "-broken", Step.class, (event) -> {
			throw new IllegalStateException("broken subscriber");
		});
		shop.subscribe(topic, topic + "-working", Step.class, (event) -> working.add(event.id()));
		other.subscribe(topic, topic + "-remote", Step.class, (event) -> remote.add(event.id()));
		List<String> published = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			published.add(shop.publish(topic, new Step("none", i)).join().id());
		}
		assertThat(working).containsExactlyElementsOf(published);
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(remote).containsExactlyInAnyOrderElementsOf(remote(published)));
		MeterRegistry meters = this.services.get(0).getBean(MeterRegistry.class);
		assertThat(meters.get("phanes.event.deliver")
			.tags("transport", "local", "topic", topic, "outcome", "error")
			.timer()
			.count()).isEqualTo(3);
		assertThat(meters.get("phanes.event.deliver")
			.tags("transport", "local", "topic", topic, "outcome", "success")
			.timer()
			.count()).isEqualTo(3);
		assertThat(meters.get("phanes.event.failed").tags("transport", "local", "topic", topic).counter().count())
			.isEqualTo(3);
		quietly(() -> {
			assertThat(working).hasSize(3);
			assertThat(remote).hasSize((int) remote(3));
		});
	}

	@Test
	void refusesBadInputAndKeepsEventsOfAnotherTypeFromASubscriber() {
		String topic = "conformance-bad-input";
		EventBus shop = service("conformance-bad-input-shop");
		EventBus other = service("conformance-bad-input-other");
		assertThatIllegalArgumentException().isThrownBy(() -> shop.publish(" ", new Step("none", 1)))
			.withMessageContaining("Topic");
		assertThatIllegalArgumentException().isThrownBy(() -> shop.publish(topic, null))
			.withMessageContaining("Payload");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> shop.publish(topic, null, new Step("none", 1), Map.of("phanes-event-type", "Forged")))
			.withMessageContaining("reserves");
		assertThatIllegalArgumentException().isThrownBy(() -> shop.subscribe(topic, "", Step.class, (event) -> {
		})).withMessageContaining("Group");
		List<Object> expected = new CopyOnWriteArrayList<>();
		List<Object> steps = new CopyOnWriteArrayList<>();
		other.subscribe(topic, topic + "-expected", Expected.class, (event) -> expected.add(event.payload()));
		other.subscribe(topic, topic + "-steps", Step.class, (event) -> steps.add(event.payload()));
		shop.publish(topic, new Unexpected("surprise")).join();
		shop.publish(topic, new Step("none", 1)).join();
		assertThatIllegalStateException().isThrownBy(() -> shop.subscribe(topic, "g", OtherStep.class, (event) -> {
		})).withMessageContaining("'Step'");
		await().atMost(WAIT).untilAsserted(() -> assertThat(steps).isEqualTo(remote(List.of(new Step("none", 1)))));
		quietly(() -> {
			assertThat(expected).isEmpty();
			assertThat(steps).hasSize((int) remote(1));
		});
	}

	@Test
	void sendsAnEventOfTheMaximumSizeAndRefusesALargerOneWhenTheTransportLimitsSize() {
		String topic = "conformance-size";
		String[] limit = { "--phanes.event.max-size=2KB" };
		EventBus shop = service("conformance-size-shop", limit);
		EventBus other = service("conformance-size-other", limit);
		List<Integer> received = new CopyOnWriteArrayList<>();
		other.subscribe(topic, topic + "-reader", Blob.class, (event) -> received.add(event.payload().text().length()));
		// {"text":"…"} is 11 bytes around the text
		shop.publish(topic, new Blob("x".repeat(2048 - 11))).join();
		CompletableFuture<Event<Blob>> larger = shop.publish(topic, new Blob("x".repeat(2048 - 10)));
		if (limitsSize()) {
			assertThatThrownBy(larger::join).hasCauseInstanceOf(EventTooLargeException.class)
				.hasMessageContaining("2049")
				.hasMessageContaining("phanes.event.max-size");
			await().atMost(WAIT).untilAsserted(() -> assertThat(received).isEqualTo(remote(List.of(2037))));
			quietly(() -> assertThat(received).hasSize((int) remote(1)));
			assertThat(carried(topic)).isEqualTo(remote(1));
		}
		else {
			larger.join();
			await().atMost(WAIT).untilAsserted(() -> assertThat(received).isEqualTo(remote(List.of(2037, 2038))));
			quietly(() -> assertThat(received).hasSize((int) remote(2)));
		}
	}

	@Test
	void aGroupWhoseLastSubscriberHereLeftDuringAPublicationGetsTheEventElsewhere() {
		String topic = "conformance-leaving";
		EventBus shop = service("conformance-leaving-shop");
		EventBus other = service("conformance-leaving-other");
		Map<String, List<String>> received = new ConcurrentHashMap<>();
		for (String group : List.of("x", "y")) {
			subscribe(other, topic, topic + "-" + group, "other-" + group, received);
		}
		// Whichever group the publication serves first cancels the other's only
		// subscriber in the shop, before the other is served.
		Map<String, EventSubscription> local = new ConcurrentHashMap<>();
		for (String group : List.of("x", "y")) {
			String otherGroup = group.equals("x") ? "y" : "x";
			local.put(group, shop.subscribe(topic, topic + "-" + group, Step.class, (event) -> {
				received.computeIfAbsent("shop-" + group, (key) -> new CopyOnWriteArrayList<>()).add(event.id());
				local.get(otherGroup).cancel();
			}));
		}
		String id = shop.publish(topic, new Step("none", 0)).join().id();
		assertThat(
				received.getOrDefault("shop-x", List.of()).size() + received.getOrDefault("shop-y", List.of()).size())
			.isOne();
		String servedHere = received.containsKey("shop-x") ? "x" : "y";
		String left = servedHere.equals("x") ? "y" : "x";
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(received.getOrDefault("other-" + left, List.of()))
				.containsExactly(remote(List.of(id)).toArray(String[]::new)));
		quietly(() -> {
			assertThat(received.getOrDefault("other-" + servedHere, List.of())).isEmpty();
			assertThat(received.getOrDefault("other-" + left, List.of())).hasSize((int) remote(1));
		});
	}

	@Test
	void thePublishingProcessServesItsGroupsOnceAndAnotherInstanceDoesNotServeThemAgain() {
		String topic = "conformance-served";
		EventBus first = service("conformance-served");
		EventBus second = service("conformance-served");
		List<String> firstIndexer = new CopyOnWriteArrayList<>();
		List<String> secondIndexer = new CopyOnWriteArrayList<>();
		first.subscribe(topic, topic + "-indexer", Step.class, (event) -> firstIndexer.add(event.id()));
		second.subscribe(topic, topic + "-indexer", Step.class, (event) -> secondIndexer.add(event.id()));
		List<String> published = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			published.add(first.publish(topic, "key-" + i, new Step("key-" + i, i)).join().id());
		}
		assertThat(firstIndexer).containsExactlyElementsOf(published);
		quietly(() -> {
			assertThat(firstIndexer).hasSize(10);
			assertThat(secondIndexer).isEmpty();
		});
		assertThat(carried(topic)).isEqualTo(remote(10));
	}

	@Test
	void anEventFromAnotherServiceIsNeverSentAgain() {
		String topic = Echo.TOPIC;
		ConfigurableApplicationContext shop = start("conformance-echo-shop",
				"--phanes.event.kafka.listen-topics=" + topic,
				"--phanes.event.types.conformance-echo=" + Echo.class.getName());
		this.services.add(shop);
		ConfigurableApplicationContext other = start("conformance-echo-other",
				"--phanes.event.kafka.listen-topics=" + topic,
				"--phanes.event.types.conformance-echo=" + Echo.class.getName());
		this.services.add(other);
		Echoes shopHeard = new Echoes();
		Echoes otherHeard = new Echoes();
		shop.addApplicationListener(shopHeard);
		other.addApplicationListener(otherHeard);
		for (int i = 0; i < 5; i++) {
			shop.getBean(EventBus.class).publish(topic, "bus-" + i, new Echo("bus-" + i)).join();
			shop.publishEvent(new Echo("app-" + i));
		}
		await().atMost(WAIT).untilAsserted(() -> assertThat(otherHeard.remote).hasSize((int) remote(10)));
		quietly(() -> {
			assertThat(shopHeard.local).hasSize(10).doesNotHaveDuplicates();
			assertThat(shopHeard.remote).isEmpty();
			assertThat(otherHeard.local).isEmpty();
			assertThat(otherHeard.remote).hasSize((int) remote(10)).doesNotHaveDuplicates();
		});
		assertThat(carried(topic)).isEqualTo(remote(10));
	}

	/**
	 * A payload with a key and a sequence number.
	 *
	 * @param key the key it is published with
	 * @param sequence its place among the events of the key
	 */
	public record Step(String key, int sequence) {

	}

	/**
	 * Another payload that claims the name of {@link Step}.
	 *
	 * @param text anything
	 */
	@EventName("Step")
	public record OtherStep(String text) {

	}

	/**
	 * The payload a subscriber expects.
	 *
	 * @param text anything
	 */
	public record Expected(String text) {

	}

	/**
	 * A payload no subscriber takes.
	 *
	 * @param text anything
	 */
	public record Unexpected(String text) {

	}

	/**
	 * A payload whose JSON is 11 bytes longer than its text.
	 *
	 * @param text the text
	 */
	public record Blob(String text) {

	}

	/**
	 * An exported payload, heard by the {@code @EventListener}s of other services.
	 *
	 * @param id its id
	 */
	@EventName("conformance-echo")
	@ExportedEvent(topic = Echo.TOPIC, key = "id")
	public record Echo(String id) {

		static final String TOPIC = "conformance-echo";

	}

	/**
	 * Records the {@link Echo} payloads an application hears, published here or received.
	 */
	static final class Echoes implements GenericApplicationListener {

		final List<String> local = new CopyOnWriteArrayList<>();

		final List<String> remote = new CopyOnWriteArrayList<>();

		@Override
		public boolean supportsEventType(ResolvableType eventType) {
			return PayloadApplicationEvent.class.isAssignableFrom(eventType.toClass());
		}

		@Override
		public void onApplicationEvent(ApplicationEvent event) {
			if (event instanceof PayloadApplicationEvent<?> payload && payload.getPayload() instanceof Echo echo) {
				boolean isRemote = event instanceof EventBusApplicationEvent<?> busEvent && busEvent.isRemote();
				(isRemote ? this.remote : this.local).add(echo.id());
			}
		}

	}

}
