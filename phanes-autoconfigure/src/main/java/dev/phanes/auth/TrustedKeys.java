package dev.phanes.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The public keys this service trusts, per calling service: from the key directory
 * ({@code <service>.jwks.json}) and from configuration
 * ({@code phanes.auth.trusted-keys.<service>}, a JWK set, so that keys can be spread
 * through any configuration source, etcd included). A key is only ever looked up under
 * the service a token names as its issuer, so one service's key never vouches for
 * another. Nothing a network peer or a discovery record says adds a key. A service's keys
 * are re-read when a token names a key not yet known (at most once per
 * {@code minRereadInterval} per service) and by {@link #refresh()}. Only EC P-256 public
 * keys count; anything else in a set is ignored. Thread-safe.
 */
final class TrustedKeys {

	private static final Log logger = LogFactory.getLog(TrustedKeys.class);

	private final @Nullable KeyDirectory directory;

	private final Supplier<Map<String, String>> configured;

	private final Duration minRereadInterval;

	private final Clock clock;

	private final ConcurrentMap<String, Entry> byService = new ConcurrentHashMap<>();

	/**
	 * Create the trusted keys.
	 * @param directory the key directory, or {@code null} to trust configured keys only
	 * @param configured the configured JWK sets by service, read each time
	 * @param minRereadInterval how often at most a service's keys are re-read because a
	 * token named an unknown key
	 * @param clock the clock
	 */
	TrustedKeys(@Nullable KeyDirectory directory, Supplier<Map<String, String>> configured, Duration minRereadInterval,
			Clock clock) {
		this.directory = directory;
		this.configured = configured;
		this.minRereadInterval = minRereadInterval;
		this.clock = clock;
	}

	/**
	 * Return the key a service signs with under an id.
	 * @param service the issuer the token names
	 * @param keyId the key id the token names
	 * @return the public key, or {@code null} if it is not trusted
	 */
	@Nullable ECKey key(String service, String keyId) {
		if (!KeyDirectory.isServiceName(service)) {
			return null;
		}
		Entry entry = this.byService.get(service);
		ECKey key = (entry != null) ? entry.keys.get(keyId) : null;
		if (key != null) {
			return key;
		}
		Instant now = this.clock.instant();
		if (entry != null && entry.read.plus(this.minRereadInterval).isAfter(now)) {
			return null;
		}
		return load(service, now).keys.get(keyId);
	}

	/**
	 * Re-read the keys of every service seen so far.
	 */
	void refresh() {
		Instant now = this.clock.instant();
		for (String service : List.copyOf(this.byService.keySet())) {
			load(service, now);
		}
	}

	/**
	 * Return the ids of the trusted keys of the services seen so far.
	 * @return key ids by service
	 */
	Map<String, List<String>> keyIds() {
		Map<String, List<String>> ids = new TreeMap<>();
		this.byService.forEach((service, entry) -> ids.put(service, List.copyOf(entry.keys.keySet())));
		return ids;
	}

	private Entry load(String service, Instant now) {
		Map<String, ECKey> keys = new TreeMap<>();
		if (this.directory != null) {
			try {
				// a directory key is the issuer's only by its id too: on a file system
				// that
				// ignores case, ORDERS would read orders' file, but not match its ids
				add(keys, this.directory.readPublic(service), service + "-");
			}
			catch (Exception ex) {
				logger.warn("Cannot read the public keys of service '" + service + "' in " + this.directory.path()
						+ ": " + ex.getMessage());
				Entry previous = this.byService.get(service);
				if (previous != null) {
					keys.putAll(previous.keys);
				}
			}
		}
		String configuredSet = this.configured.get().get(service);
		if (configuredSet != null) {
			try {
				add(keys, JWKSet.parse(configuredSet), "");
			}
			catch (Exception ex) {
				logger.warn("phanes.auth.trusted-keys." + service + " is not a JWK set: " + ex.getMessage());
			}
		}
		Entry entry = new Entry(Map.copyOf(keys), now);
		if (keys.isEmpty()) {
			// not kept: tokens naming made-up issuers must not grow this map
			this.byService.remove(service);
		}
		else {
			this.byService.put(service, entry);
		}
		return entry;
	}

	private static void add(Map<String, ECKey> keys, @Nullable JWKSet set, String idPrefix) {
		if (set == null) {
			return;
		}
		for (JWK key : set.getKeys()) {
			if (key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve()) && ec.getKeyID() != null
					&& ec.getKeyID().startsWith(idPrefix)) {
				keys.put(ec.getKeyID(), ec.toPublicJWK());
			}
		}
	}

	private record Entry(Map<String, ECKey> keys, Instant read) {
	}

}
