/** The decision pipeline as a Vert.x Web policy handler. */
package dev.sluice.vertx.web;
