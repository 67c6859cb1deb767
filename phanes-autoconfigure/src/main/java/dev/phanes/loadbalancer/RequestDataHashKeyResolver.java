package dev.phanes.loadbalancer;

import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.util.StringUtils;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Takes the hash key from the HTTP request being load-balanced: a header, else a cookie,
 * else a query parameter, each only if configured. The first non-empty one wins.
 */
public class RequestDataHashKeyResolver implements HashKeyResolver {

	private final @Nullable String header;

	private final @Nullable String cookie;

	private final @Nullable String queryParameter;

	/**
	 * Create a resolver.
	 * @param header the header holding the key, or {@code null}
	 * @param cookie the cookie holding the key, or {@code null}
	 * @param queryParameter the query parameter holding the key, or {@code null}
	 */
	public RequestDataHashKeyResolver(@Nullable String header, @Nullable String cookie,
			@Nullable String queryParameter) {
		// HttpHeaders lowercases a name on each lookup unless it is lowercase already.
		this.header = (header != null) ? header.toLowerCase(Locale.ROOT) : null;
		this.cookie = cookie;
		this.queryParameter = queryParameter;
	}

	@Override
	public @Nullable String resolve(Request<?> request) {
		if (!(request.getContext() instanceof RequestDataContext context)) {
			return null;
		}
		RequestData data = context.getClientRequest();
		if (data == null) {
			return null;
		}
		if (this.header != null && data.getHeaders() != null) {
			String value = data.getHeaders().getFirst(this.header);
			if (StringUtils.hasLength(value)) {
				return value;
			}
		}
		if (this.cookie != null && data.getCookies() != null) {
			String value = data.getCookies().getFirst(this.cookie);
			if (StringUtils.hasLength(value)) {
				return value;
			}
		}
		if (this.queryParameter != null && data.getUrl() != null) {
			List<String> values = UriComponentsBuilder.fromUri(data.getUrl())
				.build()
				.getQueryParams()
				.get(this.queryParameter);
			if (values != null && !values.isEmpty() && StringUtils.hasLength(values.get(0))) {
				return values.get(0);
			}
		}
		return null;
	}

}
