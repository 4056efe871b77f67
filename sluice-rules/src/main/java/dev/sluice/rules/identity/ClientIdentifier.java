package dev.sluice.rules.identity;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Identifies the client of a request, in the seed's order: API key, then authenticated user id,
 * then IP address.
 *
 * <p>The IP is the socket peer's, unless the peer is a trusted proxy: then the forwarding chain
 * ({@code X-Forwarded-For}, else {@code Forwarded: for=}) is walked from the nearest hop outwards
 * and the first address that is not a trusted proxy is the client. A client that talks to the
 * service directly cannot move its identity with a forged header, and one behind a trusted proxy
 * cannot either: entries it prepends lie beyond the first untrusted hop.
 *
 * <p>The user and organisation headers are meant to be set by an authenticating gateway in front
 * of the service (which must drop any value a client sent); like the forwarding headers they are
 * believed only from trusted proxies when {@code trustUserHeadersFromAnyone} is false.
 *
 * <p>Immutable and thread-safe.
 */
public final class ClientIdentifier {
  private final String apiKeyHeader;
  private final String userIdHeader;
  private final String orgIdHeader;
  private final TrustedProxies trusted;
  private final boolean userHeadersFromAnyone;

  /**
   * An identifier reading the given headers (names are case-insensitive).
   *
   * @param userHeadersFromAnyone whether user/org headers are believed from any peer (true when
   *     the only path to the service is through the authenticating gateway)
   */
  public ClientIdentifier(String apiKeyHeader, String userIdHeader, String orgIdHeader,
      TrustedProxies trusted, boolean userHeadersFromAnyone) {
    this.apiKeyHeader = apiKeyHeader.toLowerCase(Locale.ROOT);
    this.userIdHeader = userIdHeader.toLowerCase(Locale.ROOT);
    this.orgIdHeader = orgIdHeader.toLowerCase(Locale.ROOT);
    this.trusted = trusted;
    this.userHeadersFromAnyone = userHeadersFromAnyone;
  }

  /**
   * Identifies a request.
   *
   * @param peer the address of the connection the request came on (or the {@code client_ip} a
   *     gateway reports for it)
   * @param header a header value by lower-case name, null when absent
   * @param userId a user id the caller vouches for explicitly, or null
   * @param orgId an organisation the caller vouches for explicitly, or null
   */
  public ClientIdentity identify(String peer, Function<String, String> header, String userId,
      String orgId) {
    InetAddress peerAddress = IpAddresses.parse(peer);
    boolean fromTrusted = trusted.contains(peerAddress);
    String ip = peerAddress == null ? peer : IpAddresses.text(peerAddress);
    if (fromTrusted) {
      InetAddress client = forwardedClient(header, peerAddress);
      ip = IpAddresses.text(client);
    }
    if (fromTrusted || userHeadersFromAnyone) {
      if (userId == null) {
        userId = blankToNull(header.apply(userIdHeader));
      }
      if (orgId == null) {
        orgId = blankToNull(header.apply(orgIdHeader));
      }
    }
    String apiKey = blankToNull(header.apply(apiKeyHeader));
    String key = apiKey != null ? "key:" + apiKey
        : userId != null ? "user:" + userId
        : "ip:" + (ip == null ? "unknown" : ip);
    return new ClientIdentity(key, userId, orgId, ip);
  }

  private InetAddress forwardedClient(Function<String, String> header, InetAddress peer) {
    List<String> chain = new ArrayList<>();
    String xff = header.apply("x-forwarded-for");
    if (xff != null) {
      for (String s : xff.split(",")) {
        chain.add(s.trim());
      }
    } else {
      String fwd = header.apply("forwarded");
      if (fwd != null) {
        for (String element : fwd.split(",")) {
          for (String pair : element.split(";")) {
            String p = pair.trim();
            if (p.regionMatches(true, 0, "for=", 0, 4)) {
              String v = p.substring(4).trim();
              if (v.startsWith("\"") && v.endsWith("\"") && v.length() >= 2) {
                v = v.substring(1, v.length() - 1);
              }
              if (v.startsWith("[")) {
                int end = v.indexOf(']');
                v = end > 0 ? v.substring(1, end) : v;
              } else if (v.indexOf(':') == v.lastIndexOf(':') && v.indexOf(':') > 0) {
                v = v.substring(0, v.indexOf(':')); // IPv4 with a port
              }
              chain.add(v);
            }
          }
        }
      }
    }
    InetAddress client = peer;
    for (int i = chain.size() - 1; i >= 0; i--) {
      InetAddress hop = IpAddresses.parse(chain.get(i));
      if (hop == null) {
        break; // an unreadable hop (e.g. "unknown"): the nearest readable one is the client
      }
      client = hop;
      if (!trusted.contains(hop)) {
        break;
      }
    }
    return client;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
