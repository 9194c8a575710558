using Xunit;

namespace MiniMesos.Tests.Discovery;

/// <summary>Lab tests share one set of namespace hosts and run one after another (they all use port 5353).</summary>
[CollectionDefinition(Name)]
public sealed class LabCollection : ICollectionFixture<LabFixture>
{
    public const string Name = "Discovery lab";
}
