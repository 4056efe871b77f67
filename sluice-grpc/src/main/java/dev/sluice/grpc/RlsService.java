package dev.sluice.grpc;

import com.google.protobuf.Duration;
import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import dev.sluice.RateLimiterEngine;
import dev.sluice.Rule;
import dev.sluice.frontend.StatsView;
import dev.sluice.rules.decide.DecisionCounters;
import dev.sluice.rules.decide.DecisionCounters.ClientTally;
import dev.sluice.rules.decide.DecisionCounters.Kind;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.Code;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.DescriptorStatus;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.RateLimit;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit}: validates the request,
 * matches each descriptor against its domain exactly as ERL does, applies {@code replaces},
 * decides through the {@link DescriptorDecider}, counts ERL's metrics and answers. Never blocks:
 * the response is sent from the decision's callback.
 *
 * <p>Thread-safe.
 */
final class RlsService extends RateLimitServiceGrpc.RateLimitServiceImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(RlsService.class);
  /** Largest hits_addend: ERL's request-level field is a uint32, so is this bound. */
  static final long MAX_HITS_ADDEND = 0xFFFF_FFFFL;
  /** Most descriptors in one request, and most entries in one descriptor. */
  static final int MAX_DESCRIPTORS = 256;
  static final int MAX_ENTRIES = 64;
  private static final int UINT32_MAX = -1; // 0xFFFFFFFF as a Java int, ERL's unlimited remaining
  private static final int MAX_CACHED_LIMITERS = 100_000;

  /** What one descriptor of a request is decided against. */
  private record Target(LimitSpec spec, String counterKey, String metricKey, long hits,
      boolean shadow) {
  }

  private final ConfigDirectory config;
  private final RateLimiterEngine engine;
  private final RlsMetrics metrics;
  private final DescriptorDecider decider;
  private final boolean headers;
  private final int maxMessageBytes;
  private final ConcurrentHashMap<Rule, RateLimiter> limiters = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LimitSpec> overrides = new ConcurrentHashMap<>();
  private final DecisionCounters counters;
  /** By core rule id: the observer of its decisions by client (the traffic statistics). */
  private final ConcurrentHashMap<String, ClientTally> observers = new ConcurrentHashMap<>();

  RlsService(ConfigDirectory config, RateLimiterEngine engine, RlsMetrics metrics,
      RlsConfig options, DecisionCounters counters) {
    this.counters = counters;
    this.config = config;
    this.engine = engine;
    this.metrics = metrics;
    this.decider = new DescriptorDecider(options.allOrNothing(), engine);
    this.headers = options.responseHeaders();
    this.maxMessageBytes = options.maxMessageBytes();
  }

  @Override
  public void shouldRateLimit(RateLimitRequest request,
      StreamObserver<RateLimitResponse> observer) {
    String bad = validate(request);
    if (bad != null) {
      observer.onError(Status.INVALID_ARGUMENT.withDescription(bad).asRuntimeException());
      return;
    }
    long requestHits = request.getHitsAddend() == 0 ? 1
        : Integer.toUnsignedLong(request.getHitsAddend());
    DomainConfig domain = config.domain(request.getDomain());
    RateLimitResponse.Builder response = RateLimitResponse.newBuilder()
        .setOverallCode(Code.OK);
    if (domain == null) {
      // As ERL: a domain no file defines is not an error; every descriptor is OK.
      for (int i = 0; i < request.getDescriptorsCount(); i++) {
        response.addStatuses(DescriptorStatus.newBuilder().setCode(Code.OK));
      }
      observer.onNext(response.build());
      observer.onCompleted();
      return;
    }
    List<Target> targets = new ArrayList<>();
    for (RateLimitDescriptor d : request.getDescriptorsList()) {
      long hits = requestHits;
      if (d.hasHitsAddend() && d.getHitsAddend().getValue() != 0) {
        hits = d.getHitsAddend().getValue();
      }
      targets.add(d.hasLimit() ? override(domain.domain(), d, hits) : match(domain, d, hits));
    }
    applyReplaces(targets);
    List<DescriptorDecider.Check> checks = new ArrayList<>();
    List<Integer> checked = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      Target t = targets.get(i);
      if (t.spec() != null && !t.spec().unlimited()) {
        checks.add(new DescriptorDecider.Check(limiter(t.spec().rule()), t.counterKey(),
            t.hits(), !t.shadow()));
        checked.add(i);
      }
    }
    decider.decide(checks).whenComplete((decisions, failure) -> {
      Throwable cause = failure instanceof java.util.concurrent.CompletionException
          && failure.getCause() != null ? failure.getCause() : failure;
      if (cause instanceof IllegalArgumentException invalid) {
        observer.onError(Status.INVALID_ARGUMENT.withDescription(invalid.getMessage())
            .asRuntimeException());
        return;
      }
      if (failure != null) {
        LOG.warn("Envoy RLS: the engine failed for domain {}", request.getDomain(), failure);
        observer.onError(Status.UNAVAILABLE.withDescription("rate-limit engine failed: "
            + failure.getMessage()).asRuntimeException());
        return;
      }
      try {
        Decision[] byTarget = new Decision[targets.size()];
        for (int k = 0; k < checked.size(); k++) {
          byTarget[checked.get(k)] = decisions.get(k);
        }
        observer.onNext(respond(domain.domain(), targets, byTarget, response));
        observer.onCompleted();
      } catch (RuntimeException e) {
        LOG.error("Envoy RLS: cannot answer domain {}", request.getDomain(), e);
        observer.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
      }
    });
  }

  private RateLimitResponse respond(String domain, List<Target> targets, Decision[] decisions,
      RateLimitResponse.Builder response) {
    long now = engine.timeSource().nowMicros();
    int headerIndex = -1;
    long headerRemaining = Long.MAX_VALUE;
    long headerWindowSeconds = 0;
    for (int i = 0; i < targets.size(); i++) {
      Target t = targets.get(i);
      Decision d = decisions[i];
      DescriptorStatus.Builder s = DescriptorStatus.newBuilder().setCode(Code.OK);
      if (t.spec() == null) {
        response.addStatuses(s);
        continue;
      }
      String key = t.metricKey();
      if (t.spec().unlimited()) {
        metrics.unlimited(domain, key, t.hits());
        response.addStatuses(s.setLimitRemaining(UINT32_MAX));
        continue;
      }
      int index = Math.max(0, Math.min(d.limitIndex(), t.spec().reported().size() - 1));
      Limit limit = t.spec().rule().limits().get(index);
      boolean over = !d.allowed();
      long used = Math.max(0, limit.permits() - d.remaining());
      metrics.limited(domain, key, t.hits(), limit.permits(),
          over ? used : Math.max(0, used - t.hits()), over, t.shadow());
      if (d.degraded()) {
        metrics.degraded(domain);
      }
      observe(t, d);
      long remaining = over ? 0 : Math.min(d.remaining(), MAX_HITS_ADDEND);
      long resetMicros = over
          ? (d.retryAfterMicros() == Decision.NEVER ? limit.windowMicros() : d.retryAfterMicros())
          : (d.resetAtMicros() == Decision.NEVER ? limit.windowMicros()
              : Math.max(0, d.resetAtMicros() - now));
      long resetSeconds = (resetMicros + 999_999) / 1_000_000;
      s.setCode(over && !t.shadow() ? Code.OVER_LIMIT : Code.OK)
          .setCurrentLimit(t.spec().reported().get(index))
          .setLimitRemaining((int) remaining)
          .setDurationUntilReset(Duration.newBuilder().setSeconds(resetSeconds));
      if (s.getCode() == Code.OVER_LIMIT) {
        response.setOverallCode(Code.OVER_LIMIT);
      }
      long rank = s.getCode() == Code.OVER_LIMIT ? -1 : remaining;
      if (rank < headerRemaining) {
        headerRemaining = rank;
        headerIndex = i;
        headerWindowSeconds = Math.max(1, (limit.windowMicros() + 999_999) / 1_000_000);
      }
      response.addStatuses(s);
    }
    if (headers && headerIndex >= 0) {
      DescriptorStatus s = response.getStatuses(headerIndex);
      RateLimit current = s.getCurrentLimit();
      long q = Integer.toUnsignedLong(current.getRequestsPerUnit());
      long r = Integer.toUnsignedLong(s.getLimitRemaining());
      long reset = s.getDurationUntilReset().getSeconds();
      String policy = current.getName().isEmpty() ? targets.get(headerIndex).metricKey()
          : current.getName();
      header(response, "X-RateLimit-Limit", q + ", " + q + ";w=" + headerWindowSeconds);
      header(response, "X-RateLimit-Remaining", Long.toString(r));
      header(response, "X-RateLimit-Reset", Long.toString(reset));
      String quoted = "\"" + policy.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
      header(response, "RateLimit-Policy", quoted + ";q=" + q + ";w=" + headerWindowSeconds);
      header(response, "RateLimit", quoted + ";r=" + r + ";t=" + reset);
    }
    return response.build();
  }

  /** Tells the traffic statistics of one decided descriptor. */
  private void observe(Target t, Decision d) {
    String id = t.spec().rule().id();
    ClientTally o = observers.get(id);
    if (o == null) {
      if (observers.size() > MAX_CACHED_LIMITERS) {
        observers.clear(); // rules of old configurations
      }
      o = observers.computeIfAbsent(id, k -> counters.clients(StatsView.ENVOY_PREFIX + k));
    }
    o.decided(t.counterKey(), t.hits(), d.degraded() ? Kind.DEGRADED
        : d.allowed() ? Kind.ALLOWED : t.shadow() ? Kind.SHADOW_DENIED : Kind.DENIED);
  }

  private static void header(RateLimitResponse.Builder response, String name, String value) {
    response.addResponseHeadersToAdd(HeaderValue.newBuilder().setKey(name).setValue(value));
  }

  /**
   * ERL's lookup: at each level the entry's {@code key_value}, then the level's wildcards in file
   * order, then the bare {@code key}; a limit applies only at the request's own depth.
   */
  static Target match(DomainConfig domain, RateLimitDescriptor d, long hits) {
    DescriptorNode level = domain.root();
    DescriptorNode found = null;
    StringBuilder counter = new StringBuilder();
    StringBuilder metric = new StringBuilder();
    boolean valueInMetric = false;
    int n = d.getEntriesCount();
    for (int i = 0; i < n; i++) {
      RateLimitDescriptor.Entry e = d.getEntries(i);
      String finalKey = e.getKey() + "_" + e.getValue();
      DescriptorNode next = level.children().get(finalKey);
      if (next == null) {
        for (DescriptorNode w : level.wildcards()) {
          if (w.wildcard().matcher(finalKey).matches()) {
            next = w;
            break;
          }
        }
      }
      if (next == null) {
        next = level.children().get(e.getKey());
      }
      if (next == null) {
        break;
      }
      counter.append(i == 0 ? "" : "\u001f").append(e.getKey()).append('=')
          .append(next.shareThreshold() ? next.value() : e.getValue());
      valueInMetric |= next.valueToMetric();
      metric.append(i == 0 ? "" : ".").append(next.valueToMetric()
          ? entryKey(e) : next.compositeKey());
      if (next.limit() != null && i == n - 1) {
        found = next;
      }
      if (next.children().isEmpty()) {
        break;
      }
      level = next;
    }
    if (found == null) {
      return new Target(null, null, null, hits, false);
    }
    String metricKey = found.detailedMetric() ? descriptorKey(d)
        : valueInMetric ? metric.toString()
        : found.statsKey().substring(domain.domain().length() + 1);
    return new Target(found.limit(), counter.toString(), metricKey, hits, found.shadowMode());
  }

  /** A per-request limit from Envoy's config: a fixed window, never in shadow mode (as ERL). */
  private Target override(String domain, RateLimitDescriptor d, long hits) {
    RateLimit.Unit unit = RateLimit.Unit.valueOf(d.getLimit().getUnit().name());
    long permits = Integer.toUnsignedLong(d.getLimit().getRequestsPerUnit());
    String id = domain + ":" + unit + ":" + permits;
    LimitSpec spec = overrides.computeIfAbsent(id, k -> {
      Limit limit = Limit.fixedWindow(permits,
          java.time.Duration.ofSeconds(ErlConfigParser.UNIT_SECONDS.get(unit)));
      RateLimit reported = RateLimit.newBuilder().setUnit(unit)
          .setRequestsPerUnit((int) permits).build();
      return new LimitSpec(new Rule(ErlConfigParser.ruleId("rls-override:", k), List.of(limit)),
          List.of(reported), List.of(), List.of(), false);
    });
    StringBuilder counter = new StringBuilder();
    for (int i = 0; i < d.getEntriesCount(); i++) {
      RateLimitDescriptor.Entry e = d.getEntries(i);
      counter.append(i == 0 ? "" : "\u001f").append(e.getKey()).append('=').append(e.getValue());
    }
    return new Target(spec, counter.toString(), descriptorKey(d), hits, false);
  }

  /** As ERL: a limit named in another matched limit's {@code replaces} is not applied. */
  private static void applyReplaces(List<Target> targets) {
    Set<String> replaced = new HashSet<>();
    for (Target t : targets) {
      if (t.spec() != null) {
        replaced.addAll(t.spec().replaces());
      }
    }
    if (replaced.isEmpty()) {
      return;
    }
    for (int i = 0; i < targets.size(); i++) {
      Target t = targets.get(i);
      if (t.spec() != null && t.spec().names().stream().anyMatch(replaced::contains)) {
        targets.set(i, new Target(null, null, null, t.hits(), false));
      }
    }
  }

  /** ERL's key of a request descriptor: {@code key_value} of each entry, dot-separated. */
  private static String descriptorKey(RateLimitDescriptor d) {
    StringBuilder b = new StringBuilder();
    for (RateLimitDescriptor.Entry e : d.getEntriesList()) {
      b.append(b.isEmpty() ? "" : ".").append(entryKey(e));
    }
    return b.toString();
  }

  private static String entryKey(RateLimitDescriptor.Entry e) {
    return e.getValue().isEmpty() ? e.getKey() : e.getKey() + "_" + e.getValue();
  }

  private RateLimiter limiter(Rule rule) {
    RateLimiter l = limiters.get(rule);
    if (l == null) {
      if (limiters.size() > MAX_CACHED_LIMITERS) {
        limiters.clear(); // rules of old configurations; the engine keeps the state
      }
      l = limiters.computeIfAbsent(rule, engine::limiter);
    }
    return l;
  }

  /** The first problem of a request, naming its field, or null when it is valid. */
  private String validate(RateLimitRequest r) {
    int size = r.getSerializedSize();
    if (size > maxMessageBytes) {
      return "request of " + size + " bytes exceeds max-message-size " + maxMessageBytes;
    }
    if (r.getDomain().isEmpty()) {
      return "domain must not be empty";
    }
    if (r.getDescriptorsCount() == 0) {
      return "descriptors must not be empty";
    }
    if (r.getDescriptorsCount() > MAX_DESCRIPTORS) {
      return "descriptors: " + r.getDescriptorsCount() + " exceed " + MAX_DESCRIPTORS;
    }
    for (int i = 0; i < r.getDescriptorsCount(); i++) {
      RateLimitDescriptor d = r.getDescriptors(i);
      String at = "descriptors[" + i + "]";
      if (d.getEntriesCount() == 0) {
        return at + ".entries must not be empty";
      }
      if (d.getEntriesCount() > MAX_ENTRIES) {
        return at + ".entries: " + d.getEntriesCount() + " exceed " + MAX_ENTRIES;
      }
      for (int j = 0; j < d.getEntriesCount(); j++) {
        if (d.getEntries(j).getKey().isEmpty()) {
          return at + ".entries[" + j + "].key must not be empty";
        }
      }
      if (d.hasHitsAddend()) {
        long h = d.getHitsAddend().getValue();
        if (h < 0 || h > MAX_HITS_ADDEND) {
          return at + ".hits_addend " + Long.toUnsignedString(h) + " exceeds " + MAX_HITS_ADDEND;
        }
      }
      if (d.hasLimit()) {
        var unit = d.getLimit().getUnit();
        if (unit == io.envoyproxy.envoy.type.v3.RateLimitUnit.UNKNOWN
            || unit == io.envoyproxy.envoy.type.v3.RateLimitUnit.UNRECOGNIZED) {
          return at + ".limit.unit " + unit + " is not a unit";
        }
      }
    }
    return null;
  }
}
