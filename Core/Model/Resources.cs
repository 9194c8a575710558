namespace MiniMesos.Core.Model;

/// <summary>Scalar resources: cpus (fractional), memory and disk in MiB.</summary>
internal readonly record struct Resources(double Cpus, long MemMb, long DiskMb = 0)
{
    public static Resources operator +(Resources a, Resources b) => new(a.Cpus + b.Cpus, a.MemMb + b.MemMb, a.DiskMb + b.DiskMb);
    public static Resources operator -(Resources a, Resources b) => new(a.Cpus - b.Cpus, a.MemMb - b.MemMb, a.DiskMb - b.DiskMb);

    /// <summary>True when every scalar of <paramref name="request"/> fits (with a small tolerance for float cpus).</summary>
    public bool Contains(Resources request) =>
        request.Cpus <= Cpus + 1e-9 && request.MemMb <= MemMb && request.DiskMb <= DiskMb;

    public override string ToString() => $"cpus={Cpus:0.###} mem={MemMb}MiB disk={DiskMb}MiB";
}
