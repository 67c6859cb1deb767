package dev.phanes.auth;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The rules in force: bound from {@code phanes.auth.rules} in the environment at start
 * and again whenever the configuration changes. A rule set that does not compile is
 * refused whole: the previous one stays in force, and the refusal is logged, counted and
 * shown in health until a valid set arrives. Requests read the compiled set without
 * locking.
 */
public final class RuleSource {

	private static final Log logger = LogFactory.getLog(RuleSource.class);

	private final Environment environment;

	private final AuthObserver observer;

	private final Clock clock;

	private final AtomicReference<RuleSet> current = new AtomicReference<>(RuleSet.empty());

	private volatile @Nullable Rejection lastRejection;

	private volatile Instant loadedAt;

	/**
	 * Load the rules.
	 * @param environment the environment to bind them from
	 * @param observer told of rejected sets
	 * @param clock the clock
	 * @throws InvalidRulesException if the rules at start are invalid
	 */
	public RuleSource(Environment environment, AuthObserver observer, Clock clock) {
		this.environment = environment;
		this.observer = observer;
		this.clock = clock;
		this.current.set(RuleSet.compile(bind()));
		this.loadedAt = clock.instant();
	}

	private List<AuthRule> bind() {
		return Binder.get(this.environment)
			.bind("phanes.auth.rules", Bindable.listOf(AuthRule.class))
			.orElseGet(List::of);
	}

	/**
	 * Return the rules in force.
	 * @return them
	 */
	public RuleSet rules() {
		return this.current.get();
	}

	/**
	 * Bind and compile the rules again; keep the current ones if the new ones are
	 * invalid.
	 * @return whether the new rules are in force
	 */
	public synchronized boolean reload() {
		RuleSet next;
		try {
			next = RuleSet.compile(bind());
		}
		catch (RuntimeException ex) {
			this.lastRejection = new Rejection(this.clock.instant(), ex.getMessage());
			this.observer.rulesRejected();
			logger.warn("Auth rules rejected, the previous " + this.current.get().size() + " stay in force: "
					+ ex.getMessage());
			return false;
		}
		RuleSet previous = this.current.getAndSet(next);
		this.lastRejection = null;
		this.loadedAt = this.clock.instant();
		if (!previous.rules().toString().equals(next.rules().toString())) {
			logger.info("Auth rules reloaded: " + next.size() + " rules");
		}
		return true;
	}

	/**
	 * Return the last refusal of a rule set, while the set in force is older than it.
	 * @return the refusal, or {@code null}
	 */
	public @Nullable Rejection lastRejection() {
		return this.lastRejection;
	}

	/**
	 * Return when the rules in force were loaded.
	 * @return the time
	 */
	public Instant loadedAt() {
		return this.loadedAt;
	}

	/**
	 * A refused rule set.
	 *
	 * @param at when
	 * @param reason every problem found
	 */
	public record Rejection(Instant at, String reason) {
	}

}
