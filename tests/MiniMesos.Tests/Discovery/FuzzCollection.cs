using Xunit;

namespace MiniMesos.Tests.Discovery;

/// <summary>The fuzz run is timed: it runs alone rather than competing with the lab tests for the CPU.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FuzzCollection
{
    public const string Name = "Discovery fuzz";
}
