using System.Net;
using System.Net.Sockets;

namespace MiniMesos.Core.Dns;

/// <summary>
/// The records of the zone <c>&lt;cluster&gt;.minimesos.</c> built from one <see cref="AppDnsView"/>: per name its
/// A/AAAA/SRV records, the names that exist without records (empty non-terminals such as <c>agents.&lt;zone&gt;</c>,
/// which answer no-data, not NXDOMAIN: RFC 8020), and the SOA. Immutable: the server swaps in a new zone as the state changes.
/// </summary>
internal sealed class AppDnsZone
{
    /// <summary>Short, so answers follow scaling and failover within seconds (Consul's default is 0, Mesos-DNS 60).</summary>
    public const uint Ttl = 5;

    private readonly Dictionary<DnsName, List<DnsRecord>> _records = [];
    private readonly HashSet<DnsName> _names = [];

    public AppDnsZone(AppDnsView view)
    {
        Origin = AppDnsNames.Zone(view.Cluster);
        Soa = new DnsRecord(Origin, Ttl, new SoaRecordData(AppDnsNames.Leader(Origin), Origin.Prepend("hostmaster"), view.Serial,
            Refresh: 60, Retry: 10, Expire: 600, Minimum: Ttl));
        Add(Soa);
        AddAddresses(AppDnsNames.Leader(Origin), view.Leader);
        AddAddresses(AppDnsNames.Masters(Origin), view.Masters);
        foreach (var endpoint in view.Endpoints)
        {
            var target = AppDnsNames.Agent(endpoint.AgentId, Origin);
            AddAddresses(target, endpoint.Addresses);
            if (AppDnsNames.App(endpoint.AppId, Origin) is { } name) AddAddresses(name, endpoint.Addresses);
            if (AppDnsNames.Srv(endpoint.AppId, Origin) is { } srv)
            {
                foreach (var port in endpoint.Ports.Where(p => p is > 0 and <= ushort.MaxValue))
                    Add(new DnsRecord(srv, Ttl, new SrvRecordData(0, 1, (ushort)port, target)));
            }
        }
    }

    public DnsName Origin { get; }

    public DnsRecord Soa { get; }

    public bool Contains(DnsName name) => name.EndsWith(Origin);

    /// <summary>True when the name exists in the zone, with records or as an empty non-terminal.</summary>
    public bool Exists(DnsName name) => _names.Contains(name);

    public IReadOnlyList<DnsRecord> RecordsOf(DnsName name) => _records.TryGetValue(name, out var list) ? list : [];

    private void AddAddresses(DnsName name, IEnumerable<IPAddress> addresses)
    {
        foreach (var address in addresses)
        {
            DnsRecordData data = new AddressRecordData(address);
            Add(new DnsRecord(name, Ttl, data));
        }
    }

    private void Add(DnsRecord record)
    {
        if (!_records.TryGetValue(record.Name, out var list)) _records[record.Name] = list = [];
        if (list.Any(r => r.SameRecord(record))) return;
        list.Add(record);
        for (var name = record.Name; name.Labels.Count >= Origin.Labels.Count; name = name.Suffix(1))
        {
            if (!_names.Add(name) && name != record.Name) break;
        }
    }
}
