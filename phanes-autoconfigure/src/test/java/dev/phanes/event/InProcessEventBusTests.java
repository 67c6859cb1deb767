package dev.phanes.event;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.context.event.SimpleApplicationEventMulticaster;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for the in-process bus ({@link DefaultEventBus} over the
 * {@link LocalEventTransport}) in an application context: groups, order per key, the
 * {@code ApplicationEvent} bridge both ways, isolation of failing subscribers,
 * cancellation and observations.
 */
class InProcessEventBusTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EventAutoConfiguration.class))
		.withPropertyValues("spring.application.name=notes");

	@Test
	void deliversEachEventToOneSubscriberOfEveryGroup() {
		this.contextRunner.run((context) -> {
			EventBus bus = context.getBean(EventBus.class);
			List<String> first = new CopyOnWriteArrayList<>();
			List<String> second = new CopyOnWriteArrayList<>();
			List<String> other = new CopyOnWriteArrayList<>();
			bus.subscribe("notes", "indexer", Note.class, (event) -> first.add(event.payload().text()));
			bus.subscribe("notes", "indexer", Note.class, (event) -> second.add(event.payload().text()));
			bus.subscribe("notes", "mailer", Note.class, (event) -> other.add(event.payload().text()));
			for (int i = 0; i < 10; i++) {
				bus.publish("notes", new Note("n" + i)).join();
			}
			assertThat(first).hasSize(5);
			assertThat(second).hasSize(5);
			List<String> indexer = new ArrayList<>(first);
			indexer.addAll(second);
			assertThat(indexer).containsExactlyInAnyOrderElementsOf(other);
			assertThat(other).hasSize(10);
		});
	}

	@Test
	void publishesWithAKeyAndNoHeaders() {
		this.contextRunner.run((context) -> {
			EventBus bus = context.getBean(EventBus.class);
			List<Event<Step>> heard = new CopyOnWriteArrayList<>();
			bus.subscribe("orders", "billing", Step.class, heard::add);
			Event<Step> published = bus.publish("orders", "order-1", new Step(1)).join();
			assertThat(published.key()).isEqualTo("order-1");
			assertThat(published.headers()).isEmpty();
			assertThat(heard).singleElement().satisfies((event) -> {
				assertThat(event.key()).isEqualTo("order-1");
				assertThat(event.payload()).isEqualTo(new Step(1));
			});
		});
	}

	@Test
	void keepsThePublicationOrderOfEachKeyWithinAGroup() {
		this.contextRunner.run((context) -> {
			EventBus bus = context.getBean(EventBus.class);
			Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
			Map<String, Integer> subscriberOfKey = new ConcurrentHashMap<>();
			for (int s = 0; s < 3; s++) {
				int subscriber = s;
				bus.subscribe("orders", "billing", Step.class, (event) -> {
					seen.computeIfAbsent(event.key(), (key) -> Collections.synchronizedList(new ArrayList<>()))
						.add(event.payload().sequence());
					assertThat(subscriberOfKey.computeIfAbsent(event.key(), (key) -> subscriber)).isEqualTo(subscriber);
				});
			}
			ExecutorService publishers = Executors.newFixedThreadPool(4);
			for (int t = 0; t < 4; t++) {
				int thread = t;
				publishers.execute(() -> {
					for (int i = 0; i < 250; i++) {
						String key = "order-" + thread + "-" + (i % 5);
						bus.publish("orders", key, new Step(i / 5), Map.of()).join();
					}
				});
			}
			publishers.shutdown();
			assertThat(publishers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
			assertThat(seen).hasSize(20);
			seen.values().forEach((sequence) -> assertThat(sequence).hasSize(50).isSorted());
			assertThat(subscriberOfKey.values()).hasSizeGreaterThan(1);
		});
	}

	@Test
	void eventListenerMethodsReceiveBusEventsAsPayloadOrEnvelope() {
		this.contextRunner.withUserConfiguration(Listeners.class).run((context) -> {
			Listeners listeners = context.getBean(Listeners.class);
			Event<Note> published = context.getBean(EventBus.class)
				.publish("notes", "k", new Note("hello"), Map.of("origin", "test"))
				.join();
			assertThat(listeners.payloads).containsExactly(new Note("hello"));
			assertThat(listeners.envelopes).singleElement().satisfies((event) -> {
				assertThat(event.getEvent()).isEqualTo(published);
				assertThat(event.getEvent().headers()).containsEntry("origin", "test");
				assertThat(event.isRemote()).isFalse();
			});
		});
	}

	@Test
	void exportsMarkedApplicationEventsToSubscribersWithoutMulticastingThemAgain() {
		this.contextRunner.withUserConfiguration(Listeners.class, Subscribers.class).run((context) -> {
			context.publishEvent(new NoteCreated("n1", "first"));
			context.publishEvent(new Note("not exported"));
			Subscribers subscribers = context.getBean(Subscribers.class);
			assertThat(subscribers.created).singleElement().satisfies((event) -> {
				assertThat(event.topic()).isEqualTo("notes");
				assertThat(event.key()).isEqualTo("n1");
				assertThat(event.type()).isEqualTo("note-created");
				assertThat(event.payload()).isEqualTo(new NoteCreated("n1", "first"));
			});
			assertThat(context.getBean(Listeners.class).created).containsExactly(new NoteCreated("n1", "first"));
		});
	}

	@Test
	void subscribeMethodsWithoutAGroupUseTheApplicationGroup() {
		this.contextRunner.withUserConfiguration(Subscribers.class).run((context) -> {
			context.getBean(EventBus.class).publish("notes", new NoteCreated("n2", "second")).join();
			assertThat(context.getBean(Subscribers.class).texts).containsExactly("second");
			assertThat(context.getBean(Subscribers.class).created).hasSize(1);
		});
	}

	@Test
	void aFailingSubscriberDoesNotStopOtherSubscribersNorFailThePublication() {
		this.contextRunner.withUserConfiguration(Listeners.class, Meters.class).run((context) -> {
			EventBus bus = context.getBean(EventBus.class);
			List<Note> received = new CopyOnWriteArrayList<>();
			bus.subscribe("notes", "broken", Note.class, (event) -> {
				throw new IllegalStateException("boom");
			});
			bus.subscribe("notes", "working", Note.class, (event) -> received.add(event.payload()));
			bus.publish("notes", new Note("survives")).join();
			assertThat(received).containsExactly(new Note("survives"));
			assertThat(context.getBean(Listeners.class).payloads).containsExactly(new Note("survives"));
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("phanes.event.failed").tag("topic", "notes").counter().count()).isOne();
			assertThat(meters.get("phanes.event.deliver")
				.tags("transport", "local", "topic", "notes", "outcome", "success")
				.timer()
				.count()).isOne();
			// the timers count publications and deliveries: no counters repeat them
			assertThat(meters.find("phanes.event.published").meters()).isEmpty();
			assertThat(meters.find("phanes.event.delivered").meters()).isEmpty();
			assertThat(meters.get("phanes.event.deliver")
				.tags("transport", "local", "topic", "notes", "outcome", "error")
				.timer()
				.count()).isOne();
			assertThat(meters.get("phanes.event.publish")
				.tags("transport", "local", "topic", "notes", "outcome", "success")
				.timer()
				.count()).isOne();
		});
	}

	@Test
	void leavesTheApplicationsMulticasterErrorHandlingAlone() {
		this.contextRunner.withUserConfiguration(FailingListener.class).run((context) -> {
			EventBus bus = context.getBean(EventBus.class);
			List<Note> received = new CopyOnWriteArrayList<>();
			bus.subscribe("notes", "working", Note.class, (event) -> received.add(event.payload()));
			// Spring without an error handler on its multicaster hands a listener's
			// exception to the publisher; the bus does the same
			assertThatIllegalStateException().isThrownBy(() -> bus.publish("notes", new Note("x")))
				.withMessage("listener failed");
		});
	}

	@Test
	void cancelledSubscriptionsReceiveNothing() {
		this.contextRunner.run((context) -> {
			EventBus bus = context.getBean(EventBus.class);
			List<Note> cancelled = new CopyOnWriteArrayList<>();
			List<Note> kept = new CopyOnWriteArrayList<>();
			EventSubscription subscription = bus.subscribe("notes", "a", Note.class,
					(event) -> cancelled.add(event.payload()));
			bus.subscribe("notes", "a", Note.class, (event) -> kept.add(event.payload()));
			subscription.cancel();
			subscription.cancel();
			assertThat(subscription.isActive()).isFalse();
			for (int i = 0; i < 4; i++) {
				bus.publish("notes", new Note("n" + i)).join();
			}
			assertThat(cancelled).isEmpty();
			assertThat(kept).hasSize(4);
		});
	}

	@Test
	void transactionalEventListenersRunAfterCommit() {
		this.contextRunner.withUserConfiguration(TransactionalListener.class).run((context) -> {
			TransactionalListener listener = context.getBean(TransactionalListener.class);
			TransactionTemplate transaction = new TransactionTemplate(
					context.getBean(PlatformTransactionManager.class));
			transaction.executeWithoutResult((status) -> {
				context.getBean(EventBus.class).publish("notes", new Note("committed")).join();
				assertThat(listener.received).isEmpty();
			});
			assertThat(listener.received).containsExactly(new Note("committed"));
			transaction.executeWithoutResult((status) -> {
				context.getBean(EventBus.class).publish("notes", new Note("rolled back")).join();
				status.setRollbackOnly();
			});
			assertThat(listener.received).containsExactly(new Note("committed"));
		});
	}

	@Test
	void refusesReservedHeadersAndTypeNameClashes() {
		this.contextRunner.run((context) -> {
			EventBus bus = context.getBean(EventBus.class);
			assertThatIllegalArgumentException()
				.isThrownBy(() -> bus.publish("notes", null, new Note("x"), Map.of("phanes-event-id", "forged")))
				.withMessageContaining("reserves");
			bus.publish("notes", new NoteCreated("n1", "first")).join();
			assertThatIllegalStateException().isThrownBy(() -> bus.subscribe("notes", "g", OtherNote.class, (event) -> {
			})).withMessageContaining("note-created");
		});
	}

	record Note(String text) {

	}

	record Step(int sequence) {

	}

	@EventName("note-created")
	@ExportedEvent(topic = "notes", key = "id")
	record NoteCreated(String id, String text) {

	}

	@EventName("note-created")
	record OtherNote(String id) {

	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		final List<Note> payloads = new CopyOnWriteArrayList<>();

		final List<EventBusApplicationEvent<Note>> envelopes = new CopyOnWriteArrayList<>();

		final List<NoteCreated> created = new CopyOnWriteArrayList<>();

		@EventListener
		void on(Note note) {
			this.payloads.add(note);
		}

		@EventListener
		void onEnvelope(EventBusApplicationEvent<Note> event) {
			this.envelopes.add(event);
		}

		@EventListener
		void on(NoteCreated note) {
			this.created.add(note);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Subscribers {

		final List<Event<NoteCreated>> created = new CopyOnWriteArrayList<>();

		final List<String> texts = new CopyOnWriteArrayList<>();

		@Subscribe(topic = "notes", group = "audit")
		void onEnvelope(Event<NoteCreated> event) {
			this.created.add(event);
		}

		@Subscribe(topic = "${test.topic:notes}")
		void onPayload(NoteCreated note) {
			this.texts.add(note.text());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FailingListener {

		@Bean
		SimpleApplicationEventMulticaster applicationEventMulticaster() {
			return new SimpleApplicationEventMulticaster();
		}

		@EventListener
		void on(Note note) {
			throw new IllegalStateException("listener failed");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Meters {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		ObservationRegistry observationRegistry(MeterRegistry meters) {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
			return registry;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement
	static class TransactionalListener {

		final List<Note> received = new CopyOnWriteArrayList<>();

		@Bean
		PlatformTransactionManager transactionManager() {
			return new InMemoryTransactionManager();
		}

		@TransactionalEventListener
		void on(Note note) {
			this.received.add(note);
		}

	}

	/**
	 * A transaction manager with no resource: enough for transaction synchronisation,
	 * which is what {@code @TransactionalEventListener} uses.
	 */
	static class InMemoryTransactionManager extends AbstractPlatformTransactionManager {

		@Override
		protected Object doGetTransaction() {
			return new Object();
		}

		@Override
		protected void doBegin(Object transaction, TransactionDefinition definition) {
		}

		@Override
		protected void doCommit(DefaultTransactionStatus status) {
		}

		@Override
		protected void doRollback(DefaultTransactionStatus status) {
		}

	}

}
