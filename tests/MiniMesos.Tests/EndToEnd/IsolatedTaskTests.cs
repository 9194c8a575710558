using System.Text;
using MiniMesos.Isolation;
using MiniMesos.Net.Http;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>A task submitted through the API runs in its own namespaces and cgroup on a real agent (needs root).</summary>
[Trait("Category", "Slow")]
public sealed class IsolatedTaskTests
{
    [Fact]
    public async Task RestartedAgentReattachesARunningTaskAndReportsTheOneThatEndedMeanwhile()
    {
        Assert.True(Environment.IsPrivilegedProcess, "isolated task tests need root (namespaces, cgroups): run the tests as root");
        var group = $"minimesos-e2e-{Environment.ProcessId}-{Guid.NewGuid():N}"[..36];
        var launch = new LaunchOptions(InitCommand: TestInit.Command, CgroupGroup: group);
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);
        using var first = new CancellationTokenSource();
        var agent = await cluster.StartAgentAsync("restarting", cluster.Secret, "test", launch: launch, stop: first.Token);
        var launcher = Assert.IsType<IsolatedTaskLauncher>(agent.Launcher);
        // The gate must be reachable for the tasks' own users, and not below /tmp (each task has a private one).
        var gate = Path.Combine(MiniMesos.Tests.Isolation.LauncherFixture.SandboxParent, "gate-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var client = cluster.Client();
            Directory.CreateDirectory(MiniMesos.Tests.Isolation.LauncherFixture.SandboxParent);
            var longRunning = await client.SubmitAsync(new TaskSubmitRequest(
                ["/bin/sh", "-c", $"echo started; while [ ! -e {gate} ]; do sleep 0.05; done; echo finished; exit 7"], null, "long", 0.1, 32, null), CancellationToken.None);
            var quick = await client.SubmitAsync(new TaskSubmitRequest(
                ["/bin/sh", "-c", $"while [ ! -e {gate} ]; do sleep 0.05; done; exit 5"], null, "quick", 0.1, 32, null), CancellationToken.None);
            await WaitForStateAsync(client, longRunning.Id, "TASK_RUNNING");
            await WaitForStateAsync(client, quick.Id, "TASK_RUNNING");

            // The agent goes away; both tasks keep running without it, then both end while it is down.
            await first.CancelAsync();
            await cluster.AgentStopped("restarting").WaitAsync(TimeSpan.FromSeconds(30));
            await File.WriteAllTextAsync(gate, "");
            await Eventually.TrueAsync(() => Exited(agent, longRunning.Id) && Exited(agent, quick.Id), "both tasks have exited while the agent is down");
            await cluster.StartAgentAsync("restarting", cluster.Secret, "test", launch: launch);

            var output = new MemoryStream();
            await client.FollowLogAsync(longRunning.Id, "stdout", output, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal("started\nfinished\n", Encoding.UTF8.GetString(output.ToArray()));
            var longFinal = await WaitForStateAsync(client, longRunning.Id, "TASK_FAILED");
            Assert.Equal(7, longFinal.ExitCode);
            var quickFinal = await WaitForStateAsync(client, quick.Id, "TASK_FAILED");
            Assert.Equal(5, quickFinal.ExitCode);
        }
        catch (Exception e) when (e is TimeoutException or Xunit.Sdk.XunitException)
        {
            throw new TimeoutException($"{e.Message}\n--- cluster log ---\n{cluster.Log}", e);
        }
        finally
        {
            RemoveGroup(launcher);
            File.Delete(gate);
        }
    }

    internal static Task<TaskView> WaitForStateAsync(MiniMesos.Net.Cli.ApiClient client, string id, string state) =>
        Eventually.MatchAsync(() => client.GetTaskAsync(id, CancellationToken.None), t => t.State == state, $"task {id} is {state}",
            describe: t => $"{t.State}: {t.Message}");

    /// <summary>The task's init has written how its command ended (it does so whether or not an agent is connected).</summary>
    private static bool Exited(Net.Agent.AgentService agent, string taskId)
    {
        var path = Path.Combine(agent.MetaDir(taskId), Core.Isolation.ExitStatusFile.FileName);
        return File.Exists(path) && Core.Isolation.ExitStatusFile.Parse(File.ReadAllText(path)) is not null;
    }

    /// <summary>Kills whatever a failed test left in the task cgroups, then removes them.</summary>
    internal static void RemoveGroup(IsolatedTaskLauncher launcher)
    {
        if (launcher.CgroupGroupDir is not { } dir || !Directory.Exists(dir)) return;
        foreach (var child in Directory.GetDirectories(dir).Append(dir))
        {
            var kill = Path.Combine(child, "cgroup.kill");
            if (child != dir && File.Exists(kill)) File.WriteAllText(kill, "1");
            MiniMesos.Tests.Isolation.LauncherFixture.RemoveCgroup(child);
        }
    }

    [Fact]
    public async Task TaskSeesItsOwnHostnameAndProcessesOnly()
    {
        Assert.True(Environment.IsPrivilegedProcess, "isolated task tests need root (namespaces, cgroups): run the tests as root");
        var group = $"minimesos-e2e-{Environment.ProcessId}-{Guid.NewGuid():N}"[..36];
        var dll = TestInit.Dll;
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);
        var agent = await cluster.StartAgentAsync("isolated", cluster.Secret, "test",
            launch: new LaunchOptions(InitCommand: ["dotnet", dll], CgroupGroup: group));
        var launcher = Assert.IsType<IsolatedTaskLauncher>(agent.Launcher);
        try
        {
            using var client = cluster.Client();
            // PID 1 is our init, the shell its child: a fresh PID namespace shows only the task's own processes.
            var task = await client.SubmitAsync(new TaskSubmitRequest(
                ["/bin/sh", "-c", "hostname; echo pid=$$; set -- /proc/[0-9]*; echo $#; id -u"], null, "iso", 0.5, 64, null), CancellationToken.None);
            var output = new MemoryStream();
            await client.FollowLogAsync(task.Id, "stdout", output, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var final = await client.GetTaskAsync(task.Id, CancellationToken.None);
            Assert.True(final.State == "TASK_FINISHED", $"{final.State}: {final.Message}; output: {string.Join(" | ", lines)}");
            Assert.Equal(task.Id[..Math.Min(63, task.Id.Length)], lines[0]);
            // Init's own threads take the first pids of the namespace; on the host pids are far larger.
            Assert.InRange(int.Parse(lines[1]["pid=".Length..]), 2, 100);
            // The shell expands the glob itself (no child that may or may not exist yet): init and sh, nothing of the host.
            Assert.Equal("2", lines[2]);
            Assert.InRange(uint.Parse(lines[3]), 1879048192u, 1879113727u); // a uid of its own, not nobody
        }
        finally
        {
            RemoveGroup(launcher);
        }
    }
}
