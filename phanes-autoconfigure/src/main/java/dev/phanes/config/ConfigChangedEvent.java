package dev.phanes.config;

import org.springframework.context.ApplicationEvent;

/**
 * Published by a watcher when a configuration source it watches changed: the
 * {@link ConfigReloader} listens and reloads, after its coalesce delay. Watchers know
 * nothing of the reloader, so a new source only has to publish this event.
 */
public class ConfigChangedEvent extends ApplicationEvent {

	private final ConfigReloadSource changed;

	/**
	 * Create an event.
	 * @param watcher the watcher that saw the change
	 * @param changed which kind of source changed
	 */
	public ConfigChangedEvent(Object watcher, ConfigReloadSource changed) {
		super(watcher);
		this.changed = changed;
	}

	/**
	 * Which kind of source changed.
	 * @return the source
	 */
	public ConfigReloadSource getChanged() {
		return this.changed;
	}

}
