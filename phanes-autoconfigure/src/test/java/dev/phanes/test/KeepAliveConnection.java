package dev.phanes.test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One HTTP/1.1 connection kept alive over many requests, read by hand so that a server
 * that stops answering on a reused connection shows as a read timeout, not as a new
 * connection a client pool would quietly open.
 */
public final class KeepAliveConnection implements AutoCloseable {

	private final Socket socket;

	private final InputStream in;

	/**
	 * Open a connection to a port on 127.0.0.1.
	 * @param port the port
	 * @param readTimeout how long a response may take before it counts as a stall
	 * @throws IOException if the connection cannot be opened
	 */
	public KeepAliveConnection(int port, Duration readTimeout) throws IOException {
		this.socket = new Socket("127.0.0.1", port);
		this.socket.setSoTimeout((int) readTimeout.toMillis());
		this.in = new BufferedInputStream(this.socket.getInputStream());
	}

	/**
	 * Send a GET and read its whole response.
	 * @param path the path
	 * @return the status code
	 * @throws IOException if the connection fails or no answer comes in time
	 */
	public int get(String path) throws IOException {
		return send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n\r\n");
	}

	/**
	 * Send raw bytes (a request, or part of one) and read the whole response.
	 * @param request what to send, as ASCII
	 * @return the status code
	 * @throws IOException if the connection fails or no answer comes in time
	 */
	public int send(String request) throws IOException {
		this.socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
		this.socket.getOutputStream().flush();
		String statusLine = line();
		int status = Integer.parseInt(statusLine.split(" ")[1]);
		long length = -1;
		boolean chunked = false;
		for (String header = line(); !header.isEmpty(); header = line()) {
			String lower = header.toLowerCase(Locale.ROOT);
			if (lower.startsWith("content-length:")) {
				length = Long.parseLong(lower.substring(15).trim());
			}
			else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
				chunked = true;
			}
		}
		if (chunked) {
			for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0; size = Long
				.parseLong(line().split(";")[0].trim(), 16)) {
				skip(size);
				line();
			}
			line();
		}
		else if (length > 0) {
			skip(length);
		}
		return status;
	}

	private void skip(long bytes) throws IOException {
		long left = bytes;
		while (left > 0) {
			long skipped = this.in.skip(left);
			if (skipped <= 0) {
				if (this.in.read() < 0) {
					throw new IOException("Connection closed with " + left + " bytes of the body unread");
				}
				skipped = 1;
			}
			left -= skipped;
		}
	}

	private String line() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		for (int b = this.in.read(); b != '\n'; b = this.in.read()) {
			if (b < 0) {
				throw new IOException("Connection closed by the server");
			}
			if (b != '\r') {
				line.write(b);
			}
		}
		return line.toString(StandardCharsets.US_ASCII);
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
