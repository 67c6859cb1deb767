package dev.phanes.catalog;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code catalog} Actuator endpoint: the operations this instance serves, its request
 * mappings (from {@code @RequestMapping} and {@code @HttpExchange} controllers, on
 * WebFlux or MVC) and its gRPC methods, sorted by path and name. Actuator's own endpoints
 * and functional routes are not listed. Read on demand: nothing is cached or published in
 * discovery. Like every Actuator endpoint it is not exposed over HTTP unless
 * {@code management.endpoints.web.exposure.include} names it.
 */
@Endpoint(id = "catalog")
public class CatalogEndpoint {

	private final String service;

	private final List<Supplier<List<HttpOperation>>> http;

	private final List<Supplier<List<GrpcOperation>>> grpc;

	/**
	 * Create the endpoint.
	 * @param service this application's service name
	 * @param http the sources of HTTP operations
	 * @param grpc the sources of gRPC methods
	 */
	public CatalogEndpoint(String service, List<Supplier<List<HttpOperation>>> http,
			List<Supplier<List<GrpcOperation>>> grpc) {
		this.service = service;
		this.http = List.copyOf(http);
		this.grpc = List.copyOf(grpc);
	}

	/**
	 * The operations this instance serves.
	 * @return the catalog
	 */
	@ReadOperation
	public CatalogDescriptor catalog() {
		List<HttpOperation> operations = new ArrayList<>();
		this.http.forEach((source) -> operations.addAll(source.get()));
		operations.sort(Comparator.comparing(HttpOperation::path).thenComparing((o) -> String.join(",", o.methods())));
		List<GrpcOperation> methods = new ArrayList<>();
		this.grpc.forEach((source) -> methods.addAll(source.get()));
		methods.sort(Comparator.comparing(GrpcOperation::service).thenComparing(GrpcOperation::method));
		return new CatalogDescriptor(this.service, List.copyOf(operations), List.copyOf(methods));
	}

	/**
	 * What the endpoint returns.
	 *
	 * @param service the service name
	 * @param http the HTTP operations
	 * @param grpc the gRPC methods
	 */
	public record CatalogDescriptor(String service, List<HttpOperation> http, List<GrpcOperation> grpc) {

	}

}
