namespace MiniMesos.Isolation.Images;

/// <summary>Bounds on what one layer may unpack to: total file bytes, number of entries, and the length of a name.</summary>
internal sealed record LayerLimits(long MaxBytes = 16L << 30, int MaxEntries = 1_000_000, int MaxNameBytes = 4096);
