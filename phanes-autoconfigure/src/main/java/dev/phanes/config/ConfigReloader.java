package dev.phanes.config;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationListener;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.context.properties.ConfigurationPropertiesRebinder;
import org.springframework.cloud.context.scope.refresh.RefreshScope;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.CommandLinePropertySource;
import org.springframework.core.env.CompositePropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Reloads the application's configuration: loads every ConfigData import again (etcd
 * prefixes, files) into a candidate set of property sources, validates against it the
 * {@code @ConfigurationProperties} beans and {@link LiveProperties} handles whose prefix
 * the change affects (see {@link ChangedProperties}), and only then puts the new sources
 * into the environment, has Spring Cloud Context's rebinder rebind those beans and
 * publishes an {@link EnvironmentChangeEvent} with the changed keys;
 * {@code @RefreshScope} beans are refreshed too. A candidate that fails is rejected and
 * the last good values stay. Without a rebinder bean, the event's source is the context,
 * so that whatever listens rebinds everything, as after Spring Cloud's own refresh.
 * <p>
 * Changes are coalesced: the first change of a burst schedules one reload after the
 * coalesce delay, and changes seen meanwhile join it. Reloads run one at a time on one
 * daemon thread. {@link #requestReload} is thread-safe and never blocks.
 */
public class ConfigReloader implements ApplicationListener<ConfigChangedEvent>, DisposableBean {

	private static final Log logger = LogFactory.getLog(ConfigReloader.class);

	// Sources that a reload never replaces (Spring Cloud's ContextRefresher keeps the
	// same ones).
	private static final Set<String> STANDARD_SOURCES = Set.of(
			StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME,
			StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, "jndiProperties", "servletConfigInitParams",
			"servletContextInitParams", "configurationProperties");

	private static final List<String> RETAINED_SOURCES = List
		.of(CommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME, "defaultProperties");

	private final ConfigurableApplicationContext context;

	private final ConfigurationCandidateValidator validator;

	private final @Nullable RefreshScope refreshScope;

	private final @Nullable ConfigurationPropertiesRebinder rebinder;

	private final LiveProperties liveProperties;

	private final Duration coalesce;

	private final ObservationRegistry observationRegistry;

	private final @Nullable ConfigReloadObservationConvention convention;

	private final ScheduledExecutorService executor;

	private final Object lock = new Object();

	private @Nullable Reload pending;

	private final AtomicLong reloads = new AtomicLong();

	private volatile @Nullable Rejection lastRejection;

	/**
	 * Create a reloader.
	 * @param context the application context
	 * @param validator checks candidate values before they are applied
	 * @param refreshScope the refresh scope, if there is one
	 * @param rebinder Spring Cloud Context's rebinder, if there is one
	 * @param liveProperties the live handles to rebind
	 * @param coalesce how long to wait after the first change of a burst
	 * @param observationRegistry where reloads are observed
	 * @param convention a custom naming of reload observations, or {@code null}
	 */
	public ConfigReloader(ConfigurableApplicationContext context, ConfigurationCandidateValidator validator,
			@Nullable RefreshScope refreshScope, @Nullable ConfigurationPropertiesRebinder rebinder,
			LiveProperties liveProperties, Duration coalesce, ObservationRegistry observationRegistry,
			@Nullable ConfigReloadObservationConvention convention) {
		this.context = context;
		this.validator = validator;
		this.refreshScope = refreshScope;
		this.rebinder = rebinder;
		this.liveProperties = liveProperties;
		this.coalesce = coalesce;
		this.observationRegistry = observationRegistry;
		this.convention = convention;
		this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "phanes-config-reload");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * A watcher saw a change: reload soon, as {@link #requestReload(ConfigReloadSource)}.
	 * @param event the change
	 */
	@Override
	public void onApplicationEvent(ConfigChangedEvent event) {
		requestReload(event.getChanged());
	}

	/**
	 * Ask for a reload soon: within the coalesce delay after the first request of a
	 * burst.
	 * @param source what changed
	 */
	public void requestReload(ConfigReloadSource source) {
		synchronized (this.lock) {
			if (this.pending != null) {
				return;
			}
			this.pending = start(source);
		}
		try {
			this.executor.schedule(this::reloadPending, this.coalesce.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// closing: the application stops
		}
	}

	/**
	 * Reload now, on the caller's thread (waiting for a reload under way to finish).
	 * @param source what the reload is for
	 * @return how it ended
	 */
	public Result reload(ConfigReloadSource source) {
		return reload(start(source));
	}

	private Reload start(ConfigReloadSource source) {
		ConfigReloadObservationContext context = new ConfigReloadObservationContext(source);
		Observation observation = Observation
			.createNotStarted(this.convention, new DefaultConfigReloadObservationConvention(), () -> context,
					this.observationRegistry)
			.start();
		return new Reload(observation, context);
	}

	private void reloadPending() {
		Reload reload;
		synchronized (this.lock) {
			reload = this.pending;
			this.pending = null;
		}
		if (reload != null) {
			reload(reload);
		}
	}

	private synchronized Result reload(Reload reload) {
		Observation observation = reload.observation();
		ConfigReloadObservationContext context = reload.context();
		Result result;
		try {
			result = reloadNow(context.getSource());
		}
		catch (RuntimeException ex) {
			logger.error("Configuration reload (" + context.getSource() + ") failed; keeping the last good values", ex);
			observation.error(ex);
			result = new Result(ConfigReloadObservationContext.Outcome.ERROR, Set.of(), List.of(String.valueOf(ex)));
		}
		this.reloads.incrementAndGet();
		context.setOutcome(result.outcome());
		context.setChangedKeys(result.changedKeys());
		observation.stop();
		return result;
	}

	private Result reloadNow(ConfigReloadSource source) {
		ConfigurableEnvironment environment = this.context.getEnvironment();
		MutablePropertySources candidate;
		try {
			candidate = candidate(environment);
		}
		catch (InvalidConfigValueException ex) {
			return reject(source, List.of(ex.getMessage()));
		}
		Map<String, Object> candidateProperties = properties(candidate);
		Map<String, Object> changes = changes(properties(environment.getPropertySources()), candidateProperties);
		if (changes.isEmpty()) {
			return new Result(ConfigReloadObservationContext.Outcome.SUCCESS, Set.of(), List.of());
		}
		Set<String> keys = changes.keySet();
		ChangedProperties changed = ChangedProperties.of(keys, candidateProperties);
		List<String> problems = this.validator.validate(candidate, this.liveProperties.types(), changed::affects);
		if (!problems.isEmpty()) {
			return reject(source, problems);
		}
		this.lastRejection = null;
		merge(candidate, environment.getPropertySources());
		ConfigurationPropertiesRebinder rebinder = this.rebinder;
		if (rebinder != null) {
			// Only the beans the change affects; an event whose source is neither the
			// context nor its keys does not make the rebinder rebind every bean.
			this.validator.beanNames(changed::affects).forEach(rebinder::rebind);
			this.context.publishEvent(new EnvironmentChangeEvent(this, keys));
		}
		else {
			this.context.publishEvent(new EnvironmentChangeEvent(this.context, keys));
		}
		if (this.refreshScope != null) {
			this.refreshScope.refreshAll();
		}
		this.liveProperties.rebind(environment);
		logger.info("Configuration reloaded (" + source.name().toLowerCase(java.util.Locale.ROOT) + "); changed keys: "
				+ keys);
		return new Result(ConfigReloadObservationContext.Outcome.SUCCESS, Set.copyOf(keys), List.of());
	}

	private Result reject(ConfigReloadSource source, List<String> problems) {
		this.lastRejection = new Rejection(Instant.now(), source, problems);
		logger.warn("Rejected a configuration change (" + source.name().toLowerCase(java.util.Locale.ROOT)
				+ "), keeping the last good values; later changes are held back until this is fixed: "
				+ String.join("; ", problems));
		return new Result(ConfigReloadObservationContext.Outcome.REJECTED, Set.of(), problems);
	}

	// Loads the ConfigData imports again in a throwaway environment, as Spring Cloud's
	// ConfigDataContextRefresher does, but merges them into a copy of the sources.
	private MutablePropertySources candidate(ConfigurableEnvironment environment) {
		StandardEnvironment fresh = new StandardEnvironment();
		MutablePropertySources captured = fresh.getPropertySources();
		List<String> retained = new ArrayList<>(RETAINED_SOURCES);
		retained.addAll(Arrays.asList(environment
			.getProperty("spring.cloud.refresh.additional-property-sources-to-retain", String[].class, new String[0])));
		for (String name : retained) {
			PropertySource<?> source = environment.getPropertySources().get(name);
			if (source != null) {
				if (captured.contains(name)) {
					captured.replace(name, source);
				}
				else {
					captured.addLast(source);
				}
			}
		}
		fresh.setActiveProfiles(environment.getActiveProfiles());
		fresh.setDefaultProfiles(environment.getDefaultProfiles());
		ConfigurableBootstrapContext bootstrapContext = this.context.getBeanProvider(ConfigurableBootstrapContext.class)
			.getIfAvailable(DefaultBootstrapContext::new);
		ConfigDataEnvironmentPostProcessor.applyTo(fresh, this.context, bootstrapContext, List.of());
		MutablePropertySources candidate = new MutablePropertySources(environment.getPropertySources());
		merge(fresh.getPropertySources(), candidate);
		return candidate;
	}

	private static void merge(MutablePropertySources sources, MutablePropertySources target) {
		String previous = null;
		for (PropertySource<?> source : sources) {
			String name = source.getName();
			if (target.contains(name)) {
				previous = name;
			}
			if (STANDARD_SOURCES.contains(name)) {
				continue;
			}
			if (target.contains(name)) {
				target.replace(name, source);
			}
			else {
				if (previous != null) {
					target.addAfter(previous, source);
				}
				else {
					target.addFirst(source);
				}
				previous = name;
			}
		}
	}

	private static Map<String, Object> properties(MutablePropertySources sources) {
		Map<String, Object> properties = new HashMap<>();
		List<PropertySource<?>> reversed = new ArrayList<>();
		sources.forEach((source) -> reversed.add(0, source));
		for (PropertySource<?> source : reversed) {
			if (!STANDARD_SOURCES.contains(source.getName())) {
				collect(source, properties);
			}
		}
		return properties;
	}

	private static void collect(PropertySource<?> source, Map<String, Object> properties) {
		if (source instanceof CompositePropertySource composite) {
			List<PropertySource<?>> reversed = new ArrayList<>();
			composite.getPropertySources().forEach((nested) -> reversed.add(0, nested));
			reversed.forEach((nested) -> collect(nested, properties));
		}
		else if (source instanceof EnumerablePropertySource<?> enumerable) {
			for (String name : enumerable.getPropertyNames()) {
				properties.put(name, enumerable.getProperty(name));
			}
		}
	}

	private static Map<String, Object> changes(Map<String, Object> before, Map<String, Object> after) {
		Map<String, Object> changes = new HashMap<>();
		before.forEach((key, value) -> {
			if (!after.containsKey(key) || !Objects.equals(value, after.get(key))) {
				changes.put(key, after.get(key));
			}
		});
		Set<String> added = new HashSet<>(after.keySet());
		added.removeAll(before.keySet());
		added.forEach((key) -> changes.put(key, after.get(key)));
		return changes;
	}

	/**
	 * The last rejected change, until a later change is accepted.
	 * @return the rejection, or {@code null}
	 */
	public @Nullable Rejection lastRejection() {
		return this.lastRejection;
	}

	/**
	 * How many reloads ran, whatever their outcome.
	 * @return the count
	 */
	public long reloadCount() {
		return this.reloads.get();
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

	/**
	 * How a reload ended.
	 *
	 * @param outcome the outcome
	 * @param changedKeys the keys whose values changed (empty unless it succeeded)
	 * @param problems why the change was rejected, one line per property
	 */
	public record Result(ConfigReloadObservationContext.Outcome outcome, Set<String> changedKeys,
			List<String> problems) {

	}

	private record Reload(Observation observation, ConfigReloadObservationContext context) {

	}

	/**
	 * A rejected change.
	 *
	 * @param time when it was rejected
	 * @param source what triggered it
	 * @param problems why, one line per property
	 */
	public record Rejection(Instant time, ConfigReloadSource source, List<String> problems) {

	}

}
