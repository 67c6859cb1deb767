package dev.phanes.loadbalancer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Outlier detection for the instances of one service, shared by every client that calls
 * it (the HTTP clients through Spring Cloud LoadBalancer, gRPC channels through Phanes'
 * policy): an instance whose calls fail {@code consecutiveFailures} times in a row is
 * ejected, left out of the choice for a time that doubles each time it is ejected again
 * (from the base time up to the longest), and then returned on probation. On probation,
 * its first failure ejects it again for the next, longer time; its first success ends
 * probation and the time starts from the base again.
 * <p>
 * At most {@code maxEjectionPercent} of the service's instances are ejected at once (and
 * never the last one): a failure that would eject one more leaves the instance in, so a
 * service whose every instance fails keeps most of them in the choice. The cap is checked
 * when an instance is ejected, against the number of instances the service last had, and
 * again on every list {@link #filter filtered}, so a list that shrank never loses more
 * than its share. Healthy instances keep their hash keys: the list is only shortened, and
 * rendezvous hashing gives the remaining instances the same keys.
 * <p>
 * Thread-safe. While no instance has a record (the normal case), recording a success and
 * filtering a list cost one map check and take no lock.
 */
public class OutlierEjection {

	private final String serviceId;

	private final int consecutiveFailures;

	private final Duration baseTime;

	private final Duration maxTime;

	private final int maxEjectionPercent;

	private final Clock clock;

	private final ConcurrentHashMap<String, InstanceRecord> records = new ConcurrentHashMap<>();

	private static final long SWEEP_INTERVAL_MILLIS = 1_000;

	private volatile int knownInstances;

	private volatile long lastSweep;

	/**
	 * Create the outlier detection of a service.
	 * @param serviceId the service
	 * @param consecutiveFailures failures in a row that eject an instance, at least 1
	 * @param baseTime how long the first ejection lasts; zero turns ejection off
	 * @param maxTime the longest ejection, at least the base time
	 * @param maxEjectionPercent the largest share of the service's instances ejected at
	 * once, 0 to 100
	 * @param clock the clock deciding when ejections end
	 */
	public OutlierEjection(String serviceId, int consecutiveFailures, Duration baseTime, Duration maxTime,
			int maxEjectionPercent, Clock clock) {
		if (consecutiveFailures < 1) {
			throw new IllegalArgumentException("consecutiveFailures must be at least 1");
		}
		if (maxEjectionPercent < 0 || maxEjectionPercent > 100) {
			throw new IllegalArgumentException("maxEjectionPercent must be between 0 and 100");
		}
		this.serviceId = serviceId;
		this.consecutiveFailures = consecutiveFailures;
		this.baseTime = baseTime;
		this.maxTime = (maxTime.compareTo(baseTime) < 0) ? baseTime : maxTime;
		this.maxEjectionPercent = maxEjectionPercent;
		this.clock = clock;
	}

	/**
	 * The service whose instances this decides on.
	 * @return the service id
	 */
	public String getServiceId() {
		return this.serviceId;
	}

	/**
	 * Whether instances are ejected at all: not with a base time of zero or a share of 0.
	 * @return whether ejection is on
	 */
	public boolean isEnabled() {
		return !this.baseTime.isZero() && !this.baseTime.isNegative() && this.maxEjectionPercent > 0;
	}

	/**
	 * Whether no instance has a record and the service's size is known, so that lists
	 * need no filtering.
	 * @return whether nothing is ejected or failing
	 */
	public boolean isQuiet() {
		return this.records.isEmpty() && this.knownInstances > 0;
	}

	/**
	 * Record a successful call: the instance's failures in a row start again from zero,
	 * and an instance on probation is healthy again.
	 * @param instance the identity of the instance
	 */
	public void success(String instance) {
		if (this.records.isEmpty() || !this.records.containsKey(instance)) {
			return;
		}
		synchronized (this) {
			long now = this.clock.millis();
			InstanceRecord current = this.records.get(instance);
			// A call that started before the ejection decides nothing.
			if (current != null && current.ejectedUntil <= now) {
				this.records.remove(instance);
			}
		}
	}

	/**
	 * Record a failed call (a connection error, a failure status, a deadline exceeded).
	 * @param instance the identity of the instance
	 * @return whether the instance was ejected by this failure
	 */
	public boolean failure(String instance) {
		if (!isEnabled()) {
			return false;
		}
		synchronized (this) {
			long now = this.clock.millis();
			InstanceRecord current = this.records.get(instance);
			if (current != null && current.ejectedUntil > now) {
				return false;
			}
			forgetStale(now);
			int failures = (current != null) ? current.failures + 1 : 1;
			int ejections = (current != null) ? current.ejections : 0;
			boolean onProbation = ejections > 0;
			if ((failures >= this.consecutiveFailures || onProbation) && ejectedCount(now) < allowed()) {
				long until = now + ejectionTime(ejections + 1).toMillis();
				this.records.put(instance, new InstanceRecord(0, ejections + 1, until, now, now));
				return true;
			}
			this.records.put(instance, new InstanceRecord(failures, ejections, 0, 0, now));
			return false;
		}
	}

	/**
	 * Whether an instance is ejected now.
	 * @param instance the identity of the instance
	 * @return whether it is left out of the choice
	 */
	public boolean isEjected(String instance) {
		if (this.records.isEmpty()) {
			return false;
		}
		InstanceRecord record = this.records.get(instance);
		return record != null && record.ejectedUntil > this.clock.millis();
	}

	/**
	 * Leave the ejected instances out of a list of the service's instances, never more
	 * than the allowed share of the list; the list itself when none is left out.
	 * @param <T> the type of the instances
	 * @param instances the instances
	 * @param identity the identity of an instance
	 * @return the instances to choose from
	 */
	public <T> List<T> filter(List<T> instances, Function<T, String> identity) {
		if (instances.size() > this.knownInstances) {
			// The largest list seen: a retry's list without the instance just tried, or a
			// gRPC list of the instances that publish a port, is not the service's size.
			// Written only when it grows: callers on many threads read it.
			this.knownInstances = instances.size();
		}
		if (this.records.isEmpty()) {
			return instances;
		}
		long now = this.clock.millis();
		if (now - this.lastSweep >= SWEEP_INTERVAL_MILLIS) {
			this.lastSweep = now;
			synchronized (this) {
				forgetStale(now);
			}
		}
		List<T> ejected = null;
		for (T instance : instances) {
			InstanceRecord record = this.records.get(identity.apply(instance));
			if (record != null && record.ejectedUntil > now) {
				if (ejected == null) {
					ejected = new ArrayList<>();
				}
				ejected.add(instance);
			}
		}
		if (ejected == null) {
			return instances;
		}
		int allowed = allowed(instances.size());
		if (ejected.size() > allowed) {
			// The list shrank under its ejections: keep out only the earliest ejected.
			ejected.sort(Comparator.comparingLong((T instance) -> ejectedAt(identity.apply(instance))));
			ejected = ejected.subList(0, allowed);
		}
		List<T> remaining = new ArrayList<>(instances.size() - ejected.size());
		for (T instance : instances) {
			if (!ejected.contains(instance)) {
				remaining.add(instance);
			}
		}
		return remaining;
	}

	/**
	 * How many instances are ejected now.
	 * @return the count
	 */
	public int ejectedCount() {
		return ejectedCount(this.clock.millis());
	}

	/**
	 * The instances that have a record now: ejected, on probation, or failing.
	 * @return each instance's state, by identity
	 */
	public Map<String, InstanceState> states() {
		long now = this.clock.millis();
		Map<String, InstanceState> states = new TreeMap<>();
		this.records.forEach((instance, record) -> states.put(instance,
				new InstanceState(record.ejectedUntil > now, record.failures, record.ejections,
						(record.ejectedUntil > now) ? Instant.ofEpochMilli(record.ejectedUntil) : null)));
		return states;
	}

	private int ejectedCount(long now) {
		int count = 0;
		for (InstanceRecord record : this.records.values()) {
			if (record.ejectedUntil > now) {
				count++;
			}
		}
		return count;
	}

	private int allowed() {
		int known = this.knownInstances;
		// Before any list was seen, one at a time: filtering caps it by the list.
		return (known == 0) ? 1 : allowed(known);
	}

	private int allowed(int instances) {
		if (instances <= 1) {
			return 0;
		}
		int share = instances * this.maxEjectionPercent / 100;
		return Math.min(Math.max(share, 1), instances - 1);
	}

	private long ejectedAt(String instance) {
		InstanceRecord record = this.records.get(instance);
		return (record != null) ? record.ejectedAt : Long.MAX_VALUE;
	}

	private Duration ejectionTime(int ejection) {
		Duration time = this.baseTime;
		for (int i = 1; i < ejection && time.compareTo(this.maxTime) < 0; i++) {
			time = time.multipliedBy(2);
		}
		return (time.compareTo(this.maxTime) > 0) ? this.maxTime : time;
	}

	/**
	 * The state of an instance that has a record.
	 *
	 * @param ejected whether it is ejected now
	 * @param failures its failures in a row since its last success or ejection
	 * @param ejections how many times in a row it was ejected (its back-off)
	 * @param until when its ejection ends, if it is ejected
	 */
	public record InstanceState(boolean ejected, int failures, int ejections, @Nullable Instant until) {

	}

	/**
	 * Forget instances that are neither ejected nor heard of for twice the longest
	 * ejection: those that left discovery, whose records nothing else removes.
	 */
	private void forgetStale(long now) {
		long horizon = now - 2 * this.maxTime.toMillis();
		this.records.values().removeIf((record) -> record.ejectedUntil <= now && record.lastFailure < horizon);
	}

	private record InstanceRecord(int failures, int ejections, long ejectedUntil, long ejectedAt, long lastFailure) {

	}

}
