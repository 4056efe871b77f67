/**
 * Envoy's rate limit service (RLS v3) over gRPC: {@link dev.sluice.grpc.RlsServer} started from
 * an {@link dev.sluice.grpc.RlsConfig}, and the serve extension that runs it beside the HTTP
 * API.
 */
// gRPC, protobuf and Envoy's generated API name their modules only in manifests or file names.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.sluice.grpc {
  requires transitive dev.sluice.frontend;
  requires transitive io.grpc;
  requires io.grpc.stub;
  requires io.grpc.protobuf;
  requires io.grpc.services;
  requires io.grpc.netty.shaded;
  requires com.google.protobuf;
  requires api;
  requires org.yaml.snakeyaml;
  requires org.slf4j;

  exports dev.sluice.grpc;

  provides dev.sluice.frontend.ServeExtension with dev.sluice.grpc.RlsServeExtension;
}
