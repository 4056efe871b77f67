package dev.sluice.redis;

import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * Coalesces the writes of concurrent checks on one connection into fewer socket writes.
 *
 * <p>Lettuce flushes every command on its own; with many checks in flight from application
 * threads, each becomes its own TCP segment, and Redis then spends a read (and often a reply
 * write) per command: per-command I/O that costs Redis about as much CPU as a small script
 * (docs/redis.md, "Performance"). Netty's {@link FlushConsolidationHandler} defers a flush until
 * the event loop has run the writes queued behind it (at most {@value #MAX_PENDING_FLUSHES}), so
 * the commands that arrived together leave in one write and Redis reads them in one go. A lone
 * command is flushed as soon as the event loop gets to it, so an idle connection adds no delay.
 *
 * <p>Installed on the engine's own client resources; applications passing their own
 * {@link io.lettuce.core.resource.ClientResources} can add it there. Thread-safe (stateless).
 */
final class WriteCoalescing implements NettyCustomizer {
  /** Flushes deferred at most: beyond this many, a flush goes out at once. */
  static final int MAX_PENDING_FLUSHES = 256;

  @Override
  public void afterChannelInitialized(Channel channel) {
    channel.pipeline().addFirst(new FlushConsolidationHandler(MAX_PENDING_FLUSHES, true));
  }
}
