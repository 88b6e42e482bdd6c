/** Request counters, Prometheus text rendering and rate-limited error logging. */
package dev.cairn.server.metrics;
