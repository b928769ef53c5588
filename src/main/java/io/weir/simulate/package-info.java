/**
 * {@code weir simulate}: a deterministic discrete-event simulation of a pool of servers, driving the
 * real {@code io.weir.balance} classes on a virtual clock. A {@link io.weir.simulate.Scenario} (YAML or
 * JSON, built-ins under {@code scenarios/} on the classpath) describes servers, traffic and events;
 * {@link io.weir.simulate.Simulator} runs each algorithm on identical traffic;
 * {@link io.weir.simulate.Report} and {@link io.weir.simulate.SvgChart} present the results.
 */
package io.weir.simulate;
