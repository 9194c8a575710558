namespace MiniMesos.Net.Agent;

/// <summary>A probe could not even be attempted (e.g. the instance has no such port); the message is the failure cause.</summary>
internal sealed class ProbeException(string message) : Exception(message);
