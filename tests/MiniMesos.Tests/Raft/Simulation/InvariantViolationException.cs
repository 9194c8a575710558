namespace MiniMesos.Tests.Raft.Simulation;

/// <summary>A Raft safety property or the linearizability of the client history was broken.</summary>
internal sealed class InvariantViolationException(string message) : Exception(message);
