package dev.sluice.rules.identity;

/**
 * Who made a request.
 *
 * @param key the client key limits of scope {@code client} count by: {@code key:<api key>},
 *     else {@code user:<user id>}, else {@code ip:<address>}
 * @param userId the authenticated user, or null
 * @param orgId the organisation, or null
 * @param ip the client address as determined (socket, or forwarded via trusted proxies), or null
 */
public record ClientIdentity(String key, String userId, String orgId, String ip) {}
