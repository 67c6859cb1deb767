package dev.phanes.sync;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.phanes.test.Commands;
import dev.phanes.test.LineProcess;
import dev.phanes.test.sync.SyncChild;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Locks and leader election between real processes ({@link SyncChild} JVMs) on one
 * backend, with the JPA store on PostgreSQL for fenced writes: no update lost between
 * processes, a holder paused past its TTL (SIGSTOP) replaced and its fenced write refused
 * when it wakes, a leader killed and another elected, a paused leader unable to write
 * over its successor. One subclass per distributed backend. Bounds derive from the TTL
 * with wide margins; figures are printed, not asserted.
 */
public abstract class SyncProcessesTests {

	/** The TTL of the children's locks. */
	protected static final Duration TTL = Duration.ofSeconds(3);

	/** A bound on anything that should happen within a few TTLs. */
	protected static final Duration BOUND = TTL.multipliedBy(20);

	private final List<LineProcess> children = new ArrayList<>();

	/**
	 * Return the properties that put a child's locks on the backend under test and its
	 * store on the shared database.
	 * @return Spring Boot arguments
	 */
	protected abstract List<String> backendArguments();

	@AfterEach
	void stopChildren() {
		this.children.forEach(LineProcess::close);
	}

	/**
	 * Start a child and wait until it is ready.
	 * @param name its name
	 * @param more more arguments
	 * @return the child
	 */
	protected LineProcess child(String name, String... more) {
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
				"-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), SyncChild.class.getName(),
				"--phanes.discovery.mdns.address=127.0.0.1", "--phanes.discovery.enabled=false",
				"--spring.main.banner-mode=off", "--logging.level.root=WARN", "--logging.level.dev.phanes.sync=INFO",
				"--phanes.sync.ttl=" + TTL.toMillis() + "ms", "--phanes.sync.leader.heartbeat=200ms"));
		command.addAll(backendArguments());
		command.addAll(List.of(more));
		LineProcess child = LineProcess.start(name + "-" + UUID.randomUUID().toString().substring(0, 6), command,
				java.util.Map.of());
		this.children.add(child);
		child.awaitLine(0, (line) -> line.startsWith("SYNC READY"), Duration.ofSeconds(120));
		return child;
	}

	/**
	 * Send a command and wait for its answer.
	 * @param child the child
	 * @param command the command
	 * @param answer what the answer starts with, after {@code SYNC }
	 * @param timeout how long to wait
	 * @return the answer's words after {@code SYNC}
	 */
	protected static String[] ask(LineProcess child, String command, String answer, Duration timeout) {
		int from = child.lineCount();
		child.send(command);
		String line = child.awaitLine(from, (text) -> text.startsWith("SYNC ") && isAnswer(text, answer), timeout)
			.text();
		return line.substring("SYNC ".length()).split(" ");
	}

	private static boolean isAnswer(String line, String answers) {
		for (String answer : answers.split("\\|")) {
			if (line.startsWith("SYNC " + answer)) {
				return true;
			}
		}
		return line.startsWith("SYNC ERROR");
	}

	private static void signal(LineProcess child, String signal) {
		Commands.check(Duration.ofSeconds(10), List.of("kill", "-" + signal, Long.toString(child.pid())));
	}

	@Test
	void processesNeverLoseAnUpdate() throws Exception {
		Path counter = Files.createTempFile(LineProcess.buildDirectory(), "sync-counter", ".txt");
		Files.writeString(counter, "0");
		List<LineProcess> counting = List.of(child("count-a"), child("count-b"), child("count-c"));
		String name = "count-" + UUID.randomUUID();
		List<Integer> from = new ArrayList<>();
		for (LineProcess child : counting) {
			from.add(child.lineCount());
			child.send("count " + name + " 30 " + counter);
		}
		for (int i = 0; i < counting.size(); i++) {
			assertThat(counting.get(i)
				.awaitLine(from.get(i), (line) -> line.startsWith("SYNC COUNTED") || line.startsWith("SYNC ERROR"),
						BOUND)
				.text()).isEqualTo("SYNC COUNTED " + name);
		}
		assertThat(Files.readString(counter).trim()).isEqualTo("90");
	}

	@Test
	void aHolderPausedPastItsTtlIsReplacedAndItsFencedWriteRefused() {
		LineProcess paused = child("paused-holder");
		LineProcess next = child("next-holder");
		String name = "job-" + UUID.randomUUID();
		String key = "fenced-" + UUID.randomUUID();
		long first = Long.parseLong(ask(paused, "lock " + name + " 10000", "LOCKED|TIMEOUT", BOUND)[2]);
		assertThat(ask(paused, "write " + name + " " + key + " first", "WROTE|STALE", BOUND)[0]).isEqualTo("WROTE");

		signal(paused, "STOP");
		long stopped = System.nanoTime();
		String[] taken;
		try {
			// the paused holder keeps nothing alive: the lock is free one TTL later
			taken = ask(next, "lock " + name + " " + BOUND.toMillis(), "LOCKED|TIMEOUT", BOUND.plus(BOUND));
			assertThat(taken[0]).isEqualTo("LOCKED");
			System.out.printf("SyncProcesses: the lock changed hands %d ms after its holder was paused (TTL %d ms)%n",
					(System.nanoTime() - stopped) / 1_000_000, TTL.toMillis());
			assertThat(Long.parseLong(taken[2])).isGreaterThan(first);
			assertThat(ask(next, "write " + name + " " + key + " second", "WROTE|STALE", BOUND)[0]).isEqualTo("WROTE");
		}
		finally {
			signal(paused, "CONT");
		}
		// it wakes up mid-work and writes at once, before it can know: refused
		String[] late = ask(paused, "write " + name + " " + key + " late", "WROTE|STALE", BOUND);
		assertThat(late[0]).isEqualTo("STALE");
		assertThat(Long.parseLong(late[2])).isEqualTo(Long.parseLong(taken[2]));
		// and it is told it lost the lock
		paused.awaitLine(0, (line) -> line.startsWith("SYNC LOCK-LOST " + name), BOUND);
		assertThat(ask(paused, "held " + name, "HELD", BOUND)[2]).isEqualTo("false");
		assertThat(ask(paused, "unlock " + name, "UNLOCKED|LOST", BOUND)[0]).isEqualTo("LOST");
		assertThat(ask(next, "read " + key, "VALUE", BOUND)[2]).isEqualTo("second");
		assertThat(ask(next, "held " + name, "HELD", BOUND)[2]).isEqualTo("true");
		assertThat(ask(next, "unlock " + name, "UNLOCKED|LOST", BOUND)[0]).isEqualTo("UNLOCKED");
	}

	@Test
	void aKilledLeaderIsReplacedAndAPausedOneCannotWriteOverItsSuccessor() {
		String role = "job-" + UUID.randomUUID().toString().substring(0, 8);
		List<LineProcess> candidates = new ArrayList<>();
		for (String name : List.of("candidate-a", "candidate-b", "candidate-c")) {
			candidates.add(child(name, "--phanes.sync.leader.roles=" + role));
		}
		String key = "led-" + UUID.randomUUID();
		List<Long> written = new ArrayList<>();

		LineProcess leader = awaitLeader(candidates, role, 0);
		writeAsLeader(leader, role, key, written);
		assertThat(candidates.stream().filter((child) -> child != leader)).allSatisfy((other) -> assertThat(
				ask(other, "lead-write " + role + " " + key + " not-leader", "NOT-LEADER|WROTE|STALE", BOUND)[0])
			.isEqualTo("NOT-LEADER"));

		// SIGKILL the leader: another is elected once its lock has expired
		candidates.remove(leader);
		int[] marks = candidates.stream().mapToInt(LineProcess::lineCount).toArray();
		long killed = System.nanoTime();
		leader.kill();
		LineProcess second = awaitLeader(candidates, role, marks);
		System.out.printf("SyncProcesses: a new leader %d ms after the leader was killed (TTL %d ms)%n",
				(System.nanoTime() - killed) / 1_000_000, TTL.toMillis());
		writeAsLeader(second, role, key, written);

		// SIGSTOP the new leader: the last one is elected; the paused one, woken, may
		// still believe it leads for a heartbeat, but its writes are refused, also one
		// it decided on before it paused (fenced by the token it was granted)
		marks = candidates.stream().mapToInt(LineProcess::lineCount).toArray();
		signal(second, "STOP");
		LineProcess third;
		try {
			third = awaitLeader(List.of(candidates.get((candidates.indexOf(second) + 1) % 2)), role,
					new int[] { marks[(candidates.indexOf(second) + 1) % 2] });
			writeAsLeader(third, role, key, written);
		}
		finally {
			signal(second, "CONT");
		}
		String[] decided = ask(second, "granted-write " + role + " " + key + " decided-before-pausing",
				"NOT-LEADER|WROTE|STALE", BOUND);
		assertThat(decided[0]).as("the paused leader's write with its granted token").isEqualTo("STALE");
		String[] late = ask(second, "lead-write " + role + " " + key + " late", "NOT-LEADER|WROTE|STALE", BOUND);
		System.out.printf("SyncProcesses: the paused leader's write after waking: %s%n", late[0]);
		assertThat(late[0]).as("the paused leader's write after waking").isIn("STALE", "NOT-LEADER");
		second.awaitLine(0, (line) -> line.equals("SYNC REVOKED " + role), BOUND);
		writeAsLeader(third, role, key, written);
		// every write that landed did so with a token at least as high as the one before
		assertThat(written).isSorted();
		assertThat(ask(third, "read " + key, "VALUE", BOUND)[2]).startsWith("w" + (written.size() - 1));
	}

	private static void writeAsLeader(LineProcess leader, String role, String key, List<Long> written) {
		String[] answer = ask(leader, "lead-write " + role + " " + key + " w" + written.size() + "-" + leader.name(),
				"NOT-LEADER|WROTE|STALE", BOUND);
		assertThat(answer[0]).as("write of the leader %s", leader.name()).isEqualTo("WROTE");
		written.add(Long.parseLong(answer[2]));
	}

	private LineProcess awaitLeader(List<LineProcess> candidates, String role, int... marks) {
		long deadline = System.nanoTime() + BOUND.toNanos();
		Predicate<String> granted = (line) -> line.startsWith("SYNC GRANTED " + role + " ");
		while (System.nanoTime() < deadline) {
			for (int i = 0; i < candidates.size(); i++) {
				int from = (marks.length > i) ? marks[i] : 0;
				LineProcess candidate = candidates.get(i);
				if (candidate.lines().stream().skip(from).map(LineProcess.Line::text).anyMatch(granted)) {
					return candidate;
				}
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}
		throw new AssertionError("No leader of " + role + " within " + BOUND);
	}

}
