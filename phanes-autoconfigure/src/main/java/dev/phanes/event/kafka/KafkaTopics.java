package dev.phanes.event.kafka;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.NewTopic;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.KafkaAdmin;

/**
 * Creates each topic the transport uses, with its dead-letter topic, on first use when
 * {@code phanes.event.kafka.topic.create} is set. A broker that is down does not stop the
 * application: a topic that cannot be created is logged once at WARN, and its creation is
 * tried again on the next use; meanwhile the broker creates it on first use if it is
 * allowed to ({@code auto.create.topics.enable}). Thread-safe.
 */
final class KafkaTopics {

	private static final Log logger = LogFactory.getLog(KafkaTopics.class);

	private final KafkaEventSettings.Topic creation;

	private final String deadLetterSuffix;

	private final @Nullable KafkaAdmin admin;

	private final Set<String> created = ConcurrentHashMap.newKeySet();

	private final Set<String> uncreated = ConcurrentHashMap.newKeySet();

	KafkaTopics(KafkaEventSettings settings, @Nullable KafkaAdmin admin) {
		this.creation = settings.topic();
		this.deadLetterSuffix = settings.deadLetterSuffix();
		this.admin = admin;
	}

	/**
	 * Whether using a topic needs no creation attempt: creation is off, or the topic was
	 * created.
	 * @param topic the topic
	 * @return {@code true} if nothing is left to do for it
	 */
	boolean isReady(String topic) {
		return !this.creation.create() || this.admin == null || this.created.contains(topic);
	}

	/**
	 * Create a topic and its dead-letter topic unless that was done; log a failure.
	 * @param topic the topic
	 * @param meanwhile what the caller does anyway, for the log
	 */
	void createOrWarn(String topic, String meanwhile) {
		try {
			create(topic);
			this.uncreated.remove(topic);
		}
		catch (RuntimeException ex) {
			if (this.uncreated.add(topic)) {
				logger.warn("Could not create topic '" + topic + "' (is the broker down?); " + meanwhile
						+ ", and creation is tried again on the next publication: " + ex.getMessage());
			}
			else {
				logger.debug("Could not create topic '" + topic + "' again: " + ex.getMessage());
			}
		}
	}

	private void create(String topic) {
		KafkaAdmin admin = this.admin;
		if (!this.creation.create() || admin == null || !this.created.add(topic)) {
			return;
		}
		try {
			admin.createOrModifyTopics(new NewTopic(topic, this.creation.partitions(), this.creation.replicas()),
					new NewTopic(topic + this.deadLetterSuffix, this.creation.partitions(), this.creation.replicas()));
		}
		catch (RuntimeException ex) {
			this.created.remove(topic);
			throw ex;
		}
	}

}
