/**
 * DJPQ (SPEC §10): differentiable mixed-precision quantization ({@link
 * io.jqp.plugins.djpq.DjpqQuantizer}), variational-information-bottleneck channel gates ({@link
 * io.jqp.plugins.djpq.VibGate}) and the BOPs cost ({@link io.jqp.plugins.djpq.BopsCost}) that
 * couples them in one loss: L = task + γ·Σ KL_l + β·Σ BOPs_l / BOPs_fp32.
 */
package io.jqp.plugins.djpq;
