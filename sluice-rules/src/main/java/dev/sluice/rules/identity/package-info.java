/**
 * Step two of a check: who is asking. {@link dev.sluice.rules.identity.ClientIdentifier} turns
 * a request's attributes into a {@link dev.sluice.rules.identity.ClientIdentity}: API key, else
 * authenticated user id, else client IP, where forwarding headers count only from trusted proxies.
 */
package dev.sluice.rules.identity;
