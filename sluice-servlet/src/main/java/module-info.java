/**
 * The Jakarta Servlet adapter over the decision pipeline: {@link dev.sluice.servlet.SluiceFilter}
 * and the request/response steps other servlet-based integrations reuse.
 */
module dev.sluice.servlet {
  requires transitive dev.sluice.rules;
  requires transitive jakarta.servlet;
  requires org.slf4j;

  exports dev.sluice.servlet;
}
