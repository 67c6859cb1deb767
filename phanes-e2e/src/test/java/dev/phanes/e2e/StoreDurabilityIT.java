package dev.phanes.e2e;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import dev.phanes.test.EmbeddedPostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A note whose {@code POST /notes} was answered 201 survives a SIGKILL of the sample-app
 * process that stored it: four threads post notes, the process is killed while posts are
 * in flight, and a new process on the same store reads back every acknowledged note with
 * its content. Run with the file store (SQLite) and with the JPA store on a real
 * PostgreSQL. Posts that were in flight at the kill may or may not have landed; that is
 * counted, not asserted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreDurabilityIT {

	private static final String DURABILITY = "Store durability across SIGKILL";

	/**
	 * Most notes a run posts; the kill comes long before the last.
	 */
	private static final int NOTES = 500;

	/**
	 * Acknowledged notes after which the process is killed.
	 */
	private static final int KILL_AFTER = 150;

	private static final int WRITERS = 4;

	/**
	 * Longest a post may wait for its answer: a write is one fsync'd SQLite commit or one
	 * PostgreSQL statement, so this is a wide margin on two busy cores.
	 */
	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

	/**
	 * Longest wait for the first {@link #KILL_AFTER} acknowledgements: at a request
	 * timeout each, a writer that never hears back fails the test rather than waiting.
	 */
	private static final Duration KILL_WAIT = Duration.ofSeconds(60);

	/**
	 * Most notes one {@code GET /notes} returns ({@code NoteService.MAX_LIMIT}).
	 */
	private static final int PAGE = 100;

	private final String run = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final JsonMapper json = JsonMapper.builder().build();

	private final List<SampleProcess> started = new CopyOnWriteArrayList<>();

	private final Thread shutdownHook = new Thread(() -> this.started.forEach(SampleProcess::destroyForcibly),
			"phanes-e2e-durability-stop");

	StoreDurabilityIT() {
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
	}

	@AfterAll
	void stopProcesses() {
		this.started.stream().filter(SampleProcess::isAlive).forEach((process) -> process.kill(Duration.ofSeconds(30)));
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// the JVM is already shutting down; the hook runs anyway
		}
	}

	@Test
	void fileStoreKeepsEveryAcknowledgedNote() throws Exception {
		Path directory = Files
			.createDirectories(Figures.buildDirectory().resolve("e2e").resolve("durability-" + this.run));
		survivesSigkill("file", List.of("--phanes.store.type=file",
				"--phanes.store.file.path=" + directory.resolve("notes.db").toAbsolutePath()));
	}

	@Test
	@ExtendWith(EmbeddedPostgresExtension.class)
	void jpaStoreKeepsEveryAcknowledgedNote(EmbeddedPostgresExtension.Server postgres) throws Exception {
		// Loopback by address: the server listens on localhost, which may also be ::1.
		String url = postgres.jdbcUrl().replace("//localhost:", "//127.0.0.1:");
		// A database of the store of this run only: the server is shared by the test run.
		survivesSigkill("jpa", List.of("--spring.profiles.active=jpa", "--spring.datasource.url=" + url,
				"--phanes.store.database=durability-" + this.run));
	}

	/**
	 * Post notes from {@link #WRITERS} threads, kill the process mid-way, start another
	 * on the same store and read every note back.
	 */
	private void survivesSigkill(String backend, List<String> storeArguments) throws Exception {
		List<String> arguments = new ArrayList<>(storeArguments);
		// A service of this run only: other builds' sample apps share the loopback mDNS.
		arguments.add("--spring.application.name=phanes-durability-e2e-" + this.run);
		SampleProcess first = start(backend + "-durability-1", arguments, backend);
		Writers writers = new Writers(first, backend);
		writers.start();
		boolean killedMidway = writers.acknowledgedEnough.await(KILL_WAIT.toSeconds(), TimeUnit.SECONDS);
		first.kill(Duration.ofSeconds(30));
		int attemptedAtKill = writers.next.get();
		writers.join();
		assertThat(killedMidway).as("%d acknowledged posts within %s", KILL_AFTER, KILL_WAIT).isTrue();
		assertThat(attemptedAtKill).as("posts begun when the process was killed").isLessThan(NOTES);
		assertThat(writers.failures).as("answers other than 201 before the kill").isEmpty();

		SampleProcess second = start(backend + "-durability-2", arguments, backend);
		List<String> lost = new ArrayList<>();
		for (Map.Entry<String, Note> entry : writers.acknowledged.entrySet()) {
			Note read = read(second, entry.getKey());
			if (read == null || !read.title().equals(entry.getValue().title())
					|| !read.body().equals(entry.getValue().body())) {
				lost.add(entry.getKey() + " read back as " + read);
			}
		}
		Map<String, Note> listed = listAll(second);
		Set<String> inFlightTitles = writers.inFlight;
		long inFlightLanded = listed.values().stream().filter((note) -> inFlightTitles.contains(note.title())).count();
		List<Note> unexpected = listed.values()
			.stream()
			.filter((note) -> !writers.acknowledged.containsKey(note.id()) && !inFlightTitles.contains(note.title()))
			.toList();
		// Killed too: every acknowledged write is on disk already, there is nothing to
		// flush.
		second.kill(Duration.ofSeconds(30));

		String section = DURABILITY + " (" + backend + ")";
		Figures.record(section, "posts acknowledged (201 with an id) before the SIGKILL",
				String.valueOf(writers.acknowledged.size()));
		Figures.record(section, "acknowledged notes read back intact after the restart",
				String.valueOf(writers.acknowledged.size() - lost.size()));
		Figures.record(section, "acknowledged notes lost", String.valueOf(lost.size()));
		Figures.record(section, "posts in flight at the SIGKILL (no answer)", String.valueOf(inFlightTitles.size())
				+ ", of which stored: " + inFlightLanded + ", not stored: " + (inFlightTitles.size() - inFlightLanded));
		Figures.record(section, "posts refused after the SIGKILL (never sent)", String.valueOf(writers.refused.get()));
		Figures.record(section, "notes in the store after the restart", String.valueOf(listed.size()));
		Figures.record(section, "acknowledged posts per second before the SIGKILL",
				String.format("%.0f", writers.acknowledgedPerSecond()));
		assertThat(lost).as("acknowledged notes missing or changed after the restart").isEmpty();
		assertThat(unexpected).as("notes in the store that no writer posted").isEmpty();
		assertThat(listed).as("notes in the store").hasSizeGreaterThanOrEqualTo(writers.acknowledged.size());
	}

	/**
	 * Start a sample app and wait until it answers, recording how long that took.
	 */
	private SampleProcess start(String name, List<String> arguments, String backend) {
		long begin = System.nanoTime();
		SampleProcess process = SampleProcess.start(name, sampleJar(), Figures.buildDirectory(), arguments);
		this.started.add(process);
		process.awaitReady(this.http, SampleCluster.READY_TIMEOUT);
		Figures.record(DURABILITY + " (" + backend + ")", "start of " + name + " to GET /instance answering",
				Duration.ofNanos(System.nanoTime() - begin).toMillis() + " ms");
		return process;
	}

	private static Path sampleJar() {
		Path jar = Path.of(System.getProperty("e2e.sample-jar", "target/e2e/phanes-sample-app.jar"));
		assertThat(jar).as("the sample app's jar (copied by the build)").isRegularFile();
		return jar;
	}

	/**
	 * Read a note, or {@code null} if the process answers 404.
	 */
	private @Nullable Note read(SampleProcess process, String id) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(process.uri("/notes/" + id)).timeout(REQUEST_TIMEOUT).build(),
				HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() == 404) {
			return null;
		}
		assertThat(response.statusCode()).as("GET /notes/%s", id).isEqualTo(200);
		return this.json.readValue(response.body(), Note.class);
	}

	/**
	 * List every note, page by page, by id.
	 */
	private Map<String, Note> listAll(SampleProcess process) throws IOException, InterruptedException {
		Map<String, Note> notes = new HashMap<>();
		for (int page = 0; page <= NOTES / PAGE + 1; page++) {
			URI uri = process.uri("/notes?limit=" + PAGE + "&offset=" + page * PAGE);
			HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as("GET %s", uri).isEqualTo(200);
			Note[] notesOfPage = this.json.readValue(response.body(), Note[].class);
			for (Note note : notesOfPage) {
				notes.put(note.id(), note);
			}
			if (notesOfPage.length < PAGE) {
				return notes;
			}
		}
		throw new AssertionError("More than " + NOTES + " notes listed: " + notes.size());
	}

	/**
	 * A note as the sample's API returns it.
	 *
	 * @param id the id the server assigned
	 * @param title the title
	 * @param body the body
	 * @param version the store's version
	 */
	record Note(String id, String title, String body, long version) {

	}

	/**
	 * {@link #WRITERS} threads that post up to {@link #NOTES} notes, each with a title of
	 * its own, one at a time each, until a post has no answer (the process is gone).
	 * Thread-safe.
	 */
	private final class Writers {

		private final SampleProcess process;

		private final String backend;

		private final AtomicInteger next = new AtomicInteger();

		/**
		 * Acknowledged notes by the id of the answer.
		 */
		private final Map<String, Note> acknowledged = new ConcurrentHashMap<>();

		/**
		 * Titles of the posts that had no answer: the connection broke under them.
		 */
		private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

		/**
		 * Answers other than 201, which a live process must not give.
		 */
		private final List<String> failures = new CopyOnWriteArrayList<>();

		private final AtomicInteger refused = new AtomicInteger();

		private final CountDownLatch acknowledgedEnough = new CountDownLatch(KILL_AFTER);

		private final List<Thread> threads = new ArrayList<>();

		private long startedAt;

		private volatile long lastAcknowledgedAt;

		Writers(SampleProcess process, String backend) {
			this.process = process;
			this.backend = backend;
		}

		/**
		 * Start the writer threads.
		 */
		void start() {
			this.startedAt = System.nanoTime();
			for (int i = 0; i < WRITERS; i++) {
				Thread thread = new Thread(this::write, "phanes-e2e-durability-writer-" + i);
				thread.setDaemon(true);
				this.threads.add(thread);
				thread.start();
			}
		}

		/**
		 * Post notes, one at a time, until all are taken or a post has no answer.
		 */
		private void write() {
			for (int n = this.next.getAndIncrement(); n < NOTES; n = this.next.getAndIncrement()) {
				String title = this.backend + " durability " + StoreDurabilityIT.this.run + " note " + n;
				String body = "Body of note " + n + ": " + "acknowledged means stored. ".repeat(1 + n % 8);
				try {
					HttpResponse<String> response = StoreDurabilityIT.this.http.send(HttpRequest
						.newBuilder(this.process.uri("/notes"))
						.timeout(REQUEST_TIMEOUT)
						.header("Content-Type", "application/json")
						.POST(HttpRequest.BodyPublishers.ofString(
								StoreDurabilityIT.this.json.writeValueAsString(Map.of("title", title, "body", body))))
						.build(), HttpResponse.BodyHandlers.ofString());
					if (response.statusCode() == 201) {
						Note note = StoreDurabilityIT.this.json.readValue(response.body(), Note.class);
						this.acknowledged.put(note.id(), new Note(note.id(), title, body, note.version()));
						this.lastAcknowledgedAt = System.nanoTime();
						this.acknowledgedEnough.countDown();
					}
					else {
						this.failures.add(response.statusCode() + " " + response.body());
					}
				}
				catch (ConnectException ex) {
					// The process was gone before this post began: it was never sent.
					this.refused.incrementAndGet();
					return;
				}
				catch (IOException ex) {
					this.inFlight.add(title);
					return;
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}

		/**
		 * Wait for every writer thread to end, as each does when its post has no answer.
		 * @throws InterruptedException if interrupted
		 */
		void join() throws InterruptedException {
			for (Thread thread : this.threads) {
				// A broken connection ends a post at once; the request timeout bounds the
				// rest.
				thread.join(REQUEST_TIMEOUT.multipliedBy(2).toMillis());
				assertThat(thread.isAlive()).as("%s still posting after the kill", thread.getName()).isFalse();
			}
		}

		/**
		 * Return the rate of acknowledgements from the first post to the last answer.
		 * @return acknowledged posts per second
		 */
		double acknowledgedPerSecond() {
			return this.acknowledged.size() / ((this.lastAcknowledgedAt - this.startedAt) / 1e9);
		}

	}

}
