package dev.phanes.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.phanes.test.Commands;
import dev.phanes.test.Prerequisites;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real headless Chromium: Debian's {@code /usr/bin/chromium} driven by
 * the npm package {@code playwright-core} (installed once into
 * {@code target/npm-dashboard}; never a browser download), running
 * {@code src/test/js/dashboard.mjs}, which prints what the page showed as JSON. Without
 * Node.js, npm, the registry or Chromium the calling test is skipped (fails under
 * {@code CI=true}).
 */
final class DashboardBrowser {

	static final String PLAYWRIGHT_VERSION = "1.65.2";

	private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(3);

	private static final String CHROMIUM = "/usr/bin/chromium";

	private final Path directory;

	private final String node;

	private DashboardBrowser(Path directory, String node) {
		this.directory = directory;
		this.node = node;
	}

	/**
	 * Check the prerequisites and install playwright-core if it is not there yet.
	 * @return the browser runner
	 */
	static DashboardBrowser install() {
		String node = Commands.find("node");
		Prerequisites.require(node != null, "Node.js ('node') is not installed");
		String npm = Commands.find("npm");
		Prerequisites.require(npm != null, "'npm' is not installed");
		Prerequisites.require(Files.isExecutable(Path.of(CHROMIUM)),
				"Chromium is not installed at " + CHROMIUM + " (Debian package chromium)");
		Path directory = Figures.buildDirectory().resolve("npm-dashboard");
		if (!PLAYWRIGHT_VERSION.equals(installedVersion(directory))) {
			Commands.Result install = Commands.run(INSTALL_TIMEOUT, List.of(npm, "install", "--prefix",
					directory.toString(), "--no-audit", "--no-fund", "playwright-core@" + PLAYWRIGHT_VERSION));
			Prerequisites.require(install.succeeded() && PLAYWRIGHT_VERSION.equals(installedVersion(directory)),
					"cannot install playwright-core@" + PLAYWRIGHT_VERSION + " from the npm registry: "
							+ install.output().strip());
		}
		try (InputStream script = Files.newInputStream(Path.of("src/test/js/dashboard.mjs"))) {
			Files.copy(script, directory.resolve("dashboard.mjs"), StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot copy the dashboard script", ex);
		}
		return new DashboardBrowser(directory, node);
	}

	/**
	 * Run one phase of the script.
	 * @param environment its settings (see the script)
	 * @param timeout the longest the run may take
	 * @return what the page showed
	 * @throws Exception if the run cannot be started or read
	 */
	JsonNode run(Map<String, String> environment, Duration timeout) throws Exception {
		Path log = this.directory.resolve("dashboard-" + environment.get("PHASE") + ".log");
		Path result = this.directory.resolve("dashboard-" + environment.get("PHASE") + ".json");
		ProcessBuilder builder = new ProcessBuilder(this.node, "dashboard.mjs").directory(this.directory.toFile())
			.redirectError(log.toFile())
			.redirectOutput(result.toFile());
		builder.environment().putAll(environment);
		Process process = builder.start();
		process.getOutputStream().close();
		boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		if (!ended) {
			process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		String stdout = Files.readString(result, StandardCharsets.UTF_8);
		String stderr = Files.readString(log, StandardCharsets.UTF_8);
		assertThat(ended).as("the browser run ended within %s; its errors: %s", timeout, stderr).isTrue();
		assertThat(process.exitValue()).as("the browser run's exit code; its errors: %s", stderr).isZero();
		String json = stdout.lines().filter((line) -> line.startsWith("{")).reduce((first, last) -> last).orElse("");
		try {
			return JsonMapper.shared().readTree(json);
		}
		catch (JacksonException ex) {
			throw new AssertionError("The browser run printed no result: " + stdout + stderr, ex);
		}
	}

	private static @Nullable String installedVersion(Path directory) {
		Path packageJson = directory.resolve("node_modules").resolve("playwright-core").resolve("package.json");
		try {
			return JsonMapper.shared()
				.readTree(Files.readString(packageJson, StandardCharsets.UTF_8))
				.path("version")
				.asString();
		}
		catch (IOException | JacksonException ex) {
			return null;
		}
	}

}
