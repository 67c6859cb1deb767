package dev.phanes.config;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashSet;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;

/**
 * Watches the configuration files the environment was loaded from on the file system
 * (files named by {@code spring.config.import} or {@code spring.config.location}, not
 * class path resources) and publishes a {@link ConfigChangedEvent} when one changes. It
 * watches their directories, so a file replaced by a rename counts too.
 */
public class ConfigFileWatcher implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ConfigFileWatcher.class);

	private final ConfigurableEnvironment environment;

	private final ApplicationEventPublisher publisher;

	private final Set<Path> files = new HashSet<>();

	private @Nullable WatchService watchService;

	private @Nullable Thread thread;

	/**
	 * Create a watcher.
	 * @param environment the environment whose files to watch
	 * @param publisher where changes are published
	 */
	public ConfigFileWatcher(ConfigurableEnvironment environment, ApplicationEventPublisher publisher) {
		this.environment = environment;
		this.publisher = publisher;
	}

	@Override
	public synchronized void start() {
		for (PropertySource<?> source : this.environment.getPropertySources()) {
			Path file = file(source);
			if (file != null) {
				this.files.add(file);
			}
		}
		if (this.files.isEmpty()) {
			return;
		}
		try {
			WatchService service = FileSystems.getDefault().newWatchService();
			Set<Path> directories = new HashSet<>();
			for (Path file : this.files) {
				Path directory = file.getParent();
				if (directory != null && directories.add(directory)) {
					directory.register(service, StandardWatchEventKinds.ENTRY_CREATE,
							StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
				}
			}
			this.watchService = service;
		}
		catch (IOException ex) {
			logger.warn("Cannot watch configuration files " + this.files + "; changes to them need a restart", ex);
			return;
		}
		Thread watching = new Thread(this::watch, "phanes-config-file-watch");
		watching.setDaemon(true);
		watching.start();
		this.thread = watching;
		logger.debug("Watching configuration files " + this.files);
	}

	private void watch() {
		WatchService service = this.watchService;
		while (service != null) {
			WatchKey key;
			try {
				key = service.take();
			}
			catch (InterruptedException | ClosedWatchServiceException ex) {
				return;
			}
			boolean changed = false;
			for (WatchEvent<?> event : key.pollEvents()) {
				if (event.context() instanceof Path name && key.watchable() instanceof Path directory
						&& this.files.contains(directory.resolve(name))) {
					changed = true;
				}
			}
			key.reset();
			if (changed) {
				this.publisher.publishEvent(new ConfigChangedEvent(this, ConfigReloadSource.FILE));
			}
		}
	}

	static @Nullable Path file(PropertySource<?> source) {
		if (!(source instanceof EnumerablePropertySource<?> enumerable) || !(source instanceof OriginLookup<?>)) {
			return null;
		}
		@SuppressWarnings("unchecked")
		OriginLookup<String> lookup = (OriginLookup<String>) source;
		for (String name : enumerable.getPropertyNames()) {
			Origin origin = lookup.getOrigin(name);
			while (origin != null && !(origin instanceof TextResourceOrigin)) {
				origin = origin.getParent();
			}
			if (origin instanceof TextResourceOrigin text) {
				Resource resource = text.getResource();
				if (resource == null || resource instanceof ClassPathResource || !resource.isFile()) {
					return null;
				}
				try {
					return resource.getFile().toPath().toAbsolutePath().normalize();
				}
				catch (IOException ex) {
					return null;
				}
			}
		}
		return null;
	}

	/**
	 * The files watched.
	 * @return their absolute paths
	 */
	public synchronized Set<Path> files() {
		return Set.copyOf(this.files);
	}

	@Override
	public synchronized void stop() {
		WatchService service = this.watchService;
		this.watchService = null;
		if (service != null) {
			try {
				service.close();
			}
			catch (IOException ex) {
				logger.debug("Cannot close the file watch", ex);
			}
		}
		if (this.thread != null) {
			this.thread.interrupt();
			this.thread = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.watchService != null;
	}

}
