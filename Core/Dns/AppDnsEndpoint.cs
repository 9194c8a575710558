using System.Net;

namespace MiniMesos.Core.Dns;

/// <summary>One served instance of an app: the agent it runs on, that agent's addresses and the instance's host ports.</summary>
internal sealed record AppDnsEndpoint(string AppId, string TaskId, string AgentId, IReadOnlyList<IPAddress> Addresses, IReadOnlyList<int> Ports);
