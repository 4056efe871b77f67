package dev.sluice.spring.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code sluice.*} properties: the sections of the service's {@code sluice.yaml} under the
 * same names ({@code sluice.engine.type} is the file's {@code engine.type}), plus the filter's.
 * The pipeline reads and checks them as the service reads its file ({@code PipelineConfig}), so
 * every engine's keys work here, including ones this class does not list; the fields below give
 * IDEs the common keys with their documentation.
 */
@ConfigurationProperties("sluice")
public class SluiceProperties {
  private final Engine engine = new Engine();
  private final Rules rules = new Rules();
  private final Identity identity = new Identity();
  private final Filter filter = new Filter();

  public Engine getEngine() {
    return engine;
  }

  public Rules getRules() {
    return rules;
  }

  public Identity getIdentity() {
    return identity;
  }

  public Filter getFilter() {
    return filter;
  }

  /** The engine deciding every check ({@code engine} in sluice.yaml). */
  public static class Engine {
    /**
     * The engine: in-memory, redis, synced, leased or regional (any engine type on the class
     * path).
     */
    private String type = "in-memory";
    /** redis and synced: the Redis URI of a standalone server, e.g. redis://127.0.0.1:6379. */
    private String uri;
    /** redis: standalone, sentinel, cluster or sharded. */
    private String topology;
    /** redis: sentinels, cluster seeds, or the shards in ring order. */
    private List<String> nodes = new ArrayList<>();
    /** redis: how long a command may take, e.g. 250ms. */
    private String commandTimeout;
    /** redis: while Redis is unreachable: fail-open, fail-closed or local. */
    private String failurePolicy;
    /** in-memory: the most clients tracked per rule. */
    private Long maxClientsPerRule;

    public String getType() {
      return type;
    }

    public void setType(String type) {
      this.type = type;
    }

    public String getUri() {
      return uri;
    }

    public void setUri(String uri) {
      this.uri = uri;
    }

    public String getTopology() {
      return topology;
    }

    public void setTopology(String topology) {
      this.topology = topology;
    }

    public List<String> getNodes() {
      return nodes;
    }

    public void setNodes(List<String> nodes) {
      this.nodes = nodes;
    }

    public String getCommandTimeout() {
      return commandTimeout;
    }

    public void setCommandTimeout(String commandTimeout) {
      this.commandTimeout = commandTimeout;
    }

    public String getFailurePolicy() {
      return failurePolicy;
    }

    public void setFailurePolicy(String failurePolicy) {
      this.failurePolicy = failurePolicy;
    }

    public Long getMaxClientsPerRule() {
      return maxClientsPerRule;
    }

    public void setMaxClientsPerRule(Long maxClientsPerRule) {
      this.maxClientsPerRule = maxClientsPerRule;
    }
  }

  /** Where the rules come from ({@code rules} in sluice.yaml). */
  public static class Rules {
    /** file (a YAML rules file, watched) or postgres. */
    private String store = "file";
    /**
     * The rules YAML (the service's format): a path, or classpath:NAME (reloaded when it is a
     * file on disk, read once from inside a jar).
     */
    private String file;
    /** How often the file is checked for changes, e.g. 1s. */
    private String reloadInterval;
    /** The most rules a set may hold. */
    private Integer maxRules;

    public String getStore() {
      return store;
    }

    public void setStore(String store) {
      this.store = store;
    }

    public String getFile() {
      return file;
    }

    public void setFile(String file) {
      this.file = file;
    }

    public String getReloadInterval() {
      return reloadInterval;
    }

    public void setReloadInterval(String reloadInterval) {
      this.reloadInterval = reloadInterval;
    }

    public Integer getMaxRules() {
      return maxRules;
    }

    public void setMaxRules(Integer maxRules) {
      this.maxRules = maxRules;
    }
  }

  /** How clients are identified ({@code identity} in sluice.yaml). */
  public static class Identity {
    /** The header carrying the API key. */
    private String apiKeyHeader = "X-API-Key";
    /** The header carrying the authenticated user id (set by your gateway). */
    private String userIdHeader = "X-User-Id";
    /** The header carrying the organisation id (set by your gateway). */
    private String orgIdHeader = "X-Org-Id";
    /** Peers (addresses or CIDR blocks) whose forwarding and user headers are believed. */
    private List<String> trustedProxies = new ArrayList<>();
    /** Believe the user and organisation headers from any peer. */
    private boolean userHeadersFromAnyone;

    public String getApiKeyHeader() {
      return apiKeyHeader;
    }

    public void setApiKeyHeader(String apiKeyHeader) {
      this.apiKeyHeader = apiKeyHeader;
    }

    public String getUserIdHeader() {
      return userIdHeader;
    }

    public void setUserIdHeader(String userIdHeader) {
      this.userIdHeader = userIdHeader;
    }

    public String getOrgIdHeader() {
      return orgIdHeader;
    }

    public void setOrgIdHeader(String orgIdHeader) {
      this.orgIdHeader = orgIdHeader;
    }

    public List<String> getTrustedProxies() {
      return trustedProxies;
    }

    public void setTrustedProxies(List<String> trustedProxies) {
      this.trustedProxies = trustedProxies;
    }

    public boolean isUserHeadersFromAnyone() {
      return userHeadersFromAnyone;
    }

    public void setUserHeadersFromAnyone(boolean userHeadersFromAnyone) {
      this.userHeadersFromAnyone = userHeadersFromAnyone;
    }
  }

  /** The servlet filter applying the rules to every request. */
  public static class Filter {
    /** Apply the rules' path, method and header matching to every request. */
    private boolean enabled;
    /** The filter's order among the application's filters. */
    private int order = -100;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public int getOrder() {
      return order;
    }

    public void setOrder(int order) {
      this.order = order;
    }
  }
}
