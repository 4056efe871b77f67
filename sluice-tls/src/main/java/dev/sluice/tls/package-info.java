/**
 * The {@code tls} block ({@link dev.sluice.tls.TlsSettings}) and what it opens
 * ({@link dev.sluice.tls.TlsContext}): an {@link javax.net.ssl.SSLContext}, the key and trust
 * manager factories Netty, Vert.x, grpc-java and Lettuce take, reloading of rotated files and
 * the expiry of every certificate in force.
 */
package dev.sluice.tls;
