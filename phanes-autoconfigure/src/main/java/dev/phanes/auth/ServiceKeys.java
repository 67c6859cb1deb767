package dev.phanes.auth;

import java.io.IOException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The signing keys of this service in the {@link KeyDirectory}: EC P-256 keys (ES256),
 * generated on first start and rotated every {@code rotation}. A new key is published
 * {@code publishAhead} before it is used, so that services which re-read the directory
 * periodically trust it before they see a token signed with it, and an old key stays
 * published for {@code retain} after its successor took over, so that tokens signed with
 * it stay valid until they expire. Instances of one service share its keys; whichever
 * finds a rotation due makes it, under the directory's lock. Thread-safe.
 */
final class ServiceKeys {

	private static final Log logger = LogFactory.getLog(ServiceKeys.class);

	private final KeyDirectory directory;

	private final String service;

	private final Duration rotation;

	private final Duration publishAhead;

	private final Duration retain;

	private final Clock clock;

	private volatile List<ECKey> keys = List.of();

	/**
	 * Load the service's keys, generating the first one if it has none.
	 * @param directory the key directory
	 * @param service this service's name
	 * @param rotation how long a key signs before the next one takes over; zero never
	 * rotates
	 * @param publishAhead how long a new key is published before it signs
	 * @param retain how long an old key stays published after its successor took over
	 * @param clock the clock
	 */
	ServiceKeys(KeyDirectory directory, String service, Duration rotation, Duration publishAhead, Duration retain,
			Clock clock) {
		this.directory = directory;
		this.service = service;
		this.rotation = rotation;
		this.publishAhead = publishAhead;
		this.retain = retain;
		this.clock = clock;
		refresh();
	}

	/**
	 * Re-read the keys, rotating them first if a rotation is due (or generating the first
	 * key), and drop keys no longer needed.
	 * @throws IllegalStateException if the directory cannot be read or written
	 */
	void refresh() {
		try {
			this.keys = this.directory.locked(this.service, this::update);
		}
		catch (IOException | ParseException | RuntimeException ex) {
			throw new IllegalStateException("Cannot read or write the keys of service '" + this.service + "' in "
					+ this.directory.path() + " (phanes.auth.keys.directory): " + ex.getMessage(), ex);
		}
	}

	private List<ECKey> update() throws IOException, ParseException {
		JWKSet stored = this.directory.readPrivate(this.service);
		List<ECKey> current = new ArrayList<>();
		if (stored != null) {
			for (JWK key : stored.getKeys()) {
				if (key instanceof ECKey ec && ec.isPrivate() && Curve.P_256.equals(ec.getCurve())) {
					current.add(ec);
				}
			}
		}
		current.sort(Comparator.comparing(ServiceKeys::activation));
		Instant now = this.clock.instant();
		boolean changed = false;
		if (current.isEmpty()) {
			// the first key signs at once: nobody holds a token of this service yet
			current.add(generate(now));
			changed = true;
		}
		else if (!this.rotation.isZero() && !activation(current.get(current.size() - 1)).plus(this.rotation)
			.isAfter(now.plus(this.publishAhead))) {
			current.add(generate(now.plus(this.publishAhead)));
			changed = true;
		}
		// keep the signing key, the keys after it, and earlier ones for `retain` after
		// their successor took over
		List<ECKey> kept = new ArrayList<>();
		for (int i = 0; i < current.size(); i++) {
			boolean superseded = i + 1 < current.size() && !activation(current.get(i + 1)).isAfter(now);
			if (superseded && !activation(current.get(i + 1)).plus(this.retain).isAfter(now)) {
				changed = true;
				continue;
			}
			kept.add(current.get(i));
		}
		if (changed) {
			List<JWK> publicKeys = new ArrayList<>();
			kept.forEach((key) -> publicKeys.add(key.toPublicJWK()));
			this.directory.write(this.service, new JWKSet(publicKeys), new JWKSet(new ArrayList<JWK>(kept)));
			logger.info("Keys of service '" + this.service + "' in " + this.directory.path() + ": "
					+ kept.stream().map(JWK::getKeyID).toList());
		}
		return List.copyOf(kept);
	}

	private ECKey generate(Instant activation) {
		try {
			return new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE)
				.keyID(this.service + "-" + UUID.randomUUID().toString().substring(0, 8))
				.issueTime(Date.from(this.clock.instant()))
				.notBeforeTime(Date.from(activation))
				.generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Cannot generate an EC P-256 key: " + ex.getMessage(), ex);
		}
	}

	private static Instant activation(ECKey key) {
		Date notBefore = key.getNotBeforeTime();
		return (notBefore != null) ? notBefore.toInstant() : Instant.EPOCH;
	}

	/**
	 * Return the key to sign with now: the latest one already active.
	 * @return the key
	 */
	ECKey signingKey() {
		Instant now = this.clock.instant();
		List<ECKey> current = this.keys;
		ECKey signing = current.get(0);
		for (ECKey key : current) {
			if (!activation(key).isAfter(now)) {
				signing = key;
			}
		}
		return signing;
	}

	/**
	 * Return the ids of the keys, oldest first.
	 * @return the ids
	 */
	List<String> keyIds() {
		return this.keys.stream().map(JWK::getKeyID).toList();
	}

}
