package dev.phanes.store.file;

import java.nio.file.Path;

import dev.phanes.store.DefaultStore;
import dev.phanes.store.Store;
import dev.phanes.store.StoreRecord;

/**
 * A child process for {@link FileStoreDurabilityIT}: writes numbered records forever and
 * prints {@code ack N} after the write of record N returned.
 */
public final class FileStoreWriter {

	private FileStoreWriter() {
	}

	/**
	 * Write until killed.
	 * @param args the path of the store file
	 */
	public static void main(String[] args) {
		Store store = new DefaultStore(new FileStoreEngine(Path.of(args[0])));
		for (long n = 0;; n++) {
			store.write(StoreRecord.of("record-" + n, "value-" + n));
			System.out.println("ack " + n);
			System.out.flush();
		}
	}

}
