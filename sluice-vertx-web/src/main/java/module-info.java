/** The decision pipeline as a Vert.x Web handler ({@link dev.sluice.vertx.web.SluiceHandler}). */
module dev.sluice.vertx.web {
  requires transitive dev.sluice.frontend;
  requires transitive io.vertx.web;
  requires org.slf4j;

  exports dev.sluice.vertx.web;
}
