/**
 * The HTTP service over the pipeline: {@link dev.sluice.server.SluiceServer} started from a
 * {@link dev.sluice.server.config.ServerConfig}, and its commands ({@code dev.sluice.server.cli}).
 * The HTTP API ({@code dev.sluice.server.http}) is not exported.
 */
module dev.sluice.server {
  requires transitive dev.sluice.frontend;
  requires io.vertx.web;
  requires info.picocli;
  requires org.slf4j;
  // JsonOut writes check answers straight into a Netty buffer.
  requires io.netty.buffer;
  // sluice check asks a running server.
  requires java.net.http;
  // serve prints the JVM's heap and huge-page settings (HotSpotDiagnosticMXBean).
  requires jdk.management;

  exports dev.sluice.server;
  exports dev.sluice.server.config;
  exports dev.sluice.server.cli;
  // picocli sets the commands' options by reflection.
  opens dev.sluice.server.cli to info.picocli;

  uses dev.sluice.frontend.ServeExtension;
}
