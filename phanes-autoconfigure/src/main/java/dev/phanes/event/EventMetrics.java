package dev.phanes.event;

/**
 * Counts what happens to events, per transport and topic.
 */
public interface EventMetrics {

	/**
	 * Metrics that go nowhere, when Micrometer is absent.
	 */
	EventMetrics NONE = new EventMetrics() {

		@Override
		public void published(String transport, String topic) {
		}

		@Override
		public void delivered(String transport, String topic) {
		}

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
	 * Count an event the transport took.
	 * @param transport the transport
	 * @param topic the topic
	 */
	void published(String transport, String topic);

	/**
	 * Count an event a subscriber handled.
	 * @param transport the transport
	 * @param topic the topic
	 */
	void delivered(String transport, String topic);

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
