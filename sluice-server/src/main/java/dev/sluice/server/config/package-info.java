/**
 * The service configuration: the YAML file read into {@link dev.sluice.server.config.ServerConfig},
 * validated whole so that an invalid file names every wrong key and why.
 */
package dev.sluice.server.config;
