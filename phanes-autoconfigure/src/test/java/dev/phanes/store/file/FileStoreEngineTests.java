package dev.phanes.store.file;

import java.nio.file.Path;
import java.util.List;

import dev.phanes.store.DefaultStore;
import dev.phanes.store.Store;
import dev.phanes.store.StoreRecord;
import dev.phanes.store.StoreAccessException;
import dev.phanes.store.StoreConformanceTests;
import dev.phanes.store.StoreOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The conformance suite on {@link FileStoreEngine}, plus what only a file can do: survive
 * a reopen, and refuse a path it cannot use.
 */
class FileStoreEngineTests extends StoreConformanceTests {

	@TempDir
	Path directory;

	private FileStoreEngine engine;

	@Override
	protected Store createStore(StoreOptions options) {
		this.engine = new FileStoreEngine(this.directory.resolve("nested/dir/store.db"));
		return new DefaultStore(this.engine, options);
	}

	@Override
	protected int concurrentIncrements() {
		return 50;
	}

	@AfterEach
	void closeStore() {
		this.engine.close();
	}

	@Test
	void commitsAreDurableByConfiguration() {
		assertThat(this.engine.durabilitySettings()).containsEntry("journal_mode", "wal")
			.containsEntry("synchronous", "2");
	}

	@Test
	void recordsSurviveAReopen() {
		this.store.write(StoreRecord.of("kept", "yes"));
		this.engine.close();
		this.engine = new FileStoreEngine(this.directory.resolve("nested/dir/store.db"));
		assertThat(new DefaultStore(this.engine).database(this.store.database())
			.read("kept")
			.orElseThrow()
			.valueAsString()).isEqualTo("yes");
	}

	@Test
	void closedStoreFailsClearly() {
		this.engine.close();
		assertThatExceptionOfType(StoreAccessException.class).isThrownBy(() -> this.store.read("k"))
			.withMessageContaining("is closed");
	}

	@Test
	void unusablePathFailsWithTheReason() throws Exception {
		Path notADirectory = this.directory.resolve("file");
		java.nio.file.Files.writeString(notADirectory, "x");
		assertThatExceptionOfType(StoreAccessException.class)
			.isThrownBy(() -> new FileStoreEngine(notADirectory.resolve("store.db")))
			.withMessageContaining("phanes.store.file.path");
	}

	@Test
	void globEscapingKeepsWildcardsLiteral() {
		assertThat(FileStoreEngine.glob("a*b?c[d]")).isEqualTo("a[*]b[?]c[[]d]");
		assertThat(List.of(FileStoreEngine.glob("plain"))).containsExactly("plain");
	}

}
