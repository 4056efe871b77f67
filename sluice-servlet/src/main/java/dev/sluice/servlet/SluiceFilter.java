package dev.sluice.servlet;

import dev.sluice.rules.Pipeline;
import dev.sluice.rules.config.ConfigException;
import dev.sluice.rules.decide.Outcome;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the rules to every HTTP request it filters, as the gateway does: the rule whose path,
 * method and headers match decides for the client the pipeline's identity configuration names.
 * A denied request gets 429 with the problem document and the rate-limit headers and never
 * reaches the chain; an admitted one carries the headers too (added before the chain runs, so
 * before the response commits). A request no rule governs passes untouched. When the engine
 * cannot decide, 503.
 *
 * <p>Two ways to configure it:
 *
 * <ul>
 *   <li>{@link #SluiceFilter(Pipeline)}: a pipeline the application started and closes;
 *   <li>{@link #SluiceFilter()} with the init parameter {@value #CONFIG_PARAM} naming a
 *       {@code sluice.yaml} (its {@code engine}, {@code rules} and {@code identity} sections,
 *       {@link SluiceYaml}): the filter starts the pipeline in {@link #init} (failing it with
 *       the bad keys named) and closes it in {@link #destroy}.
 * </ul>
 *
 * <p>Rules match the path inside the application (without the context path). On a remote engine
 * the request's thread waits for the decision.
 *
 * <p>Thread-safe.
 */
public final class SluiceFilter implements Filter {
  /** The init parameter naming the {@code sluice.yaml} file. */
  public static final String CONFIG_PARAM = "sluice.config";
  private static final Logger LOG = LoggerFactory.getLogger(SluiceFilter.class);

  private volatile Pipeline pipeline;
  private final boolean owned;

  /** A filter reading {@value #CONFIG_PARAM} in {@link #init}; it owns the pipeline. */
  public SluiceFilter() {
    this.owned = true;
  }

  /** A filter over {@code pipeline}, which the caller owns (this filter never closes it). */
  public SluiceFilter(Pipeline pipeline) {
    if (pipeline == null) {
      throw new IllegalArgumentException("pipeline must not be null");
    }
    this.pipeline = pipeline;
    this.owned = false;
  }

  /**
   * Starts the pipeline from {@value #CONFIG_PARAM} unless one was given.
   *
   * @throws ServletException naming the parameter when it is missing, or every bad key of the
   *     file
   */
  @Override
  public void init(FilterConfig config) throws ServletException {
    if (pipeline != null) {
      return;
    }
    String file = config.getInitParameter(CONFIG_PARAM);
    if (file == null || file.isBlank()) {
      throw new ServletException("filter " + config.getFilterName() + ": init parameter "
          + CONFIG_PARAM + " (the sluice.yaml file) is not set");
    }
    try {
      pipeline = SluiceYaml.start(Path.of(file));
    } catch (ConfigException e) {
      throw new ServletException("filter " + config.getFilterName() + ": invalid " + file
          + ": " + String.join("; ", e.problems()), e);
    } catch (RuntimeException e) {
      throw new ServletException("filter " + config.getFilterName() + ": " + e.getMessage(), e);
    }
  }

  /** The pipeline deciding (null before {@link #init} of a filter configured by file). */
  public Pipeline pipeline() {
    return pipeline;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    Pipeline p = pipeline;
    if (p == null || !(request instanceof HttpServletRequest req)
        || !(response instanceof HttpServletResponse res)) {
      chain.doFilter(request, response);
      return;
    }
    Outcome outcome;
    try {
      outcome = ServletDecisions.decide(p, req);
    } catch (RuntimeException e) {
      LOG.warn("rate-limit engine failed: {}", e.toString());
      ServletDecisions.backendFailure(res);
      return;
    }
    if (!outcome.allowed()) {
      ServletDecisions.deny(p, res, outcome);
      return;
    }
    ServletDecisions.addHeaders(p, res, outcome);
    chain.doFilter(request, response);
  }

  @Override
  public void destroy() {
    Pipeline p = pipeline;
    if (owned && p != null) {
      pipeline = null;
      p.close();
    }
  }
}
