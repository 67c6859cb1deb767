package dev.phanes.config.etcd;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import org.jspecify.annotations.Nullable;

import dev.phanes.config.ConfigException;
import dev.phanes.config.ConfigProperties;

/**
 * The etcd client of the config block: reads the prefixes imported with
 * {@code spring.config.import=etcd:…} and keeps the last values read from each, so that a
 * reload while etcd is unreachable keeps them instead of dropping them.
 * <p>
 * Created when the first {@code etcd:} import is resolved, before the application context
 * exists, and then registered in the context as the bean {@code phanesEtcdConfigClient},
 * which closes it. Thread-safe.
 */
public class EtcdConfigClient implements AutoCloseable {

	private final Client client;

	private final List<String> endpoints;

	private final Duration requestTimeout;

	private final Duration retryInterval;

	private final Set<String> prefixes = ConcurrentHashMap.newKeySet();

	private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();

	private final AtomicReference<@Nullable CompletableFuture<Void>> probe = new AtomicReference<>();

	private volatile @Nullable Contact lastContact;

	/**
	 * Create a client; it connects on first use.
	 * @param etcd the settings
	 * @return the client
	 */
	static EtcdConfigClient create(ConfigProperties.Etcd etcd) {
		ClientBuilder builder = Client.builder()
			.endpoints(etcd.getEndpoints().toArray(String[]::new))
			.connectTimeout(etcd.getConnectTimeout());
		if (etcd.getUser() != null) {
			builder.user(bytes(etcd.getUser()));
			builder.password(bytes((etcd.getPassword() != null) ? etcd.getPassword() : ""));
		}
		ConfigProperties.Tls tls = etcd.getTls();
		if (tls.getTrustCertificates() != null || tls.getCertificate() != null) {
			try {
				builder.sslContext((ssl) -> {
					if (tls.getTrustCertificates() != null) {
						ssl.trustManager(tls.getTrustCertificates().toFile());
					}
					Path certificate = tls.getCertificate();
					Path privateKey = tls.getPrivateKey();
					if (certificate != null && privateKey != null) {
						ssl.keyManager(certificate.toFile(), privateKey.toFile());
					}
				});
			}
			catch (SSLException ex) {
				throw new ConfigException(
						"Cannot set up TLS for etcd from phanes.config.etcd.tls.*: " + ex.getMessage(), ex);
			}
		}
		return new EtcdConfigClient(builder.build(), etcd);
	}

	EtcdConfigClient(Client client, ConfigProperties.Etcd etcd) {
		this.client = client;
		this.endpoints = List.copyOf(etcd.getEndpoints());
		this.requestTimeout = etcd.getRequestTimeout();
		this.retryInterval = etcd.getRetryInterval();
	}

	/**
	 * Read every key under a prefix and remember the result as its last good values.
	 * @param prefix the prefix, ending in {@code /}
	 * @return the properties and the revision they were read at
	 * @throws EtcdUnavailableException if etcd does not answer within the request timeout
	 * @throws InvalidEtcdValueException if a document under the prefix does not parse
	 */
	Snapshot load(String prefix) {
		GetResponse response = await(
				this.client.getKVClient().get(bytes(prefix), GetOption.builder().isPrefix(true).build()),
				"read the prefix " + prefix);
		Map<String, byte[]> entries = new LinkedHashMap<>();
		for (KeyValue keyValue : response.getKvs()) {
			entries.put(keyValue.getKey().toString(StandardCharsets.UTF_8), keyValue.getValue().getBytes());
		}
		// In etcd's key order, so that maps bind in the order their keys sort.
		Snapshot snapshot = new Snapshot(response.getHeader().getRevision(),
				Collections.unmodifiableMap(EtcdKeyMapper.properties(prefix, entries)));
		this.snapshots.put(prefix, snapshot);
		reached(snapshot.revision());
		return snapshot;
	}

	/**
	 * Ask etcd in the background whether it answers, unless such a question is already
	 * out; the answer (or its absence after the request timeout) becomes the
	 * {@link #lastContact() last contact}. Never blocks.
	 * @param prefix a prefix to count the keys of
	 */
	void probe(String prefix) {
		CompletableFuture<Void> running = this.probe.get();
		if (running != null && !running.isDone()) {
			return;
		}
		CompletableFuture<Void> mine = new CompletableFuture<>();
		if (!this.probe.compareAndSet(running, mine)) {
			return;
		}
		this.client.getKVClient()
			.get(bytes(prefix), GetOption.builder().isPrefix(true).withCountOnly(true).build())
			.orTimeout(this.requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
			.whenComplete((response, failure) -> {
				if (failure == null) {
					reached(response.getHeader().getRevision());
				}
				else {
					unreachable((failure instanceof TimeoutException)
							? "no answer within " + this.requestTimeout.toMillis() + " ms" : failure.toString());
				}
				mine.complete(null);
			});
	}

	/**
	 * What is known of etcd from the last request that reached it or failed to: a read, a
	 * probe or a watch.
	 * @return the last contact, or {@code null} before the first
	 */
	@Nullable Contact lastContact() {
		return this.lastContact;
	}

	/**
	 * Record that etcd answered.
	 * @param revision the revision of the store it answered at
	 */
	void reached(long revision) {
		this.lastContact = new Contact(true, revision, null, Instant.now());
	}

	/**
	 * Record that etcd did not answer.
	 * @param error what went wrong
	 */
	void unreachable(String error) {
		Contact last = this.lastContact;
		this.lastContact = new Contact(false, (last != null) ? last.revision() : 0, error, Instant.now());
	}

	private <T> T await(CompletableFuture<T> future, String what) {
		try {
			return future.get(this.requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw unavailable("could not " + what + " within " + this.requestTimeout.toMillis() + " ms", ex);
		}
		catch (ExecutionException ex) {
			throw unavailable("could not " + what + ": " + ex.getCause(), ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			future.cancel(true);
			throw new EtcdUnavailableException(this.endpoints, "interrupted trying to " + what, ex);
		}
	}

	private EtcdUnavailableException unavailable(String message, Throwable cause) {
		unreachable(message);
		return new EtcdUnavailableException(this.endpoints, message, cause);
	}

	/**
	 * The values last read from a prefix.
	 * @param prefix the prefix
	 * @return the last good snapshot, or {@code null} if the prefix was never read
	 */
	@Nullable Snapshot lastGood(String prefix) {
		return this.snapshots.get(prefix);
	}

	void addPrefix(String prefix) {
		this.prefixes.add(prefix);
	}

	/**
	 * The prefixes imported so far.
	 * @return the prefixes, sorted
	 */
	List<String> prefixes() {
		List<String> sorted = new ArrayList<>(this.prefixes);
		sorted.sort(null);
		return sorted;
	}

	/**
	 * The endpoints this client connects to.
	 * @return the endpoints
	 */
	List<String> endpoints() {
		return this.endpoints;
	}

	/**
	 * Time to wait before retrying a failed watch.
	 * @return the interval
	 */
	Duration retryInterval() {
		return this.retryInterval;
	}

	/**
	 * The jetcd client, for watches.
	 * @return the client
	 */
	Client jetcd() {
		return this.client;
	}

	@Override
	public void close() {
		this.client.close();
	}

	static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

	/**
	 * The outcome of the last request to etcd.
	 *
	 * @param reached whether etcd answered it
	 * @param revision the revision etcd answered at, or the last one known when it did
	 * not answer ({@code 0} if it never did)
	 * @param error why it failed, when it did
	 * @param at when the outcome was known
	 */
	record Contact(boolean reached, long revision, @Nullable String error, Instant at) {

	}

	/**
	 * The properties under a prefix at one revision of etcd.
	 *
	 * @param revision the revision of the store when they were read
	 * @param properties the properties, by name
	 */
	record Snapshot(long revision, Map<String, Object> properties) {

	}

}
