using System.Text.Json;
using MiniMesos.Core.Model;
using MiniMesos.Tests.MessagePack;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>
/// The Framework API from outside: tests/oracles/mesos_framework.py, written from docs/protocol.md alone (its own
/// MessagePack via python3-msgpack and its own HMAC handshake), against a real master and agent.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PythonFrameworkTests
{
    [Fact]
    public async Task FrameworkFromTheDocsRunsATaskDeclinesReconcilesAndTearsDown()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        var tokenFile = Path.Combine(cluster.Dir, "framework-token");
        await File.WriteAllTextAsync(tokenFile, cluster.PinnedToken);
        var script = Path.Combine(AppContext.BaseDirectory, "oracles", "mesos_framework.py");
        var (exit, output) = await Task.Run(() => PythonOracle.RunScript(script, TimeSpan.FromSeconds(90),
            "127.0.0.1", cluster.ClusterPort.Port.ToString(), "test", tokenFile));
        Assert.True(exit == 0, $"framework exited {exit}: {output}\n--- master log ---\n{cluster.Log}");
        using var seen = JsonDocument.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0]);
        var root = seen.RootElement;

        var states = root.GetProperty("states").EnumerateArray().Select(s => s.GetString()).ToList();
        Assert.Equal("TASK_FINISHED", states[^1]);
        Assert.Contains("TASK_RUNNING", states);
        Assert.Equal(0, root.GetProperty("exit_code").GetInt32());
        Assert.True(root.GetProperty("acks").GetInt32() >= states.Count);
        Assert.Equal(2.0, root.GetProperty("offer").GetProperty("cpus").GetDouble());
        Assert.Contains("is unknown", root.GetProperty("refused").GetString());
        Assert.Equal("accept", root.GetProperty("error").GetProperty("message_type").GetString());
        Assert.Equal("offer_ids", root.GetProperty("error").GetProperty("field").GetString());
        Assert.Equal(0, root.GetProperty("offers_after_decline").GetInt32());
        Assert.Equal("TASK_FINISHED", root.GetProperty("reconciled").GetProperty("py-task-1").GetString());
        Assert.Equal("TASK_LOST", root.GetProperty("reconciled").GetProperty("no-such-task").GetString());
        Assert.True(root.GetProperty("closed_after_teardown").GetBoolean());

        var master = cluster.Master.Service;
        Assert.Empty(master.Frameworks());
        var task = master.Task("py-task-1");
        Assert.NotNull(task);
        Assert.Equal(TaskState.Finished, task.State);
        Assert.Equal(["/bin/sh", "-c", "sleep 2; echo from-python-framework"], task.Spec.Argv);
    }
}
