package dev.sluice.server.engine;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The engine factories the service knows, by {@code engine.type}. */
public final class Engines {
  private static final Map<String, EngineFactory> FACTORIES = new TreeMap<>();

  static {
    register(new InMemoryEngineFactory());
    register(new RedisEngineFactory());
  }

  private Engines() {}

  private static void register(EngineFactory f) {
    FACTORIES.put(f.type(), f);
  }

  /** The factory for {@code type}, or null. */
  public static EngineFactory forType(String type) {
    return FACTORIES.get(type);
  }

  /** Every known type. */
  public static List<String> types() {
    return List.copyOf(FACTORIES.keySet());
  }
}
