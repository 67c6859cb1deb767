package dev.phanes.event;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.core.ResolvableType;
import org.springframework.util.Assert;

/**
 * The in-process event bus: publishing hands an {@link EventBusApplicationEvent} to
 * Spring's {@code ApplicationEventMulticaster}, so {@code @EventListener} and
 * {@code @TransactionalEventListener} methods receive it, and this bus, listening there
 * too, hands it to one subscriber of each group. A failing subscriber is logged and
 * counted and does not stop the others. Thread-safe.
 */
public class InProcessEventBus implements EventBus, GenericApplicationListener {

	private static final Log logger = LogFactory.getLog(InProcessEventBus.class);

	private static final EventObservationConvention PUBLISH_CONVENTION = new DefaultEventObservationConvention(
			EventObservationContext.Kind.PUBLISH);

	private static final EventObservationConvention DELIVER_CONVENTION = new DefaultEventObservationConvention(
			EventObservationContext.Kind.DELIVER);

	private final ApplicationEventPublisher publisher;

	private final EventTypes types;

	private final Observability observability;

	private final String applicationGroup;

	private final Map<String, Map<String, EventGroup>> topics = new ConcurrentHashMap<>();

	private final Object subscriptionLock = new Object();

	/**
	 * Create a bus.
	 * @param publisher the application's event publisher
	 * @param types the allow-list of payload types
	 * @param observability where observations and counts go
	 * @param applicationGroup the group of this application's {@code @EventListener}
	 * methods ({@code phanes.event.group})
	 */
	public InProcessEventBus(ApplicationEventPublisher publisher, EventTypes types, Observability observability,
			String applicationGroup) {
		this.publisher = publisher;
		this.types = types;
		this.observability = observability;
		this.applicationGroup = applicationGroup;
	}

	@Override
	public <T> CompletableFuture<Event<T>> publish(String topic, @Nullable String key, T payload,
			Map<String, String> headers) {
		return publish(newEvent(topic, key, payload, headers), true);
	}

	/**
	 * Publish a payload that the application already published as an
	 * {@code ApplicationEvent}: Phanes subscribers and the transport get it, but it is
	 * not multicast again.
	 * @param topic the topic
	 * @param key the ordering key, or {@code null}
	 * @param payload the payload
	 * @param <T> the payload type
	 * @return the completion, as for {@link #publish(String, String, Object, Map)}
	 */
	public <T> CompletableFuture<Event<T>> export(String topic, @Nullable String key, T payload) {
		return publish(newEvent(topic, key, payload, Map.of()), false);
	}

	@Override
	public <T> EventSubscription subscribe(String topic, String group, Class<T> type, EventHandler<T> handler) {
		Assert.hasText(topic, "Topic must not be empty");
		Assert.hasText(group, "Group must not be empty");
		this.types.register(type);
		EventSubscriber<T> subscriber = new EventSubscriber<>(topic, group, type, handler, this::unsubscribe);
		boolean first;
		synchronized (this.subscriptionLock) {
			EventGroup members = this.topics.computeIfAbsent(topic, (name) -> new ConcurrentHashMap<>())
				.computeIfAbsent(group, (name) -> new EventGroup());
			first = members.isEmpty();
			members.add(subscriber);
		}
		if (first) {
			groupJoined(topic, group, type);
		}
		return subscriber;
	}

	private void unsubscribe(EventSubscriber<?> subscriber) {
		boolean last = false;
		synchronized (this.subscriptionLock) {
			Map<String, EventGroup> groups = this.topics.get(subscriber.topic());
			EventGroup members = (groups != null) ? groups.get(subscriber.group()) : null;
			if (members != null && members.remove(subscriber)) {
				groups.remove(subscriber.group());
				last = true;
			}
		}
		if (last) {
			groupLeft(subscriber.topic(), subscriber.group());
		}
	}

	@Override
	public boolean supportsEventType(ResolvableType eventType) {
		return EventBusApplicationEvent.class.isAssignableFrom(eventType.toClass());
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof EventBusApplicationEvent<?> busEvent && !busEvent.isRemote()
				&& busEvent.getSource() == this) {
			busEvent.undelivered(deliverLocally(busEvent.getEvent()));
		}
	}

	/**
	 * Hand an event published here to one subscriber of each group in this process.
	 * @param event the event
	 * @return the groups whose subscriber failed (empty when all succeeded)
	 */
	private Set<String> deliverLocally(Event<?> event) {
		Map<String, EventGroup> groups = this.topics.get(event.topic());
		if (groups == null) {
			return Set.of();
		}
		Set<String> failed = Set.of();
		for (Map.Entry<String, EventGroup> group : groups.entrySet()) {
			EventSubscriber<?> subscriber = group.getValue().pick(event.key());
			if (subscriber != null) {
				try {
					deliver(subscriber, event, "local");
				}
				catch (Exception ex) {
					logger.warn("Subscriber " + subscriber + " failed on event " + event.id() + "; the other "
							+ "subscribers still receive it", ex);
					failed = new LinkedHashSet<>(failed);
					failed.add(group.getKey());
				}
			}
		}
		return failed;
	}

	/**
	 * Hand an event that arrived over the transport to one subscriber of a group in this
	 * process.
	 * @param event the event
	 * @param group the group
	 * @return whether the group has a subscriber here
	 * @throws Exception what the subscriber threw
	 */
	protected boolean deliver(Event<?> event, String group) throws Exception {
		Map<String, EventGroup> groups = this.topics.get(event.topic());
		EventGroup members = (groups != null) ? groups.get(group) : null;
		EventSubscriber<?> subscriber = (members != null) ? members.pick(event.key()) : null;
		if (subscriber == null) {
			return false;
		}
		deliver(subscriber, event, transport());
		return true;
	}

	private void deliver(EventSubscriber<?> subscriber, Event<?> event, String transport) throws Exception {
		if (!subscriber.isActive()) {
			return;
		}
		observeDelivery(event, transport, subscriber.group(), () -> subscriber.handle(event));
	}

	/**
	 * Multicast an event that arrived from another process to this application's
	 * listeners, marked as remote so that it is never exported again; observed as one
	 * delivery in the {@link #applicationGroup() application's group}.
	 * @param event the event
	 */
	protected void multicastRemote(Event<?> event) {
		observeDelivery(event, transport(), this.applicationGroup,
				() -> this.publisher.publishEvent(new EventBusApplicationEvent<>(this, event, true)));
	}

	private <E extends Exception> void observeDelivery(Event<?> event, String transport, String group,
			Handling<E> handling) throws E {
		EventObservationContext context = new EventObservationContext(EventObservationContext.Kind.DELIVER, transport,
				event.topic(), event.type(), group);
		Observation observation = this.observability.observation(DELIVER_CONVENTION, context).start();
		try (Observation.Scope scope = observation.openScope()) {
			handling.run();
			this.observability.metrics().delivered(transport, event.topic());
		}
		catch (Exception ex) {
			context.setOutcome(EventObservationContext.Outcome.ERROR);
			observation.error(ex);
			this.observability.metrics().failed(transport, event.topic());
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	private <T> CompletableFuture<Event<T>> publish(Event<T> event, boolean multicast) {
		String transport = transport();
		EventObservationContext context = new EventObservationContext(EventObservationContext.Kind.PUBLISH, transport,
				event.topic(), event.type(), null);
		Observation observation = this.observability.observation(PUBLISH_CONVENTION, context).start();
		CompletableFuture<Void> sent;
		try (Observation.Scope scope = observation.openScope()) {
			Set<String> undelivered;
			if (multicast) {
				EventBusApplicationEvent<T> local = new EventBusApplicationEvent<>(this, event, false);
				this.publisher.publishEvent(local);
				undelivered = local.undelivered();
			}
			else {
				undelivered = deliverLocally(event);
			}
			sent = transmit(event, undelivered);
		}
		catch (RuntimeException ex) {
			failed(context, observation, ex);
			throw ex;
		}
		if (sent.isDone() && !sent.isCompletedExceptionally()) {
			this.observability.metrics().published(transport, event.topic());
			observation.stop();
			return CompletableFuture.completedFuture(event);
		}
		return sent.handle((result, ex) -> {
			if (ex != null) {
				Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
				failed(context, observation, cause);
				throw (cause instanceof EventException eventException) ? eventException
						: new EventPublishException("Event " + event.id() + " to topic '" + event.topic()
								+ "' was not published: " + cause.getMessage(), cause);
			}
			this.observability.metrics().published(transport, event.topic());
			observation.stop();
			return event;
		});
	}

	private void failed(EventObservationContext context, Observation observation, Throwable ex) {
		context.setOutcome(EventObservationContext.Outcome.ERROR);
		observation.error(ex);
		observation.stop();
		this.observability.metrics().failed(context.getTransport(), context.getTopic());
	}

	private <T> Event<T> newEvent(String topic, @Nullable String key, T payload, Map<String, String> headers) {
		Assert.hasText(topic, "Topic must not be empty");
		Assert.notNull(payload, "Payload must not be null");
		for (String name : headers.keySet()) {
			Assert.isTrue(!name.startsWith(EventHeaders.PREFIX),
					() -> "Header '" + name + "' uses the prefix " + EventHeaders.PREFIX + ", which the bus reserves");
		}
		String type = this.types.register(payload.getClass());
		ThreadLocalRandom random = ThreadLocalRandom.current();
		// version 4 UUID without SecureRandom's cost on every publication
		UUID id = new UUID((random.nextLong() & ~0xF000L) | 0x4000L,
				(random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L);
		// milliseconds, the precision of a Kafka record's timestamp, so that every
		// process sees
		// the same time
		return new Event<>(id.toString(), topic, key, type, Instant.ofEpochMilli(System.currentTimeMillis()), headers,
				payload);
	}

	/**
	 * Hand an event to the transport after local delivery. In-process there is nothing
	 * more to do.
	 * @param event the event
	 * @param undelivered the local groups whose subscriber failed on the event, which the
	 * transport should deliver again
	 * @return a completion that completes once the transport holds the event
	 */
	protected CompletableFuture<Void> transmit(Event<?> event, Set<String> undelivered) {
		return CompletableFuture.completedFuture(null);
	}

	/**
	 * The first subscriber of a group on a topic joined in this process.
	 * @param topic the topic
	 * @param group the group
	 * @param type the payload type of that subscriber
	 */
	protected void groupJoined(String topic, String group, Class<?> type) {
	}

	/**
	 * The last subscriber of a group on a topic left this process.
	 * @param topic the topic
	 * @param group the group
	 */
	protected void groupLeft(String topic, String group) {
	}

	/**
	 * The groups that an event published here reaches in this process: those of its
	 * subscribers and the application's own group (its {@code @EventListener} methods).
	 * @param topic the topic
	 * @return the group names
	 */
	protected Set<String> localGroups(String topic) {
		Set<String> groups = new LinkedHashSet<>();
		groups.add(this.applicationGroup);
		Map<String, EventGroup> subscribed = this.topics.get(topic);
		if (subscribed != null) {
			groups.addAll(subscribed.keySet());
		}
		return groups;
	}

	/**
	 * The group of this application's {@code @EventListener} methods.
	 * @return the group
	 */
	protected String applicationGroup() {
		return this.applicationGroup;
	}

	/**
	 * The allow-list of payload types.
	 * @return the types
	 */
	protected EventTypes types() {
		return this.types;
	}

	/**
	 * Where observations and counts go.
	 * @return the observability
	 */
	protected Observability observability() {
		return this.observability;
	}

	/**
	 * The transport name in observations and metrics.
	 * @return {@code local}
	 */
	protected String transport() {
		return "local";
	}

	/**
	 * One handling of an event, observed as a delivery.
	 *
	 * @param <E> what it may throw
	 */
	@FunctionalInterface
	private interface Handling<E extends Exception> {

		void run() throws E;

	}

	/**
	 * The observation registry, the application's conventions and the metrics a bus
	 * reports to.
	 *
	 * @param registry the observation registry
	 * @param conventions the application's conventions; the first that supports an
	 * observation's context replaces the default for it
	 * @param metrics the counters
	 */
	public record Observability(ObservationRegistry registry, List<EventObservationConvention> conventions,
			EventMetrics metrics) {

		/**
		 * Nothing observed, nothing counted.
		 */
		public static final Observability NONE = new Observability(ObservationRegistry.NOOP, List.of(),
				EventMetrics.NONE);

		/**
		 * Create an observability, copying the conventions.
		 */
		public Observability {
			conventions = List.copyOf(conventions);
		}

		Observation observation(EventObservationConvention defaultConvention, EventObservationContext context) {
			EventObservationConvention custom = null;
			for (EventObservationConvention convention : this.conventions) {
				if (convention.supportsContext(context)) {
					custom = convention;
					break;
				}
			}
			return Observation.createNotStarted(custom, defaultConvention, () -> context, this.registry);
		}

	}

}
