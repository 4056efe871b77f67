package dev.sluice.spi;

import java.util.function.Function;
import java.util.function.Supplier;

/** A validated engine configuration, read by an {@link EngineProvider}; immutable. */
public interface EngineSpec {
  /**
   * A spec named {@code name} whose engine has nothing to report to an observer.
   *
   * @param create builds the engine, as {@link #create()}
   */
  static EngineSpec of(String name, Supplier<ProvidedEngine> create) {
    return observed(name, observer -> create.get());
  }

  /**
   * A spec named {@code name} whose engine reports its per-shard figures.
   *
   * @param create builds the engine reporting to the observer it is given, as
   *     {@link #create(EngineObserver)}; {@link #create()} gives it {@link EngineObserver#NONE}
   */
  static EngineSpec observed(String name, Function<EngineObserver, ProvidedEngine> create) {
    return new EngineSpec() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public ProvidedEngine create() {
        return create.apply(EngineObserver.NONE);
      }

      @Override
      public ProvidedEngine create(EngineObserver observer) {
        return create.apply(observer);
      }
    };
  }

  /** A short name for logs and metric tags, e.g. {@code redis-cluster}. */
  String name();

  /**
   * Builds the engine.
   *
   * @throws RuntimeException when a backend cannot be set up (an unreachable backend is not an
   *     error: the engine's failure policy answers until it is back)
   */
  ProvidedEngine create();

  /**
   * Builds the engine, reporting its per-shard figures to {@code observer}. The default ignores
   * the observer: engines without a backend have nothing to report.
   *
   * @throws RuntimeException as {@link #create()}
   */
  default ProvidedEngine create(EngineObserver observer) {
    return create();
  }
}
