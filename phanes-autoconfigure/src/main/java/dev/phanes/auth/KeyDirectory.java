package dev.phanes.auth;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

import com.nimbusds.jose.jwk.JWKSet;
import org.jspecify.annotations.Nullable;

/**
 * The directory of the embedded key model: for each service {@code <service>.jwks.json},
 * the public keys other services trust it by (readable by all), and
 * {@code <service>.keys.json}, its private keys (readable by its owner only). Files are
 * replaced atomically (a temporary file renamed over the old one), so a reader sees the
 * old set or the new one, never half of one; changes to a service's keys are made under
 * an exclusive lock on {@code <service>.lock}, between processes and between the threads
 * of one process.
 */
final class KeyDirectory {

	/** What a service name must look like to name files: no separators, no dot first. */
	private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}");

	private static final ConcurrentMap<Path, Object> IN_PROCESS_LOCKS = new ConcurrentHashMap<>();

	private final Path directory;

	/**
	 * Create the directory if it is missing.
	 * @param directory the directory
	 * @throws IllegalStateException if it cannot be created
	 */
	KeyDirectory(Path directory) {
		this.directory = directory.toAbsolutePath().normalize();
		boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
		try {
			if (!Files.isDirectory(this.directory)) {
				if (posix) {
					Files.createDirectories(this.directory,
							PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
				}
				else {
					Files.createDirectories(this.directory);
				}
			}
			if (posix) {
				checkOwnership();
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(
					"Cannot create the key directory " + this.directory + " (phanes.auth.keys.directory): " + ex, ex);
		}
	}

	/**
	 * Refuse a directory someone else could write to: whoever can put a file there can
	 * become any service.
	 */
	private void checkOwnership() throws IOException {
		String owner = Files.getOwner(this.directory).getName();
		String user = System.getProperty("user.name");
		Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(this.directory);
		if (!owner.equals(user) || permissions.contains(PosixFilePermission.GROUP_WRITE)
				|| permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
			throw new IllegalStateException("The key directory " + this.directory
					+ " (phanes.auth.keys.directory) must be owned by " + user
					+ " and writable by its owner only, since whoever writes there can act as any service; it is "
					+ "owned by " + owner + " with permissions " + PosixFilePermissions.toString(permissions));
		}
	}

	Path path() {
		return this.directory;
	}

	/**
	 * Return whether a name can be a service's in this directory.
	 * @param service the name
	 * @return whether it is one
	 */
	static boolean isServiceName(@Nullable String service) {
		return service != null && SERVICE_NAME.matcher(service).matches();
	}

	/**
	 * Read a service's public keys.
	 * @param service a valid service name
	 * @return the keys, or {@code null} if the service has no file
	 * @throws IOException if the file cannot be read
	 * @throws ParseException if it is not a JWK set
	 */
	@Nullable JWKSet readPublic(String service) throws IOException, ParseException {
		return read(file(service, ".jwks.json"));
	}

	/**
	 * Read a service's private keys.
	 * @param service a valid service name
	 * @return the keys, or {@code null} if the service has no file
	 */
	@Nullable JWKSet readPrivate(String service) throws IOException, ParseException {
		return read(file(service, ".keys.json"));
	}

	private static @Nullable JWKSet read(Path file) throws IOException, ParseException {
		try {
			return JWKSet.parse(Files.readString(file, StandardCharsets.UTF_8));
		}
		catch (NoSuchFileException ex) {
			return null;
		}
	}

	/**
	 * Write a service's public and private keys, the public ones first: a key is trusted
	 * before anything is signed with it.
	 */
	void write(String service, JWKSet publicKeys, JWKSet privateKeys) throws IOException {
		replace(file(service, ".jwks.json"), publicKeys.toString(true), false);
		replace(file(service, ".keys.json"), privateKeys.toString(false), true);
	}

	private void replace(Path file, String content, boolean secret) throws IOException {
		Path temporary = Files.createTempFile(this.directory, "." + file.getFileName(), ".tmp");
		try {
			if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
				Set<PosixFilePermission> permissions = PosixFilePermissions
					.fromString(secret ? "rw-------" : "rw-r--r--");
				Files.setPosixFilePermissions(temporary, permissions);
			}
			Files.writeString(temporary, content, StandardCharsets.UTF_8);
			try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
				channel.force(true);
			}
			try {
				Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		finally {
			Files.deleteIfExists(temporary);
		}
	}

	/**
	 * Run an action holding the exclusive lock on a service's keys.
	 * @param service a valid service name
	 * @param action what to do
	 * @param <T> its result
	 * @return the result
	 */
	<T> T locked(String service, KeyAction<T> action) throws IOException, ParseException {
		Path lockFile = file(service, ".lock");
		synchronized (IN_PROCESS_LOCKS.computeIfAbsent(lockFile, (path) -> new Object())) {
			try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
					FileLock lock = channel.lock()) {
				return action.run();
			}
		}
	}

	private Path file(String service, String suffix) {
		if (!isServiceName(service)) {
			throw new IllegalArgumentException("Not a service name: '" + service + "'");
		}
		return this.directory.resolve(service + suffix);
	}

	/**
	 * What is done under a service's lock.
	 *
	 * @param <T> the result
	 */
	@FunctionalInterface
	interface KeyAction<T> {

		T run() throws IOException, ParseException;

	}

}
