package dev.sluice.rules.config;

import dev.sluice.rules.identity.TrustedProxies;
import dev.sluice.rules.store.RuleStoreProvider;
import dev.sluice.rules.store.RuleStoreSpec;
import dev.sluice.spi.EngineProvider;
import dev.sluice.spi.EngineSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The configuration every front end shares: the {@code engine}, {@code rules} and
 * {@code identity} sections. Engines and rule stores are plug-ins found with
 * {@link ServiceLoader} ({@link EngineProvider}, {@link RuleStoreProvider}): a section names one
 * by type and the provider reads the rest of it.
 *
 * @param engine the engine to build
 * @param engineType the value of {@code engine.type}
 * @param store the rule store to open
 * @param storeName the value of {@code rules.store}
 * @param maxRules most rules in a set
 * @param identity how clients are identified
 */
public record PipelineConfig(EngineSpec engine, String engineType, RuleStoreSpec store,
    String storeName, int maxRules, Identity identity) {

  /**
   * Client identification.
   *
   * @param apiKeyHeader header carrying the API key
   * @param userIdHeader header carrying the authenticated user id (set by a gateway)
   * @param orgIdHeader header carrying the organisation id (set by a gateway)
   * @param trustedProxies addresses whose forwarding headers are believed
   * @param userHeadersFromAnyone believe user/org headers from any peer
   */
  public record Identity(String apiKeyHeader, String userIdHeader, String orgIdHeader,
      TrustedProxies trustedProxies, boolean userHeadersFromAnyone) {}

  /**
   * Reads the three sections of {@code top}, recording every problem on it (the caller throws
   * {@link ConfigException} once it has read its own sections too).
   *
   * @param baseDir the configuration file's folder; relative paths resolve against it
   */
  public static PipelineConfig read(ConfigNode top, Path baseDir) {
    ConfigNode engineNode = top.section("engine");
    Map<String, EngineProvider> engines = engines();
    String type = engineNode.string("type", "in-memory");
    EngineProvider provider = engines.get(type);
    EngineSpec engine = null;
    if (provider == null) {
      engineNode.problem("type", "'" + type + "' is not an engine on the class path; known: "
          + List.copyOf(engines.keySet()));
    } else {
      engine = provider.read(engineNode, baseDir);
      engineNode.finish();
    }

    ConfigNode rulesNode = top.section("rules");
    Map<String, RuleStoreProvider> stores = stores();
    String storeName = rulesNode.string("store", "file");
    int maxRules = rulesNode.integer("max-rules", 1000, 1, 100_000);
    RuleStoreSpec store = null;
    RuleStoreProvider selected = stores.get(storeName);
    if (selected == null) {
      rulesNode.problem("store", "'" + storeName + "' is not a rule store on the class path; "
          + "known: " + List.copyOf(stores.keySet()));
    } else {
      store = selected.read(rulesNode, baseDir, maxRules);
    }
    for (RuleStoreProvider other : stores.values()) {
      if (other != selected) {
        other.skip(rulesNode);
      }
    }
    rulesNode.finish();

    ConfigNode id = top.section("identity");
    String apiKey = id.string("api-key-header", "X-API-Key");
    String user = id.string("user-id-header", "X-User-Id");
    String org = id.string("org-id-header", "X-Org-Id");
    TrustedProxies trusted = TrustedProxies.none();
    try {
      trusted = TrustedProxies.parse(id.strings("trusted-proxies"));
    } catch (IllegalArgumentException e) {
      id.problem("trusted-proxies", e.getMessage());
    }
    boolean fromAnyone = id.bool("user-headers-from-anyone", false);
    id.finish();
    return new PipelineConfig(engine, type, store, storeName, maxRules,
        new Identity(apiKey, user, org, trusted, fromAnyone));
  }

  /** The engine providers on the class path, by type. */
  public static Map<String, EngineProvider> engines() {
    Map<String, EngineProvider> out = new TreeMap<>();
    for (EngineProvider p : ServiceLoader.load(EngineProvider.class)) {
      out.putIfAbsent(p.type(), p);
    }
    return out;
  }

  /** The rule-store providers on the class path, by name. */
  public static Map<String, RuleStoreProvider> stores() {
    Map<String, RuleStoreProvider> out = new TreeMap<>();
    for (RuleStoreProvider p : ServiceLoader.load(RuleStoreProvider.class)) {
      out.putIfAbsent(p.name(), p);
    }
    return out;
  }
}
