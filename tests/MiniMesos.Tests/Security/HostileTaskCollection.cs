using MiniMesos.Tests.Isolation;
using Xunit;

namespace MiniMesos.Tests.Security;

/// <summary>
/// The hostile-task tests (<see cref="TaskAttackTests"/>, <see cref="TaskReachAttackTests"/>) share one real launcher,
/// set up once; each test uses per-task uids of its own.
/// </summary>
[CollectionDefinition(Name)]
public sealed class HostileTaskCollection : ICollectionFixture<LauncherFixture>
{
    public const string Name = "hostile tasks";
}
