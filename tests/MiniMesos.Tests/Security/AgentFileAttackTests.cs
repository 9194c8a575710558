using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using MiniMesos.Core.Isolation;
using MiniMesos.Isolation;
using MiniMesos.Net.Agent;
using MiniMesos.Net.Protocol;
using MiniMesos.Tests.Isolation;
using Xunit;

namespace MiniMesos.Tests.Security;

/// <summary>
/// A real agent service (real launcher, init, per-task users) in its own work dir: what the agent does with a task's
/// files after the task ran (logs API, reported marker, garbage collection, restart) never goes through a path the
/// task planted, bad launch input ends the task TASK_FAILED, and a kill ends a task that never started.
/// </summary>
[Trait("Category", "Slow")]
public sealed class AgentFileAttackTests(LauncherFixture fx) : IClassFixture<LauncherFixture>, IDisposable
{
    private const uint First = 1879112000;
    private readonly string _work = Path.Combine(LauncherFixture.SandboxParent, "agent-" + Guid.NewGuid().ToString("N"));
    private readonly ConcurrentQueue<StatusUpdate> _updates = new();

    private AgentService NewAgent(uint last = First + 50)
    {
        var agent = new AgentService(fx.Launcher, _work, NullLogger.Instance, TaskUserPolicy.NobodyOnly, new TaskUidPool(First, last));
        agent.Publish = u =>
        {
            _updates.Enqueue(u);
            return Task.CompletedTask;
        };
        agent.Recover();
        return agent;
    }

    private async Task<StatusUpdate> WaitForEnd(string taskId) =>
        (await Eventually.MatchAsync(
            () => Task.FromResult(_updates.LastOrDefault(u => u.TaskId == taskId && u.State is "TASK_FINISHED" or "TASK_FAILED" or "TASK_KILLED" or "TASK_LOST")),
            end => end is not null, $"task {taskId} ends", TimeSpan.FromSeconds(60),
            () => $"its updates: {string.Join(", ", _updates.Where(u => u.TaskId == taskId).Select(u => u.State))}"))!;

    private static LaunchTask Sh(string id, string script, Dictionary<string, string>? env = null) =>
        new(id, id, ["/bin/sh", "-c", script], env ?? [], 0.1, 64);

    [Fact]
    public async Task LogsMarkersAndGarbageCollectionIgnoreEverythingTheTaskPlanted()
    {
        using var scene = new AttackScene();
        var agent = NewAgent();
        // Links at every name, a deep tree (deeper than the collector holds fds for) and a link to a directory to be kept.
        var deep = string.Join("/", Enumerable.Repeat("d", 40));
        agent.Launch(Sh("gc-1", $"{scene.PlantLinks(["stdout", "stderr", "exit_status", ".reported", "uid", "health-checks"])}; " +
            $"mkdir -p {deep} && echo x > {deep}/f; echo hello; exit 0"));
        var end = await WaitForEnd("gc-1");
        Assert.Equal("TASK_FINISHED", end.State);
        Assert.Equal("hello\n", Encoding.UTF8.GetString(agent.ReadLog(new LogRead(1, "gc-1", "stdout", 0, 4096)).Data));
        Assert.Empty(agent.ReadLog(new LogRead(2, "gc-1", "stderr", 0, 4096)).Data);
        await agent.AcknowledgeAsync(end.UpdateId);
        Assert.Equal("TASK_FINISHED\n", File.ReadAllText(Path.Combine(agent.MetaDir("gc-1"), SandboxCollector.ReportedMarker)));
        scene.AssertUntouched();

        // A restart reads markers and exit status from the meta dir, never from the planted links.
        var restarted = NewAgent();
        Assert.DoesNotContain("gc-1", restarted.Report().Tasks);
        var removed = new List<string>();
        var collector = new SandboxCollector(restarted.SandboxRoot, restarted.MetaRoot, TimeSpan.Zero, 0, NullLogger.Instance, removed.Add);
        Assert.Equal(1, collector.Collect(DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.Equal(["gc-1"], removed);
        Assert.False(Directory.Exists(Path.Combine(restarted.SandboxRoot, "gc-1")));
        Assert.False(Directory.Exists(restarted.MetaDir("gc-1")));
        scene.AssertUntouched();
    }

    [Fact]
    public void TheLogsApiRefusesAHardlinkedOrForeignFile()
    {
        using var scene = new AttackScene();
        var agent = NewAgent();
        var meta = agent.MetaDir("hl-1");
        TaskDirs.CreateRootOnly(meta);
        Directory.CreateDirectory(Path.Combine(agent.SandboxRoot, "hl-1"));
        File.CreateSymbolicLink(Path.Combine(meta, "stdout"), scene.PrivateFile);
        Assert.Empty(agent.ReadLog(new LogRead(1, "hl-1", "stdout", 0, 4096)).Data);
        Assert.Null(TaskFiles.ReadOwn(meta, "stdout"));
        // A second name for a file (what a hardlink planted by a task would be) is refused as well.
        var twice = Path.Combine(scene.Root, "twice");
        File.WriteAllText(twice, AttackScene.Secret);
        Assert.Equal(0, Link(twice, Path.Combine(meta, "stderr")));
        Assert.Empty(agent.ReadLog(new LogRead(2, "hl-1", "stderr", 0, 4096)).Data);
        Assert.Null(TaskFiles.OpenOwn(meta, "stderr", FileAccess.ReadWrite, anyOwner: true));
        Assert.Equal("bad log request for task '../x' stream 'stdout'", agent.ReadLog(new LogRead(3, "../x", "stdout", 0, 10)).Error);
        scene.AssertUntouched();
    }

    [Theory]
    [InlineData("env")]
    [InlineData("argv")]
    [InlineData("envname")]
    public async Task LaunchInputTheKernelCannotPassFailsTheTaskCleanly(string where)
    {
        var agent = NewAgent();
        var id = "nul-" + where;
        var launch = where switch
        {
            "env" => Sh(id, "echo hi", new Dictionary<string, string> { ["X"] = "a\0b" }),
            "envname" => Sh(id, "echo hi", new Dictionary<string, string> { ["A=B"] = "c" }),
            _ => Sh(id, "echo a\0b"),
        };
        agent.Launch(launch);
        var end = await WaitForEnd(id);
        Assert.Equal("TASK_FAILED", end.State);
        Assert.Contains(where == "argv" ? "argv[2]" : "env.", end.Message);
        Assert.Equal(0, agent.RunningCount);
    }

    [Fact]
    public async Task AKillEndsATaskThatNeverStartedAndALateLaunchOfItIsIgnored()
    {
        var agent = NewAgent();
        await agent.KillAsync(new KillTask("never-1", 0));
        var end = await WaitForEnd("never-1");
        Assert.Equal("TASK_KILLED", end.State);
        agent.Launch(Sh("never-1", "echo ran"));
        // An ignored launch sends nothing: a task launched after it ends only after the agent handled both.
        agent.Launch(Sh("after-never-1", "true"));
        await WaitForEnd("after-never-1");
        Assert.DoesNotContain(_updates, u => u.TaskId == "never-1" && u.State is "TASK_STARTING" or "TASK_RUNNING");
    }

    [Fact]
    public async Task PerTaskUidsAreDistinctKeptAcrossARestartAndReusedOnlyAfterCollection()
    {
        var agent = NewAgent(last: First + 1); // room for two tasks
        agent.Launch(Sh("uid-1", "id -u; touch started; i=0; while [ ! -e stop ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done"));
        await Eventually.TrueAsync(() => File.Exists(Path.Combine(agent.SandboxRoot, "uid-1", "started")), "task uid-1 has started");
        var held = uint.Parse(File.ReadAllText(Path.Combine(agent.MetaDir("uid-1"), "uid")));

        // The agent restarts: it reattaches uid-1 and keeps its uid, so the next task gets the other one.
        var restarted = NewAgent(last: First + 1);
        Assert.Contains("uid-1", restarted.Report().Running);
        restarted.Launch(Sh("uid-2", "id -u"));
        Assert.Equal("TASK_FINISHED", (await WaitForEnd("uid-2")).State);
        var other = uint.Parse(Encoding.UTF8.GetString(restarted.ReadLog(new LogRead(1, "uid-2", "stdout", 0, 100)).Data).Trim());
        Assert.NotEqual(held, other);
        Assert.InRange(other, First, First + 1);

        // Both uids still own files: a third task has none left and fails saying so.
        restarted.Launch(Sh("uid-3", "id -u"));
        var third = await WaitForEnd("uid-3");
        Assert.Equal("TASK_FAILED", third.State);
        Assert.Contains("no free task uid", third.Message);

        File.WriteAllText(Path.Combine(restarted.SandboxRoot, "uid-1", "stop"), "");
        Assert.Equal("TASK_FINISHED", (await WaitForEnd("uid-1")).State);
    }

    public void Dispose()
    {
        try { TaskFiles.RemoveTree(LauncherFixture.SandboxParent, Path.GetFileName(_work)); } catch (IOException) { }
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int link(string oldpath, string newpath);

    private static int Link(string from, string to) => link(from, to);
}
