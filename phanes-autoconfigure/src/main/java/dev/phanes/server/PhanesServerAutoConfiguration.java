package dev.phanes.server;

import reactor.netty.http.server.HttpServer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * Fixes for the Reactor Netty server of a reactive Phanes service. Each one names the
 * upstream defect it works around and has its own switch, so it can be turned off once
 * the Reactor Netty in use is fixed.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = Type.REACTIVE)
@ConditionalOnClass({ HttpServer.class, NettyServerCustomizer.class })
public final class PhanesServerAutoConfiguration {

	/**
	 * Answer a request the HTTP decoder rejected (414, 431, 400) even when it arrives on
	 * a keep-alive connection a moment before the previous exchange has terminated; see
	 * {@link DecodingFailureOrderingHandler}.
	 * @return the customizer that installs the handler on every connection
	 */
	@Bean
	@ConditionalOnBooleanProperty(name = "phanes.server.decoding-failure-ordering.enabled", matchIfMissing = true)
	NettyServerCustomizer phanesDecodingFailureOrdering() {
		return (server) -> server
			.doOnChannelInit((observer, channel, remoteAddress) -> DecodingFailureOrderingHandler.install(channel));
	}

}
