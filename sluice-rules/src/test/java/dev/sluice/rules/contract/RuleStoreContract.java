package dev.sluice.rules.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.rules.RuleDefinition;
import dev.sluice.rules.RuleSet;
import dev.sluice.rules.RuleSetCodec;
import dev.sluice.rules.store.PreconditionFailedException;
import dev.sluice.rules.store.RuleStore;
import dev.sluice.rules.store.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link RuleStore} passes unchanged: the file store and the PostgreSQL store
 * run these same tests against their real backing (a file; a real PostgreSQL server).
 *
 * <p>A subclass gives each test a fresh, empty backing ({@link #newBacking()}), opens store
 * instances on it (several instances share it, as several service processes would), and knows how
 * to break it: write content no store may accept ({@link #corrupt()}), and cut and restore the
 * link to it ({@link #cut()}, {@link #restore()}).
 */
public abstract class RuleStoreContract {
  /** Longest wait for a change to reach another instance (several poll intervals). */
  protected static final Duration PROPAGATION = Duration.ofSeconds(10);

  private final List<RuleStore> opened = new CopyOnWriteArrayList<>();

  /** For subclasses. */
  protected RuleStoreContract() {}

  /** Makes a fresh, empty backing for this test; later {@link #open()}s share it. */
  protected abstract void newBacking() throws Exception;

  /** A new store instance on this test's backing, polling about every 50 ms. */
  protected abstract RuleStore openStore();

  /** Writes content to the backing that is not a valid rule set. */
  protected abstract void corrupt() throws Exception;

  /** Makes the backing unreachable (reads and writes fail) until {@link #restore()}. */
  protected abstract void cut() throws Exception;

  /** Makes the backing reachable again. */
  protected abstract void restore() throws Exception;

  /** A started store: the latest delivered set and the failures, as seen by a listener. */
  protected final class Started {
    final RuleStore store;
    final AtomicReference<RuleSet> delivered = new AtomicReference<>();
    final List<String> failures = new CopyOnWriteArrayList<>();

    Started(RuleStore store) {
      this.store = store;
      store.start(delivered::set, (reason, message) -> failures.add(reason));
    }

    RuleSet inForce() {
      return delivered.get();
    }
  }

  private Started start() {
    RuleStore s = openStore();
    opened.add(s);
    return new Started(s);
  }

  @AfterEach
  void closeStores() {
    for (RuleStore s : opened) {
      s.close();
    }
  }

  /** A valid set of rules with these ids, each one limit of 10 per minute. */
  protected static RuleSet rules(String... ids) {
    List<String> items = Stream.of(ids).map(id -> "{\"id\":\"" + id
        + "\",\"limits\":[{\"window\":\"1m\",\"max\":10}]}").toList();
    try {
      RuleSetCodec.Parsed p = RuleSetCodec.parse(new ObjectMapper().readTree(
          "{\"rules\":[" + String.join(",", items) + "]}"), 1000);
      return ((RuleSetCodec.Valid) p).ruleSet();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> ids(RuleSet set) {
    return set.rules().stream().map(RuleDefinition::id).toList();
  }

  private static RuleSet adding(RuleSet current, String id) {
    List<RuleDefinition> next = new ArrayList<>(current.rules());
    next.addAll(rules(id).rules());
    return RuleSetCodec.withEtag(next);
  }

  @Test
  void start_deliversTheStoredSet_andReplaceDeliversTheNext() throws Exception {
    newBacking();
    Started a = start();
    await().atMost(PROPAGATION).until(() -> a.inForce() != null);
    RuleSet stored = a.store.replace(rules("first", "second"), null);
    assertThat(ids(stored)).containsExactly("first", "second");
    assertThat(ids(a.inForce())).containsExactly("first", "second");
    assertThat(a.inForce().etag()).isEqualTo(stored.etag());
    assertThat(a.store.reachable()).isTrue();
  }

  @Test
  void replace_isConditionalOnTheEntityTag() throws Exception {
    newBacking();
    Started a = start();
    await().atMost(PROPAGATION).until(() -> a.inForce() != null);
    String v1 = a.store.replace(rules("one"), null).etag();
    String v2 = a.store.replace(rules("two"), v1).etag();
    assertThat(v2).isNotEqualTo(v1);
    assertThatThrownBy(() -> a.store.replace(rules("stale"), v1))
        .isInstanceOfSatisfying(PreconditionFailedException.class,
            e -> assertThat(e.currentEtag()).isEqualTo(v2));
    assertThat(ids(a.inForce())).containsExactly("two");
    assertThat(ids(a.store.replace(rules("any"), "*"))).containsExactly("any");
  }

  @Test
  void anotherInstancesChange_isDelivered() throws Exception {
    newBacking();
    Started a = start();
    Started b = start();
    a.store.replace(rules("from_a"), null);
    await().atMost(PROPAGATION).until(() -> b.inForce() != null
        && ids(b.inForce()).equals(List.of("from_a")));
    assertThat(b.failures).isEmpty();
  }

  @Test
  void update_appliesToTheStoredSet_neverRevertingAnotherInstancesChange() throws Exception {
    newBacking();
    Started a = start();
    Started b = start();
    await().atMost(PROPAGATION).until(() -> a.inForce() != null && b.inForce() != null);
    b.store.replace(rules("from_b"), null);
    // At once, before a has necessarily polled: a's read-modify-write still sees b's change.
    RuleSet next = a.store.update(current -> adding(current, "from_a"), null);
    assertThat(ids(next)).containsExactly("from_b", "from_a");
    await().atMost(PROPAGATION).until(() -> ids(b.inForce()).equals(List.of("from_b", "from_a")));
  }

  @Test
  void concurrentWriters_onSeveralInstances_loseNoUpdate() throws Exception {
    newBacking();
    List<Started> stores = List.of(start(), start());
    int threads = 4;
    int each = 5;
    ExecutorService pool = Executors.newFixedThreadPool(threads * stores.size());
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int s = 0; s < stores.size(); s++) {
      for (int t = 0; t < threads; t++) {
        RuleStore store = stores.get(s).store;
        String prefix = "s" + s + "_t" + t + "_";
        done.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < each; i++) {
            String id = prefix + i;
            store.update(current -> adding(current, id), null);
          }
          return null;
        }));
      }
    }
    go.countDown();
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    RuleSet last = stores.get(0).store.update(current -> current, null);
    assertThat(last.rules()).hasSize(stores.size() * threads * each);
    assertThat(ids(last)).doesNotHaveDuplicates();
  }

  @Test
  void concurrentConditionalWriters_onOneVersion_exactlyOneWins() throws Exception {
    newBacking();
    Started a = start();
    Started b = start();
    String v = a.store.replace(rules("base"), null).etag();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Boolean>> results = new ArrayList<>();
    for (Started s : List.of(a, b)) {
      results.add(pool.submit(() -> {
        go.await();
        try {
          s.store.update(current -> adding(current, "winner_" + (s == a ? "a" : "b")), v);
          return true;
        } catch (PreconditionFailedException e) {
          return false;
        }
      }));
    }
    go.countDown();
    int wins = 0;
    for (Future<Boolean> f : results) {
      wins += f.get() ? 1 : 0;
    }
    pool.shutdown();
    assertThat(wins).isEqualTo(1);
    assertThat(a.store.update(current -> current, null).rules()).hasSize(2);
  }

  @Test
  void aChangeThatThrows_writesNothing() throws Exception {
    newBacking();
    Started a = start();
    String v = a.store.replace(rules("kept"), null).etag();
    assertThatThrownBy(() -> a.store.update(current -> {
      throw new IllegalStateException("refused by the caller");
    }, null)).hasMessage("refused by the caller");
    RuleSet after = a.store.update(current -> current, null);
    assertThat(ids(after)).containsExactly("kept");
    assertThat(after.etag()).isEqualTo(v);
  }

  @Test
  void invalidContent_isReported_andTheLastGoodRulesStayInForce() throws Exception {
    newBacking();
    Started a = start();
    a.store.replace(rules("good"), null);
    corrupt();
    await().atMost(PROPAGATION).until(() -> a.failures.contains("invalid"));
    assertThat(ids(a.inForce())).containsExactly("good");
    // A write applies to the last good rules and makes the backing valid again.
    RuleSet fixed = a.store.update(current -> adding(current, "more"), null);
    assertThat(ids(fixed)).containsExactly("good", "more");
    Started b = start();
    await().atMost(PROPAGATION).until(() -> b.inForce() != null
        && ids(b.inForce()).equals(List.of("good", "more")));
  }

  @Test
  void outage_keepsTheRulesInForce_refusesWrites_andRecovers() throws Exception {
    newBacking();
    Started a = start();
    a.store.replace(rules("steady"), null);
    cut();
    try {
      await().atMost(PROPAGATION).until(() -> !a.store.reachable());
      assertThat(ids(a.inForce())).containsExactly("steady");
      assertThatThrownBy(() -> a.store.replace(rules("lost"), null))
          .isInstanceOf(StoreUnavailableException.class);
      assertThat(ids(a.inForce())).containsExactly("steady");
    } finally {
      restore();
    }
    await().atMost(PROPAGATION).until(() -> a.store.reachable());
    assertThat(ids(a.store.replace(rules("after"), null))).containsExactly("after");
  }
}
