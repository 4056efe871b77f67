/**
 * The fault lab's two programs. {@link dev.sluice.lab.LabClient} sends checks to Sluice
 * instances from its own network namespace and writes every operation to a history file;
 * {@link dev.sluice.lab.HistoryChecker} reads that history with the lab's fault log and judges
 * every key against the engine's documented bound. {@code lab.sh} builds the namespaces, starts
 * the processes and injects the faults (docs/reliability.md).
 */
package dev.sluice.lab;
