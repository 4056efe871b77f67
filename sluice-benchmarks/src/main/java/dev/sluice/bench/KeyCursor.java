package dev.sluice.bench;

import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * A per-thread uniform random choice of client index in {@code [0, n)}: xorshift64* and a
 * multiply-high range reduction, a few nanoseconds and no allocation per call. Each benchmark
 * thread gets its own generator from a fixed sequence of seeds, so runs are repeatable.
 */
@State(Scope.Thread)
public class KeyCursor {
  private static final AtomicLong SEEDS = new AtomicLong(0x5EED_0F_51_1CEL);

  private long x;

  public KeyCursor() {
    // SplitMix64 finaliser over a per-thread counter: distinct, well-mixed, never zero.
    long z = SEEDS.getAndAdd(0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    x = (z ^ (z >>> 31)) | 1;
  }

  /** The next index, uniform in {@code [0, n)} for {@code n >= 1}. */
  public long next(long n) {
    long s = x;
    s ^= s >>> 12;
    s ^= s << 25;
    s ^= s >>> 27;
    x = s;
    return Math.unsignedMultiplyHigh(s * 0x2545F4914F6CDD1DL, n);
  }
}
