package dev.phanes.event;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

import io.micrometer.observation.Observation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.util.Assert;

/**
 * The event bus: publishing validates the event, multicasts it to the application's
 * {@code @EventListener} methods as an {@link EventBusApplicationEvent}, hands it to one
 * subscriber of each group in this process, and then to the {@link EventTransport},
 * telling it which groups this process already served. Events the transport receives go
 * to the subscribers of the group they arrived for and, for the topics the application
 * listens to, to its {@code @EventListener} methods as remote events, which are never
 * exported again. A failing subscriber is logged and counted and does not stop the
 * others. Publication and delivery are observed. Thread-safe.
 */
public class DefaultEventBus implements EventBus {

	private static final Log logger = LogFactory.getLog(DefaultEventBus.class);

	private static final EventObservationConvention PUBLISH_CONVENTION = new DefaultEventObservationConvention(
			EventObservationContext.Kind.PUBLISH);

	private static final EventObservationConvention DELIVER_CONVENTION = new DefaultEventObservationConvention(
			EventObservationContext.Kind.DELIVER);

	private static final String LOCAL = "local";

	private final ApplicationEventPublisher publisher;

	private final EventTypes types;

	private final EventTransport transport;

	private final EventObservability observability;

	private final String applicationGroup;

	private final Set<String> listenTopics;

	private final EventSubscriptions subscriptions;

	/**
	 * Create a bus and join, for the application's {@code @EventListener} methods, the
	 * topics it listens to.
	 * @param publisher the application's event publisher
	 * @param types the allow-list of payload types
	 * @param transport what carries events to and from other processes
	 * @param observability where observations and counts go
	 * @param applicationGroup the group of this application's {@code @EventListener}
	 * methods ({@code phanes.event.group})
	 * @param listenTopics topics whose events from other processes reach those methods
	 */
	public DefaultEventBus(ApplicationEventPublisher publisher, EventTypes types, EventTransport transport,
			EventObservability observability, String applicationGroup, Set<String> listenTopics) {
		this.publisher = publisher;
		this.types = types;
		this.transport = transport;
		this.observability = observability;
		this.applicationGroup = applicationGroup;
		this.listenTopics = Set.copyOf(listenTopics);
		this.subscriptions = new EventSubscriptions(applicationGroup);
		for (String topic : this.listenTopics) {
			transport.join(topic, applicationGroup, (event) -> received(event, applicationGroup));
		}
	}

	@Override
	public <T> CompletableFuture<Event<T>> publish(String topic, @Nullable String key, T payload,
			Map<String, String> headers) {
		return publish(newEvent(topic, key, payload, headers), true);
	}

	/**
	 * Publish a payload that the application already published as an
	 * {@code ApplicationEvent}: subscribers and the transport get it, but it is not
	 * multicast again.
	 * @param topic the topic
	 * @param key the ordering key, or {@code null}
	 * @param payload the payload
	 * @return the completion, as for {@link #publish(String, String, Object, Map)}
	 */
	CompletableFuture<?> export(String topic, @Nullable String key, Object payload) {
		return publish(newEvent(topic, key, payload, Map.of()), false);
	}

	@Override
	public <T> EventSubscription subscribe(String topic, String group, Class<T> type, EventHandler<T> handler) {
		Assert.hasText(topic, "Topic must not be empty");
		Assert.hasText(group, "Group must not be empty");
		this.types.register(type);
		EventSubscriber<T> subscriber = new EventSubscriber<>(topic, group, type, handler, this::unsubscribe);
		this.subscriptions.add(subscriber, () -> {
			if (!isListened(topic, group)) {
				this.transport.join(topic, group, (event) -> received(event, group));
			}
		});
		return subscriber;
	}

	private void unsubscribe(EventSubscriber<?> subscriber) {
		this.subscriptions.remove(subscriber, () -> {
			if (!isListened(subscriber.topic(), subscriber.group())) {
				this.transport.leave(subscriber.topic(), subscriber.group());
			}
		});
	}

	// the application's group stays joined on the topics it listens to
	private boolean isListened(String topic, String group) {
		return group.equals(this.applicationGroup) && this.listenTopics.contains(topic);
	}

	private <T> CompletableFuture<Event<T>> publish(Event<T> event, boolean multicast) {
		EventObservationContext context = new EventObservationContext(EventObservationContext.Kind.PUBLISH,
				this.transport.name(), event.topic(), event.type(), null);
		Observation observation = this.observability.observation(PUBLISH_CONVENTION, context).start();
		CompletableFuture<Void> sent;
		try (Observation.Scope scope = observation.openScope()) {
			if (multicast) {
				this.publisher.publishEvent(new EventBusApplicationEvent<>(this, event, false));
			}
			sent = this.transport.send(event, deliverLocally(event));
		}
		catch (RuntimeException ex) {
			failed(context, observation, ex);
			throw ex;
		}
		if (sent.isDone() && !sent.isCompletedExceptionally()) {
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
			observation.stop();
			return event;
		});
	}

	/**
	 * Hand an event published here to one subscriber of each group in this process.
	 * @param event the event
	 * @return the groups this process served: the application's and every subscribed
	 * group but those whose subscriber failed or left meanwhile, which the transport
	 * delivers (again)
	 */
	private Set<String> deliverLocally(Event<?> event) {
		EventSubscriptions.Local local = this.subscriptions.local(event.topic());
		Set<String> delivered = local.groups();
		for (Map.Entry<String, EventGroup> group : local.subscribed().entrySet()) {
			EventSubscriber<?> subscriber = group.getValue().pick(event.key());
			boolean served;
			try {
				served = subscriber != null && deliver(subscriber, event, LOCAL);
			}
			catch (Exception ex) {
				logger.warn("Subscriber " + subscriber + " failed on event " + event.id() + "; the other "
						+ "subscribers still receive it", ex);
				served = false;
			}
			if (!served) {
				if (delivered == local.groups()) {
					delivered = new LinkedHashSet<>(delivered);
				}
				delivered.remove(group.getKey());
			}
		}
		return delivered;
	}

	/**
	 * Hand an event the transport received for a group to the application's
	 * {@code @EventListener} methods (when the group is the application's and it listens
	 * to the topic) and to one subscriber of the group in this process.
	 */
	private void received(Event<?> event, String group) throws Exception {
		if (isListened(event.topic(), group)) {
			observeDelivery(event, this.transport.name(), group,
					() -> this.publisher.publishEvent(new EventBusApplicationEvent<>(this, event, true)));
		}
		EventSubscriber<?> subscriber = this.subscriptions.pick(event.topic(), group, event.key());
		if (subscriber != null) {
			deliver(subscriber, event, this.transport.name());
		}
	}

	private boolean deliver(EventSubscriber<?> subscriber, Event<?> event, String transport) throws Exception {
		if (!subscriber.isActive()) {
			return false;
		}
		observeDelivery(event, transport, subscriber.group(), () -> subscriber.handle(event));
		return true;
	}

	private <E extends Exception> void observeDelivery(Event<?> event, String transport, String group,
			Handling<E> handling) throws E {
		EventObservationContext context = new EventObservationContext(EventObservationContext.Kind.DELIVER, transport,
				event.topic(), event.type(), group);
		Observation observation = this.observability.observation(DELIVER_CONVENTION, context).start();
		try (Observation.Scope scope = observation.openScope()) {
			handling.run();
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
		// process sees the same time
		return new Event<>(id.toString(), topic, key, type, Instant.ofEpochMilli(System.currentTimeMillis()), headers,
				payload);
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

}
