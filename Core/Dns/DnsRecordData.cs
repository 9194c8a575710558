namespace MiniMesos.Core.Dns;

/// <summary>The typed rdata of a record. Records compare by value, byte arrays included.</summary>
internal abstract record DnsRecordData
{
    public abstract ushort Type { get; }

    /// <summary>Writes the rdata (without its length); names may be compressed only where RFC 3597 allows.</summary>
    public abstract void Write(DnsWriter writer);

    /// <summary>Uncompressed rdata bytes, used to compare records in probe tie-breaks (RFC 6762 §8.2).</summary>
    public byte[] CanonicalBytes()
    {
        var w = new DnsWriter(compress: false);
        Write(w);
        return w.ToArray();
    }
}
