package dev.phanes.cli;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What a service serves, as its Actuator {@code catalog} endpoint lists it: HTTP handlers
 * and gRPC methods.
 *
 * @param service the service id the instance gives
 * @param http the HTTP handlers
 * @param grpc the gRPC methods
 */
record Catalog(@Nullable String service, List<HttpRoute> http, List<GrpcMethod> grpc) {

	/**
	 * Create a catalog.
	 */
	Catalog {
		http = List.copyOf(http);
		grpc = List.copyOf(grpc);
	}

	/**
	 * Read a catalog from the endpoint's JSON; missing lists are empty.
	 * @param node the endpoint's answer
	 * @return the catalog
	 */
	static Catalog of(JsonNode node) {
		List<HttpRoute> http = new ArrayList<>();
		for (JsonNode route : node.path("http")) {
			http.add(new HttpRoute(strings(route.path("methods")), Json.text(route, "path", ""),
					strings(route.path("consumes")), strings(route.path("produces")), Json.text(route, "handler")));
		}
		List<GrpcMethod> grpc = new ArrayList<>();
		for (JsonNode method : node.path("grpc")) {
			JsonNode idempotent = method.path("idempotent");
			grpc.add(new GrpcMethod(Json.text(method, "service", ""), Json.text(method, "method", ""),
					Json.text(method, "type"), idempotent.isBoolean() ? idempotent.booleanValue() : null));
		}
		return new Catalog(Json.text(node, "service"), http, grpc);
	}

	private static List<String> strings(JsonNode array) {
		List<String> values = new ArrayList<>();
		for (JsonNode value : array) {
			if (value.isString()) {
				values.add(value.stringValue());
			}
		}
		return values;
	}

	/**
	 * An HTTP handler.
	 *
	 * @param methods the HTTP methods it takes (empty for any)
	 * @param path the path pattern
	 * @param consumes the media types it reads (empty for any)
	 * @param produces the media types it writes (empty for any)
	 * @param handler the handler method, such as {@code NotesController#get}
	 */
	record HttpRoute(List<String> methods, String path, List<String> consumes, List<String> produces,
			@Nullable String handler) {

		/**
		 * Create a route.
		 */
		HttpRoute {
			methods = List.copyOf(methods);
			consumes = List.copyOf(consumes);
			produces = List.copyOf(produces);
		}

	}

	/**
	 * A gRPC method.
	 *
	 * @param service the full gRPC service name, such as {@code phanes.sample.Notes}
	 * @param method the method name
	 * @param type {@code UNARY}, {@code SERVER_STREAMING}, {@code CLIENT_STREAMING} or
	 * {@code BIDI_STREAMING}
	 * @param idempotent whether the method is marked idempotent, if known
	 */
	record GrpcMethod(String service, String method, @Nullable String type, @Nullable Boolean idempotent) {

	}

}
