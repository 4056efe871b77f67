package dev.sluice.rules.decide;

import dev.sluice.rules.identity.ClientIdentity;
import dev.sluice.rules.Scope;

/**
 * The state key of each scope for one request.
 *
 * @param identity who is asking
 * @param endpoint the endpoint ({@code METHOD path}), or null when the check names none
 */
public record ScopeKeys(ClientIdentity identity, String endpoint) {

  /** The key a limit of {@code scope} counts under, or null when the scope does not apply. */
  public String keyOf(Scope scope) {
    return switch (scope) {
      case CLIENT -> identity.key();
      case USER -> identity.userId() != null ? "user:" + identity.userId() : identity.key();
      case ORG -> identity.orgId() != null ? "org:" + identity.orgId() : null;
      case ENDPOINT -> endpoint != null ? "endpoint:" + endpoint : "endpoint:*";
      case GLOBAL -> "global";
    };
  }
}
