package dev.phanes.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * HTTP/1.1 requests written byte for byte on a socket, for paths that an HTTP client
 * would normalise or refuse to send (dot segments, encoded slashes, control characters,
 * very long lines).
 */
final class RawHttp {

	private RawHttp() {
	}

	/**
	 * Send {@code GET <path>} to a loopback port and read the whole answer (the request
	 * asks the server to close the connection).
	 * @param port the port
	 * @param path the request target, written as given
	 * @param timeout the longest wait for the answer
	 * @return the status and the rest of the answer
	 * @throws IOException if the connection fails
	 */
	static Answer get(int port, String path, Duration timeout) throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoTimeout((int) timeout.toMillis());
			OutputStream out = socket.getOutputStream();
			out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
				.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream answer = new ByteArrayOutputStream();
			in.transferTo(answer);
			String text = answer.toString(StandardCharsets.ISO_8859_1);
			if (!text.startsWith("HTTP/1.1 ") || text.length() < 12) {
				throw new IOException("Not an HTTP answer to GET " + abbreviate(path) + ": '" + abbreviate(text) + "'");
			}
			return new Answer(Integer.parseInt(text.substring(9, 12)), text);
		}
	}

	private static String abbreviate(String text) {
		return (text.length() > 80) ? text.substring(0, 80) + "..." : text;
	}

	/**
	 * An answer.
	 *
	 * @param status its status
	 * @param body everything it held, the status line and headers included
	 */
	record Answer(int status, String body) {

	}

}
