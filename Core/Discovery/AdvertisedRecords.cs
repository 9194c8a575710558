using System.Net.Sockets;
using MiniMesos.Core.Dns;

namespace MiniMesos.Core.Discovery;

/// <summary>
/// The records one advertisement owns under its current names, and which of them answer a question
/// (with the additional records RFC 6763 §12 recommends).
/// </summary>
internal sealed class AdvertisedRecords
{
    public AdvertisedRecords(ServiceInstance instance, string instanceLabel, string hostLabel)
    {
        InstanceLabel = instanceLabel;
        HostLabel = hostLabel;
        var serviceType = instance.ServiceType ?? MdnsProtocol.ServiceType;
        InstanceName = serviceType.Prepend(instanceLabel);
        HostName = MdnsProtocol.Local.Prepend(hostLabel);
        Ptr = new DnsRecord(serviceType, MdnsProtocol.OtherRecordTtl, new PtrRecordData(InstanceName));
        ServicesMeta = new DnsRecord(MdnsProtocol.ServicesMeta, MdnsProtocol.OtherRecordTtl, new PtrRecordData(serviceType));
        Srv = new DnsRecord(InstanceName, MdnsProtocol.HostRecordTtl, new SrvRecordData(0, 0, instance.Port, HostName), CacheFlush: true);
        Txt = new DnsRecord(InstanceName, MdnsProtocol.OtherRecordTtl, TxtRecordData.FromPairs(instance.Txt), CacheFlush: true);
        Addresses = [.. instance.Addresses.Distinct().Select(a => new DnsRecord(HostName, MdnsProtocol.HostRecordTtl,
            new AddressRecordData(a), CacheFlush: true))];
        InstanceNsec = new DnsRecord(InstanceName, MdnsProtocol.OtherRecordTtl, new NsecRecordData(InstanceName, [DnsType.Srv, DnsType.Txt]), CacheFlush: true);
        HostNsec = new DnsRecord(HostName, MdnsProtocol.HostRecordTtl, new NsecRecordData(HostName, Addresses.Select(a => a.Type)), CacheFlush: true);
        All = [Ptr, ServicesMeta, Srv, Txt, .. Addresses, InstanceNsec, HostNsec];
    }

    public string InstanceLabel { get; }
    public string HostLabel { get; }
    public DnsName InstanceName { get; }
    public DnsName HostName { get; }
    public DnsRecord Ptr { get; }
    public DnsRecord ServicesMeta { get; }
    public DnsRecord Srv { get; }
    public DnsRecord Txt { get; }
    public IReadOnlyList<DnsRecord> Addresses { get; }
    public DnsRecord InstanceNsec { get; }
    public DnsRecord HostNsec { get; }
    public IReadOnlyList<DnsRecord> All { get; }

    /// <summary>The unique records proposed in the authority section of a probe (RFC 6762 §8.2).</summary>
    public IReadOnlyList<DnsRecord> ProbeAuthorities => [Srv, Txt, .. Addresses];

    public bool OwnsName(DnsName name) => name == InstanceName || name == HostName;

    /// <summary>True if we hold exactly this record (name, type, class, rdata).</summary>
    public bool Holds(DnsRecord record) => All.Any(r => r.SameRecord(record));

    /// <summary>Our records answering one question; NSEC stands in for types we do not have (RFC 6762 §6.1).</summary>
    public IReadOnlyList<DnsRecord> Answer(DnsQuestion q)
    {
        if (q.Class != DnsType.ClassIn && q.Class != DnsType.ClassAny) return [];
        var named = All.Where(r => r.Name == q.Name).ToList();
        if (named.Count == 0) return [];
        if (q.Type == DnsType.Any) return [.. named.Where(r => r.Type != DnsType.Nsec)];
        var exact = named.Where(r => r.Type == q.Type).ToList();
        if (exact.Count > 0) return exact;
        return OwnsName(q.Name) ? [q.Name == InstanceName ? InstanceNsec : HostNsec] : [];
    }

    /// <summary>RFC 6763 §12: PTR brings SRV, TXT and addresses; SRV brings addresses; each with its NSEC.</summary>
    public IReadOnlyList<DnsRecord> AdditionalsFor(IReadOnlyList<DnsRecord> answers)
    {
        var extra = new List<DnsRecord>();
        if (answers.Any(r => r.SameRecord(Ptr))) extra.AddRange([Srv, Txt, InstanceNsec]);
        if (answers.Any(r => r.SameRecord(Ptr) || r.SameRecord(Srv))) extra.AddRange([.. Addresses, HostNsec]);
        return [.. extra.Where(e => !answers.Any(a => a.SameRecord(e))).Distinct()];
    }

    /// <summary>
    /// RFC 6762 §8.2 tie-break: compare our and their proposed records for one name, sorted by class, type and
    /// rdata bytes. Positive: ours is later (we win); negative: theirs is; zero: identical (e.g. our own echo).
    /// </summary>
    public static int CompareProbes(IEnumerable<DnsRecord> ours, IEnumerable<DnsRecord> theirs)
    {
        var a = Sorted(ours);
        var b = Sorted(theirs);
        for (var i = 0; i < Math.Min(a.Count, b.Count); i++)
        {
            var c = CompareOne(a[i], b[i]);
            if (c != 0) return c;
        }
        return a.Count.CompareTo(b.Count);
    }

    private static List<(ushort Class, ushort Type, byte[] Rdata)> Sorted(IEnumerable<DnsRecord> records)
    {
        // A loop and List.Sort, not Select/Order: LINQ over this tuple is a compiled copy of each operator (docs/size.md).
        var sorted = new List<(ushort Class, ushort Type, byte[] Rdata)>();
        foreach (var r in records) sorted.Add((r.Class, r.Type, r.Data.CanonicalBytes()));
        sorted.Sort(CompareOne);
        return sorted;
    }

    private static int CompareOne((ushort Class, ushort Type, byte[] Rdata) x, (ushort Class, ushort Type, byte[] Rdata) y)
    {
        var c = x.Class.CompareTo(y.Class);
        if (c == 0) c = x.Type.CompareTo(y.Type);
        return c != 0 ? c : x.Rdata.AsSpan().SequenceCompareTo(y.Rdata);
    }
}
