package dev.phanes.cli;

import java.util.Locale;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.http.HttpStatus;

/**
 * What {@code phanes call} learnt: the answer, the instance that gave it and the trace.
 *
 * @param service the service called
 * @param method the HTTP method
 * @param path the path and query
 * @param status the HTTP status
 * @param reason the status's reason phrase, or {@code null} for a status HTTP does not
 * name
 * @param instance the instance the load balancer chose
 * @param traceId the trace id of the call, or {@code null} if a {@code traceparent} given
 * with {@code -H} is not a valid one
 * @param durationMillis how long the request took
 * @param contentType the answer's content type, or {@code null}
 * @param body the answer's body: its JSON if it is JSON, else its text
 */
record CallResult(String service, String method, String path, int status, @Nullable String reason, InstanceRef instance,
		@Nullable String traceId, long durationMillis, @Nullable String contentType, @Nullable Object body) {

	/**
	 * Return the reason phrase of a status.
	 * @param status the status
	 * @return the phrase, or {@code null}
	 */
	static @Nullable String reason(int status) {
		HttpStatus known = HttpStatus.resolve(status);
		return (known != null) ? known.getReasonPhrase() : null;
	}

	/**
	 * Read a body for the JSON answer: JSON stays JSON, anything else is text.
	 * @param text the body
	 * @param contentType its content type
	 * @return its JSON tree, its text, or {@code null} if it is empty
	 */
	static @Nullable Object body(String text, @Nullable String contentType) {
		if (text.isEmpty()) {
			return null;
		}
		if (contentType != null && contentType.toLowerCase(Locale.ROOT).matches("^application/([^;]*\\+)?json.*")) {
			try {
				return Console.JSON.readTree(text);
			}
			catch (JacksonException ex) {
				return text;
			}
		}
		return text;
	}

	/**
	 * Render a result as text: a status line, the instance and the trace, then the body.
	 * @param result the result
	 * @return the text
	 */
	static String text(CallResult result) {
		StringBuilder text = new StringBuilder();
		text.append(result.status());
		if (result.reason() != null) {
			text.append(' ').append(result.reason());
		}
		text.append(" (").append(result.durationMillis()).append(" ms)\n");
		text.append("instance: ")
			.append(result.instance().instanceId())
			.append(" (")
			.append(result.instance().address())
			.append(")\n");
		text.append("trace:    ").append((result.traceId() != null) ? result.traceId() : "-").append('\n');
		Object body = result.body();
		if (body != null) {
			String shown = (body instanceof String string) ? string
					: Console.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body);
			text.append('\n').append(shown);
			if (!shown.endsWith("\n")) {
				text.append('\n');
			}
		}
		return text.toString();
	}

	/**
	 * The instance that answered.
	 *
	 * @param instanceId its instance id
	 * @param host its host
	 * @param port its port
	 */
	record InstanceRef(String instanceId, String host, int port) {

		static InstanceRef of(ServiceInstance instance) {
			return new InstanceRef(instance.getInstanceId(), instance.getHost(), instance.getPort());
		}

		/**
		 * Return the address the instance was called on.
		 * @return {@code host:port}
		 */
		String address() {
			return ((this.host.indexOf(':') >= 0) ? "[" + this.host + "]" : this.host) + ":" + this.port;
		}

	}

}
