package dev.phanes.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.FileSystemResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The file watcher on its own, with no etcd and no application context: it watches the
 * files the environment was loaded from and publishes a {@link ConfigChangedEvent} for a
 * change of one of them, not for other files beside it.
 */
class ConfigFileWatcherTests {

	@TempDir
	Path directory;

	@Test
	void publishesAChangeOfAWatchedFileAndNothingForItsNeighbours() throws IOException {
		Path config = Files.writeString(this.directory.resolve("app.properties"), "greeting=hello\n");
		StandardEnvironment environment = new StandardEnvironment();
		for (PropertySource<?> source : new PropertiesPropertySourceLoader().load("app",
				new FileSystemResource(config))) {
			environment.getPropertySources().addFirst(source);
		}
		List<ConfigChangedEvent> events = new CopyOnWriteArrayList<>();
		ConfigFileWatcher watcher = new ConfigFileWatcher(environment,
				(event) -> events.add((ConfigChangedEvent) event));
		watcher.start();
		try {
			assertThat(watcher.isRunning()).isTrue();
			assertThat(watcher.files()).containsExactly(config.toAbsolutePath().normalize());
			Files.writeString(this.directory.resolve("other.properties"), "unrelated=1\n");
			Files.writeString(config, "greeting=hi\n");
			await().atMost(Duration.ofSeconds(30)).until(() -> !events.isEmpty());
			assertThat(events).allSatisfy((event) -> {
				assertThat(event.getChanged()).isEqualTo(ConfigReloadSource.FILE);
				assertThat(event.getSource()).isSameAs(watcher);
			});
		}
		finally {
			watcher.stop();
		}
		assertThat(watcher.isRunning()).isFalse();
	}

	@Test
	void watchesNothingWhenTheConfigurationCameFromTheClassPath() throws IOException {
		StandardEnvironment environment = new StandardEnvironment();
		for (PropertySource<?> source : new PropertiesPropertySourceLoader().load("classpath",
				new ClassPathResource("dev/phanes/config/classpath-config.properties"))) {
			environment.getPropertySources().addFirst(source);
		}
		ConfigFileWatcher watcher = new ConfigFileWatcher(environment, (event) -> {
			throw new AssertionError("nothing to publish");
		});
		watcher.start();
		assertThat(watcher.files()).isEmpty();
		assertThat(watcher.isRunning()).isFalse();
		watcher.stop();
	}

}
