package dev.phanes.store.file;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.phanes.store.DefaultStore;
import dev.phanes.store.Query;
import dev.phanes.store.Store;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A child JVM writes to a file store and acknowledges each write; it is killed with
 * SIGKILL mid-stream; every acknowledged write must be there on reopen and the file must
 * pass SQLite's integrity check.
 */
class FileStoreDurabilityIT {

	private static final int ACKS_BEFORE_KILL = 300;

	@TempDir
	Path directory;

	@Test
	void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
		Path file = this.directory.resolve("durable.db");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				FileStoreWriter.class.getName(), file.toString())
			.redirectError(this.directory.resolve("child.err").toFile())
			.start();
		long lastAck = -1;
		try (BufferedReader acks = new BufferedReader(
				new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
			String line;
			while (lastAck < ACKS_BEFORE_KILL && System.nanoTime() < deadline && (line = acks.readLine()) != null) {
				if (line.startsWith("ack ")) {
					lastAck = Long.parseLong(line.substring(4));
				}
			}
			assertThat(lastAck).as("acks before the deadline (see %s)", this.directory.resolve("child.err"))
				.isGreaterThanOrEqualTo(ACKS_BEFORE_KILL);
			// Kill while it writes: on Linux destroyForcibly() sends SIGKILL.
			child.destroyForcibly();
			assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
			assertThat(child.exitValue()).isEqualTo(137);
		}
		assertThat(integrityCheck(file)).isEqualTo("ok");
		try (FileStoreEngine engine = new FileStoreEngine(file)) {
			Store reopened = new DefaultStore(engine);
			List<String> keys = reopened.list(Query.prefix("record-"));
			assertThat(keys.size()).isGreaterThanOrEqualTo((int) lastAck + 1);
			for (long n = 0; n <= lastAck; n++) {
				assertThat(reopened.read("record-" + n)).as("acknowledged record %d", n)
					.hasValueSatisfying((record) -> assertThat(record.valueAsString()).startsWith("value-"));
			}
			assertThat(engine.durabilitySettings()).containsEntry("journal_mode", "wal")
				.containsEntry("synchronous", "2");
		}
		assertThat(new File(file.toString())).exists();
	}

	private static String integrityCheck(Path file) throws Exception {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("PRAGMA integrity_check")) {
			result.next();
			return result.getString(1);
		}
	}

}
