package dev.phanes.benchmarks;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.StringValue;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import dev.phanes.loadbalancer.LoadBalancerMetrics;
import dev.phanes.loadbalancer.OutlierEjections;
import dev.phanes.loadbalancer.PhanesLoadBalancerProperties;
import dev.phanes.loadbalancer.grpc.GrpcDiscovery;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * One unary gRPC call on loopback through {@code discovery:///echo} (Phanes' resolver
 * over a Spring Cloud {@code DiscoveryClient}, the {@code phanes_hashed} policy, the
 * retrying interceptor and the outlier-ejection tracer) beside the same call on a channel
 * to the fixed {@code 127.0.0.1:<port>} with grpc-java's default policy, in the same run,
 * to the same in-process Netty server. Discovery lists that one server, so the ratio is
 * the cost of Phanes' path, not a spread over more servers. Four caller threads;
 * throughput and the distribution of call times (sample mode, for p99).
 */
@BenchmarkMode({ Mode.Throughput, Mode.SampleTime })
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgs = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 4)
@Threads(4)
public class GrpcCallBenchmark {

	static final MethodDescriptor<StringValue, StringValue> WHO = MethodDescriptor
		.<StringValue, StringValue>newBuilder()
		.setType(MethodDescriptor.MethodType.UNARY)
		.setFullMethodName(MethodDescriptor.generateFullMethodName("phanes.bench.Echo", "Who"))
		.setIdempotent(true)
		.setRequestMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
		.setResponseMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
		.build();

	private static final StringValue REQUEST = StringValue.of("who");

	/**
	 * The server and both channels.
	 */
	@State(Scope.Benchmark)
	public static class Channels {

		private @Nullable Server server;

		@Nullable ManagedChannel fixed;

		@Nullable ManagedChannel discovered;

		@Setup(Level.Trial)
		public void start() throws Exception {
			StringValue answer = StringValue.of("echo-1");
			this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
				.addService(ServerServiceDefinition.builder("phanes.bench.Echo")
					.addMethod(WHO, ServerCalls.asyncUnaryCall((request, response) -> {
						response.onNext(answer);
						response.onCompleted();
					}))
					.build())
				.build()
				.start();
			int port = this.server.getPort();
			this.fixed = Grpc.newChannelBuilder("127.0.0.1:" + port, InsecureChannelCredentials.create()).build();
			ServiceInstance instance = new DefaultServiceInstance("echo-1", "echo", "127.0.0.1", 8080, false,
					Map.of(GrpcDiscovery.PORT_METADATA, Integer.toString(port)));
			DiscoveryClient discovery = new DiscoveryClient() {

				@Override
				public String description() {
					return "one echo instance";
				}

				@Override
				public List<ServiceInstance> getInstances(String serviceId) {
					return "echo".equals(serviceId) ? List.of(instance) : List.of();
				}

				@Override
				public List<String> getServices() {
					return List.of("echo");
				}

			};
			PhanesLoadBalancerProperties properties = new PhanesLoadBalancerProperties();
			GrpcDiscovery grpc = new GrpcDiscovery(discovery,
					new OutlierEjections(properties.getOutlier(), LoadBalancerMetrics.NONE, Clock.systemUTC()),
					LoadBalancerMetrics.NONE, "X-User-Id", properties.getGrpc().getFailureCodes(),
					Duration.ofSeconds(10), 2, Set.of());
			ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder("discovery:///echo",
					InsecureChannelCredentials.create());
			grpc.configure(builder);
			this.discovered = builder.build();
			// Both connected before the first measured call.
			call(this.fixed);
			call(this.discovered);
		}

		@TearDown(Level.Trial)
		public void stop() throws InterruptedException {
			this.fixed.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
			this.discovered.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
			this.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}

	}

	static StringValue call(ManagedChannel channel) {
		return ClientCalls.blockingUnaryCall(channel, WHO, CallOptions.DEFAULT, REQUEST);
	}

	@Benchmark
	public StringValue fixedAddress(Channels channels) {
		return call(channels.fixed);
	}

	@Benchmark
	public StringValue discoveryAndPhanesPolicy(Channels channels) {
		return call(channels.discovered);
	}

}
