package dev.phanes.event;

/**
 * Counts what happens to events, per transport and topic, beyond what the
 * {@code phanes.event.publish} and {@code phanes.event.deliver} observations time and
 * count: failures, redeliveries and dead letters.
 */
public interface EventMetrics {

	/**
	 * Metrics that go nowhere, when Micrometer is absent.
	 */
	EventMetrics NONE = new EventMetrics() {

		@Override
		public void failed(String transport, String topic) {
		}

		@Override
		public void retried(String transport, String topic) {
		}

		@Override
		public void deadLettered(String transport, String topic) {
		}

	};

	/**
	 * Count a failed publication or delivery.
	 * @param transport the transport
	 * @param topic the topic
	 */
	void failed(String transport, String topic);

	/**
	 * Count a delivery attempted again after a failure.
	 * @param transport the transport
	 * @param topic the topic
	 */
	void retried(String transport, String topic);

	/**
	 * Count an event moved to the dead-letter topic.
	 * @param transport the transport
	 * @param topic the topic it was published to
	 */
	void deadLettered(String transport, String topic);

}
