using Xunit;

namespace MiniMesos.Tests.Isolation;

/// <summary>
/// Tests that need the host's mount table to hold still (a waiting init is used only while it does; network
/// namespace tests mount under /run/netns) or that change it themselves: they run alone, never beside another test.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostMountsCollection
{
    public const string Name = "Host mount table";
}
