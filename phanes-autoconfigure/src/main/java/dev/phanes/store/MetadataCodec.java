package dev.phanes.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Encodes record metadata into the bytes the SQL backends keep in one column: a count,
 * then each name and value as a length-prefixed UTF-8 string (lengths as 4-byte
 * big-endian integers). Empty metadata is stored as SQL {@code NULL}.
 */
public final class MetadataCodec {

	private MetadataCodec() {
	}

	/**
	 * Encode metadata.
	 * @param metadata the metadata
	 * @return the bytes, or {@code null} for empty metadata
	 */
	public static byte @Nullable [] encode(Map<String, String> metadata) {
		if (metadata.isEmpty()) {
			return null;
		}
		ByteBuffer buffer = ByteBuffer.allocate(encodedSize(metadata));
		buffer.putInt(metadata.size());
		metadata.forEach((name, value) -> {
			putString(buffer, name);
			putString(buffer, value);
		});
		return buffer.array();
	}

	/**
	 * Decode metadata.
	 * @param bytes the bytes, or {@code null}
	 * @return the metadata
	 * @throws StoreAccessException if the bytes are not an encoding of metadata
	 */
	public static Map<String, String> decode(byte @Nullable [] bytes) {
		if (bytes == null || bytes.length == 0) {
			return Map.of();
		}
		try {
			ByteBuffer buffer = ByteBuffer.wrap(bytes);
			int count = buffer.getInt();
			Map<String, String> metadata = new LinkedHashMap<>();
			for (int i = 0; i < count; i++) {
				metadata.put(getString(buffer), getString(buffer));
			}
			return metadata;
		}
		catch (RuntimeException ex) {
			throw new StoreAccessException("Stored metadata is corrupt (" + bytes.length + " bytes)", ex);
		}
	}

	/**
	 * Size of the encoding of metadata, validating names and values.
	 * @param metadata the metadata
	 * @return the size in bytes
	 * @throws InvalidRecordException if a name is null or empty or a value is null
	 */
	public static int encodedSize(Map<String, String> metadata) {
		long size = 4;
		for (Map.Entry<String, String> entry : metadata.entrySet()) {
			if (entry.getKey() == null || entry.getKey().isEmpty() || entry.getValue() == null) {
				throw new InvalidRecordException("Metadata names must not be null or empty and values not null");
			}
			size += 8 + utf8Length(entry.getKey()) + utf8Length(entry.getValue());
		}
		return (int) Math.min(size, Integer.MAX_VALUE);
	}

	private static int utf8Length(String text) {
		return text.getBytes(StandardCharsets.UTF_8).length;
	}

	private static void putString(ByteBuffer buffer, String text) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		buffer.putInt(bytes.length);
		buffer.put(bytes);
	}

	private static String getString(ByteBuffer buffer) {
		int length = buffer.getInt();
		byte[] bytes = new byte[length];
		buffer.get(bytes);
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
