using System.Net;
using MiniMesos.Net.Security;

namespace MiniMesos.Net.Hosts;

/// <summary>How a master runs: where it listens, where it keeps its data, which cluster it belongs to.</summary>
internal sealed record MasterOptions(
    IPEndPoint ApiEndpoint,
    IPEndPoint ClusterEndpoint,
    string DataDir,
    string ClusterName,
    ClusterSecret? Secret);
