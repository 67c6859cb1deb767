package dev.phanes.catalog;

import java.util.List;
import java.util.Set;

/**
 * One HTTP operation an instance serves: a request mapping.
 *
 * @param methods the HTTP methods it answers, empty for every method
 * @param path the path pattern, such as {@code /notes/{id}}
 * @param consumes the media types of request bodies it accepts, empty for any
 * @param produces the media types it can answer with, empty for any
 * @param handler the handler, as {@code Class#method}
 * @param idempotent whether every method it answers is idempotent in HTTP's sense (RFC
 * 9110), so that a gateway or a dashboard may repeat it
 */
public record HttpOperation(List<String> methods, String path, List<String> consumes, List<String> produces,
		String handler, boolean idempotent) {

	private static final Set<String> IDEMPOTENT_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

	/**
	 * Create an operation, working out whether it is idempotent from its methods.
	 * @param methods the HTTP methods, empty for every method
	 * @param path the path pattern
	 * @param consumes the accepted request media types
	 * @param produces the produced media types
	 * @param handler the handler
	 * @return the operation
	 */
	public static HttpOperation of(List<String> methods, String path, List<String> consumes, List<String> produces,
			String handler) {
		boolean idempotent = !methods.isEmpty() && IDEMPOTENT_METHODS.containsAll(methods);
		return new HttpOperation(List.copyOf(methods), path, List.copyOf(consumes), List.copyOf(produces), handler,
				idempotent);
	}

}
