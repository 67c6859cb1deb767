package dev.phanes.auth;

import java.nio.charset.StandardCharsets;

/**
 * The problem detail (RFC 9457, {@code application/problem+json}) a refused request is
 * answered with, and its {@code WWW-Authenticate} header. It never contains the token.
 */
final class AuthProblem {

	static final String CONTENT_TYPE = "application/problem+json";

	private AuthProblem() {
	}

	/**
	 * Return the body for an outcome.
	 * @param outcome the refusal
	 * @param path the request's path, as the instance
	 * @return the JSON, UTF-8
	 */
	static byte[] body(Authorizer.Outcome outcome, String path) {
		String title = switch (outcome.status()) {
			case 400 -> "Bad Request";
			case 401 -> "Unauthorized";
			default -> "Forbidden";
		};
		String json = "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + outcome.status()
				+ ",\"detail\":\"" + escape(outcome.detail()) + "\",\"instance\":\"" + escape(path) + "\"}";
		return json.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Return the {@code WWW-Authenticate} header of a 401, or {@code null} for other
	 * statuses.
	 * @param outcome the refusal
	 * @return the header's value
	 */
	static String wwwAuthenticate(Authorizer.Outcome outcome) {
		// no decision: a token was sent and refused
		return (outcome.decision() == null) ? "Bearer error=\"invalid_token\"" : "Bearer";
	}

	private static String escape(String text) {
		StringBuilder escaped = new StringBuilder(text.length() + 8);
		for (int i = 0; i < text.length() && i < 2048; i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> escaped.append("\\\"");
				case '\\' -> escaped.append("\\\\");
				default -> {
					if (c < 0x20) {
						escaped.append(String.format("\\u%04x", (int) c));
					}
					else {
						escaped.append(c);
					}
				}
			}
		}
		return escaped.toString();
	}

}
