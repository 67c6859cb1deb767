package dev.phanes.auth;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The embedded key model: this service's signing keys in a directory shared by the
 * services of one machine, and the public keys it trusts from there and from
 * configuration, both read again every {@code reload} on a daemon thread (which also
 * makes this service's key rotations). A new key is published two reload periods before
 * it signs; an old one stays published for a token lifetime, the clock skew and a reload
 * period after its successor took over.
 */
public final class EmbeddedKeys implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(EmbeddedKeys.class);

	private final ServiceKeys own;

	private final TrustedKeys trusted;

	private final ScheduledExecutorService refresher;

	/**
	 * Load or create this service's keys and start reading the directory again
	 * periodically.
	 * @param directory the key directory
	 * @param service this service's name
	 * @param rotation how long a key signs, 0 for ever
	 * @param reload how often the directory is read again
	 * @param tokenTtl the lifetime of tokens
	 * @param clockSkew the tolerated clock skew
	 * @param configured the configured trusted JWK sets by service, read each time
	 * @param clock the clock
	 */
	public EmbeddedKeys(Path directory, String service, Duration rotation, Duration reload, Duration tokenTtl,
			Duration clockSkew, Supplier<Map<String, String>> configured, Clock clock) {
		KeyDirectory keys = new KeyDirectory(directory);
		this.own = new ServiceKeys(keys, service, rotation, reload.multipliedBy(2),
				tokenTtl.plus(clockSkew).plus(reload), clock);
		this.trusted = new TrustedKeys(keys, configured, Duration.ofSeconds(1), clock);
		this.refresher = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "phanes-auth-keys");
			thread.setDaemon(true);
			return thread;
		});
		this.refresher.scheduleWithFixedDelay(this::refresh, reload.toMillis(), reload.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	/**
	 * Read the directory again: rotate this service's keys if due, and re-read the
	 * trusted keys.
	 */
	public void refresh() {
		try {
			this.own.refresh();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not refresh this service's keys; the current ones stay in use: " + ex.getMessage());
		}
		try {
			this.trusted.refresh();
		}
		catch (RuntimeException ex) {
			// a failure must not end the periodic refresh
			logger.warn("Could not re-read the trusted keys; the current ones stay trusted: " + ex.getMessage());
		}
	}

	/**
	 * Return the ids of this service's keys, oldest first.
	 * @return the ids
	 */
	public List<String> signingKeyIds() {
		return this.own.keyIds();
	}

	ServiceKeys own() {
		return this.own;
	}

	TrustedKeys trusted() {
		return this.trusted;
	}

	@Override
	public void close() {
		this.refresher.shutdownNow();
	}

}
