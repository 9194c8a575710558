using MiniMesos.Core.Dns;

namespace MiniMesos.Core.Discovery;

/// <summary>A cached record, when it arrived and when it expires; <see cref="RefreshesSent"/> counts §5.2 re-queries.</summary>
internal sealed record MdnsCacheEntry(DnsRecord Record, DateTimeOffset ReceivedAt, DateTimeOffset ExpiresAt)
{
    public int RefreshesSent { get; set; }

    public uint RemainingTtl(DateTimeOffset now) => (uint)Math.Max(0, Math.Floor((ExpiresAt - now).TotalSeconds));
}
