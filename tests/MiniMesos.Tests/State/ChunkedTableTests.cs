using MiniMesos.Core.State;
using Xunit;

namespace MiniMesos.Tests.State;

/// <summary>The chunked table against a plain dictionary: snapshots keep their moment while the table grows and changes.</summary>
public sealed class ChunkedTableTests
{
    [Fact]
    public void SnapshotsKeepTheirMomentThroughWritesRemovalsGrowthAndClear()
    {
        var table = new ChunkedTable<string>();
        var model = new Dictionary<string, string>(StringComparer.Ordinal);
        var snapshots = new List<(ChunkedTable<string> Snapshot, Dictionary<string, string> Expected)>();
        var random = new Random(6);
        for (var i = 0; i < 20_000; i++)
        {
            var key = $"task-{random.Next(5_000)}";
            switch (random.Next(10))
            {
                case < 6:
                    table.Set(key, $"v{i}");
                    model[key] = $"v{i}";
                    break;
                case < 9:
                    Assert.Equal(model.Remove(key), table.Remove(key));
                    break;
                default:
                    Assert.Equal(model.ContainsKey(key), table.ContainsKey(key));
                    break;
            }
            if (i == 5_000)
            {
                table.Clear();
                model.Clear();
            }
            if (random.Next(50) == 0) snapshots.Add((table.Snapshot(), new Dictionary<string, string>(model, StringComparer.Ordinal)));
        }
        Assert.True(table.Count > 1_000, $"only {table.Count} entries");
        snapshots.Add((table.Snapshot(), model));
        foreach (var (snapshot, expected) in snapshots)
        {
            Assert.Equal(expected.Count, snapshot.Count);
            Assert.Equal(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal), snapshot.OrderBy(kv => kv.Key, StringComparer.Ordinal));
            Assert.Equal(snapshot.Select(kv => kv.Key), snapshot.Keys);
            Assert.Equal(expected.Count, snapshot.Values.Count());
            foreach (var (key, value) in expected)
            {
                Assert.True(snapshot.TryGetValue(key, out var found) && found == value, $"{key} is {found}, expected {value}");
                Assert.Equal(value, snapshot[key]);
            }
            Assert.False(snapshot.ContainsKey("task-none"));
        }
    }

    [Fact]
    public void EntriesEnumerateInInsertionOrderThroughRemovalsAndCompaction()
    {
        var table = new ChunkedTable<string>();
        var order = new List<string>();
        for (var i = 0; i < 3_000; i++)
        {
            table.Set($"k{i}", $"v{i}");
            order.Add($"k{i}");
            if (i % 3 != 0) continue;
            var gone = order[order.Count / 2];
            if (table.Remove(gone)) order.Remove(gone);
            if (order.Count > 0) table.Set(order[0], "again");
        }
        for (var i = 0; i < 2_500; i++) Assert.Equal(order.Remove($"k{i}"), table.Remove($"k{i}"));
        Assert.Equal(order, table.Keys);
        Assert.Equal(order.Count, table.Count);
        Assert.Equal(order, table.Snapshot().Select(kv => kv.Key));
    }

    [Fact]
    public void ASnapshotIsReadOnly()
    {
        var table = new ChunkedTable<string>();
        foreach (var i in Enumerable.Range(0, 1_000)) table.Set($"k{i}", "x");
        var snapshot = table.Snapshot();
        Assert.Throws<InvalidOperationException>(() => snapshot.Set("k1", "y"));
        Assert.Throws<InvalidOperationException>(() => snapshot.Remove("k1"));
        Assert.Throws<InvalidOperationException>(snapshot.Clear);
        table.Set("k1", "y");
        Assert.Equal("x", snapshot["k1"]);
    }
}
