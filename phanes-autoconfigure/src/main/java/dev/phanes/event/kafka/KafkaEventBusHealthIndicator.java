package dev.phanes.event.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the event bus's broker connection: up with the cluster id and the number of
 * brokers when the cluster answers within the timeout. It belongs in the readiness group,
 * never liveness: a broker outage takes an instance out of rotation, it is no reason to
 * restart it.
 */
public class KafkaEventBusHealthIndicator extends AbstractHealthIndicator implements DisposableBean {

	private final Map<String, Object> adminProperties;

	private final Duration timeout;

	private @Nullable AdminClient client;

	/**
	 * Create the indicator.
	 * @param adminProperties properties of the admin client (Boot's KafkaAdmin
	 * configuration)
	 * @param timeout how long to wait for the cluster to answer
	 */
	public KafkaEventBusHealthIndicator(Map<String, Object> adminProperties, Duration timeout) {
		super("Kafka health check failed");
		this.adminProperties = Map.copyOf(adminProperties);
		this.timeout = timeout;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) throws Exception {
		DescribeClusterResult cluster = client()
			.describeCluster(new DescribeClusterOptions().timeoutMs((int) this.timeout.toMillis()));
		String clusterId = cluster.clusterId().get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		Collection<Node> nodes = cluster.nodes().get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		builder.up().withDetail("clusterId", clusterId).withDetail("brokers", nodes.size());
	}

	private synchronized AdminClient client() {
		if (this.client == null) {
			this.client = AdminClient.create(this.adminProperties);
		}
		return this.client;
	}

	@Override
	public synchronized void destroy() {
		if (this.client != null) {
			this.client.close(Duration.ofSeconds(1));
			this.client = null;
		}
	}

}
