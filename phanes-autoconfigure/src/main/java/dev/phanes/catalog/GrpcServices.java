package dev.phanes.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;

import org.springframework.beans.factory.ObjectProvider;

/**
 * The methods of the application's gRPC services ({@link BindableService} beans), read
 * from their service descriptors when asked.
 */
final class GrpcServices {

	private GrpcServices() {
	}

	/**
	 * The methods of the given services.
	 * @param services the gRPC service beans
	 * @return their methods, read on each call
	 */
	static Supplier<List<GrpcOperation>> of(ObjectProvider<BindableService> services) {
		return () -> {
			List<GrpcOperation> operations = new ArrayList<>();
			services.orderedStream().forEach((service) -> {
				ServiceDescriptor descriptor = service.bindService().getServiceDescriptor();
				for (MethodDescriptor<?, ?> method : descriptor.getMethods()) {
					String name = method.getBareMethodName();
					operations.add(new GrpcOperation(descriptor.getName(), (name != null) ? name : "",
							method.getType().name(), method.isIdempotent() || method.isSafe(), method.isSafe()));
				}
			});
			return operations;
		};
	}

}
