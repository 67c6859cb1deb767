package dev.phanes.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import reactor.netty.NettyPipeline;
import reactor.netty.channel.ChannelOperations;

/**
 * Holds back a request the HTTP decoder rejected (a request line or headers too long, a
 * malformed request) until the previous exchange on the same keep-alive connection has
 * terminated, so that Reactor Netty answers it with its 414, 431 or 400.
 * <p>
 * Reactor Netty 1.3.8 answers a decoder failure through whatever exchange is still bound
 * to the connection. When the previous response was written from a thread other than the
 * event loop (a handler that read a store on {@code boundedElastic}, say), its exchange
 * terminates a moment after the client has the whole response; a rejected request read in
 * that moment is "answered" through the finished exchange, nothing is written, and the
 * connection is silent until the client gives up. Requests the decoder accepted are
 * already queued by Reactor Netty in that case; only rejected ones are affected.
 * Installed just before Reactor Netty's {@code HttpTrafficHandler}; every other message
 * passes straight through.
 */
final class DecodingFailureOrderingHandler extends ChannelInboundHandlerAdapter {

	static final String NAME = "phanes.decodingFailureOrdering";

	/**
	 * Add the handler to an HTTP/1.1 server pipeline, if it has Reactor Netty's traffic
	 * handler (HTTP/2 streams and pipelines without it are left alone).
	 * @param channel the new channel
	 */
	static void install(Channel channel) {
		if (channel.pipeline().get(NettyPipeline.HttpTrafficHandler) != null && channel.pipeline().get(NAME) == null) {
			channel.pipeline().addBefore(NettyPipeline.HttpTrafficHandler, NAME, new DecodingFailureOrderingHandler());
		}
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof HttpRequest request && request.decoderResult().isFailure()) {
			ChannelOperations<?, ?> previous = ChannelOperations.get(ctx.channel());
			if (previous != null) {
				previous.onTerminate().subscribe(null, (error) -> forward(ctx, msg), () -> forward(ctx, msg));
				return;
			}
		}
		ctx.fireChannelRead(msg);
	}

	/**
	 * Pass the held request on, after the event-loop task that terminated the previous
	 * exchange has finished; dropped if the connection closed meanwhile.
	 */
	private static void forward(ChannelHandlerContext ctx, Object msg) {
		ctx.executor().execute(() -> {
			if (ctx.channel().isActive() && !ctx.isRemoved()) {
				ctx.fireChannelRead(msg);
			}
			else {
				ReferenceCountUtil.release(msg);
			}
		});
	}

}
