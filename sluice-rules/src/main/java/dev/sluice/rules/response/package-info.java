/**
 * What a denied or limited HTTP response carries, without any HTTP library: the rate-limit
 * header fields of an outcome and the problem documents. Every front end (the service, the
 * gateway, the servlet filter, the Spring starter) writes these into its own response type.
 */
package dev.sluice.rules.response;
