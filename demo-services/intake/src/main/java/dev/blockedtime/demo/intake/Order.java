package dev.blockedtime.demo.intake;

import io.opentelemetry.context.Context;

/**
 * An accepted order on its way from the HTTP handler to a processor. It carries the request's
 * trace context across the queue, so the processor's work joins the request's trace.
 */
record Order(String orderId, String sku, int quantity, Context context, long acceptedAtNanos) {}
