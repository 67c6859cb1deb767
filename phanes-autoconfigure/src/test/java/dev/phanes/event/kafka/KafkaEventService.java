package dev.phanes.event.kafka;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.ObservationView;

import dev.phanes.event.EventBusApplicationEvent;
import dev.phanes.event.EventName;
import dev.phanes.event.ExportedEvent;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

/**
 * A service for Kafka event tests: the auto-configured bus over a given broker, a meter
 * registry that Boot's observation auto-configuration records timers in, a recorder of
 * observations and a listener of {@link NoteCreated} events. It scans no packages.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
		"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration" })
public class KafkaEventService {

	/**
	 * Start a service.
	 * @param bootstrapServers the broker
	 * @param name the application name, which is also its group
	 * @param arguments more properties as {@code --name=value}
	 * @return the running context
	 */
	static ConfigurableApplicationContext run(String bootstrapServers, String name, String... arguments) {
		String[] base = { "--spring.application.name=" + name, "--phanes.event.type=kafka",
				"--spring.kafka.bootstrap-servers=" + bootstrapServers, "--phanes.event.kafka.topic.create=true",
				"--phanes.event.kafka.topic.partitions=2", "--phanes.event.kafka.retry.initial-interval=100ms",
				"--phanes.discovery.enabled=false", "--spring.main.banner-mode=off",
				"--spring.kafka.consumer.properties.session.timeout.ms=6000",
				"--spring.kafka.consumer.properties.heartbeat.interval.ms=500" };
		String[] all = new String[base.length + arguments.length];
		System.arraycopy(base, 0, all, 0, base.length);
		System.arraycopy(arguments, 0, all, base.length, arguments.length);
		return new SpringApplicationBuilder(KafkaEventService.class).web(WebApplicationType.NONE).run(all);
	}

	@Bean
	MeterRegistry meterRegistry() {
		return new SimpleMeterRegistry();
	}

	@Bean
	ObservationRecorder observationRecorder() {
		return new ObservationRecorder();
	}

	// Boot's observation auto-configuration adds its meter handler (and the handler
	// beans, the recorder among them) to this registry: adding a meter handler here too
	// would record every timer twice.
	@Bean
	ObservationRegistry observationRegistry(ObservationRecorder recorder) {
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(recorder);
		return registry;
	}

	@Bean
	NoteListener noteListener() {
		return new NoteListener();
	}

	/**
	 * A payload exported to the topic {@code notes-bridge} when published as an
	 * application event.
	 *
	 * @param id the note id
	 * @param text the text
	 */
	@EventName("note-created")
	@ExportedEvent(topic = "notes-bridge", key = "id")
	record NoteCreated(String id, String text) {

	}

	/**
	 * A plain payload.
	 *
	 * @param text the text
	 */
	record Note(String text) {

	}

	/**
	 * Records the {@link NoteCreated} events the application's listeners receive.
	 */
	static class NoteListener {

		final List<NoteCreated> payloads = new CopyOnWriteArrayList<>();

		final List<EventBusApplicationEvent<NoteCreated>> remote = new CopyOnWriteArrayList<>();

		@EventListener
		void on(NoteCreated note) {
			this.payloads.add(note);
		}

		@EventListener
		void on(EventBusApplicationEvent<NoteCreated> event) {
			if (event.isRemote()) {
				this.remote.add(event);
			}
		}

	}

	/**
	 * Records each observation started, with the name of its parent.
	 */
	static class ObservationRecorder implements ObservationHandler<Observation.Context> {

		final List<String> started = new CopyOnWriteArrayList<>();

		@Override
		public void onStart(Observation.Context context) {
			ObservationView parent = context.getParentObservation();
			this.started
				.add(context.getName() + " < " + ((parent != null) ? parent.getContextView().getName() : "none"));
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

}
