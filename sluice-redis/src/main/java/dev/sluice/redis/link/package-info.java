/**
 * The Redis plumbing every Redis-backed engine shares, exported only to Sluice's own engine
 * modules: Lua scripts loaded from resources and run with EVALSHA and an EVAL fallback
 * ({@link dev.sluice.redis.link.Script}), a {@link dev.sluice.redis.Topology} turned into Lettuce
 * settings ({@link dev.sluice.redis.link.Connections}) and into a connection with slot routing for
 * work off the check's path ({@link dev.sluice.redis.link.RedisLink}), and periodic rounds with
 * their failure statistics ({@link dev.sluice.redis.link.Rounds}).
 */
package dev.sluice.redis.link;
