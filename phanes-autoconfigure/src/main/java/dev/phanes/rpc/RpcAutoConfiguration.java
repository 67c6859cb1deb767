package dev.phanes.rpc;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.context.annotation.Bean;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;

/**
 * The RPC block's server side: with Spring gRPC's server on the class path, its port is
 * published in the discovery registrations ({@link GrpcPortPublisher}). Off with
 * {@code phanes.rpc.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnClass({ GrpcServerStartedEvent.class, Registration.class })
@ConditionalOnProperty(name = "phanes.rpc.enabled", matchIfMissing = true)
public final class RpcAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	static GrpcPortPublisher phanesGrpcPortPublisher(ListableBeanFactory beans) {
		return new GrpcPortPublisher(beans);
	}

}
