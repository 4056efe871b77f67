package dev.sluice.examples.vertx;

import dev.sluice.rules.Pipeline;
import dev.sluice.servlet.SluiceYaml;
import dev.sluice.vertx.web.SluiceHandler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Path;

/**
 * A Vert.x Web router answering "ok" to every path, with {@link SluiceHandler} first (a policy
 * handler, before the body handler). Arguments: {@code [sluice.yaml] [port]}.
 */
public final class VertxWebExample {
  private VertxWebExample() {}

  public static void main(String[] args) {
    String config = args.length > 0 ? args[0] : "config/sluice.yaml";
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 8080;
    // The pipeline's sections of a sluice.yaml, read as the service reads them.
    Pipeline pipeline = SluiceYaml.start(Path.of(config));
    Vertx vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.route().handler(SluiceHandler.create(pipeline));
    router.route().handler(BodyHandler.create());
    router.route().handler(ctx -> ctx.response().end("ok\n"));
    vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1").await();
    System.out.println("listening on http://127.0.0.1:" + port + " with " + config);
  }
}
