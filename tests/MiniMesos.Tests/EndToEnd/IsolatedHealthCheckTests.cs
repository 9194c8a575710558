using MiniMesos.Core.Model;
using MiniMesos.Isolation;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>
/// COMMAND checks on an isolating agent (needs root): run as the task's user inside the task's namespaces, and resumed
/// after an agent restart.
/// </summary>
[Trait("Category", "Slow")]
public sealed class IsolatedHealthCheckTests
{
    [Fact]
    public async Task ACommandCheckRunsAsTheTasksUserAndKeepsProbingAfterTheAgentRestarts()
    {
        Assert.True(Environment.IsPrivilegedProcess, "isolated health check tests need root (namespaces, cgroups): run the tests as root");
        var group = $"minimesos-e2e-{Environment.ProcessId}-{Guid.NewGuid():N}"[..36];
        var launch = new LaunchOptions(InitCommand: TestInit.Command, CgroupGroup: group);
        await using var lab = await MarathonApps.StartAsync(agents: 0);
        using var first = new CancellationTokenSource();
        var agent = await lab.Cluster.StartAgentAsync("restarting", lab.Cluster.Secret, "test", launch: launch, stop: first.Token);
        var launcher = Assert.IsType<IsolatedTaskLauncher>(agent.Launcher);
        var shared = Path.Combine(MiniMesos.Tests.Isolation.LauncherFixture.SandboxParent, "health-" + Guid.NewGuid().ToString("N"));
        try
        {
            // Checks run as the task's own user: the gate and the place they write to must be reachable, and not below
            // /tmp (each task, and so its checks, has a private one).
            Directory.CreateDirectory(shared);
            File.SetUnixFileMode(shared, (UnixFileMode)0b111_101_101);
            var gate = Path.Combine(shared, "gate");
            await File.WriteAllTextAsync(gate, "");
            var who = Directory.CreateDirectory(Path.Combine(shared, "who")).FullName;
            File.SetUnixFileMode(who, (UnixFileMode)0b111_111_111);
            Assert.Equal(201, (await lab.SendAsync(HttpMethod.Post, "/v2/apps", $$"""
                {"id": "/gated", "cmd": "exec sleep 300", "cpus": 0.1, "mem": 32, "instances": 1,
                 "healthChecks": [{"protocol": "COMMAND", "command": {"value": "{ id -u; hostname; tr '\\0' ' ' < /proc/1/cmdline; echo; } > {{who}}/$MINIMESOS_TASK_ID; test -e {{gate}}"},
                                   "gracePeriodSeconds": 0, "intervalSeconds": 2, "timeoutSeconds": 2, "maxConsecutiveFailures": 2}]}
                """)).Status);
            var app = await lab.WaitForAppAsync("/gated", a => a.GetProperty("tasksHealthy").GetInt32() == 1, "healthy");
            var id = MarathonApps.Tasks(app)[0].GetProperty("id").GetString()!;
            var seen = (await File.ReadAllLinesAsync(Path.Combine(who, id))).ToList();
            // The task's per-task uid (the one recorded in its meta dir), not nobody.
            Assert.Equal(File.ReadAllText(Path.Combine(lab.Cluster.Dir, "restarting", "meta", id, "uid")).Trim(), seen[0]);
            // The check runs inside the task's namespaces: its hostname, and PID 1 is the task's own init (not one of its own).
            Assert.Equal(id, seen[1]);
            Assert.Contains($"--id {id} --sandbox", seen[2]);

            // The agent restarts; the instance keeps running and its checks are read back from the sandbox.
            await first.CancelAsync();
            await lab.Cluster.AgentStopped("restarting").WaitAsync(MarathonApps.Patience);
            await lab.Cluster.StartAgentAsync("restarting", lab.Cluster.Secret, "test", launch: launch);
            File.Delete(gate);

            var master = lab.Cluster.Master.Service;
            var killed = await Eventually.MatchAsync(() => Task.FromResult(master.Task(id)!), t => t.State != TaskState.Running,
                "the unhealthy instance is killed", MarathonApps.Patience, () => $"log:\n{lab.Cluster.Log}");
            Assert.True(killed.State == TaskState.Killed, $"{killed.State}: {killed.Message}\nlog:\n{lab.Cluster.Log}");
            Assert.Contains("command exited with code 1", killed.Message);
            await lab.WaitForAppAsync("/gated", a => a.GetProperty("tasksRunning").GetInt32() == 1 && MarathonApps.Tasks(a)[0].GetProperty("id").GetString() != id,
                "replaced");
        }
        finally
        {
            IsolatedTaskTests.RemoveGroup(launcher);
            if (Directory.Exists(shared)) Directory.Delete(shared, recursive: true);
        }
    }
}
