namespace MiniMesos.Net.Master;

/// <summary>A command was not proposed because a master of the cluster could not read it yet (rolling upgrade in progress).</summary>
internal sealed class FeatureGateException(string message) : Exception(message);
