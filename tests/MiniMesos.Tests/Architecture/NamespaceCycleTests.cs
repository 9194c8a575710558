using Xunit;

namespace MiniMesos.Tests.Architecture;

/// <summary>
/// The folders depend on each other in one direction (docs/architecture.md): no cycle between the top-level parts, and
/// between second-level folders only the cycles listed here, which are still to cut. A new cycle fails; so does a listed
/// one that is gone (take it off the list).
/// </summary>
public sealed class NamespaceCycleTests
{
    private static readonly string[] KnownFolderCycles =
    [
        // The port types (PortRanges, TaskPorts) live in Allocation and the model's records use them; ValidationError
        // lives in Frameworks and Fetch uses it; the app DNS view reads apps, and app specs validate DNS-SD types.
        "Core/Allocation, Core/Dns, Core/Fetch, Core/Frameworks, Core/Model, Core/State",
        // The launcher in Isolation/ and its parts in subfolders (cgroups, images, the self-test) name each other.
        "Isolation, Isolation/Cgroups, Isolation/Images, Isolation/SelfTest",
        // The master builds HTTP views (FrameworkView, RoleView); backups read the master and are served over HTTP.
        "Net/Backup, Net/Http, Net/Master",
        // The cluster protocol's codec carries Raft's chunks, and Raft's transport speaks the protocol's frames.
        "Net/Protocol, Net/Raft",
    ];

    [Fact]
    public void TopLevelPartsHaveNoCycle()
    {
        var graph = SourceGraph.Load(TopLevel);
        var cycles = graph.Cycles();
        Assert.True(cycles.Count == 0, "cycles between top-level parts: " + Describe(graph, cycles));
    }

    [Fact]
    public void FoldersHaveNoCycleButTheKnownOnes()
    {
        var graph = SourceGraph.Load(Folder);
        var cycles = graph.Cycles();
        Assert.True(cycles.Select(c => string.Join(", ", c)).SequenceEqual(KnownFolderCycles),
            "folder cycles changed (cut a listed one? take it off the list): " + Describe(graph, cycles));
    }

    [Fact]
    public void TheGraphSeesACycleWhenThereIsOne()
    {
        // Net/Cli runs the hosts, and the hosts read nothing of the CLI's: the two folders are on one path, not a cycle.
        var graph = SourceGraph.Load(Folder);
        Assert.Contains("Net/Hosts", graph.Edges["Net/Cli"].Keys);
        Assert.Contains("Core/State", graph.Edges["Net/Master"].Keys);
        Assert.DoesNotContain("Net/Master", graph.Edges.TryGetValue("Core/State", out var e) ? e.Keys : Enumerable.Empty<string>());
    }

    private static string TopLevel(string path) => path.Split('/') switch
    {
        ["Program.cs"] => "Program",
        [_] => "(root)",
        var parts => parts[0],
    };

    private static string Folder(string path) => path.Split('/') switch
    {
        ["Program.cs"] => "Program",
        [_] => "(root)",
        [var top, _] => top,
        var parts => parts[0] + "/" + parts[1],
    };

    private static string Describe(SourceGraph graph, IReadOnlyList<IReadOnlyList<string>> cycles) =>
        string.Join("; ", cycles.Select(c => "[" + string.Join(", ", c) + "]: "
            + string.Join(" | ", c.SelectMany(a => c.Select(b => graph.Why(a, b))).Where(w => w.Length > 0))));
}
