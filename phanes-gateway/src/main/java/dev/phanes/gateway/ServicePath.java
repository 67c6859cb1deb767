package dev.phanes.gateway;

import java.util.regex.Pattern;

import dev.phanes.auth.Authorizer;

import org.springframework.http.HttpStatus;

/**
 * A request path split into the service it names and the path sent to that service:
 * {@code /notes/42?x} is service {@code notes}, path {@code /42}. Worked on the raw path,
 * as sent: a path that could be read two ways (encoded slashes or dots, dot or empty
 * segments, path parameters, control characters) is refused, so the service chosen and
 * the path it gets are the ones the client wrote.
 *
 * @param service the service id
 * @param path the raw path for the service, starting with {@code /}
 */
record ServicePath(String service, String path) {

	/**
	 * A service id: letters, digits, dots, dashes and underscores, starting and ending
	 * with a letter or digit, at most 63 characters (a DNS label, as mDNS names are).
	 */
	private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?");

	/**
	 * Split a raw path.
	 * @param rawPath the path as sent, still encoded, without the query
	 * @return the service and its path
	 * @throws ServiceRoutingException (400) if the path is ambiguous or names no service
	 */
	static ServicePath parse(String rawPath) {
		String hostile = Authorizer.hostilePath(rawPath);
		if (hostile != null) {
			throw new ServiceRoutingException(HttpStatus.BAD_REQUEST, "The request path " + hostile + ".");
		}
		int end = rawPath.indexOf('/', 1);
		String service = (end < 0) ? rawPath.substring(1) : rawPath.substring(1, end);
		if (!SERVICE.matcher(service).matches()) {
			throw new ServiceRoutingException(HttpStatus.BAD_REQUEST,
					"The first segment of the path names the service: letters, digits, '.', '-' and '_', "
							+ "at most 63 characters.");
		}
		return new ServicePath(service, (end < 0) ? "/" : rawPath.substring(end));
	}

}
