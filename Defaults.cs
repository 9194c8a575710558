namespace MiniMesos;

/// <summary>Ports a Mesos user recognises, and the other defaults: at the root, as the CLI, the hosts, Raft and the agent all use them.</summary>
internal static class Defaults
{
    public const int ApiPort = 5050;
    public const int ClusterPort = 5051;

    /// <summary>The app DNS, on the port Consul uses for the same job.</summary>
    public const int DnsPort = 8600;
    public const string ClusterName = "minimesos";
    public const string MasterDataDir = "/var/lib/minimesos/master";
    public const string AgentWorkDir = "/var/lib/minimesos/agent";
}
