using MiniMesos.Core.Model;

namespace MiniMesos.Core.Allocation;

/// <summary>Everything the allocator hands out: the scalars of <see cref="Resources"/> plus ports.</summary>
internal readonly record struct ResourceSet(Resources Scalars, PortRanges Ports)
{
    public static ResourceSet Empty => new(new Resources(0, 0), PortRanges.Empty);

    public static ResourceSet operator +(ResourceSet a, ResourceSet b) => new(a.Scalars + b.Scalars, a.Ports.Add(b.Ports));

    public static ResourceSet operator -(ResourceSet a, ResourceSet b) => new(a.Scalars - b.Scalars, a.Ports.Subtract(b.Ports));

    public bool Contains(ResourceSet request) => Scalars.Contains(request.Scalars) && Ports.Contains(request.Ports);

    /// <summary>
    /// The first way <paramref name="request"/> does not fit, in words ("cpus: 4 requested, 3 available");
    /// null when it fits.
    /// </summary>
    public string? Shortfall(ResourceSet request)
    {
        if (request.Scalars.Cpus > Scalars.Cpus + 1e-9) return $"cpus: {request.Scalars.Cpus:0.###} requested, {Scalars.Cpus:0.###} available";
        if (request.Scalars.MemMb > Scalars.MemMb) return $"mem: {request.Scalars.MemMb} MiB requested, {Scalars.MemMb} MiB available";
        if (request.Scalars.DiskMb > Scalars.DiskMb) return $"disk: {request.Scalars.DiskMb} MiB requested, {Scalars.DiskMb} MiB available";
        var missing = request.Ports.Subtract(Ports);
        return missing.IsEmpty ? null : $"ports: {missing} not in offered ranges {Ports}";
    }

    public override string ToString() => Ports.IsEmpty ? Scalars.ToString() : $"{Scalars} ports={Ports}";
}
